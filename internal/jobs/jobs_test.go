package jobs

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/store/storetest"
)

// TestMigrate applies River's migrations on an empty SQLite file and an
// empty PostgreSQL schema, then checks that a second run is a no-op.
func TestMigrate(t *testing.T) {
	t.Parallel()
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "d2sync.db") }},
		{"postgres", storetest.NewPostgresSchema},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, err := store.Open(ctx, e.url(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })

			if ok, err := SchemaUpToDate(ctx, st); err != nil || ok {
				t.Fatalf("SchemaUpToDate on empty = %v, %v; want false", ok, err)
			}
			res, err := Migrate(ctx, st, nil)
			if err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			_, latest, err := SchemaVersion(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int, latest)
			for i := range want {
				want[i] = i + 1
			}
			if res.From != 0 || res.To != latest || !slices.Equal(res.Applied, want) || latest < 6 {
				t.Fatalf("first Migrate = %+v, want 0→%d applying %v", res, latest, want)
			}
			again, err := Migrate(ctx, st, nil)
			if err != nil || len(again.Applied) != 0 || again.From != latest || again.To != latest {
				t.Fatalf("second Migrate = %+v, %v; want a no-op", again, err)
			}
			if ok, err := SchemaUpToDate(ctx, st); err != nil || !ok {
				t.Fatalf("SchemaUpToDate after = %v, %v", ok, err)
			}
			if NewDriver(st) == nil {
				t.Fatal("NewDriver returned nil")
			}
		})
	}
}
