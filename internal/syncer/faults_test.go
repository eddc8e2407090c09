package syncer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestDryRunWritesNothingAndPredicts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := demoPair(t, "2.40", emulator.Options{Version: "2.38"})
	dry := p.options()
	dry.DryRun = true
	preview := p.sync(t, dry)
	if n := p.dst.WriteCounts().Total(); n != 0 {
		t.Fatalf("dry run: destination write counter = %d, want 0", n)
	}
	for _, r := range p.dst.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("dry run sent %s %s", r.Method, r.Path)
		}
	}
	if preview.Plan == nil || preview.Plan.Totals().Created < 1000 {
		t.Fatalf("preview = %+v", preview.Plan)
	}
	for _, tp := range preview.Plan.Types {
		for _, it := range tp.Create {
			if it.SrcHash == "" || it.DestHash != "" {
				t.Fatalf("%s %s: a create must carry the source hash only", tp.Type, it.UID)
			}
		}
	}
	real := p.sync(t, p.options())
	requireVerified(t, real)
	for _, s := range real.Stages {
		for typ, got := range s.Counts {
			want := preview.Stages[0].Counts[typ]
			if got.Created != want.Created || got.Updated != want.Updated || got.Deleted != want.Deleted || got.Unchanged != want.Unchanged {
				t.Errorf("%s: real run %+v, preview %+v", typ, got, want)
			}
		}
	}
	// A dry run after the sync predicts nothing to do.
	again := p.sync(t, dry)
	if c := again.Plan.Totals(); c.Created != 0 || c.Updated != 0 || c.Deleted != 0 {
		t.Errorf("dry run after a sync plans %+v", c)
	}
}

func TestChunkFailingBeyondRetries(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := demoPair(t, "2.41", emulator.Options{Version: "2.41"})
	o := p.options()
	o.MaxRequestBytes = 64 << 10
	// A dry run previews the chunks a real run sends.
	probe := o
	probe.DryRun = true
	posts := len(p.sync(t, probe).Stages[0].Chunks)
	if posts < 4 {
		t.Fatalf("want several chunks, the dry run plans %d", posts)
	}
	// The last chunk fails three times in a row: all the client's attempts.
	target := posts - 1
	if err := p.dst.Faults().AddSpec(fmt.Sprintf("POST /api/metadata status=503 after=%d count=3", target)); err != nil {
		t.Fatal(err)
	}
	rep := p.sync(t, o)
	if rep.Status != StatusPartial {
		t.Fatalf("status = %s (%s), want PARTIAL", rep.Status, rep.Error)
	}
	chunks := rep.Stages[0].Chunks
	failedChunk := chunks[len(chunks)-1]
	if failedChunk.Outcome != "failed" {
		t.Fatalf("chunk outcomes %+v", chunks)
	}
	if len(rep.Failures) != failedChunk.Objects {
		t.Errorf("%d failures listed, want exactly the %d objects of the failed chunk", len(rep.Failures), failedChunk.Objects)
	}
	for _, f := range rep.Failures {
		if f.Chunk != fmt.Sprint(failedChunk.Index) || f.UID == "" || f.Type == "" || !strings.Contains(f.Message, "503") {
			t.Errorf("failure %+v does not name the failed chunk's object and its error", f)
		}
	}
	for _, c := range chunks[:len(chunks)-1] {
		if c.Outcome != "ok" {
			t.Errorf("chunk %d: %s", c.Index, c.Outcome)
		}
	}
	// The fault is used up: a re-run completes the copy and verifies.
	again := p.sync(t, p.options())
	if again.Status != StatusSuccess {
		t.Fatalf("re-run status = %s (%v)", again.Status, again.Failures)
	}
	requireVerified(t, again)
	if c := totals(again); c.Created+c.Updated != failedChunk.Objects && c.Created+c.Updated == 0 {
		t.Errorf("re-run counts %+v", c)
	}
}

