package metadata

import (
	"fmt"
	"testing"
)

// dimensionsPayload holds the objects the four embedded dimension types
// point to, and one visualization that uses each of them with two items.
const dimensionsPayload = `{
 "categoryOptions":[{"id":"dimCatOpt01","name":"Female","shortName":"Female"},
   {"id":"dimCatOpt02","name":"Male","shortName":"Male"}],
 "categories":[{"id":"dimCategor1","name":"Sex","shortName":"Sex","dataDimensionType":"DISAGGREGATION",
   "dataDimension":true,"categoryOptions":[{"id":"dimCatOpt01"},{"id":"dimCatOpt02"}]}],
 "categoryOptionGroups":[{"id":"dimCogroup1","name":"Partner A","shortName":"Partner A","dataDimensionType":"ATTRIBUTE"},
   {"id":"dimCogroup2","name":"Partner B","shortName":"Partner B","dataDimensionType":"ATTRIBUTE"}],
 "categoryOptionGroupSets":[{"id":"dimCogSet01","name":"Partners","shortName":"Partners","dataDimensionType":"ATTRIBUTE",
   "categoryOptionGroups":[{"id":"dimCogroup1"},{"id":"dimCogroup2"}]}],
 "dataElementGroups":[{"id":"dimDeGroup1","name":"ANC","shortName":"ANC"},{"id":"dimDeGroup2","name":"EPI","shortName":"EPI"}],
 "dataElementGroupSets":[{"id":"dimDegSet01","name":"Programme","shortName":"Programme",
   "dataElementGroups":[{"id":"dimDeGroup1"},{"id":"dimDeGroup2"}]}],
 "organisationUnitGroups":[{"id":"dimOuGroup1","name":"Public","shortName":"Public"},
   {"id":"dimOuGroup2","name":"Private","shortName":"Private"}],
 "organisationUnitGroupSets":[{"id":"dimOugSet01","name":"Ownership","shortName":"Ownership",
   "organisationUnitGroups":[{"id":"dimOuGroup1"},{"id":"dimOuGroup2"}]}],
 "visualizations":[{"id":"dimVisual01","name":"By sex","type":"COLUMN",
   "categoryDimensions":[{"category":{"id":"dimCategor1"},"categoryOptions":[{"id":"dimCatOpt01"},{"id":"dimCatOpt02"}]}],
   "categoryOptionGroupSetDimensions":[{"categoryOptionGroupSet":{"id":"dimCogSet01"},
     "categoryOptionGroups":[{"id":"dimCogroup1"},{"id":"dimCogroup2"}]}],
   "dataElementGroupSetDimensions":[{"dataElementGroupSet":{"id":"dimDegSet01"},
     "dataElementGroups":[{"id":"dimDeGroup1"},{"id":"dimDeGroup2"}]}],
   "organisationUnitGroupSetDimensions":[{"organisationUnitGroupSet":{"id":"dimOugSet01"},
     "organisationUnitGroups":[{"id":"dimOuGroup1"},{"id":"dimOuGroup2"}]}]}]}`

// TestEmbeddedDimensionItemsKept checks that the item lists of the embedded
// dimension objects of analytical objects survive an import in every
// version. From 2.36 DHIS2 annotates these lists @Property(REFERENCE) so
// /api/schemas reports propertyType REFERENCE with collection=true; the
// list is still a list (CategoryDimension.getItems() and friends).
func TestEmbeddedDimensionItemsKept(t *testing.T) {
	t.Parallel()
	dims := []struct{ prop, dim, items, first, second string }{
		{"categoryDimensions", "category", "categoryOptions", "dimCatOpt01", "dimCatOpt02"},
		{"categoryOptionGroupSetDimensions", "categoryOptionGroupSet", "categoryOptionGroups", "dimCogroup1", "dimCogroup2"},
		{"dataElementGroupSetDimensions", "dataElementGroupSet", "dataElementGroups", "dimDeGroup1", "dimDeGroup2"},
		{"organisationUnitGroupSetDimensions", "organisationUnitGroupSet", "organisationUnitGroups", "dimOuGroup1", "dimOuGroup2"},
	}
	for _, version := range []string{"2.35", "2.36", "2.39", "2.40", "2.42"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newBareStore(t, version)
			if rep := importJSON(t, s, []byte(dimensionsPayload)); rep.Status != StatusOK {
				t.Fatalf("import: %s", errorSummary(rep))
			}
			export := exportMap(t, s, ExportParams{Fields: ":owner"})
			vis := export["visualizations"].([]any)[0].(map[string]any)
			for _, d := range dims {
				list, _ := vis[d.prop].([]any)
				if len(list) != 1 {
					t.Errorf("%s: %d entries, want 1 (%v)", d.prop, len(list), vis[d.prop])
					continue
				}
				entry := list[0].(map[string]any)
				if entry[d.dim] == nil {
					t.Errorf("%s: dimension %s lost: %v", d.prop, d.dim, entry)
				}
				items, _ := entry[d.items].([]any)
				got := make([]string, 0, len(items))
				for _, it := range items {
					got = append(got, refID(it))
				}
				if fmt.Sprint(got) != fmt.Sprint([]string{d.first, d.second}) {
					t.Errorf("%s.%s = %v, want [%s %s] in order", d.prop, d.items, got, d.first, d.second)
				}
			}
		})
	}
}

// TestDimensionItemSchemaProperties checks how /api/schemas describes the
// item lists: a collection in every version, typed REFERENCE from 2.36 (the
// @Property annotation overrides the type DHIS2 derives from the Java
// class) and COLLECTION before.
func TestDimensionItemSchemaProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, schema, name, wantType string
	}{
		{"2.35", "categoryDimension", "categoryOption", "COLLECTION"},
		{"2.36", "categoryDimension", "categoryOption", "REFERENCE"},
		{"2.42", "categoryDimension", "categoryOption", "REFERENCE"},
		{"2.42", "dataElementGroupSetDimension", "dataElementGroup", "REFERENCE"},
		{"2.42", "organisationUnitGroupSetDimension", "organisationUnitGroup", "REFERENCE"},
		{"2.42", "categoryOptionGroupSetDimension", "categoryOptionGroup", "REFERENCE"},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.schema, func(t *testing.T) {
			t.Parallel()
			s := newBareStore(t, tt.version)
			doc, ok := s.SchemaJSON(tt.schema, "", "")
			if !ok {
				t.Fatalf("schema %s unknown", tt.schema)
			}
			for _, p := range doc["properties"].([]any) {
				pm := p.(map[string]any)
				if pm["name"] != tt.name {
					continue
				}
				if pm["propertyType"] != tt.wantType || pm["collection"] != true || pm["itemPropertyType"] != "REFERENCE" {
					t.Errorf("%s: propertyType %v collection %v itemPropertyType %v, want %s, true, REFERENCE",
						tt.name, pm["propertyType"], pm["collection"], pm["itemPropertyType"], tt.wantType)
				}
				return
			}
			t.Errorf("property %s not found", tt.name)
		})
	}
}
