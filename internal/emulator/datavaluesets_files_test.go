package emulator_test

import (
	"net/http"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestDataValueSetFileResources: a FILE_RESOURCE value needs its file
// resource. With it the value is stored and the file resource assigned;
// without it DHIS2's DefaultDataValueSetService throws a
// NullPointerException and the whole import is "The import process
// failed: …" (plain with HTTP 200 before 2.38, wrapped with 409 after; the
// exception message is "null" before Java 17, i.e. before 2.41).
func TestDataValueSetFileResources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		code    int
		message string
	}{
		{"2.37", http.StatusOK, "The import process failed: null"},
		{"2.40", http.StatusConflict, "The import process failed: null"},
		{"2.41", http.StatusConflict, `The import process failed: Cannot invoke "org.hisp.dhis.fileresource.FileResource.setAssigned(boolean)" because "fr" is null`},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: tc.version, FileStoreDelay: -1})
			meta := `{"dataElements":[{"id":"DeFile00001","name":"Scan","shortName":"Scan","valueType":"FILE_RESOURCE","aggregationType":"NONE","domainType":"AGGREGATE"}],
				"organisationUnits":[{"id":"OuFile00001","name":"Clinic","shortName":"Clinic","openingDate":"2000-01-01"}]}`
			if code, b := sysCall(t, srv, "POST", "/api/metadata", "application/json", meta); code != http.StatusOK {
				t.Fatalf("metadata = %d %s", code, b)
			}
			code, b := upload(t, srv, "/api/fileResources", "scan.pdf", "application/pdf", []byte("%PDF-1.4 scan"))
			if code != http.StatusAccepted {
				t.Fatalf("upload = %d %s", code, b)
			}
			var up map[string]any
			if err := jsonUnmarshal(b, &up); err != nil {
				t.Fatal(err)
			}
			fr := up["response"].(map[string]any)["fileResource"].(map[string]any)["id"].(string)

			value := func(pe, v string) string {
				return `{"dataElement":"DeFile00001","period":"` + pe + `","orgUnit":"OuFile00001","value":"` + v + `"}`
			}
			code, sum := callJSON(t, srv, "POST", "/api/dataValueSets", "application/json", `{"dataValues":[`+value("202401", fr)+`]}`)
			if s := importSummaryOf(sum); code != http.StatusOK || s["status"] != "SUCCESS" {
				t.Fatalf("import = %d %v", code, sum)
			}
			if got, err := srv.System().Files.Get(fr); err != nil || !got.Assigned {
				t.Errorf("file resource after the import = %+v, %v; want assigned", got, err)
			}

			body := `{"dataValues":[` + value("202402", "NoSuchFile1") + `,` + value("202403", fr) + `]}`
			code, sum = callJSON(t, srv, "POST", "/api/dataValueSets", "application/json", body)
			s := importSummaryOf(sum)
			if code != tc.code || s["status"] != "ERROR" || s["description"] != tc.message {
				t.Fatalf("missing file resource = %d %v, want %d and %q", code, sum, tc.code, tc.message)
			}
			if _, ok := s["importOptions"]; ok {
				t.Errorf("a failed import's summary has importOptions: %v", s)
			}
			if c, _ := s["importCount"].(map[string]any); c["imported"] != 0.0 || c["ignored"] != 0.0 {
				t.Errorf("importCount = %v, want zeros", c)
			}
			if n := srv.Stats().DataValues; n != 1 {
				t.Errorf("%d data values after the failed import, want 1 (nothing after the failing value)", n)
			}
		})
	}
}

// importSummaryOf returns the ImportSummary of a plain or wrapped answer.
func importSummaryOf(m map[string]any) map[string]any {
	if r, ok := m["response"].(map[string]any); ok {
		return r
	}
	return m
}