func TestUnknownOutcomeIsResent(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := demoPair(t, "2.40", emulator.Options{Version: "2.40"})
	// The destination commits the first import, then drops the connection.
	if err := p.dst.Faults().AddSpec("POST /api/metadata commit-then-reset count=1"); err != nil {
		t.Fatal(err)
	}
	rep := p.sync(t, p.options())
	requireVerified(t, rep)
	if rep.Status != StatusSuccess {
		t.Fatalf("status = %s (%v %s)", rep.Status, rep.Failures, rep.Error)
	}
	if rep.Stages[0].Retries == 0 {
		t.Error("the lost answer was not counted as a retry")
	}
}

func TestInstanceProblemsAreClearAndWriteNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + l.Addr().String()
	l.Close()
	notDHIS2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>")
	}))
	t.Cleanup(notDHIS2.Close)

	tests := []struct {
		name string
		// setup returns the options; the destination is p.dst.
		setup func(p *pair) Options
		want  []string
	}{
		{"unreachable source", func(p *pair) Options {
			o := p.options()
			o.Source = newClient(t, "source", closedURL, "admin", "district")
			return o
		}, []string{`"source"`, "refused the connection", "check that DHIS2"}},
		{"wrong credentials", func(p *pair) Options {
			o := p.options()
			o.Source = newClient(t, "source", p.src.URL, "admin", "wrong")
			return o
		}, []string{`"source"`, "rejected the credentials", "check the username/password"}},
		{"destination user without import authority", func(p *pair) Options {
			o := p.options()
			o.Dest = newClient(t, "destination", p.dst.URL, "reader", "Reader-Pass-123")
			return o
		}, []string{"destination", `"reader"`, "F_METADATA_IMPORT"}},
		{"import refused with 403", func(p *pair) Options {
			if err := p.dst.Faults().AddSpec("POST /api/metadata status=403"); err != nil {
				t.Fatal(err)
			}
			return p.options()
		}, []string{`"destination"`, "refused to import metadata (HTTP 403)", "authority"}},
		{"not a DHIS2 server", func(p *pair) Options {
			o := p.options()
			o.Dest = newClient(t, "destination", notDHIS2.URL, "admin", "district")
			return o
		}, []string{`"destination"`, "does not look like a DHIS2 server", "check the URL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := demoPair(t, "2.40", emulator.Options{Version: "2.40",
				Users: []emulator.UserSpec{{Username: "reader", Password: "Reader-Pass-123", Authorities: []string{"F_METADATA_EXPORT"}}}})
			rep, err := Sync(context.Background(), tc.setup(p))
			if err == nil || rep.Status != StatusFailed {
				t.Fatalf("status %s, err %v: want FAILED with an error", rep.Status, err)
			}
			t.Logf("message: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err.Error(), w)
				}
			}
			if rep.Error != err.Error() {
				t.Errorf("report error %q differs from %q", rep.Error, err)
			}
			if n := p.dst.WriteCounts().Total(); n != 0 {
				t.Errorf("%d writes on the destination", n)
			}
		})
	}
}

// deleteOnSource deletes objects through the source's /api/metadata.
func deleteOnSource(t *testing.T, p *pair, typ string, uids []string) {
	t.Helper()
	var objs []string
	for _, id := range uids {
		objs = append(objs, `{"id":"`+id+`"}`)
	}
	body := `{"` + typ + `":[` + strings.Join(objs, ",") + `]}`
	resp := p.src.Do(t, http.MethodPost, "/api/metadata?importStrategy=DELETE&atomicMode=NONE", strings.NewReader(body))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("delete on the source: HTTP %d", resp.StatusCode)
	}
}

