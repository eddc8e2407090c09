package store_test

import (
	"testing"

	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/store/storetest"
)

// TestStore runs the conformance suite on SQLite always and on PostgreSQL
// when D2SYNC_TEST_POSTGRES_URL is set (subtests TestStore/sqlite/… and
// TestStore/postgres/…).
func TestStore(t *testing.T) {
	t.Parallel()
	engines := []struct {
		name     string
		newStore storetest.NewStoreFunc
	}{
		{"sqlite", storetest.NewSQLite},
		{"postgres", storetest.NewPostgres},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			if e.name == "postgres" {
				storetest.PostgresURL(t) // skips with instructions when unset
			}
			storetest.Exercise(t, func(t *testing.T, opts ...store.Option) *store.Store {
				t.Helper()
				return e.newStore(t, opts...)
			})
		})
	}
}
