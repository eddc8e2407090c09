package e2e

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/syncer"
)

// TestDryRunThenIdempotentReruns covers through the CLI: a
// dry run (with and without --validate) sends the destination nothing but
// reads (and VALIDATE imports), leaves its write counters at 0, and plans
// exactly what the real run then does; re-running the sync (incremental,
// then --full) creates and updates nothing and leaves the destination's
// write counters and content unchanged.
func TestDryRunThenIdempotentReruns(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newPair(t, demoSource(t, "2.40"), blankDest(t, "2.41"))

	res, dry := p.sync(t, "--dry-run")
	if res.code != 0 || dry == nil || !dry.DryRun || dry.Plan == nil || dry.Plan.Totals().Created < 1000 {
		t.Fatalf("dry run: want exit 0 and a plan of ≥1000 creations\n%s", res)
	}
	requireReadOnly(t, p.dst, "dry run")
	requirePasswordsOfCreatedUsers(t, p, dry, res)
	res, _ = p.sync(t, "--dry-run", "--validate")
	if res.code != 0 {
		t.Fatalf("dry run with --validate\n%s", res)
	}
	requireReadOnly(t, p.dst, "dry run --validate")

	res, real := p.sync(t)
	requireSynced(t, res, real)
	requirePasswordsOfCreatedUsers(t, p, real, res)
	requireSameCounts(t, dry, real)
	requireEmulatorAgrees(t, p.dst.WriteCounts(), real)

	before := p.dst.WriteCounts().Total()
	content := metadataDigest(t, p.dst)
	for _, extra := range [][]string{nil, {"--full"}} {
		res, again := p.sync(t, extra...)
		requireSynced(t, res, again)
		for _, s := range again.Stages {
			if tot := s.Total(); tot.Created != 0 || tot.Updated != 0 || tot.Deleted != 0 {
				t.Errorf("re-run %v, stage %s: %+v, want nothing created, updated or deleted", extra, s.Name, tot)
			}
		}
		if n := p.dst.WriteCounts().Total(); n != before {
			t.Errorf("re-run %v: destination write counter %d → %d", extra, before, n)
		}
		if d := metadataDigest(t, p.dst); d != content {
			t.Errorf("re-run %v changed the destination's content", extra)
		}
	}
	res, after := p.sync(t, "--dry-run", "--full")
	if c := after.Plan.Totals(); res.code != 0 || c.Created+c.Updated+c.Deleted != 0 {
		t.Errorf("dry run after the sync plans %+v\n%s", c, res)
	}
}

// requireReadOnly checks that an emulator received only reads (or
// VALIDATE/dryRun imports, which DHIS2 does not commit) and counted no
// write, then clears its log.
func requireReadOnly(t *testing.T, s *emulatortest.Server, what string) {
	t.Helper()
	for _, r := range writesOf(s.Requests()) {
		q, _ := url.ParseQuery(r.Query)
		if strings.EqualFold(q.Get("importMode"), "VALIDATE") || q.Get("dryRun") == "true" {
			continue
		}
		t.Errorf("%s sent %s %s?%s", what, r.Method, r.Path, r.Query)
	}
	if c := s.WriteCounts(); c.Total() != 0 {
		t.Errorf("%s: destination write counters %+v, want 0", what, c)
	}
	s.ResetRequests()
}

// requireSameCounts compares the per-type counts a dry run planned with
// those the real run reported.
func requireSameCounts(t *testing.T, dry, real *syncer.Report) {
	t.Helper()
	if len(dry.Stages) != len(real.Stages) {
		t.Fatalf("dry run has %d stages, the real run %d", len(dry.Stages), len(real.Stages))
	}
	for i, s := range real.Stages {
		plan := dry.Stages[i].Counts
		for typ, got := range s.Counts {
			want := plan[typ]
			if got.Created != want.Created || got.Updated != want.Updated || got.Deleted != want.Deleted || got.Unchanged != want.Unchanged {
				t.Errorf("%s %s: real run %+v, dry run planned %+v", s.Name, typ, got, want)
			}
		}
		for typ, want := range plan {
			if _, ok := s.Counts[typ]; !ok && want != (syncer.Counts{}) {
				t.Errorf("%s %s: planned %+v, absent from the real run", s.Name, typ, want)
			}
		}
	}
}

// requireEmulatorAgrees checks the report's metadata creations against
// what the destination itself counted.
func requireEmulatorAgrees(t *testing.T, wc emulator.WriteCounts, rep *syncer.Report) {
	t.Helper()
	for _, s := range rep.Stages {
		if s.Name != "metadata" {
			continue
		}
		for typ, c := range s.Counts {
			got := wc.Metadata[typ].Created
			switch typ { // the files metadata objects refer to, copied by the metadata stage
			case "fileResources":
				got = wc.System.FilesUploaded
			case "icons":
				got = wc.System.IconsCreated
			}
			if int(got) != c.Created {
				t.Errorf("%s: the report says %d created, the destination counted %d", typ, c.Created, got)
			}
		}
	}
}

// metadataDigest hashes the destination's full metadata export: equal
// digests mean nothing was rewritten (lastUpdated would move). The
// export's "system" header carries the time of the export and is left out.
func metadataDigest(t *testing.T, s *emulatortest.Server) string {
	t.Helper()
	s.ResetRequests()
	body := apiOK(t, s, http.MethodGet, "/api/metadata?fields=:owner&defaults=INCLUDE", "")
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("metadata export: %v", err)
	}
	delete(doc, "system") // the export's own timestamp
	canon, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(canon))
}
