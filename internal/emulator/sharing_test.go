package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestMetadataSharingHTTP: /api/sharing?type=<singular>&id= reads and
// writes a metadata object's sharing in the legacy sharing-object format
// in every version (SharingController): externalAccess and
// meta.allowExternalAccess until 2.40, users and groups that do not exist
// left out, data access refused (≤2.35) or removed (2.36+) on types that
// are not data-shareable, and the object itself carries the new sharing.
func TestMetadataSharingHTTP(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"2.30", "2.35", "2.38", "2.41", "2.42"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: version})
			meta := `{"userGroups":[{"id":"GroupA00001","name":"Group A"},{"id":"GroupB00001","name":"Alpha group"}],
				"dataElements":[{"id":"DeShare0001","name":"Malaria cases","shortName":"Malaria","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}]}`
			if code, b := sysCall(t, srv, "POST", "/api/metadata", "application/json", meta); code != http.StatusOK {
				t.Fatalf("metadata = %d %s", code, b)
			}
			const path = "/api/sharing?type=dataElement&id=DeShare0001"
			code, sh := callJSON(t, srv, "GET", path, "", "")
			obj, _ := sh["object"].(map[string]any)
			m, _ := sh["meta"].(map[string]any)
			_, hasExternal := obj["externalAccess"]
			_, allowExternal := m["allowExternalAccess"]
			legacy := version != "2.41" && version != "2.42"
			if code != http.StatusOK || obj["id"] != "DeShare0001" || obj["name"] != "Malaria cases" || obj["publicAccess"] != "rw------" ||
				m["allowPublicAccess"] != true || hasExternal != legacy || allowExternal != legacy || mustJSON(obj["userGroupAccesses"]) != "[]" {
				t.Fatalf("GET = %d %s", code, mustJSON(sh))
			}
			if u, _ := obj["user"].(map[string]any); u["id"] != "M5zQapPyTZI" {
				t.Errorf("owner = %v, want the importing admin", obj["user"])
			}

			body := `{"object":{"publicAccess":"r-------","externalAccess":true,"userGroupAccesses":[{"id":"GroupA00001","access":"rw------"},
				{"id":"GroupB00001","access":"r-------"},{"id":"GroupGone01","access":"rw------"}]}}`
			if code, m := callJSON(t, srv, "POST", path, "application/json", body); code != http.StatusOK || message(m) != "Access control set" {
				t.Fatalf("POST = %d %v", code, m)
			}
			_, sh = callJSON(t, srv, "GET", path, "", "")
			obj = sh["object"].(map[string]any)
			want := `[{"access":"r-------","displayName":"Alpha group","id":"GroupB00001","name":"Alpha group"},{"access":"rw------","displayName":"Group A","id":"GroupA00001","name":"Group A"}]`
			if obj["publicAccess"] != "r-------" || mustJSON(obj["userGroupAccesses"]) != want || legacy && obj["externalAccess"] != false {
				t.Errorf("after POST = %s (data elements cannot be made external)", mustJSON(obj))
			}
			_, de := getJSON(t, srv, "/api/dataElements/DeShare0001?fields=publicAccess,sharing,userGroupAccesses")
			if s := mustJSON(de); !strings.Contains(s, "r-------") || !strings.Contains(s, "GroupA00001") || strings.Contains(s, "GroupGone01") {
				t.Errorf("data element after POST = %s", s)
			}

			code, m2 := callJSON(t, srv, "PUT", path, "application/json", `{"object":{"publicAccess":"rwrw----"}}`)
			if version == "2.30" || version == "2.35" {
				if code != http.StatusConflict || message(m2) != "Data sharing is not enabled for this object." {
					t.Errorf("data access on a data element = %d %v", code, m2)
				}
			} else if _, sh = callJSON(t, srv, "GET", path, "", ""); code != http.StatusOK || sh["object"].(map[string]any)["publicAccess"] != "rw------" {
				t.Errorf("data access on a data element = %d, then %s; want it removed", code, mustJSON(sh))
			}
		})
	}
}

// TestMetadataSharingErrorsHTTP: unsupported types, unknown objects, bad
// access strings and the built-in default objects.
func TestMetadataSharingErrorsHTTP(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40"})
	tests := []struct {
		name, method, query, body string
		code                      int
		message                   string
	}{
		{"unknown type", "GET", "type=nope&id=DeShare0001", "", http.StatusConflict, "Type nope is not supported."},
		{"type that is not shareable", "GET", "type=categoryOptionCombo&id=HllvX50cXC0", "", http.StatusConflict, "Type categoryOptionCombo is not supported."},
		{"unknown object", "GET", "type=dataElement&id=Nope0000001", "", http.StatusNotFound, "Object of type dataElement with ID Nope0000001 was not found."},
		{"unknown object on POST", "POST", "type=categoryCombo&id=Nope0000001", `{"object":{}}`, http.StatusNotFound, "Object of type categoryCombo with ID Nope0000001 was not found."},
		{"default object", "POST", "type=categoryCombo&id=bjDvmb4bfuf", `{"object":{"publicAccess":"r-------"}}`, http.StatusConflict,
			"Sharing settings of system default metadata object of type categoryCombo cannot be modified."},
		{"bad user access", "POST", "type=userGroup&id=GroupA00001", `{"object":{"userAccesses":[{"id":"M5zQapPyTZI","access":"rwx-----"}]}}`, http.StatusConflict,
			"Invalid user access string: rwx-----"},
		{"bad public access string", "POST", "type=userGroup&id=GroupA00001", `{"object":{"publicAccess":"r"}}`, http.StatusConflict, "Invalid public access string: r"},
	}
	if code, b := sysCall(t, srv, "POST", "/api/metadata", "application/json", `{"userGroups":[{"id":"GroupA00001","name":"Group A"}]}`); code != http.StatusOK {
		t.Fatalf("metadata = %d %s", code, b)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ct := ""
			if tc.body != "" {
				ct = "application/json"
			}
			code, m := callJSON(t, srv, tc.method, "/api/sharing?"+tc.query, ct, tc.body)
			if code != tc.code || message(m) != tc.message {
				t.Errorf("= %d %q, want %d %q", code, message(m), tc.code, tc.message)
			}
		})
	}
}
