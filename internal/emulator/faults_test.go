package emulator_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// freshClient never reuses connections, so the transport cannot silently
// retry a request on a reset connection.
func freshClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

// call sends one request as admin and reads the whole body.
func call(t *testing.T, srv *emulatortest.Server, c *http.Client, method, path, body string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	resp, err := c.Do(srv.Request(t, method, path, rd))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaultStatusSequence(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Faults: "GET /api/system/info status=503 count=2; GET /api/me status=429 retry-after=2 count=1; GET /api/system/ping status=502"})
	c := freshClient(5 * time.Second)
	var got []int
	for range 3 {
		resp, body, err := call(t, srv, c, "GET", "/api/system/info", "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.StatusCode)
		if resp.StatusCode == 503 && !strings.Contains(string(body), `"httpStatusCode":503`) {
			t.Errorf("503 body is not a WebMessage: %s", body)
		}
	}
	if want := []int{503, 503, 200}; !equalInts(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	resp, _, err := call(t, srv, c, "GET", "/api/me", "")
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("429: %v %v %q", err, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, body, err := call(t, srv, c, "GET", "/api/system/ping", "")
	if err != nil || resp.StatusCode != 502 || !strings.Contains(string(body), "<center>nginx</center>") {
		t.Fatalf("502: %v %v %s", err, resp.StatusCode, body)
	}
	recs := srv.Requests()
	if len(recs) != 5 || recs[0].Fault != "status=503" || recs[2].Fault != "" || recs[0].Status != 503 {
		t.Fatalf("request log = %+v", recs)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultConnectionKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, spec string
		timeout    time.Duration
		// check inspects the outcome of GET /api/system/id?limit=2000
		// (a body of about 28 KB).
		check func(resp *http.Response, body []byte, err error) error
	}{
		{"reset before processing", "* /api/system/id reset", 5 * time.Second, wantTransportError},
		{"reset mid body", "GET /api/system/id reset-mid-body bytes=100", 5 * time.Second, func(resp *http.Response, body []byte, err error) error {
			if resp == nil || resp.StatusCode != 200 {
				return errors.New("headers should arrive with 200")
			}
			if err == nil || len(body) > 100 {
				return errors.New("body should be cut after 100 bytes with an error")
			}
			return nil
		}},
		{"truncate", "GET /api/system/id truncate=64", 5 * time.Second, func(resp *http.Response, body []byte, err error) error {
			if resp == nil || resp.ContentLength <= 64 {
				return errors.New("Content-Length should announce the full body")
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != 64 {
				return errors.New("reading should stop at 64 bytes with unexpected EOF")
			}
			return nil
		}},
		{"stall beyond the client timeout", "* * stall=1h", 200 * time.Millisecond, wantTransportError},
		{"stall then close", "* * stall=10ms", 5 * time.Second, wantTransportError},
		{"latency only", "GET /api/system/* latency=20ms", 5 * time.Second, func(resp *http.Response, _ []byte, err error) error {
			if err != nil || resp.StatusCode != 200 {
				return errors.New("latency must not break the answer")
			}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Faults: c.spec})
			resp, body, err := call(t, srv, freshClient(c.timeout), "GET", "/api/system/id?limit=2000", "")
			if cerr := c.check(resp, body, err); cerr != nil {
				t.Fatalf("%v (err=%v, body %d bytes)", cerr, err, len(body))
			}
			rules := srv.Faults().Rules()
			if len(rules) != 1 || rules[0].Fired != 1 {
				t.Fatalf("rule counters = %+v", rules)
			}
			// The next request on a new connection works when the rule is
			// exhausted or removed.
			srv.Faults().Clear()
			resp, _, err = call(t, srv, freshClient(5*time.Second), "GET", "/api/system/id", "")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("after clearing: %v", err)
			}
		})
	}
}

func wantTransportError(resp *http.Response, _ []byte, err error) error {
	if err == nil {
		return errors.New("want a transport error, got an answer")
	}
	return nil
}

func TestCommitThenFault(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"POST /api/apiToken commit-then-reset count=1", "POST /api/apiToken commit-then-stall count=1"} {
		t.Run(spec, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: "2.40", Faults: spec})
			_, _, err := call(t, srv, freshClient(300*time.Millisecond), "POST", "/api/apiToken", "{}")
			if err == nil {
				t.Fatal("want a transport error")
			}
			// The outcome is unknown to the client but the write happened.
			if n := srv.WriteCounts().Tokens; n != 1 {
				t.Fatalf("tokens written = %d, want 1 (committed before the fault)", n)
			}
		})
	}
}

