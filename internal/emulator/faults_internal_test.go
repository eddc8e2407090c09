package emulator

import (
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec string
		want []FaultRule
		err  string
	}{
		{spec: "", want: nil},
		{spec: "POST /api/dataValueSets status=503 count=2", want: []FaultRule{{Methods: []string{"POST"}, Path: "/api/dataValueSets", Status: 503, Count: 2}}},
		{spec: "GET /api/metadata* latency=200ms; * /api/* status=429 retry-after=2 rate=0.1", want: []FaultRule{
			{Methods: []string{"GET"}, Path: "/api/metadata*", Latency: 200 * time.Millisecond},
			{Path: "/api/*", Status: 429, RetryAfter: 2, Rate: 0.1}}},
		{spec: "POST /api/metadata reset-mid-body after=3 count=1\n# comment\nPOST /api/dataValueSets commit-then-reset count=1", want: []FaultRule{
			{Methods: []string{"POST"}, Path: "/api/metadata", ResetMidBody: true, After: 3, Count: 1},
			{Methods: []string{"POST"}, Path: "/api/dataValueSets", CommitThenReset: true, Count: 1}}},
		{spec: "GET /api/dataValueSets truncate=4096 count=1; * * stall=30s count=1", want: []FaultRule{
			{Methods: []string{"GET"}, Path: "/api/dataValueSets", Truncate: 4096, Count: 1},
			{Path: "*", Stall: 30 * time.Second, Count: 1}}},
		{spec: "get,post /api/x commit-then-stall=5s", want: []FaultRule{{Methods: []string{"GET", "POST"}, Path: "/api/x", CommitThenStall: true, Stall: 5 * time.Second}}},
		{spec: "GET /api/x", err: "expected"},
		{spec: "GET /api/x count=1", err: "does nothing"},
		{spec: "GET /api/x status=503 reset", err: "2 actions"},
		{spec: "GET /api/x status=abc", err: "not an integer"},
		{spec: "GET /api/x status=700", err: "not an HTTP status"},
		{spec: "GET /api/x latency=soon", err: "not a duration"},
		{spec: "GET /api/x status=500 rate=2", err: "between 0 and 1"},
		{spec: "GET /api/x reset=1", err: "takes no value"},
		{spec: "GET /api/x boom", err: "unknown flag"},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFaults(c.spec)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d rules, want %d", len(got), len(c.want))
			}
			for i := range got {
				if got[i].String() != c.want[i].String() {
					t.Errorf("rule %d = %q, want %q", i, got[i].String(), c.want[i].String())
				}
				// String renders the grammar back.
				again, err := ParseFaults(got[i].String())
				if err != nil || again[0].String() != got[i].String() {
					t.Errorf("round trip of %q: %v", got[i].String(), err)
				}
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "/api/x", true},
		{"/api/*", "/api/system/info", true},
		{"/api/metadata*", "/api/metadata.json", true},
		{"/api/metadata*", "/api/me", false},
		{"/api/?e", "/api/me", true},
		{"/api/*/info", "/api/system/info", true},
		{"/api/*/info", "/api/system/infos", false},
		{"/api/dataValueSets", "/api/dataValueSets", true},
		{"/api/dataValueSets", "/api/dataValueSets/x", false},
		{"**", "", true},
	}
	for _, c := range cases {
		if got := globMatch(c.pattern, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestSplitAPIVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, out string
		nn      int
	}{
		{"/api/system/info", "/api/system/info", 0},
		{"/api/39/system/info", "/api/system/info", 39},
		{"/api/40/metadata", "/api/metadata", 40},
		{"/api/1234/x", "/api/1234/x", 0},
		{"/api/0/x", "/api/0/x", 0},
		{"/other/39/x", "/other/39/x", 0},
	}
	for _, c := range cases {
		out, nn := splitAPIVersion(c.in)
		if out != c.out || nn != c.nn {
			t.Errorf("splitAPIVersion(%q) = %q, %d; want %q, %d", c.in, out, nn, c.out, c.nn)
		}
	}
}

func TestPATFormat(t *testing.T) {
	t.Parallel()
	for _, v := range []int{1, 2} {
		key := generatePAT(v)
		if got := patVersion(key); got != v {
			t.Fatalf("patVersion(%q) = %d, want %d", key, got, v)
		}
		wantLen := map[int]int{1: 48, 2: 54}[v]
		if len(key) != wantLen {
			t.Fatalf("v%d key length %d, want %d", v, len(key), wantLen)
		}
	}
	if patVersion("d2pat_short") != 0 || patVersion("xyz") != 0 {
		t.Fatal("malformed keys accepted")
	}
	// Keys made by DHIS2 itself (dhis2-core's ApiKeyTokenGeneratorTest
	// fixtures) have the same shape and checksum.
	for key, v := range map[string]int{
		"d2pat_e0b5Y9bXWtUcfEY8BMHHj9aJZkXCQ7O50174669582":       1,
		"d2p_iKrAY7sR6rPea1rub181baRzyyui2AW07ymXPRExAgwa051Mei": 2,
	} {
		if got := patVersion(key); got != v {
			t.Errorf("patVersion(%q) = %d, want %d", key, got, v)
		}
	}
	// The client accepts the emulator's keys without a checksum warning.
	for _, v := range []int{1, 2} {
		if w := dhis2.CheckToken(generatePAT(v)); len(w) != 0 {
			t.Errorf("v%d key: client warns %v", v, w)
		}
	}
}
