package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/syncer"
)

// TestPermanentErrorsAreNotRetried is R-07: the destination answers the
// metadata imports with 400, 401, 403 or 409 (no import report), or the
// source answers its exports with 401 or 403. Each request gets exactly
// one attempt (the emulator's request log shows no repeat), 401/403 stop
// the run at the first refused request, and the run ends FAILED or
// PARTIAL — never SUCCESS — with a non-zero exit code and a reason.
func TestPermanentErrorsAreNotRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	tests := []struct {
		name   string
		status int
		after  int    // imports accepted before the refusals start
		fatal  bool   // the run stops at the first refused request
		reason string // in the run's error or failures
	}{
		{"dest 400", 400, 3, false, "400"},
		{"dest 401", 401, 3, true, "credentials"},
		{"dest 401 at once", 401, 0, true, "credentials"},
		{"dest 403", 403, 3, true, "403"},
		{"dest 409", 409, 3, false, "409"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, demoSource(t, "2.40"), blankDest(t, "2.41"))
			addFaults(t, p.dst.Emulator, fmt.Sprintf("POST /api/metadata status=%d after=%d", tc.status, tc.after))
			res, rep := p.sync(t, "--max-request-bytes", "65536") // many chunks
			requireNotSuccess(t, res, rep, tc.reason)
			posts, refused, afterRefusal := 0, 0, 0
			for _, r := range p.dst.Requests() {
				if r.Method != http.MethodPost || r.Path != "/api/metadata" {
					continue // file uploads are not chunk imports
				}
				posts++
				switch {
				case r.Fault != "":
					refused++
				case refused > 0:
					afterRefusal++
				}
			}
			attempted := 0
			for _, s := range rep.Stages {
				for _, c := range s.Chunks {
					if c.Outcome != "skipped" {
						attempted++
					}
				}
			}
			switch {
			case refused == 0:
				t.Fatalf("no import was refused (%d sent)\n%s", posts, res)
			case tc.fatal && (refused != 1 || afterRefusal != 0):
				t.Errorf("%d refused and %d further import requests after a %d, want 1 and 0 (the run must stop)", refused, afterRefusal, tc.status)
			case !tc.fatal && posts != attempted:
				t.Errorf("%d import requests for %d attempted chunks: a permanent error was retried", posts, attempted)
			}
			requirePasswordsOfCreatedUsers(t, p, rep, res)
		})
	}
	for _, status := range []int{401, 403} {
		t.Run(fmt.Sprintf("source %d", status), func(t *testing.T) {
			t.Parallel()
			p := newPair(t, newDemoSource(t, emulator.Options{Version: "2.40"}), blankDest(t, "2.41"))
			addFaults(t, p.src.Emulator, fmt.Sprintf("GET /api/metadata status=%d", status))
			res, rep := p.sync(t)
			requireNotSuccess(t, res, rep, "source")
			seen := map[string]int{}
			faulted := 0
			for _, r := range p.src.Requests() {
				if r.Fault != "" {
					faulted++
					seen[r.Query]++
					if seen[r.Query] > 1 {
						t.Errorf("GET %s?%s was retried after a %d", r.Path, r.Query, status)
					}
				}
			}
			// Exports run three types at a time: at most that many requests
			// can be refused before the run stops.
			if faulted == 0 || faulted > 3 {
				t.Errorf("%d refused export requests, want 1 to 3 (the run must stop)", faulted)
			}
			if n := p.dst.WriteCounts().Total(); n != 0 {
				t.Errorf("the destination counted %d writes after the source refused the export", n)
			}
		})
	}
	t.Run("409 conflict list", func(t *testing.T) {
		t.Parallel()
		src := demoSource(t, "2.40")
		p := newPair(t, src, blankDest(t, "2.41"))
		// A destination object that takes the unique name of a source
		// object under another UID: DHIS2 answers 409 with an import
		// report that names the source object.
		body := apiOK(t, src, http.MethodGet, "/api/sqlViews?fields=id,name,sqlQuery,type,cacheStrategy&paging=false", "")
		var list struct {
			SQLViews []map[string]any `json:"sqlViews"`
		}
		if err := json.Unmarshal(body, &list); err != nil || len(list.SQLViews) == 0 {
			t.Fatalf("source sqlViews: %v", err)
		}
		victim := list.SQLViews[0]
		clash := map[string]any{}
		for k, v := range victim {
			clash[k] = v
		}
		clash["id"] = "zzClashView"
		raw, _ := json.Marshal(clash)
		apiOK(t, p.dst, http.MethodPost, "/api/sqlViews", string(raw))
		p.dst.ResetRequests()
		p.dst.ResetCounts()

		res, rep := p.sync(t)
		if res.code != 3 || rep == nil || rep.Status != syncer.StatusPartial {
			t.Fatalf("want exit 3 and PARTIAL\n%s", res)
		}
		var listed []syncer.Failure
		for _, f := range rep.Failures {
			if f.UID == victim["id"] {
				listed = append(listed, f)
			}
		}
		if len(listed) != 1 || listed[0].Code == "" || listed[0].Type != "sqlViews" {
			t.Fatalf("want the sqlView %s listed once with a DHIS2 error code, got %+v (all: %+v)", victim["id"], listed, rep.Failures)
		}
		if !strings.Contains(res.stdout, fmt.Sprint(victim["id"])) {
			t.Errorf("the failure is not printed:\n%s", res.stdout)
		}
	})
}

// requirePasswordsOfCreatedUsers checks that the report lists a generated
// password for each user the destination created, and for no other.
func requirePasswordsOfCreatedUsers(t *testing.T, p *pair, rep *syncer.Report, res result) {
	t.Helper()
	created := int(p.dst.WriteCounts().Metadata["users"].Created)
	if len(rep.Passwords) != created {
		t.Errorf("the report lists %d generated passwords, the destination created %d users", len(rep.Passwords), created)
	}
	if created == 0 && strings.Contains(res.stdout, "users were created disabled") {
		t.Errorf("the summary claims users were created:\n%s", res.stdout)
	}
}

// addFaults adds fault rules to an emulator.
func addFaults(t *testing.T, e *emulator.Emulator, spec string) {
	t.Helper()
	if err := e.Faults().AddSpec(spec); err != nil {
		t.Fatalf("faults %q: %v", spec, err)
	}
}

// requireNotSuccess checks that a run failed honestly: exit 1 or 3,
// status FAILED or PARTIAL, and the reason (case-insensitive) in its
// error, failures or output.
func requireNotSuccess(t *testing.T, res result, rep *syncer.Report, reason string) {
	t.Helper()
	if res.code != 1 && res.code != 3 {
		t.Fatalf("want exit 1 or 3\n%s", res)
	}
	if rep == nil {
		t.Fatalf("no report written\n%s", res)
	}
	if rep.Status != syncer.StatusFailed && rep.Status != syncer.StatusPartial {
		t.Fatalf("status %s, want FAILED or PARTIAL\n%s", rep.Status, res)
	}
	text := rep.Error
	for _, f := range rep.Failures {
		text += "\n" + f.Message
	}
	if !strings.Contains(strings.ToLower(text+res.stdout+res.stderr), strings.ToLower(reason)) {
		t.Errorf("the reason %q is not given\n%s", reason, res)
	}
}
