package syncer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// recordedSchemas builds a /api/schemas body from the per-type schema
// answers of a real DHIS2 2.35/2.36 recorded by the dashboard app.
func recordedSchemas(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(fixturesDir(t), "dhis2__dashboard-app", "cypress", "fixtures", "network", "requests.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Requests []struct {
			Path     string `json:"path"`
			Response string `json:"response"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	var schemas []json.RawMessage
	for _, r := range rec.Requests {
		if strings.Contains(r.Path, "/schemas/") {
			schemas = append(schemas, json.RawMessage(r.Response))
		}
	}
	if len(schemas) < 5 {
		t.Fatalf("only %d recorded schemas", len(schemas))
	}
	body, err := json.Marshal(map[string]any{"schemas": schemas})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestParseSchemasRecorded(t *testing.T) {
	t.Parallel()
	ss, err := ParseSchemas(strings.NewReader(string(recordedSchemas(t))))
	if err != nil {
		t.Fatal(err)
	}
	de, ok := ss.ByPlural("dataElements")
	if !ok {
		t.Fatal("dataElements schema missing")
	}
	if de.Order != 1200 || de.OrderKnown {
		t.Errorf("dataElements order = %d (known %v), want the fallback 1200", de.Order, de.OrderKnown)
	}
	tests := []struct {
		typ, key           string
		reference, owner   bool
		collection, absent bool
	}{
		{typ: "dataElements", key: "categoryCombo", reference: true, owner: true},
		{typ: "dataElements", key: "legendSets", reference: true, owner: true, collection: true},
		{typ: "dataElements", key: "dataElementGroups", reference: true, owner: false, collection: true},
		{typ: "dataElements", key: "dataSetElements", reference: false, owner: false, collection: true},
		{typ: "dataElements", key: "translations", reference: false, owner: true, collection: true},
		{typ: "dataSets", key: "organisationUnits", reference: true, owner: true, collection: true},
		{typ: "dataSets", key: "compulsoryDataElementOperands", reference: false, owner: true, collection: true},
		{typ: "dataSets", key: "dataSetElement", absent: true},
	}
	for _, tc := range tests {
		s, ok := ss.ByPlural(tc.typ)
		if !ok {
			t.Fatalf("schema %s missing", tc.typ)
		}
		p, ok := s.Properties[tc.key]
		if tc.absent {
			if ok {
				t.Errorf("%s.%s: collections must be keyed by collectionName", tc.typ, tc.key)
			}
			continue
		}
		if !ok {
			t.Fatalf("%s.%s missing", tc.typ, tc.key)
		}
		if p.IsReference() != tc.reference || p.Owner != tc.owner || p.Collection != tc.collection {
			t.Errorf("%s.%s: reference=%v owner=%v collection=%v, want %v %v %v", tc.typ, tc.key, p.IsReference(), p.Owner, p.Collection, tc.reference, tc.owner, tc.collection)
		}
	}
	refs := ss.ReferenceTypes("dataElements")
	if !slices.Contains(refs, "legendSets") {
		t.Errorf("dataElements refers to %v, want legendSets (owner reference found through href)", refs)
	}
	if slices.Contains(refs, "dataSets") {
		t.Errorf("dataElements refers to %v: non-owner dataSetElements must not count", refs)
	}
	known := ss.KnownProperties()["dataSets"]
	for _, k := range []string{"id", "dataSetElements", "organisationUnits", "categoryCombo"} {
		if !known[k] {
			t.Errorf("KnownProperties()[dataSets] lacks %q", k)
		}
	}
}

func TestMetadataTypes(t *testing.T) {
	t.Parallel()
	mk := func(plural string, order int, meta, persisted bool, endpoint string) map[string]any {
		return map[string]any{"klass": "org.hisp.dhis.x." + strings.ToUpper(plural[:1]) + plural[1:], "plural": plural, "singular": strings.TrimSuffix(plural, "s"),
			"metadata": meta, "persisted": persisted, "relativeApiEndpoint": endpoint, "order": order}
	}
	tests := []struct {
		name    string
		schemas []map[string]any
		want    []string
		exclude []string
	}{
		{
			name: "order, exclusions and non-metadata",
			schemas: []map[string]any{
				mk("dataElements", 1200, true, true, "/dataElements"),
				mk("attributes", 100, true, true, "/attributes"),
				mk("jobConfigurations", 1040, true, true, "/jobConfigurations"),
				mk("dataValues", 0, false, true, "/dataValues"),
				mk("analyticsPeriodBoundaries", 0, true, false, ""),
				mk("apiTokens", 2147483647, true, true, "/apiToken"),
			},
			want:    []string{"attributes", "dataElements"},
			exclude: []string{"apiTokens", "jobConfigurations"},
		},
		{
			name: "charts superseded by visualizations",
			schemas: []map[string]any{
				mk("charts", 2000, true, true, "/charts"),
				mk("visualizations", 2000, true, true, "/visualizations"),
				mk("eventCharts", 1540, true, true, "/eventCharts"),
			},
			want:    []string{"eventCharts", "visualizations"},
			exclude: []string{"charts"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, _ := json.Marshal(map[string]any{"schemas": tc.schemas})
			ss, err := ParseSchemas(strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			got, excl := ss.MetadataTypes()
			if !slices.Equal(got, tc.want) {
				t.Errorf("types = %v, want %v", got, tc.want)
			}
			var names []string
			for _, e := range excl {
				names = append(names, e.Type)
			}
			slices.Sort(names)
			if !slices.Equal(names, tc.exclude) {
				t.Errorf("excluded = %v, want %v", names, tc.exclude)
			}
		})
	}
}

func TestParseSchemasRejectsEmpty(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"schemas":[]}`, `<html>`, `{}`} {
		if _, err := ParseSchemas(strings.NewReader(body)); err == nil {
			t.Errorf("ParseSchemas(%q) = nil error", body)
		}
	}
}
