package syncer

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// dataPair is a source and a destination emulator for the data and
// tracker tests, with clients whose retries do not sleep.
type dataPair struct {
	src, dst     *emulatortest.Server
	srcCl, dstCl *dhis2.Client
	state        *MemoryState
}

func newDataPair(t testing.TB, srcOpts, dstOpts emulator.Options) *dataPair {
	t.Helper()
	p := &dataPair{src: emulatortest.Start(t, srcOpts), dst: emulatortest.Start(t, dstOpts), state: NewMemoryState()}
	p.srcCl = dataClient(t, "source", p.src)
	p.dstCl = dataClient(t, "destination", p.dst)
	return p
}

func dataClient(t testing.TB, name string, s *emulatortest.Server) *dhis2.Client {
	t.Helper()
	c, err := dhis2.New(dhis2.Config{Name: name, BaseURL: s.URL, Username: s.Username, Password: s.Password,
		Timeout: 30 * time.Second, Retry: dhis2.RetryPolicy{MaxAttempts: 4},
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (p *dataPair) opts(scopes ...string) Options {
	return Options{Source: p.srcCl, Dest: p.dstCl, State: p.state, Scopes: scopes,
		MaxDelete: DefaultMaxDelete, MaxDeletePercent: DefaultMaxDeletePercent}
}

// run syncs and fails the test on a run error.
func (p *dataPair) run(t testing.TB, o Options) *Report {
	t.Helper()
	rep, err := Sync(context.Background(), o)
	if err != nil {
		t.Fatalf("sync %v: %v", o.Scopes, err)
	}
	return rep
}

// requireEqual fails unless the verification items of a scope show no
// missing, extra or differing entry, the scope's stage succeeded and
// nothing of the scope failed.
func requireEqual(t testing.TB, rep *Report, scope string) {
	t.Helper()
	if rep.Verification == nil {
		t.Fatal("no verification in the report")
	}
	n := 0
	for _, it := range rep.Verification.Items {
		if it.Scope != scope {
			continue
		}
		n++
		if it.Missing+it.Extra+it.Differ == 0 {
			continue
		}
		t.Errorf("%s: %d missing, %d extra, %d differ", it.Type, it.Missing, it.Extra, it.Differ)
		for i, d := range it.Details {
			if i < 5 {
				t.Errorf("   %s %s %s %v %s", d.Kind, d.UID, d.Name, d.Paths, d.Note)
			}
		}
	}
	if n == 0 {
		t.Errorf("no verification item for scope %s", scope)
	}
	n = 0
	for _, f := range rep.Failures {
		if f.Scope == scope && n < 10 {
			t.Errorf("failure: %+v", f)
			n++
		}
	}
	if rep.Error != "" {
		t.Errorf("run error: %s", rep.Error)
	}
	// Other scopes (e.g. documents waiting for the system scope's files)
	// do not decide this scope's outcome.
	if st := stageOf(rep, scope); st == nil || st.Status != StatusSuccess {
		t.Errorf("%s stage: %+v", scope, st)
	}
}

// verifyTotal sums the verification items of a scope whose type starts
// with prefix.
func verifyTotal(rep *Report, scope, prefix string) VerifyItem {
	var t VerifyItem
	if rep.Verification == nil {
		return t
	}
	for _, it := range rep.Verification.Items {
		if it.Scope == scope && strings.HasPrefix(it.Type, prefix) {
			t.Source += it.Source
			t.Dest += it.Dest
			t.Match += it.Match
			t.Differ += it.Differ
			t.Missing += it.Missing
			t.Extra += it.Extra
			t.Documented += it.Documented
		}
	}
	return t
}

func stageOf(rep *Report, name string) *StageReport {
	for _, s := range rep.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// post sends a JSON body to an emulator as its admin and returns the
// status and body.
func post(t testing.TB, s *emulatortest.Server, path, body string) (int, string) {
	t.Helper()
	resp := s.Do(t, http.MethodPost, path, strings.NewReader(body))
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// countRequests counts the requests of a method whose path ends with
// suffix.
func countRequests(s *emulatortest.Server, method, suffix string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}
