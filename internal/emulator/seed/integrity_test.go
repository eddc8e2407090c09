package seed

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// refTypes maps the property holding a {"id": …} reference to the plural
// type it must point at.
var refTypes = map[string]string{
	"attribute": "attributes", "categoryCombo": "categoryCombos", "categories": "categories", "category": "categories",
	"categoryOptions": "categoryOptions", "dataElement": "dataElements", "dataElements": "dataElements",
	"organisationUnits": "organisationUnits", "dataViewOrganisationUnits": "organisationUnits",
	"teiSearchOrganisationUnits": "organisationUnits", "parent": "organisationUnits",
	"optionSet": "optionSets", "options": "options", "legendSets": "legendSets", "set": "legendSets",
	"indicatorType": "indicatorTypes", "indicators": "indicators", "indicator": "indicators",
	"dataSet": "dataSets", "sections": "sections", "organisationUnitGroups": "organisationUnitGroups",
	"organisationUnitGroupSet": "organisationUnitGroupSets", "dataElementGroups": "dataElementGroups",
	"indicatorGroups": "indicatorGroups", "validationRules": "validationRules", "predictors": "predictors",
	"output": "dataElements", "outputCombo": "categoryOptionCombos", "organisationUnitLevels": "organisationUnitLevels",
	"trackedEntityType": "trackedEntityTypes", "trackedEntityAttribute": "trackedEntityAttributes",
	"trackedEntityAttributes": "trackedEntityAttributes", "program": "programs", "programStage": "programStages",
	"programStages": "programStages", "programStageSections": "programStageSections", "programSections": "programSections",
	"programRule": "programRules", "programRuleActions": "programRuleActions",
	"notificationTemplates": "programNotificationTemplates", "recipientUserGroup": "userGroups",
	"userRoles": "userRoles", "users": "users", "visualization": "visualizations", "map": "maps",
	"eventVisualization": "eventVisualizations", "programIndicator": "programIndicators",
	"programIndicators": "programIndicators",
}

// index returns every top-level UID with its type, and every embedded
// object id (objects with an id and other properties nested in a
// top-level object).
func index(t *testing.T, md map[string][]map[string]any) (types map[string]string, embedded map[string]bool) {
	t.Helper()
	types = map[string]string{}
	for id, typ := range builtins {
		types[id] = typ
	}
	embedded = map[string]bool{}
	for typ, objs := range md {
		for _, o := range objs {
			id, _ := o["id"].(string)
			if prev, dup := types[id]; dup {
				t.Errorf("%s %s: id already used by a %s object", typ, id, prev)
			}
			types[id] = typ
			for k, v := range o {
				walk(v, []string{k}, func(path []string, m map[string]any) {
					if id, ok := m["id"].(string); ok && !isRef(path, m) && !slices.Contains(path, "sharing") {
						if embedded[id] {
							t.Errorf("%s %s: embedded id %s defined twice", typ, o["id"], id)
						}
						embedded[id] = true
					}
				})
			}
		}
	}
	return types, embedded
}

// isRef reports whether m is a reference rather than an embedded object:
// {"id": …} alone, or an analytics dimension item.
func isRef(path []string, m map[string]any) bool {
	return len(m) == 1 || path[len(path)-1] == "items"
}

func TestUIDsAreValid(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	types, embedded := index(t, md)
	for id := range types {
		if !uidPattern.MatchString(id) {
			t.Errorf("invalid UID %q", id)
		}
	}
	for id := range embedded {
		if !uidPattern.MatchString(id) {
			t.Errorf("invalid embedded UID %q", id)
		}
		if _, clash := types[id]; clash {
			t.Errorf("embedded UID %q clashes with a top-level object", id)
		}
	}
	for typ, objs := range md {
		for _, o := range objs {
			if _, ok := o["id"].(string); !ok {
				t.Errorf("%s object without id: %v", typ, o["name"])
			}
		}
	}
}

