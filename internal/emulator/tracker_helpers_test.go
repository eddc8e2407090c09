package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// Fixture paths (relative to ../shared/fixtures).
const (
	fxCore       = "dhis2__dhis2-core/dhis-2/"
	fxE2E        = fxCore + "dhis-test-e2e/src/test/resources/"
	fxE2E35      = fxCore + "dhis-e2e-test/src/test/resources/"
	fxWebAPI     = fxCore + "dhis-test-web-api/src/test/resources/tracker/"
	fxTrackerDir = fxCore + "dhis-tracker/src/test/resources/tracker/"
	fxSDK        = "dhis2__dhis2-android-sdk/core/src/sharedTest/resources/"
)

// slOrgUnits are the Sierra Leone demo org units the e2e tracker
// payloads and tracker_metadata.json reference without defining them.
func slOrgUnits() []any {
	ou := func(id, name, parent string) map[string]any {
		o := map[string]any{"id": id, "name": name, "shortName": name, "openingDate": "1970-01-01"}
		if parent != "" {
			o["parent"] = map[string]any{"id": parent}
		}
		return o
	}
	return []any{
		ou("ImspTQPwCqd", "Sierra Leone", ""),
		ou("O6uvpzGd5pu", "Bo", "ImspTQPwCqd"),
		ou("YuQRtpLP10I", "Badjia", "O6uvpzGd5pu"),
		ou("DiszpKrYNg8", "Ngelehun CHC", "YuQRtpLP10I"),
		ou("g8upMTyEZGZ", "Njandama MCHP", "YuQRtpLP10I"),
	}
}

// rawFixture reads a fixture file's bytes or skips.
func rawFixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), rel))
	if err != nil {
		t.Skipf("fixture %s not available: %v", rel, err)
	}
	return b
}

// postJSON posts v (bytes or a value to encode) and decodes the answer.
func postJSON(t *testing.T, srv *emulatortest.Server, path string, v any) (int, any) {
	t.Helper()
	body, ok := v.([]byte)
	if !ok {
		var err error
		if body, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	resp := srv.Do(t, http.MethodPost, path, bytes.NewReader(body))
	return resp.StatusCode, decode(t, resp)
}

// importMetadata posts a metadata payload and fails on an error report.
func importMetadata(t *testing.T, srv *emulatortest.Server, payload map[string]any) {
	t.Helper()
	code, body := postJSON(t, srv, "/api/metadata?atomicMode=NONE", payload)
	if code != http.StatusOK {
		var msgs []string
		for _, tr := range asList(asObj(asObj(body)["response"])["typeReports"]) {
			for _, or := range asList(asObj(tr)["objectReports"]) {
				for _, er := range asList(asObj(or)["errorReports"]) {
					msgs = append(msgs, fmt.Sprint(asObj(er)["message"]))
				}
			}
		}
		t.Fatalf("metadata import: HTTP %d: %d errors, first: %q", code, len(msgs), msgs[:min(3, len(msgs))])
	}
}

// trackerServer starts an emulator of version v with the e2e tracker
// metadata (setup/tracker_metadata.json plus the SL org units it needs).
func trackerServer(t *testing.T, v string) *emulatortest.Server {
	t.Helper()
	md := readFixture(t, fxE2E+"setup/tracker_metadata.json").(map[string]any)
	srv := start(t, emulator.Options{Version: v})
	importMetadata(t, srv, map[string]any{
		"organisationUnits": slOrgUnits(),
		"userGroups":        []any{map[string]any{"id": "OPVIvvXzNTw", "name": "TA user group"}},
		"dataElements": []any{map[string]any{"id": "vbZ5LGNfGyy", "name": "TA Event_program2 element", "shortName": "TA EP2 element",
			"valueType": "TEXT", "domainType": "TRACKER", "aggregationType": "NONE"}},
		"categoryCombos": []any{map[string]any{"id": "p0bh43XdKy5", "name": "TA attribute combo", "dataDimensionType": "ATTRIBUTE",
			"categories": []any{map[string]any{"id": "GLevLNI9wkl"}}}},
	})
	importMetadata(t, srv, md)
	return srv
}

// obj is a JSON object.
type obj = map[string]any

func asObj(v any) obj {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