func TestDeletionsAndMaxDeleteGuard(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newPair(t, emulator.Options{Version: "2.41", Seed: "demo", SeedMetadataOnly: true}, emulator.Options{Version: "2.41"})
	first := p.sync(t, p.options())
	requireVerified(t, first)

	// A few deletions on the source propagate.
	consts := first.Plan.Type("constants").Create
	if len(consts) == 0 {
		t.Fatal("the demo has no constant")
	}
	deleteOnSource(t, p, "constants", []string{consts[0].UID})
	rep := p.sync(t, p.options())
	if !rep.Incremental || rep.Status != StatusSuccess {
		t.Fatalf("incremental run: status %s, incremental %v (%v)", rep.Status, rep.Incremental, rep.Failures)
	}
	if got := rep.Stages[0].Counts["constants"].Deleted; got != 1 {
		t.Errorf("constants deleted = %d, want 1", got)
	}
	if c := p.dst.WriteCounts().Metadata["constants"]; c.Deleted != 1 {
		t.Errorf("destination deleted %d constants", c.Deleted)
	}

	// Deleting most org units on the source trips the guard.
	var ous []string
	for _, it := range first.Plan.Type("organisationUnits").Create {
		ous = append(ous, it.UID)
	}
	if len(ous) < 500 {
		t.Fatalf("only %d org units", len(ous))
	}
	// Facilities (no children, no data set assignment needed) are deleted
	// with atomicMode=NONE: whatever the source refuses stays.
	deleteOnSource(t, p, "organisationUnits", ous)
	writes := p.dst.WriteCounts().Total()
	guard, err := Sync(context.Background(), p.options())
	if !errors.Is(err, ErrDeleteGuard) || guard.Status != StatusFailed {
		t.Fatalf("status %s, err %v: want the max-delete guard to stop the run", guard.Status, err)
	}
	if !strings.Contains(err.Error(), "--max-delete") || !strings.Contains(err.Error(), "nothing was written or deleted") {
		t.Errorf("guard message %q", err)
	}
	if n := p.dst.WriteCounts().Total(); n != writes {
		t.Errorf("the stopped run wrote %d times", n-writes)
	}
}

func TestUsersPolicies(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	t.Run("create-disabled", func(t *testing.T) {
		t.Parallel()
		p := demoPair(t, "2.37", emulator.Options{Version: "2.42"})
		rep := p.sync(t, p.options())
		requireVerified(t, rep)
		created := rep.Stages[0].Counts["users"].Created
		if created == 0 || len(rep.Passwords) != created {
			t.Fatalf("%d users created, %d passwords listed", created, len(rep.Passwords))
		}
		for _, pw := range rep.Passwords {
			if !passwordAcceptable(pw.Password, pw.Username) {
				t.Errorf("password of %s breaks DHIS2's rules", pw.Username)
			}
			// A created user can sign in once enabled: the password was set.
			c := newClient(t, "x", p.dst.URL, pw.Username, pw.Password)
			if _, err := c.Me(context.Background()); err == nil {
				t.Errorf("%s could sign in: it must be created disabled", pw.Username)
			}
		}
		// Once enabled, a created user signs in with its generated password.
		pw := rep.Passwords[0]
		patch := `[{"op":"replace","path":"/disabled","value":false}]`
		req := p.dst.Request(t, http.MethodPatch, "/api/users/"+pw.UID, strings.NewReader(patch))
		req.Header.Set("Content-Type", "application/json-patch+json")
		resp, err := p.dst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("enable %s: HTTP %d", pw.Username, resp.StatusCode)
		}
		if _, err := newClient(t, "x", p.dst.URL, pw.Username, pw.Password).Me(context.Background()); err != nil {
			t.Errorf("%s cannot sign in with its generated password once enabled: %v", pw.Username, err)
		}
		// The destination's admin kept its password.
		if _, err := p.dstCl.Me(context.Background()); err != nil {
			t.Errorf("the destination admin lost its password: %v", err)
		}
	})
	t.Run("skip", func(t *testing.T) {
		t.Parallel()
		p := demoPair(t, "2.40", emulator.Options{Version: "2.40"})
		o := p.options()
		o.Users = UsersSkip
		rep := p.sync(t, o)
		requireVerified(t, rep)
		if rep.Status != StatusSuccess {
			t.Fatalf("status %s: %v", rep.Status, rep.Failures)
		}
		if c := p.dst.WriteCounts().Metadata["users"]; c.Created != 0 || c.Updated != 0 || len(rep.Passwords) != 0 {
			t.Errorf("users written with --users skip: %+v", c)
		}
		found := false
		for _, w := range rep.Warnings {
			found = found || w.Code == "users.skipped.references"
		}
		if !found {
			t.Error("the removed user references are not reported")
		}
	})
}