// TestReferencesResolve walks every {"id": …} reference, every sharing
// entry and every UID inside an expression, and checks it points at an
// object of the right type in the payload or at a built-in object.
func TestReferencesResolve(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	types, _ := index(t, md)
	checked := 0
	for typ, objs := range md {
		for _, o := range objs {
			where := fmt.Sprintf("%s %s (%v)", typ, o["id"], o["name"])
			for k, v := range o {
				walk(v, []string{k}, func(path []string, m map[string]any) {
					prop := path[len(path)-1]
					if prop == "sharing" {
						checkSharing(t, where, m, types)
						return
					}
					id, ok := m["id"].(string)
					if !ok || !isRef(path, m) || !uidPattern.MatchString(id) {
						return
					}
					checked++
					want, known := refTypes[prop]
					if prop == "items" {
						want, known = types[id], slices.Contains([]string{"organisationUnits", "dataElements", "indicators"}, types[id])
					}
					switch got, exists := types[id]; {
					case !known:
						t.Errorf("%s: reference property %q is not classified in refTypes", where, strings.Join(path, "."))
					case !exists:
						t.Errorf("%s: %s -> %s does not resolve", where, strings.Join(path, "."), id)
					case got != want:
						t.Errorf("%s: %s -> %s is a %s, want a %s", where, strings.Join(path, "."), id, got, want)
					}
				})
			}
			checked += checkStringRefs(t, where, o, types)
		}
	}
	if checked < 5000 {
		t.Errorf("only %d references checked: the walk is broken", checked)
	}
}

func checkSharing(t *testing.T, where string, m map[string]any, types map[string]string) {
	t.Helper()
	if owner, _ := m["owner"].(string); types[owner] != "users" {
		t.Errorf("%s: sharing owner %q is not a user", where, owner)
	}
	if p, _ := m["public"].(string); len(p) != 8 {
		t.Errorf("%s: sharing public %q is not an 8-character access string", where, p)
	}
	for key, typ := range map[string]string{"users": "users", "userGroups": "userGroups"} {
		entries, ok := m[key].(map[string]any)
		if !ok {
			t.Errorf("%s: sharing.%s is missing", where, key)
			continue
		}
		for id, e := range entries {
			em, _ := e.(map[string]any)
			if em["id"] != id || types[id] != typ || len(fmt.Sprint(em["access"])) != 8 {
				t.Errorf("%s: sharing.%s entry %s = %v is invalid", where, key, id, e)
			}
		}
	}
	for _, legacy := range []string{"external", "publicAccess", "userAccesses", "userGroupAccesses"} {
		if _, ok := m[legacy]; ok {
			t.Errorf("%s: sharing has the legacy field %q", where, legacy)
		}
	}
}

var (
	exprRef   = regexp.MustCompile(`([#ACDIR])\{([A-Za-z0-9]{11})(?:\.([A-Za-z0-9]{11}))?\}`)
	exprToken = regexp.MustCompile(`[#ACDIR]\{([^}]*)\}`)
)

// checkStringRefs checks UIDs held in strings: expressions, template UIDs,
// analytics dimensions and tracker data views.
func checkStringRefs(t *testing.T, where string, o map[string]any, types map[string]string) int {
	t.Helper()
	n := 0
	expect := func(path []string, id string, want ...string) {
		n++
		if !slices.Contains(want, types[id]) {
			t.Errorf("%s: %s -> %q is a %q, want one of %v", where, strings.Join(path, "."), id, types[id], want)
		}
	}
	walkStrings(o, nil, func(path []string, s string) {
		prop := ""
		if len(path) > 0 {
			prop = path[len(path)-1]
		}
		switch prop {
		case "templateUid":
			expect(path, s, "programNotificationTemplates")
		case "owner", "id":
		case "attributes":
			expect(path, s, "trackedEntityAttributes")
		case "dimension", "columnDimensions", "rowDimensions", "filterDimensions":
			if s != "dx" && s != "pe" && s != "ou" {
				expect(path, s, "dataElements", "categories", "trackedEntityAttributes")
			}
		}
		if prop == "condition" {
			return // program rule variables are referenced by name (TestProgramRuleConditions)
		}
		for _, m := range exprToken.FindAllStringSubmatch(s, -1) {
			for _, part := range strings.Split(m[1], ".") {
				if !uidPattern.MatchString(part) {
					t.Errorf("%s: %s holds an unresolved operand %q in %q", where, strings.Join(path, "."), m[0], s)
				}
			}
		}
		for _, m := range exprRef.FindAllStringSubmatch(s, -1) {
			switch m[1] {
			case "#":
				if m[3] == "" {
					expect(path, m[2], "dataElements")
				} else if types[m[2]] == "programStages" {
					expect(path, m[3], "dataElements")
				} else {
					expect(path, m[2], "dataElements")
					expect(path, m[3], "categoryOptionCombos")
				}
			case "C":
				expect(path, m[2], "constants")
			case "A":
				expect(path, m[2], "trackedEntityAttributes")
			case "I":
				expect(path, m[2], "programIndicators")
			case "D", "R":
				expect(path, m[2], "dataSets", "programs")
			}
		}
	})
	return n
}

