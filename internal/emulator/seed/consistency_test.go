package seed

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// byID indexes the objects of one type.
func byID(md map[string][]map[string]any, typ string) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, o := range md[typ] {
		m[o["id"].(string)] = o
	}
	return m
}

func refID(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["id"].(string)
	return s
}

func TestOptionSets(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	sets := byID(md, "optionSets")
	for _, set := range md["optionSets"] {
		names, codes := map[string]bool{}, map[string]bool{}
		for _, id := range ids(set["options"]) {
			var opt map[string]any
			for _, o := range md["options"] {
				if o["id"] == id {
					opt = o
				}
			}
			if opt == nil || refID(opt["optionSet"]) != set["id"] {
				t.Errorf("option set %v lists option %s that does not point back to it", set["name"], id)
				continue
			}
			if names[opt["name"].(string)] || codes[opt["code"].(string)] {
				t.Errorf("option set %v: duplicate option %v/%v", set["name"], opt["name"], opt["code"])
			}
			names[opt["name"].(string)], codes[opt["code"].(string)] = true, true
		}
	}
	for _, typ := range []string{"dataElements", "trackedEntityAttributes"} {
		for _, o := range md[typ] {
			if os, ok := o["optionSet"]; ok && sets[refID(os)]["valueType"] != o["valueType"] {
				t.Errorf("%s %v: value type %v differs from its option set's", typ, o["name"], o["valueType"])
			}
		}
	}
}

var (
	valueTypes = strings.Fields(`TEXT LONG_TEXT LETTER PHONE_NUMBER EMAIL BOOLEAN TRUE_ONLY DATE DATETIME TIME NUMBER
		UNIT_INTERVAL PERCENTAGE INTEGER INTEGER_POSITIVE INTEGER_NEGATIVE INTEGER_ZERO_OR_POSITIVE TRACKER_ASSOCIATE
		USERNAME COORDINATE ORGANISATION_UNIT REFERENCE AGE URL FILE_RESOURCE IMAGE GEOJSON MULTI_TEXT`)
	aggregationTypes = strings.Fields(`SUM AVERAGE AVERAGE_SUM_ORG_UNIT LAST LAST_AVERAGE_ORG_UNIT FIRST COUNT STDDEV
		VARIANCE MIN MAX NONE CUSTOM DEFAULT`)
	periodTypes = strings.Fields(`Daily Weekly Monthly BiMonthly Quarterly SixMonthly Yearly FinancialJuly`)
)

func TestEnumerations(t *testing.T) {
	t.Parallel()
	for typ, objs := range demo(t).Metadata {
		for _, o := range objs {
			check := func(prop string, allowed []string) {
				if v, ok := o[prop]; ok && !slices.Contains(allowed, fmt.Sprint(v)) {
					t.Errorf("%s %v: %s %v is not a DHIS2 value", typ, o["name"], prop, v)
				}
			}
			check("valueType", valueTypes)
			if typ != "visualizations" && typ != "eventVisualizations" {
				check("aggregationType", aggregationTypes)
			}
			check("periodType", periodTypes)
			check("domainType", []string{"AGGREGATE", "TRACKER"})
		}
	}
}

func TestDataSets(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	des := byID(md, "dataElements")
	sections := byID(md, "sections")
	for _, ds := range md["dataSets"] {
		inSet := map[string]bool{}
		for _, e := range ds["dataSetElements"].([]any) {
			m := e.(map[string]any)
			de := refID(m["dataElement"])
			inSet[de] = true
			if refID(m["dataSet"]) != ds["id"] || des[de]["domainType"] != "AGGREGATE" {
				t.Errorf("data set %v: element %v is inconsistent", ds["name"], des[de]["name"])
			}
		}
		inSections := map[string]bool{}
		for _, sid := range ids(ds["sections"]) {
			sec := sections[sid]
			if refID(sec["dataSet"]) != ds["id"] {
				t.Errorf("data set %v lists section %v of another data set", ds["name"], sec["name"])
			}
			for _, de := range ids(sec["dataElements"]) {
				if !inSet[de] || inSections[de] {
					t.Errorf("data set %v: section %v element %v is not in the data set or is in two sections", ds["name"], sec["name"], des[de]["name"])
				}
				inSections[de] = true
			}
		}
		if len(inSections) != len(inSet) || len(ids(ds["organisationUnits"])) == 0 {
			t.Errorf("data set %v: %d elements, %d in sections, %d org units", ds["name"], len(inSet), len(inSections), len(ids(ds["organisationUnits"])))
		}
	}
}

