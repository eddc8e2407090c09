package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/seed"
)

// TestSeedMetadataOnly checks that SeedMetadataOnly loads every metadata
// object and the system content of the seed, and no data.
func TestSeedMetadataOnly(t *testing.T) {
	t.Parallel()
	inst, err := seed.Generate("demo")
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, emulator.Options{Version: "2.42", Seed: "demo", SeedMetadataOnly: true})
	st := srv.Stats()
	objects := 0
	for _, n := range st.Objects {
		objects += n
	}
	// The store also holds the built-in defaults and the admin user and role.
	if objects < inst.Stats.MetadataObjects || objects > inst.Stats.MetadataObjects+10 {
		t.Errorf("%d metadata objects stored, the seed has %d", objects, inst.Stats.MetadataObjects)
	}
	if st.DataValues != 0 || st.Registrations != 0 || st.Tracker.TrackedEntities != 0 || st.Tracker.Events != 0 {
		t.Errorf("data loaded: %d values, %d registrations, tracker %+v", st.DataValues, st.Registrations, st.Tracker)
	}
	if !strings.Contains(srv.SeedSummary(), "metadata only") {
		t.Errorf("seed summary %q does not say metadata only", srv.SeedSummary())
	}
	// System content (the dataStore) is there.
	if code, ns := getJSON(t, srv, "/api/dataStore"); code != 200 || len(ns.([]any)) == 0 {
		t.Errorf("/api/dataStore = %d %v, want the seed's namespaces", code, ns)
	}
}

// BenchmarkSeedMetadataOnly compares the start of a demo emulator with and
// without its data.
func BenchmarkSeedMetadataOnly(b *testing.B) {
	for _, metaOnly := range []bool{false, true} {
		name := "full"
		if metaOnly {
			name = "metadata-only"
		}
		b.Run(name, func(b *testing.B) {
			var took time.Duration
			for b.Loop() {
				start := time.Now()
				e, err := emulator.New(emulator.Options{Version: "2.41", Seed: "demo", SeedMetadataOnly: metaOnly})
				if err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
				e.Close()
			}
			b.ReportMetric(took.Seconds()/float64(b.N), "s/load")
		})
	}
}
