package transform

import (
	"testing"
)

func TestImportParams(t *testing.T) {
	t.Parallel()
	all := ImportOptions{
		ImportMode: "COMMIT", Identifier: "AUTO", ImportReportMode: "FULL", PreheatMode: "REFERENCE",
		ImportStrategy: "CREATE_AND_UPDATE", AtomicMode: "ALL", MergeMode: "REPLACE", FlushMode: "AUTO",
		SkipSharing: true, SkipTranslation: true, SkipValidation: false, Async: true,
		UserOverrideMode: "SELECTED", OverrideUser: "uAAAAAAAAAA",
	}
	tests := []struct {
		ver     string
		present []string
		absent  []string
		ident   string
	}{
		{"2.30", []string{"mergeMode", "userOverrideMode", "overrideUser"}, []string{"skipTranslation", "skipValidation"}, "AUTO"},
		{"2.35", []string{"mergeMode", "userOverrideMode"}, []string{"skipTranslation"}, "AUTO"},
		{"2.36", []string{"mergeMode", "userOverrideMode", "skipTranslation"}, nil, "UID"},
		{"2.37", []string{"mergeMode", "skipTranslation"}, []string{"userOverrideMode", "overrideUser"}, "UID"},
		{"2.40", []string{"mergeMode"}, []string{"userOverrideMode"}, "UID"},
		{"2.41", []string{"skipTranslation"}, []string{"mergeMode", "userOverrideMode"}, "UID"},
		{"2.42", []string{"skipTranslation", "async", "skipSharing"}, []string{"mergeMode"}, "UID"},
	}
	for _, tc := range tests {
		t.Run(tc.ver, func(t *testing.T) {
			t.Parallel()
			q := ImportParams(v(tc.ver), all)
			for _, k := range tc.present {
				if !q.Has(k) {
					t.Errorf("%s missing: %s", k, q.Encode())
				}
			}
			for _, k := range tc.absent {
				if q.Has(k) {
					t.Errorf("%s present: %s", k, q.Encode())
				}
			}
			if got := q.Get("identifier"); got != tc.ident {
				t.Errorf("identifier = %q, want %q", got, tc.ident)
			}
			for _, k := range []string{"importMode", "importReportMode", "preheatMode", "importStrategy", "atomicMode", "flushMode"} {
				if !q.Has(k) {
					t.Errorf("%s missing", k)
				}
			}
		})
	}
	if q := ImportParams(v("2.40"), ImportOptions{}); len(q) != 0 {
		t.Errorf("zero options sent parameters: %s", q.Encode())
	}
}

func TestKnownPropertiesAndDropUnknown(t *testing.T) {
	t.Parallel()
	schemas := map[string]any{"schemas": []any{
		map[string]any{"plural": "dataElements", "properties": []any{
			map[string]any{"name": "id", "fieldName": "uid"},
			map[string]any{"name": "name", "fieldName": "name"},
			map[string]any{"name": "sharing", "fieldName": "sharing"},
			map[string]any{"name": "legendSet", "fieldName": "legendSets", "collectionName": "legendSets", "collection": true},
		}},
		map[string]any{"plural": "users", "properties": []any{
			map[string]any{"name": "userRole", "fieldName": "userAuthorityGroups", "collectionName": "userRoles", "collection": true},
			map[string]any{"name": "username"},
		}},
		map[string]any{"collectionName": "visualizations", "klass": "org.hisp.dhis.visualization.Visualization"},
	}}
	known, err := KnownProperties(schemas)
	if err != nil {
		t.Fatal(err)
	}
	if !known["dataElements"]["legendSets"] || known["dataElements"]["legendSet"] || !known["users"]["userRoles"] {
		t.Errorf("known = %v", known)
	}
	if props, ok := known["visualizations"]; !ok || props != nil {
		t.Errorf("visualizations = %v, %v; want known type without property list", props, ok)
	}
	p := Payload{
		"dataElements": {
			{"id": "deAAAAAAAAA", "name": "A", "legendSets": []any{}, "publicAccess": "rw------", "fieldMask": "x"},
			{"id": "deBBBBBBBBB", "name": "B", "publicAccess": "r-------"},
		},
		"users":          {{"id": "uAAAAAAAAAA", "username": "u", "userRoles": []any{}}},
		"visualizations": {{"id": "visAAAAAAAA", "anything": 1}},
		"charts":         {{"id": "chAAAAAAAAA"}},
	}
	ws := DropUnknown(p, known)
	if len(ws) != 2 {
		t.Fatalf("warnings = %v, want one for charts and one for dataElements", ws)
	}
	if ws[0].Type != "charts" || ws[1].Type != "dataElements" || ws[1].Property != "fieldMask,publicAccess" {
		t.Errorf("warnings = %v", ws)
	}
	if _, ok := p["charts"]; ok {
		t.Error("unknown type kept")
	}
	if _, ok := p["dataElements"][0]["publicAccess"]; ok {
		t.Error("unknown property kept")
	}
	if p["visualizations"][0]["anything"] == nil || p["users"][0]["userRoles"] == nil {
		t.Error("known properties dropped")
	}
	if _, err := KnownProperties(map[string]any{"x": 1}); err == nil {
		t.Error("no error for a body without schemas")
	}
}

func TestKnownPropertiesImportExportFixture(t *testing.T) {
	t.Parallel()
	doc := readFixture(t, "dhis2__import-export-app/cypress/fixtures/schemas.json")
	known, err := KnownProperties(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := known["dataElements"]; !ok || len(known) < 50 {
		t.Errorf("known has %d types; dataElements known: %v", len(known), ok)
	}
}
