package emulator_test

import (
	"net/http"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/seed"
)

// TestTrackerDemoSeedLoads starts the demo seed at 2.35, 2.40, 2.41 and
// 2.42: all its tracker data is accepted by full validation and is
// served by the version's endpoints.
func TestTrackerDemoSeedLoads(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed loads are slow; skipped with -short")
	}
	inst, err := seed.Generate(seed.Demo)
	if err != nil {
		t.Fatal(err)
	}
	st := inst.Stats
	if st.TrackedEntities == 0 {
		t.Skip("the demo seed has no tracker data")
	}
	for _, v := range []string{"2.35", "2.40", "2.41", "2.42"} {
		t.Run(v, func(t *testing.T) {
			srv := start(t, emulator.Options{Version: v, Seed: seed.Demo})
			got := srv.Emulator.Stats().Tracker
			if got.TrackedEntities != st.TrackedEntities || got.Enrollments != st.Enrollments ||
				got.Events != st.TrackerEvents+st.Events || got.Relationships != st.Relationships {
				t.Fatalf("loaded %+v, seed has %d TEs, %d enrollments, %d+%d events, %d relationships",
					got, st.TrackedEntities, st.Enrollments, st.TrackerEvents, st.Events, st.Relationships)
			}
			path := "/api/tracker/events?ouMode=ACCESSIBLE&orgUnitMode=ACCESSIBLE&pageSize=5"
			key := "events"
			switch {
			case v == "2.35":
				path, key = "/api/events?pageSize=5", "events"
			case v == "2.40":
				key = "instances"
			}
			code, body := getJSON(t, srv, path)
			if code != http.StatusOK || len(asList(asObj(body)[key])) != 5 {
				t.Errorf("GET %s: HTTP %d, %d %s", path, code, len(asList(asObj(body)[key])), key)
			}
		})
	}
}