func TestPrograms(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	des := byID(md, "dataElements")
	stages := byID(md, "programStages")
	psSections := byID(md, "programStageSections")
	pSections := byID(md, "programSections")
	for _, p := range md["programs"] {
		for _, sid := range ids(p["programStages"]) {
			st := stages[sid]
			if refID(st["program"]) != p["id"] {
				t.Errorf("program %v lists stage %v that points elsewhere", p["name"], st["name"])
			}
			inStage := map[string]bool{}
			for _, e := range st["programStageDataElements"].([]any) {
				de := refID(e.(map[string]any)["dataElement"])
				inStage[de] = true
				if des[de]["domainType"] != "TRACKER" {
					t.Errorf("stage %v uses aggregate element %v", st["name"], des[de]["name"])
				}
			}
			for _, secID := range ids(st["programStageSections"]) {
				for _, de := range ids(psSections[secID]["dataElements"]) {
					if !inStage[de] {
						t.Errorf("stage %v section %v holds %v which is not in the stage", st["name"], psSections[secID]["name"], de)
					}
				}
			}
		}
		attrs := map[string]bool{}
		if ptea, ok := p["programTrackedEntityAttributes"].([]any); ok {
			for _, a := range ptea {
				attrs[refID(a.(map[string]any)["trackedEntityAttribute"])] = true
			}
		}
		for _, secID := range ids(p["programSections"]) {
			for _, a := range ids(pSections[secID]["trackedEntityAttributes"]) {
				if !attrs[a] {
					t.Errorf("program %v section holds attribute %v not in the program", p["name"], a)
				}
			}
		}
		if (p["programType"] == "WITH_REGISTRATION") != (p["trackedEntityType"] != nil) {
			t.Errorf("program %v: programType %v inconsistent with trackedEntityType", p["name"], p["programType"])
		}
	}
	if len(md["programStages"]) != len(stages) {
		t.Errorf("duplicate stage ids")
	}
}

var ruleVariable = regexp.MustCompile(`[#A]\{([a-z_]+)\}`)

// TestProgramRules checks that conditions only use variables of their
// program and that actions and rules point at each other.
func TestProgramRules(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	vars := map[string]map[string]bool{}
	for _, v := range md["programRuleVariables"] {
		p := refID(v["program"])
		if vars[p] == nil {
			vars[p] = map[string]bool{}
		}
		if vars[p][v["name"].(string)] {
			t.Errorf("program rule variable %v defined twice in its program", v["name"])
		}
		vars[p][v["name"].(string)] = true
	}
	actions := byID(md, "programRuleActions")
	for _, r := range md["programRules"] {
		p := refID(r["program"])
		for _, m := range ruleVariable.FindAllStringSubmatch(r["condition"].(string), -1) {
			if !vars[p][m[1]] {
				t.Errorf("rule %v uses unknown variable %q", r["name"], m[1])
			}
		}
		for _, a := range ids(r["programRuleActions"]) {
			if refID(actions[a]["programRule"]) != r["id"] {
				t.Errorf("rule %v lists action %s that points elsewhere", r["name"], a)
			}
		}
	}
}

