package metadata

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// TestSchemasMatchRecordedDHIS2 compares the schema table with the real
// /api/schemas/<type> responses recorded from a DHIS2 2.35/2.36 server by
// the dashboard app: every recorded property must exist with the same type,
// owner, persisted, required, unique and collection flags.
func TestSchemasMatchRecordedDHIS2(t *testing.T) {
	t.Parallel()
	raw := readFixture(t, "dhis2__dashboard-app/cypress/fixtures/network/requests.json")
	var rec struct {
		Requests []struct {
			Path     string `json:"path"`
			Response string `json:"response"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	// Known differences: the 2.36-SNAPSHOT recording still persisted legacy
	// sharing columns for dashboards; 2.35 external map layers did not
	// persist translations.
	known := map[string]bool{
		"dashboard.publicAccess": true, "dashboard.externalAccess": true, "dashboard.userGroupAccess": true,
		"dashboard.userAccess": true, "dashboard.user": true, "externalMapLayer.translation": true,
	}
	compared := 0
	for _, r := range rec.Requests {
		i := strings.Index(r.Path, "/schemas/")
		if i < 0 {
			continue
		}
		name := strings.SplitN(r.Path[i+len("/schemas/"):], "?", 2)[0]
		version := "2.35"
		if strings.Contains(r.Path, "/api/36/") {
			version = "2.36"
		}
		var recorded struct {
			Klass      string           `json:"klass"`
			Plural     string           `json:"plural"`
			Properties []map[string]any `json:"properties"`
		}
		if err := json.Unmarshal([]byte(r.Response), &recorded); err != nil {
			t.Fatalf("%s: %v", r.Path, err)
		}
		s, err := New(Options{Profile: profile.MustFor(version)})
		if err != nil {
			t.Fatal(err)
		}
		doc, ok := s.SchemaJSON(name, "", "")
		if !ok {
			t.Errorf("%s %s: schema unknown", version, name)
			continue
		}
		if doc["klass"] != recorded.Klass || doc["plural"] != recorded.Plural {
			t.Errorf("%s %s: klass/plural %v/%v, recorded %s/%s", version, name, doc["klass"], doc["plural"], recorded.Klass, recorded.Plural)
		}
		ours := map[string]map[string]any{}
		for _, p := range doc["properties"].([]any) {
			pm := p.(map[string]any)
			ours[fmt.Sprintf("%s/%v", pm["name"], pm["collection"])] = pm
		}
		for _, rp := range recorded.Properties {
			key := fmt.Sprintf("%s/%v", rp["name"], rp["collection"])
			if known[name+"."+str(rp["name"])] {
				continue
			}
			op, ok := ours[key]
			if !ok {
				t.Errorf("%s %s: recorded property %s missing", version, name, key)
				continue
			}
			compared++
			for _, k := range []string{"propertyType", "itemPropertyType", "owner", "persisted", "required", "unique"} {
				want, has := rp[k]
				if !has {
					continue
				}
				got := op[k]
				if got == nil && want == false {
					continue
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s %s.%s: %s = %v, recorded %v", version, name, rp["name"], k, got, want)
				}
			}
		}
	}
	if compared < 300 {
		t.Errorf("compared only %d properties; the recording has more", compared)
	}
}

func TestSchemasJSON(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	doc := s.SchemasJSON("name,plural,properties[name,propertyType]", "http://emu")
	list := doc["schemas"].([]any)
	found := false
	for _, it := range list {
		m := it.(map[string]any)
		if len(m) > 3 {
			t.Fatalf("fields not applied: %v", sortedKeys(m))
		}
		if m["plural"] == "dataElements" {
			found = true
		}
	}
	if !found {
		t.Error("dataElements schema missing")
	}
	de, ok := s.SchemaJSON("dataElements", "", "http://emu")
	if !ok || de["relativeApiEndpoint"] != "/dataElements" || de["apiEndpoint"] != "http://emu/api/dataElements" || de["metadata"] != true {
		t.Errorf("dataElement schema %v", de)
	}
	for _, p := range de["properties"].([]any) {
		pm := p.(map[string]any)
		if pm["name"] == "categoryCombo" && (pm["propertyType"] != "REFERENCE" || pm["relativeApiEndpoint"] != "/categoryCombos" || pm["required"] != true) {
			t.Errorf("categoryCombo property %v", pm)
		}
		if pm["name"] == "valueType" && len(pm["constants"].([]string)) < 20 {
			t.Errorf("valueType constants %v", pm["constants"])
		}
	}
}

func TestSchemaVersionGates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, plural string
		exists          bool
		klass           string
		order           int
	}{
		{"2.33", "visualizations", false, "", 0},
		{"2.34", "visualizations", true, "org.hisp.dhis.visualization.Visualization", 2000},
		{"2.36", "charts", true, "org.hisp.dhis.chart.Chart", 2000},
		{"2.37", "charts", false, "", 0},
		{"2.37", "eventVisualizations", false, "", 0},
		{"2.38", "eventVisualizations", true, "org.hisp.dhis.eventvisualization.EventVisualization", 2000},
		{"2.39", "expressionDimensionItems", false, "", 0},
		{"2.40", "expressionDimensionItems", true, "org.hisp.dhis.expressiondimensionitem.ExpressionDimensionItem", 1000},
		{"2.30", "relationshipTypes", true, "org.hisp.dhis.relationship.RelationshipType", 1450},
		{"2.36", "relationshipTypes", true, "org.hisp.dhis.relationship.RelationshipType", 1600},
		{"2.42", "trackedEntityInstanceFilters", true, "org.hisp.dhis.trackedentityfilter.TrackedEntityFilter", 2147483647},
		{"2.30", "dataElements", true, "org.hisp.dhis.dataelement.DataElement", 1200},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.plural, func(t *testing.T) {
			t.Parallel()
			sc, ok := SchemasFor(profile.MustFor(tt.version)).ByPlural(tt.plural)
			if ok != tt.exists {
				t.Fatalf("exists = %v", ok)
			}
			if ok && (sc.Klass != tt.klass || sc.Order != tt.order || !sc.Metadata) {
				t.Errorf("%s: klass %s order %d metadata %v", tt.plural, sc.Klass, sc.Order, sc.Metadata)
			}
		})
	}
	// import order: users before org units, programs after stages, dashboards last
	ss := SchemasFor(profile.MustFor("2.42"))
	pos := map[string]int{}
	for i, sc := range ss.Metadata() {
		pos[sc.Plural] = i
	}
	for _, pair := range [][2]string{{"users", "organisationUnits"}, {"programStages", "programs"},
		{"categoryOptionCombos", "dataElements"}, {"visualizations", "dashboards"}, {"attributes", "dataElements"}} {
		if pos[pair[0]] >= pos[pair[1]] {
			t.Errorf("%s must come before %s in the import order", pair[0], pair[1])
		}
	}
	// non-metadata objects are not importable through /api/metadata
	for _, plural := range []string{"interpretations", "minMaxDataElements", "dataStores", "trackedEntityInstances"} {
		if sc, ok := ss.ByPlural(plural); ok && sc.Metadata {
			t.Errorf("%s is metadata", plural)
		}
	}
}
