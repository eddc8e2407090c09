package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/syncer"
)

// TestFaultsNeverEndInFalseSuccess covers with the
// emulator's fault grammar on the source link, then on the destination
// link: 503 bursts, 429 with Retry-After, connections reset mid-body,
// bodies truncated below their Content-Length, stalls shorter than the
// client timeout, answers lost after the import committed, persistent
// 503s and seeded random chaos. Each run must end SUCCESS with a clean
// verification, or FAILED/PARTIAL with a reason; an independent d2sync
// verify without faults afterwards proves that no SUCCESS hides a
// difference. Transient bursts that the retry policy covers must end in
// SUCCESS.
func TestFaultsNeverEndInFalseSuccess(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	tests := []faultCase{
		{"503 burst", "source", "GET /api/metadata status=503 count=2", true},
		{"429 retry-after", "source", "GET /api/metadata status=429 retry-after=1 count=2", true},
		{"reset mid-body", "source", "GET /api/metadata reset-mid-body bytes=200 count=2", true},
		{"truncated body", "source", "GET /api/metadata truncate=100 count=2", true},
		{"short stall", "source", "GET /api/metadata stall=1s count=1", true},
		{"chaos", "source", "GET /api/* status=503 rate=0.15; GET /api/metadata reset-mid-body bytes=300 rate=0.1", false},
		{"503 burst", "dest", "POST /api/metadata status=503 count=2", true},
		{"429 retry-after", "dest", "POST /api/metadata status=429 retry-after=1 count=2", true},
		{"reset mid-body", "dest", "POST /api/metadata reset-mid-body bytes=50 count=1", true},
		{"truncated body", "dest", "POST /api/metadata truncate=40 count=1", true},
		{"short stall", "dest", "POST /api/metadata stall=1s count=1", true},
		{"commit then reset", "dest", "POST /api/metadata commit-then-reset count=1", true},
		{"persistent 503", "dest", "POST /api/metadata status=503 retry-after=1", false},
		{"chaos", "dest", "GET /api/* status=503 rate=0.1; POST /api/metadata commit-then-reset rate=0.3; POST /api/metadata reset rate=0.2", false},
	}
	// The source cases share one private source, one case after the
	// other (a sync never writes to its source); the destination cases run
	// in parallel against the shared demo source.
	var srcCases, dstCases []faultCase
	for _, tc := range tests {
		if tc.side == "source" {
			srcCases = append(srcCases, tc)
		} else {
			dstCases = append(dstCases, tc)
		}
	}
	t.Run("source", func(t *testing.T) {
		t.Parallel()
		src := newDemoSource(t, emulator.Options{Version: "2.40", FaultSeed: 7})
		for _, tc := range srcCases {
			t.Run(tc.name, func(t *testing.T) {
				src.ResetRequests()
				runFaultCase(t, newPair(t, src, blankDest(t, "2.41")), src, tc)
			})
		}
	})
	for _, tc := range dstCases {
		t.Run("dest "+tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, demoSource(t, "2.40"), emulatortest.Start(t, emulator.Options{Version: "2.41", FaultSeed: 7}))
			runFaultCase(t, p, p.dst, tc)
		})
	}
	// Answers that are 200 OK but not what the API returns: the client
	// must not read them as an empty export.
	t.Run("source 200", func(t *testing.T) {
		t.Parallel()
		e, err := emulator.New(demoOptions(emulator.Options{Version: "2.40"}))
		if err != nil {
			t.Fatal(err)
		}
		var mangled atomic.Int64
		var answer atomic.Pointer[[2]string] // content type, body
		src := serveWrapped(t, e, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a := answer.Load()
				if a != nil && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api/metadata") && r.URL.Query().Has("dataElements") && mangled.Add(1) <= 2 {
					w.Header().Set("Content-Type", a[0])
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte(a[1]))
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		for _, tc := range []struct{ name, contentType, body string }{
			{"invalid JSON", "application/json", `{"system":{"id":"x"},"dataElements":[{"id":"abc`},
			{"HTML page", "text/html", "<html><body>Maintenance</body></html>"},
			{"empty body", "application/json", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				mangled.Store(0)
				answer.Store(&[2]string{tc.contentType, tc.body})
				p := newPair(t, src, blankDest(t, "2.41"))
				res, rep := p.sync(t)
				answer.Store(nil)
				if mangled.Load() == 0 {
					t.Fatalf("the data element export was never read\n%s", res)
				}
				requireHonest(t, p, res, rep)
			})
		}
	})
}

// faultCase is one row of TestFaultsNeverEndInFalseSuccess.
type faultCase struct {
	name    string
	side    string // "source" or "dest"
	faults  string
	success bool // the retry policy must absorb the fault
}

// runFaultCase syncs p with tc's faults on target, then checks the run.
func runFaultCase(t *testing.T, p *pair, target *emulatortest.Server, tc faultCase) {
	t.Helper()
	addFaults(t, target.Emulator, tc.faults)
	// Small chunks: more import requests for the faults to hit.
	res, rep := p.sync(t, "--timeout", "10s", "--max-request-bytes", "200000")
	fired := 0
	for _, r := range target.Faults().Rules() {
		fired += r.Fired
	}
	target.Faults().Clear()
	if fired == 0 {
		t.Fatalf("no fault fired: the test proves nothing\n%s", res)
	}
	requireHonest(t, p, res, rep)
	if tc.success && (res.code != 0 || rep.Status != syncer.StatusSuccess) {
		t.Errorf("%d faults fired within the retry policy, want SUCCESS\n%s", fired, res)
	}
	// retries are counted in the run report.
	retries := 0
	for _, s := range rep.Stages {
		retries += s.Retries
	}
	if tc.success && retries == 0 {
		t.Errorf("%d faults fired and were retried, but the report counts no retry", fired)
	}
}

// requireHonest checks R-09's rule on a finished sync: SUCCESS only with
// a clean verification that an independent verify (no faults) confirms;
// otherwise FAILED or PARTIAL with a reason.
func requireHonest(t *testing.T, p *pair, res result, rep *syncer.Report) {
	t.Helper()
	if rep == nil {
		t.Fatalf("no report written\n%s", res)
	}
	switch rep.Status {
	case syncer.StatusSuccess:
		if res.code != 0 || rep.Verification == nil || !rep.Verification.Clean() {
			t.Fatalf("SUCCESS without exit 0 and a clean verification\n%s", res)
		}
		vres, vrep := p.verify(t)
		if vres.code != 0 || vrep.Status != syncer.StatusSuccess {
			t.Fatalf("the sync said SUCCESS but an independent verify disagrees\nsync:\n%s\nverify:\n%s", res, vres)
		}
	case syncer.StatusFailed, syncer.StatusPartial:
		if res.code != 1 && res.code != 3 {
			t.Fatalf("status %s with exit %d\n%s", rep.Status, res.code, res)
		}
		if rep.Error == "" && len(rep.Failures) == 0 && (rep.Verification == nil || rep.Verification.Clean()) {
			t.Fatalf("status %s without a reason\n%s", rep.Status, res)
		}
	default:
		t.Fatalf("status %q\n%s", rep.Status, res)
	}
}

// serveWrapped serves an emulator behind a wrapping handler on a loopback
// test server; both are closed when the test ends.
func serveWrapped(t *testing.T, e *emulator.Emulator, wrap func(http.Handler) http.Handler) *emulatortest.Server {
	t.Helper()
	hs := httptest.NewServer(wrap(e))
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		e.Close()
	})
	user, pass := e.AdminCredentials()
	return &emulatortest.Server{Emulator: e, URL: hs.URL, Username: user, Password: pass, HTTP: hs}
}
