package syncer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/transform"
)

// rawExport reads a full /api/metadata export straight from an emulator's
// HTTP interface (not through d2sync's reader).
func rawExport(t testing.TB, s *emulatortest.Server) map[string][]map[string]any {
	t.Helper()
	resp := s.Do(t, http.MethodGet, "/api/metadata?fields=:owner&defaults=INCLUDE", nil)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("export: HTTP %d: %s", resp.StatusCode, b)
	}
	var body map[string]json.RawMessage
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for k, v := range body {
		if k == "system" {
			continue
		}
		var objs []map[string]any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&objs); err != nil {
			continue
		}
		out[k] = objs
	}
	return out
}

// compareExports compares the two emulators' full exports type by type
// and object by object on the canonical projection. Allowed differences:
// users created disabled by the users policy, and the creation dates of
// objects both instances had from the start (defaults, admin, superuser
// role). It returns one line per disagreement.
func compareExports(t testing.TB, p *pair) []string {
	t.Helper()
	src, dst := rawExport(t, p.src), rawExport(t, p.dst)
	var out []string
	for typ, objs := range src {
		have := byUID(dst[typ])
		for _, o := range objs {
			d, ok := have[uidOf(o)]
			if !ok {
				out = append(out, fmt.Sprintf("%s %s missing", typ, uidOf(o)))
				continue
			}
			a, b := transform.Project(typ, o), transform.Project(typ, d)
			if typ == "users" && isTrue(b["disabled"]) && !isTrue(a["disabled"]) {
				delete(b, "disabled")
			}
			if _, ok := a["created"]; ok && a["created"] != b["created"] {
				delete(a, "created")
				delete(b, "created")
			}
			if transform.Hash(a) != transform.Hash(b) {
				out = append(out, fmt.Sprintf("%s %s differs: %v", typ, uidOf(o), transform.Diff(a, b)))
			}
			delete(have, uidOf(o))
		}
		for id := range have {
			out = append(out, fmt.Sprintf("%s %s extra", typ, id))
		}
	}
	for typ, objs := range dst {
		if _, ok := src[typ]; !ok && len(objs) > 0 {
			out = append(out, fmt.Sprintf("%s: %d objects only on the destination", typ, len(objs)))
		}
	}
	return out
}
