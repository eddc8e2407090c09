package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/store"
)

func newRun(t *testing.T, st *store.Store) *store.SyncRun {
	t.Helper()
	r, err := st.CreateRun(context.Background(), store.NewRun{
		SourceURL: "https://src.example.org/", DestURL: "https://dst.example.org", Scope: "metadata,data", TriggeredBy: "cli",
	})
	must(t, err)
	return r
}

func exerciseRuns(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	t.Run("create and get", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now), store.WithSealer(newRing(t)))
		r := newRun(t, st)
		if r.ID == 0 || r.State != store.RunQueued || r.PairKey != "https://src.example.org -> https://dst.example.org" ||
			r.SourceInstanceID != nil || r.DryRun || string(r.Counters) != "{}" || string(r.Report) != "{}" ||
			r.StartedAt != nil || r.FinishedAt != nil || !r.CreatedAt.Equal(us(clock.Now())) {
			t.Fatalf("created run = %+v", r)
		}
		src, err := st.CreateInstance(ctx, basicInput("src"))
		must(t, err)
		r2, err := st.CreateRun(ctx, store.NewRun{SourceInstanceID: &src.ID, SourceURL: src.BaseURL, DestURL: "https://d", DryRun: true})
		must(t, err)
		got, err := st.GetRun(ctx, r2.ID)
		must(t, err)
		if got.SourceInstanceID == nil || *got.SourceInstanceID != src.ID || !got.DryRun || got.DestInstanceID != nil {
			t.Fatalf("GetRun = %+v", got)
		}
		// Deleting the instance keeps the run and its URL.
		must(t, st.DeleteInstance(ctx, src.ID))
		got, err = st.GetRun(ctx, r2.ID)
		must(t, err)
		if got.SourceInstanceID != nil || got.SourceURL != src.BaseURL {
			t.Fatalf("after instance delete: %+v", got)
		}
		_, err = st.GetRun(ctx, 9999)
		wantErr(t, err, store.ErrNotFound)
		_, err = st.CreateRun(ctx, store.NewRun{SourceURL: "https://a"})
		wantErr(t, err, store.ErrInvalidArgument)
		bad := int64(424242)
		_, err = st.CreateRun(ctx, store.NewRun{SourceInstanceID: &bad, SourceURL: "https://a", DestURL: "https://b"})
		wantErr(t, err, store.ErrNotFound)
	})
	t.Run("lifecycle", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now))
		r := newRun(t, st)
		wantErr(t, st.SetRunStage(ctx, r.ID, "metadata"), store.ErrInvalidState)
		clock.Advance(time.Second)
		must(t, st.StartRun(ctx, r.ID))
		started := us(clock.Now())
		clock.Advance(time.Second)
		must(t, st.StartRun(ctx, r.ID)) // a retried job resumes the run
		must(t, st.SetRunStage(ctx, r.ID, "metadata"))
		must(t, st.SetRunCounters(ctx, r.ID, json.RawMessage(`{"created":3,"updated":1}`)))
		wantErr(t, st.SetRunCounters(ctx, r.ID, json.RawMessage(`{"created":`)), store.ErrInvalidArgument)
		clock.Advance(time.Second)
		must(t, st.HeartbeatRun(ctx, r.ID))
		beat := us(clock.Now())
		got, err := st.GetRun(ctx, r.ID)
		must(t, err)
		if got.State != store.RunRunning || got.Stage != "metadata" || !jsonEqual(got.Counters, `{"created":3,"updated":1}`) ||
			got.StartedAt == nil || !got.StartedAt.Equal(started) || got.HeartbeatAt == nil || !got.HeartbeatAt.Equal(beat) {
			t.Fatalf("running run = %+v", got)
		}
		must(t, st.FinishRun(ctx, r.ID, store.RunPartial, "2 conflicts"))
		must(t, st.SetRunReport(ctx, r.ID, json.RawMessage(`{"verified":false}`)))
		got, err = st.GetRun(ctx, r.ID)
		must(t, err)
		if got.State != store.RunPartial || got.Error != "2 conflicts" || got.FinishedAt == nil || !jsonEqual(got.Report, `{"verified":false}`) {
			t.Fatalf("finished run = %+v", got)
		}
		if !store.IsTerminal(got.State) {
			t.Fatal("partial is not terminal")
		}
		for name, err := range map[string]error{
			"start":     st.StartRun(ctx, r.ID),
			"finish":    st.FinishRun(ctx, r.ID, store.RunFailed, ""),
			"heartbeat": st.HeartbeatRun(ctx, r.ID),
			"counters":  st.SetRunCounters(ctx, r.ID, nil),
		} {
			wantErrNamed(t, name, err, store.ErrInvalidState)
		}
	})
	t.Run("transitions", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		tests := []struct {
			name    string
			start   bool
			to      string
			wantErr error
		}{
			{"queued to succeeded", false, store.RunSucceeded, store.ErrInvalidState},
			{"queued to partial", false, store.RunPartial, store.ErrInvalidState},
			{"queued to cancelled", false, store.RunCancelled, nil},
			{"queued to failed", false, store.RunFailed, nil},
			{"running to succeeded", true, store.RunSucceeded, nil},
			{"running to cancelled", true, store.RunCancelled, nil},
			{"running to queued", true, store.RunQueued, store.ErrInvalidArgument},
			{"running to bogus", true, "done", store.ErrInvalidArgument},
		}
		for _, tt := range tests {
			r := newRun(t, st)
			if tt.start {
				must(t, st.StartRun(ctx, r.ID))
			}
			err := st.FinishRun(ctx, r.ID, tt.to, "")
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			wantErrNamed(t, tt.name, err, tt.wantErr)
		}
		wantErr(t, st.FinishRun(ctx, 9999, store.RunFailed, ""), store.ErrNotFound)
		wantErr(t, st.StartRun(ctx, 9999), store.ErrNotFound)
		wantErr(t, st.SetRunReport(ctx, 9999, nil), store.ErrNotFound)
	})
	t.Run("list and stale", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now))
		var ids []int64
		for range 5 {
			ids = append(ids, newRun(t, st).ID)
		}
		other, err := st.CreateRun(ctx, store.NewRun{SourceURL: "https://x", DestURL: "https://y"})
		must(t, err)
		must(t, st.StartRun(ctx, ids[0]))
		must(t, st.StartRun(ctx, ids[1]))
		clock.Advance(10 * time.Minute)
		must(t, st.HeartbeatRun(ctx, ids[1]))

		all, err := st.ListRuns(ctx, store.RunFilter{})
		must(t, err)
		if len(all) != 6 || all[0].ID != other.ID {
			t.Fatalf("ListRuns = %d runs, first %d; want 6 newest first", len(all), all[0].ID)
		}
		pair, err := st.ListRuns(ctx, store.RunFilter{PairKey: store.PairKey("https://SRC.example.org", "https://dst.example.org/"), Limit: 2})
		must(t, err)
		if len(pair) != 2 || pair[0].ID != ids[4] || pair[1].ID != ids[3] {
			t.Fatalf("ListRuns(pair, limit 2) = %v", runIDs(pair))
		}
		next, err := st.ListRuns(ctx, store.RunFilter{PairKey: pair[0].PairKey, BeforeID: pair[1].ID})
		must(t, err)
		if len(next) != 3 || next[0].ID != ids[2] {
			t.Fatalf("next page = %v", runIDs(next))
		}
		running, err := st.ListRuns(ctx, store.RunFilter{State: store.RunRunning})
		must(t, err)
		if len(running) != 2 {
			t.Fatalf("running = %v", runIDs(running))
		}
		stale, err := st.ListStaleRuns(ctx, clock.Now().Add(-5*time.Minute))
		must(t, err)
		if len(stale) != 1 || stale[0].ID != ids[0] {
			t.Fatalf("stale = %v, want [%d]", runIDs(stale), ids[0])
		}
	})
}