// uniqueProps lists the properties DHIS2 requires to be unique per type
// (name, shortName and code are checked on every type that has them).
var uniqueProps = map[string][]string{"users": {"username"}}

func TestUniqueNamesAndCodes(t *testing.T) {
	t.Parallel()
	for typ, objs := range demo(t).Metadata {
		if typ == "options" {
			continue // unique within their option set (TestOptionSets)
		}
		props := append([]string{"name", "shortName", "code"}, uniqueProps[typ]...)
		for _, p := range props {
			seen := map[string]any{}
			for _, o := range objs {
				v, ok := o[p].(string)
				if !ok {
					continue
				}
				key := strings.ToLower(v)
				if prev, dup := seen[key]; dup {
					t.Errorf("%s: %s %q used by %v and %v", typ, p, v, prev, o["id"])
				}
				seen[key] = o["id"]
			}
		}
		for _, o := range objs {
			if s, ok := o["shortName"].(string); ok && len([]rune(s)) > 50 {
				t.Errorf("%s %v: shortName %q is longer than 50 characters", typ, o["id"], s)
			}
			if c, ok := o["code"].(string); ok && (c != strings.ToUpper(c) || len(c) > 50) {
				t.Errorf("%s %v: code %q is not upper case or too long", typ, o["id"], c)
			}
		}
	}
}

// TestCategoryOptionCombos checks that each combo's option combos are
// exactly the cartesian product of its categories' options.
func TestCategoryOptionCombos(t *testing.T) {
	t.Parallel()
	md := demo(t).Metadata
	byID := func(typ string) map[string]map[string]any {
		m := map[string]map[string]any{}
		for _, o := range md[typ] {
			m[o["id"].(string)] = o
		}
		return m
	}
	cats := byID("categories")
	cocsOf := map[string][]string{}
	for _, coc := range md["categoryOptionCombos"] {
		combo := coc["categoryCombo"].(map[string]any)["id"].(string)
		cocsOf[combo] = append(cocsOf[combo], key(ids(coc["categoryOptions"])))
	}
	for _, combo := range md["categoryCombos"] {
		id := combo["id"].(string)
		want := []string{""}
		for _, c := range ids(combo["categories"]) {
			var next []string
			for _, prefix := range want {
				for _, opt := range ids(cats[c]["categoryOptions"]) {
					next = append(next, strings.TrimPrefix(prefix+","+opt, ","))
				}
			}
			want = next
		}
		for i := range want {
			want[i] = key(strings.Split(want[i], ","))
		}
		got := cocsOf[id]
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("combo %v: option combos %v, want the cartesian product %v", combo["name"], got, want)
		}
		if combo["dataDimensionType"] == "ATTRIBUTE" {
			for _, c := range ids(combo["categories"]) {
				if cats[c]["dataDimensionType"] != "ATTRIBUTE" {
					t.Errorf("attribute combo %v uses disaggregation category %v", combo["name"], cats[c]["name"])
				}
			}
		}
	}
	if len(cocsOf) != len(md["categoryCombos"]) {
		t.Errorf("option combos reference %d combos, %d combos defined", len(cocsOf), len(md["categoryCombos"]))
	}
}