func TestOrgUnitHierarchyAndGeometry(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	ous := byID(md, "organisationUnits")
	perLevel := map[int]int{}
	for _, o := range md["organisationUnits"] {
		level := 1
		for p := refID(o["parent"]); p != ""; p = refID(ous[p]["parent"]) {
			level++
			if level > 4 {
				t.Fatalf("org unit %v is deeper than 4 levels or in a cycle", o["name"])
			}
		}
		perLevel[level]++
		g, _ := o["geometry"].(map[string]any)
		wantType := map[bool]string{true: "Point", false: "Polygon"}[level == 4]
		if g["type"] != wantType {
			t.Errorf("org unit %v (level %d): geometry %v, want %s", o["name"], level, g["type"], wantType)
			continue
		}
		if wantType == "Polygon" {
			ring := g["coordinates"].([]any)[0].([]any)
			first, last := fmt.Sprint(ring[0]), fmt.Sprint(ring[len(ring)-1])
			if len(ring) < 4 || first != last {
				t.Errorf("org unit %v: polygon ring is not closed (%d points)", o["name"], len(ring))
			}
			continue
		}
		c := g["coordinates"].([]any)
		lon, lat := c[0].(float64), c[1].(float64)
		if lon < -10 || lon > 10 || lat < 5 || lat > 20 {
			t.Errorf("facility %v lies outside the country: %v", o["name"], c)
		}
	}
	if perLevel[1] != 1 || perLevel[2] != 8 || perLevel[3] != 60 || perLevel[4] < 900 {
		t.Errorf("org units per level = %v", perLevel)
	}
}

// TestNewestWireShape checks the 2.42 shape: no legacy sharing fields, no
// userCredentials, GeoJSON geometry only.
func TestNewestWireShape(t *testing.T) {
	t.Parallel()
	legacy := []string{"publicAccess", "externalAccess", "userAccesses", "userGroupAccesses", "userCredentials",
		"featureType_coordinates", "coordinates_string", "user"}
	for typ, objs := range demo(t).Metadata {
		for _, o := range objs {
			walk(o, nil, func(path []string, m map[string]any) {
				for _, k := range legacy {
					if _, ok := m[k]; ok {
						t.Errorf("%s %v: legacy property %q at %v", typ, o["id"], k, path)
					}
				}
			})
			if typ == "organisationUnits" {
				if _, ok := o["coordinates"]; ok {
					t.Errorf("org unit %v uses the pre-2.32 coordinates string", o["name"])
				}
			}
		}
	}
}

func TestTranslations(t *testing.T) {
	t.Parallel()
	translated := 0
	for typ, objs := range demo(t).Metadata {
		for _, o := range objs {
			list, ok := o["translations"].([]any)
			if !ok {
				continue
			}
			locales := map[string]bool{}
			for _, tr := range list {
				m := tr.(map[string]any)
				if m["property"] == "" || m["value"] == "" || (m["locale"] != "fr" && m["locale"] != "en") {
					t.Errorf("%s %v: malformed translation %v", typ, o["id"], m)
				}
				key := fmt.Sprint(m["property"], m["locale"])
				if locales[key] {
					t.Errorf("%s %v: duplicate translation %s", typ, o["id"], key)
				}
				locales[key] = true
			}
			if locales["NAMEfr"] && locales["NAMEen"] {
				translated++
			}
		}
	}
	if translated < 300 {
		t.Errorf("only %d objects have French and English name translations", translated)
	}
}

func TestAttributeValues(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	seen := map[string]bool{}
	n := 0
	for typ, objs := range md {
		for _, o := range objs {
			for _, av := range asList(o["attributeValues"]) {
				m := av.(map[string]any)
				v := fmt.Sprint(m["value"])
				if seen[v] {
					t.Errorf("%s %v: unique attribute value %q repeated", typ, o["id"], v)
				}
				seen[v] = true
				n++
			}
		}
	}
	if n < len(md["organisationUnits"])+len(md["dataElements"]) {
		t.Errorf("only %d attribute values", n)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
