package emulator_test

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// TestTrackerE2EPayloadsAccepted imports every dhis-test-e2e
// /api/tracker payload synchronously at 2.40 and 2.42 after loading the
// metadata they need; each must be accepted (status OK, HTTP 200, no
// error reports).
func TestTrackerE2EPayloadsAccepted(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(fixturesDir(t), fxE2E, "tracker/importer/*/*.json"))
	if len(files) == 0 {
		t.Skip("no e2e tracker importer fixtures")
	}
	for _, v := range []string{"2.40", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			for _, f := range files {
				name := filepath.Base(f)
				t.Run(name, func(t *testing.T) {
					srv := trackerServer(t, v)
					rel, _ := filepath.Rel(fixturesDir(t), f)
					payload := fillTemplate(t, srv, name, rawFixture(t, rel))
					code, body := postJSON(t, srv, "/api/tracker?async=false", payload)
					rep := asObj(body)
					if code != http.StatusOK || rep["status"] != "OK" {
						t.Fatalf("HTTP %d, report %.1500v", code, body)
					}
					if errs := asList(asObj(rep["validationReport"])["errorReports"]); len(errs) != 0 {
						t.Fatalf("error reports: %v", errs)
					}
					if st := asObj(rep["stats"]); st["created"].(float64) == 0 {
						t.Fatalf("nothing created: %v", st)
					}
				})
			}
		})
	}
}

// fillTemplate replaces the %id% placeholder the e2e tests fill in: the
// tracked entity of enrollment.json (created first from
// trackedEntity.json) or a fresh event UID.
func fillTemplate(t *testing.T, srv *emulatortest.Server, name string, payload []byte) []byte {
	t.Helper()
	if !bytes.Contains(payload, []byte("%id%")) {
		return payload
	}
	id := "EvtTmpl0001"
	if strings.HasPrefix(name, "enrollment") {
		code, body := postJSON(t, srv, "/api/tracker?async=false&reportMode=FULL", rawFixture(t, fxE2E+"tracker/importer/trackedEntities/trackedEntity.json"))
		if code != http.StatusOK {
			t.Fatalf("create tracked entity: HTTP %d %v", code, body)
		}
		te := asObj(asObj(asObj(body)["bundleReport"])["typeReportMap"])["TRACKED_ENTITY"]
		id = asObj(asList(asObj(te)["objectReports"])[0])["uid"].(string)
	}
	return bytes.ReplaceAll(payload, []byte("%id%"), []byte(id))
}
