package emulator_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// webAPIMetadata is what dhis-test-web-api's TrackerImportControllerTest
// creates before posting its payloads.
func webAPIMetadata() map[string]any {
	ref := func(id string) map[string]any { return map[string]any{"id": id} }
	return map[string]any{
		"organisationUnits":  []any{obj{"id": "PSeMWi7rBgb", "name": "OrgUnitA", "shortName": "OrgUnitA", "openingDate": "1970-01-01"}},
		"trackedEntityTypes": []any{obj{"id": "PrZMWi7rBga", "name": "TrackedEntityTypeA", "shortName": "TETA"}},
		"programs": []any{obj{"id": "XrZRFi7rU9e", "name": "ProgramA", "shortName": "ProgramA", "programType": "WITH_REGISTRATION",
			"trackedEntityType": ref("PrZMWi7rBga"), "organisationUnits": []any{ref("PSeMWi7rBgb")}}},
		"programStages": []any{obj{"id": "I8RRFi7rUps", "name": "ProgramStageA", "shortName": "PSA", "program": ref("XrZRFi7rU9e"), "repeatable": true}},
		"relationshipTypes": []any{obj{"id": "A4ORFi7rReL", "name": "Person to person", "code": "PERSON_TO_PERSON", "fromToName": "is related to",
			"fromConstraint": obj{"relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": ref("PrZMWi7rBga")},
			"toConstraint":   obj{"relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": ref("PrZMWi7rBga")}}},
	}
}

// objectUIDs lists the objectReports' UIDs of one type, in order.
func objectUIDs(report any, kind string) []string {
	var out []string
	tr := asObj(asObj(asObj(report)["bundleReport"])["typeReportMap"])[kind]
	for _, o := range asList(asObj(tr)["objectReports"]) {
		out = append(out, asObj(o)["uid"].(string))
	}
	return out
}

// TestTrackerWebAPIPayloads replays dhis-test-web-api's
// shouldReturnOrderedEntitiesInReportWhenImportIsSuccessful (flat, nested
// and repeated-relationship payloads) and its invalid-UID payload.
func TestTrackerWebAPIPayloads(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.40", "2.42"} {
		for _, name := range []string{"import_flatten_payload.json", "import_nested_payload.json", "import_nested_payload_repeated_relationships.json"} {
			t.Run(v+"/"+name, func(t *testing.T) {
				t.Parallel()
				srv := start(t, emulator.Options{Version: v})
				importMetadata(t, srv, webAPIMetadata())
				code, rep := postJSON(t, srv, "/api/tracker?async=false&reportMode=FULL&validationMode=SKIP&atomicMode=OBJECT&skipRuleEngine=true",
					rawFixture(t, fxWebAPI+name))
				if code != http.StatusOK || asObj(rep)["status"] != "OK" {
					t.Fatalf("HTTP %d %.800v", code, rep)
				}
				want := map[string][]string{
					"TRACKED_ENTITY": {"IybbQIQt6te", "daMwzsKN3te", "FRM97UKN8te"}, "ENROLLMENT": {"IybbQIQt6en", "daMwzsKN3en"},
					"EVENT": {"IybbQIQt6ev", "daMwzsKN3ev"}, "RELATIONSHIP": {"IybbQIQtrel", "daMwzsKNrel"},
				}
				for kind, uids := range want {
					if got := objectUIDs(rep, kind); !slices.Equal(got, uids) {
						t.Errorf("%s objectReports = %v, want %v", kind, got, uids)
					}
				}
			})
		}
	}
	t.Run("invalid uid", func(t *testing.T) {
		t.Parallel()
		srv := start(t, emulator.Options{Version: "2.42"})
		importMetadata(t, srv, webAPIMetadata())
		code, rep := postJSON(t, srv, "/api/tracker?async=false", rawFixture(t, fxWebAPI+"import_invalid_uid_payload.json"))
		errs := asList(asObj(asObj(rep)["validationReport"])["errorReports"])
		if code != http.StatusConflict || len(errs) != 1 || asObj(errs[0])["errorCode"] != "E1048" {
			t.Fatalf("HTTP %d, errors %v; want 409 E1048", code, errs)
		}
	})
}

// internalToWire converts dhis-tracker's server-internal references
// ({"idScheme":"UID","identifier":"x"}) to plain UIDs, and
// attributeCategoryOptions lists to the comma string of the wire form.
func internalToWire(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if id, ok := t["identifier"]; ok && t["idScheme"] != nil && len(t) == 2 {
			return id
		}
		for k, e := range t {
			t[k] = internalToWire(e)
		}
		if list, ok := t["attributeCategoryOptions"].([]any); ok {
			var ids []string
			for _, e := range list {
				if s, ok := e.(string); ok {
					ids = append(ids, s)
				}
			}
			t["attributeCategoryOptions"] = strings.Join(ids, ",")
		}
	case []any:
		for i, e := range t {
			t[i] = internalToWire(e)
		}
	}
	return v
}

// TestTrackerBaseDataAccepted loads dhis-tracker's base_metadata.json and
// imports base_data.json (converted to the wire form) at 2.40 and 2.42:
// all 49 objects are created.
func TestTrackerBaseDataAccepted(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.40", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: v})
			postJSON(t, srv, "/api/metadata?atomicMode=NONE", rawFixture(t, fxTrackerDir+"base_metadata.json"))
			data := internalToWire(readFixture(t, fxTrackerDir+"base_data.json"))
			body, _ := json.Marshal(data)
			code, rep := postJSON(t, srv, "/api/tracker?async=false", body)
			st := asObj(asObj(rep)["stats"])
			if code != http.StatusOK || asObj(rep)["status"] != "OK" || st["created"] != float64(49) {
				t.Fatalf("HTTP %d, stats %v, errors %.1500v", code, st, asObj(asObj(rep)["validationReport"])["errorReports"])
			}
		})
	}
}
