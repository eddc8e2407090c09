package syncer

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
)

// faultPair is a demo source and a blank destination holding the demo
// metadata, with a data run limited to two data sets.
func faultPair(t *testing.T, timeout time.Duration) (*dataPair, Options) {
	t.Helper()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	if timeout > 0 {
		c, err := dhis2.New(dhis2.Config{Name: "destination", BaseURL: p.dst.URL, Username: p.dst.Username, Password: p.dst.Password,
			// One attempt more than the longest burst of one fault below
			// (four 429s): a request may meet the whole burst.
			Timeout: timeout, Retry: dhis2.RetryPolicy{MaxAttempts: 5},
			Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
		if err != nil {
			t.Fatal(err)
		}
		p.dstCl = c
	}
	p.run(t, p.opts(ScopeMetadata))
	o := p.opts(ScopeData)
	o.Data.DataSets = []string{"gEDHxA5LlY0", "otbHGfz91nr"}
	o.Data.ChunkValues = 3000
	return p, o
}

// TestDataDestinationFaults injects faults on the destination: transient
// ones (503 bursts, 429 with Retry-After, resets mid-body, truncated
// bodies, imports committed then reset or stalled past the client's
// timeout) must end in SUCCESS with equality; lasting ones in FAILED with
// the reason, and a run after the fault is gone completes the copy. Never
// SUCCESS without equality.
func TestDataDestinationFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	for _, tc := range []struct {
		name    string
		faults  []string // one run per entry, on the same pair
		timeout time.Duration
		want    Status
		reason  string // in the report's error or failures when not SUCCESS
	}{
		{name: "transient", timeout: 2 * time.Second, want: StatusSuccess, faults: []string{
			"POST /api/dataValueSets status=503 count=3; GET /api/dataValueSets status=503 count=3; POST /api/completeDataSetRegistrations status=503 count=2; " +
				"* /api/dataValueSets status=429 retry-after=1 after=6 count=4; GET /api/dataValueSets reset-mid-body bytes=2000 after=12 count=3; " +
				"GET /api/dataValueSets truncate=3000 after=20 count=3; GET /api/completeDataSetRegistrations truncate=100 after=2 count=1; " +
				"POST /api/dataValueSets commit-then-reset after=4 count=2; POST /api/dataValueSets commit-then-stall=5s after=8 count=1"}},
		{name: "lasting", want: StatusFailed, reason: "destination", faults: []string{
			"POST /api/dataValueSets status=503", "GET /api/dataValueSets truncate=1000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, o := faultPair(t, tc.timeout)
			for _, spec := range tc.faults {
				if err := p.dst.Faults().AddSpec(spec); err != nil {
					t.Fatal(err)
				}
				rep, _ := Sync(context.Background(), o)
				for _, f := range p.dst.Faults().Rules() {
					if f.Fired == 0 {
						t.Errorf("fault %q never fired", f.Spec)
					}
				}
				p.dst.Faults().Clear()
				if rep.Status != tc.want {
					t.Errorf("%s: status %s, want %s (error %q, %d failures)", spec, rep.Status, tc.want, rep.Error, len(rep.Failures))
				}
				if rep.Status == StatusSuccess {
					requireEqual(t, rep, ScopeData)
					if tot := verifyTotal(rep, ScopeData, "dataValues:"); tot.Match < 60_000 {
						t.Errorf("SUCCESS but only %+v verified", tot)
					}
					continue
				}
				text := rep.Error
				for _, f := range rep.Failures {
					text += " " + f.Message
				}
				if !strings.Contains(text, tc.reason) {
					t.Errorf("%s: the report does not give the reason (%q): %q", spec, tc.reason, text)
				}
			}
			// Once the faults are gone, a new run completes the copy.
			requireEqual(t, p.run(t, o), ScopeData)
		})
	}
}

// TestDataConflictsPartial makes the destination refuse some values (a
// data element whose value type differs) and checks that the run is
// PARTIAL and lists each refused value with DHIS2's code.
func TestDataConflictsPartial(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p, o := faultPair(t, 0)
	o.Data.DataSets = []string{"otbHGfz91nr"}
	vals := sourceValues(t, p, "otbHGfz91nr", 1)
	de := vals[0].DE
	code, body := patchJSON(t, p, "/api/dataElements/"+de, `[{"op":"replace","path":"/valueType","value":"BOOLEAN"}]`)
	if code >= 300 {
		t.Fatalf("patch: %d %s", code, body)
	}
	rep := p.run(t, o)
	if rep.Status != StatusPartial {
		t.Fatalf("status %s, want PARTIAL", rep.Status)
	}
	n := 0
	for _, f := range rep.Failures {
		if f.Type == "dataValues" && strings.HasPrefix(f.UID, de+"/") {
			n++
			if f.Code == "" || !strings.Contains(f.Message, "data element "+de) || !strings.Contains(f.Message, "value ") {
				t.Errorf("failure without code or value: %+v", f)
			}
		}
	}
	tot := verifyTotal(rep, ScopeData, "dataValues:")
	if n == 0 || tot.Missing != n {
		t.Errorf("%d failures listed for %s, verification %+v", n, de, tot)
	}
	t.Logf("%d values refused (%s), e.g. %+v", n, rep.Failures[0].Code, rep.Failures[0])
}

func patchJSON(t *testing.T, p *dataPair, path, body string) (int, string) {
	t.Helper()
	return patchJSONTo(t, p, false, path, body)
}

// patchJSONTo sends a JSON Patch to the source or the destination.
func patchJSONTo(t *testing.T, p *dataPair, source bool, path, body string) (int, string) {
	t.Helper()
	s := p.dst
	if source {
		s = p.src
	}
	req := s.Request(t, "PATCH", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json-patch+json")
	resp, err := s.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