func exerciseRunEvents(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	clock := &Clock{}
	st := newStore(t, store.WithClock(clock.Now))
	r := newRun(t, st)
	other := newRun(t, st)
	var last int64
	for i, lvl := range []string{"info", "warn", "error", "debug"} {
		id, err := st.AppendRunEvent(ctx, store.RunEvent{RunID: r.ID, Level: lvl, Code: "c", Message: "m", Attrs: json.RawMessage(`{"i":` + string(rune('0'+i)) + `}`)})
		must(t, err)
		if id <= last {
			t.Fatalf("event id %d not increasing after %d", id, last)
		}
		last = id
		_, err = st.AppendRunEvent(ctx, store.RunEvent{RunID: other.ID, Level: "info", Message: "other"})
		must(t, err)
	}
	at := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	_, err := st.AppendRunEvent(ctx, store.RunEvent{RunID: r.ID, Level: "info", Message: "explicit time", At: at})
	must(t, err)

	evs, err := st.ListRunEvents(ctx, r.ID, 0, 0)
	must(t, err)
	if len(evs) != 5 || evs[0].Level != "info" || !jsonEqual(evs[0].Attrs, `{"i":0}`) || !evs[0].At.Equal(us(clock.Now())) || !evs[4].At.Equal(at) {
		t.Fatalf("ListRunEvents = %+v", evs[0])
	}
	tail, err := st.ListRunEvents(ctx, r.ID, evs[1].ID, 2)
	must(t, err)
	if len(tail) != 2 || tail[0].ID != evs[2].ID || tail[1].ID != evs[3].ID {
		t.Fatalf("tail after %d = %v", evs[1].ID, tail)
	}
	_, err = st.AppendRunEvent(ctx, store.RunEvent{RunID: r.ID, Level: "fatal", Message: "x"})
	wantErr(t, err, store.ErrInvalidArgument)
	_, err = st.AppendRunEvent(ctx, store.RunEvent{RunID: r.ID, Level: "info", Message: "x", Attrs: json.RawMessage("nope")})
	wantErr(t, err, store.ErrInvalidArgument)
	_, err = st.AppendRunEvent(ctx, store.RunEvent{RunID: 9999, Level: "info", Message: "x"})
	wantErr(t, err, store.ErrNotFound)
}

func runIDs(rs []*store.SyncRun) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func wantErrNamed(t *testing.T, name string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want %v", name, err, target)
	}
}

// jsonEqual compares JSON documents ignoring formatting.
func jsonEqual(got json.RawMessage, want string) bool {
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// us is t as the store keeps it: UTC, microseconds.
func us(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