// ids returns the ids of a list of {"id": …} references.
func ids(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, r := range list {
		if m, ok := r.(map[string]any); ok {
			out = append(out, fmt.Sprint(m["id"]))
		}
	}
	return out
}

func key(ids []string) string {
	s := slices.Clone(ids)
	sort.Strings(s)
	return strings.Join(s, "+")
}

// required lists the properties DHIS2 2.42 needs on import (schema
// required properties and the importer's own checks).
var required = map[string][]string{
	"attributes": {"name", "valueType"}, "organisationUnits": {"name", "shortName", "openingDate"},
	"organisationUnitLevels": {"name", "level"}, "organisationUnitGroups": {"name", "shortName"},
	"organisationUnitGroupSets": {"name", "shortName"}, "categoryOptions": {"name", "shortName"},
	"categories": {"name", "shortName", "dataDimensionType"}, "categoryCombos": {"name", "dataDimensionType"},
	"categoryOptionCombos": {"categoryCombo", "categoryOptions"}, "optionSets": {"name", "valueType"},
	"options": {"name", "code", "optionSet"}, "legendSets": {"name", "legends"},
	"dataElements":      {"name", "shortName", "valueType", "aggregationType", "domainType", "categoryCombo"},
	"dataElementGroups": {"name", "shortName"}, "dataElementGroupSets": {"name", "shortName"},
	"indicatorTypes": {"name", "factor"}, "indicators": {"name", "shortName", "indicatorType", "numerator", "denominator"},
	"indicatorGroups": {"name"}, "indicatorGroupSets": {"name"}, "constants": {"name", "value"},
	"dataSets": {"name", "shortName", "periodType", "categoryCombo"}, "sections": {"name", "dataSet"},
	"validationRules":      {"name", "operator", "leftSide", "rightSide", "periodType", "importance"},
	"validationRuleGroups": {"name"}, "predictorGroups": {"name"},
	"predictors":              {"name", "output", "generator", "periodType", "organisationUnitLevels"},
	"trackedEntityAttributes": {"name", "shortName", "valueType", "aggregationType"},
	"trackedEntityTypes":      {"name", "shortName"}, "relationshipTypes": {"name", "fromConstraint", "toConstraint"},
	"programs":      {"name", "shortName", "programType", "categoryCombo"},
	"programStages": {"name", "program"}, "programStageSections": {"name", "programStage"},
	"programSections": {"name", "program"}, "programRules": {"name", "program", "condition"},
	"programRuleVariables":         {"name", "program", "programRuleVariableSourceType"},
	"programRuleActions":           {"programRuleActionType", "programRule"},
	"programIndicators":            {"name", "shortName", "program", "expression", "analyticsType"},
	"programIndicatorGroups":       {"name"},
	"programNotificationTemplates": {"name", "notificationTrigger", "notificationRecipient", "messageTemplate"},
	"users":                        {"username", "firstName", "surname", "userRoles"}, "userRoles": {"name"}, "userGroups": {"name"},
	"sqlViews": {"name", "sqlQuery", "type", "cacheStrategy"}, "visualizations": {"name", "type"},
	"eventVisualizations": {"name", "type", "program"}, "maps": {"name", "mapViews"}, "dashboards": {"name"},
	// documents: the url is the DOCUMENT file resource's UID or the external
	// link (DocumentObjectBundleHook: E4000 without it).
	"documents": {"name", "url"},
}

func TestRequiredProperties(t *testing.T) {
	t.Parallel()
	for typ, objs := range demo(t).Metadata {
		props, ok := required[typ]
		if !ok {
			t.Errorf("type %s has no required-property entry in this test", typ)
			continue
		}
		for _, o := range objs {
			for _, p := range props {
				v, present := o[p]
				if !present || v == nil || v == "" || (p == "userRoles" && len(ids(v)) == 0) {
					t.Errorf("%s %v (%v): missing required property %q", typ, o["id"], o["name"], p)
				}
			}
		}
	}
}