func TestFaultAfterCountAndRate(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Faults: "GET /api/me status=500 after=2 count=1"})
	c := freshClient(5 * time.Second)
	var got []int
	for range 4 {
		resp, _, err := call(t, srv, c, "GET", "/api/me", "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.StatusCode)
	}
	if want := []int{200, 200, 500, 200}; !equalInts(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}

	// rate draws from a seeded source: same seed, same pattern.
	pattern := func(seed uint64) []int {
		s := start(t, emulator.Options{FaultSeed: seed, FaultRules: []emulator.FaultRule{{Path: "/api/system/ping", Status: 503, Rate: 0.5}}})
		var out []int
		for range 20 {
			resp, _, err := call(t, s, c, "GET", "/api/system/ping", "")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, resp.StatusCode)
		}
		return out
	}
	a, b := pattern(7), pattern(7)
	if !equalInts(a, b) {
		t.Fatalf("same seed, different patterns: %v vs %v", a, b)
	}
	faulted := 0
	for _, s := range a {
		if s == 503 {
			faulted++
		}
	}
	if faulted == 0 || faulted == 20 {
		t.Fatalf("rate=0.5 faulted %d of 20", faulted)
	}
}

func TestFaultsAdminEndpoint(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Faults: "* * status=503"})
	c := freshClient(5 * time.Second)
	// Faults never apply to the admin endpoints.
	resp, body, err := call(t, srv, c, "PUT", "/__emulator/faults", "GET /api/me status=418 count=1")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT faults: %v %s", err, body)
	}
	resp, _, _ = call(t, srv, c, "GET", "/api/me", "")
	if resp.StatusCode != 418 {
		t.Fatalf("runtime rule not applied: %d", resp.StatusCode)
	}
	resp, body, _ = call(t, srv, c, "GET", "/__emulator/faults", "")
	if !strings.Contains(string(body), `"fired":1`) || !strings.Contains(string(body), `GET /api/me status=418 count=1`) {
		t.Fatalf("GET faults: %s", body)
	}
	resp, _, _ = call(t, srv, c, "POST", "/__emulator/faults", `[{"path":"/api/system/ping","status":504}]`)
	if resp.StatusCode != 200 {
		t.Fatalf("POST JSON rules: %d", resp.StatusCode)
	}
	resp, _, _ = call(t, srv, c, "GET", "/api/system/ping", "")
	if resp.StatusCode != 504 {
		t.Fatalf("JSON rule not applied: %d", resp.StatusCode)
	}
	resp, body, _ = call(t, srv, c, "PUT", "/__emulator/faults", "GET /api/me explode=1")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "unknown key") {
		t.Fatalf("bad rule: %d %s", resp.StatusCode, body)
	}
	call(t, srv, c, "DELETE", "/__emulator/faults", "")
	resp, _, _ = call(t, srv, c, "GET", "/api/system/ping", "")
	if resp.StatusCode != 200 {
		t.Fatalf("after DELETE: %d", resp.StatusCode)
	}
	resp, body, _ = call(t, srv, c, "GET", "/__emulator/requests?limit=2", "")
	if resp.StatusCode != 200 || strings.Contains(string(body), "__emulator") || strings.Count(string(body), `"seq"`) != 2 {
		t.Fatalf("requests: %s", body)
	}
	call(t, srv, c, "POST", "/__emulator/reset-log", "")
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d records after reset-log", n)
	}
}

// TestUnknownOutcomeImport is RELIABILITY.md R-05 from the emulator's
// side: the import is committed, the client only sees a broken connection,
// and a read-back finds the values.
func TestUnknownOutcomeImport(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.41", Faults: "POST /api/dataValueSets commit-then-reset count=1"})
	post(t, srv, "/api/metadata", smallWorld)
	if _, _, err := call(t, srv, freshClient(5*time.Second), "POST", "/api/dataValueSets", goodValues); err == nil {
		t.Fatal("want a transport error")
	}
	_, got := getJSON(t, srv, "/api/dataValueSets?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001")
	if n := len(got.(map[string]any)["dataValues"].([]any)); n != 1 {
		t.Fatalf("read-back finds %d values, want the committed one", n)
	}
	recs := srv.Requests()
	var faulted []string
	for _, r := range recs {
		if r.Fault != "" {
			faulted = append(faulted, r.Method+" "+r.Path+" "+r.Fault)
		}
	}
	if len(faulted) != 1 || faulted[0] != "POST /api/dataValueSets commit-then-reset" {
		t.Fatalf("faulted requests %v", faulted)
	}
	// The re-send is idempotent on 2.41: the unchanged value is ignored.
	_, again := post(t, srv, "/api/dataValueSets", goodValues)
	if c := again["response"].(map[string]any)["importCount"].(map[string]any); c["ignored"] != 1.0 || c["imported"] != 0.0 {
		t.Fatalf("re-send counts %v", c)
	}
}
