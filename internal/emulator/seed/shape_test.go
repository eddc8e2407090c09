package seed

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// notInFixtures lists properties that are valid in DHIS2 2.42 but that no
// fixture payload happens to carry for that type.
var notInFixtures = map[string][]string{
	"constants":                    {"code", "sharing", "shortName"},
	"dashboards":                   {"created", "lastUpdated"},
	"eventVisualizations":          {"columns", "description", "filters", "legacy", "outputType", "programStage", "rows", "showHierarchy", "translations"},
	"indicatorTypes":               {"translations"},
	"maps":                         {"created", "lastUpdated", "latitude", "longitude", "sharing", "translations", "zoom"},
	"organisationUnitGroupSets":    {"code", "created", "lastUpdated"},
	"organisationUnitLevels":       {"offlineLevels"},
	"organisationUnits":            {"phoneNumber"},
	"programIndicatorGroups":       {"code", "created", "lastUpdated", "name", "programIndicators", "translations"},
	"programNotificationTemplates": {"code"},
	"programRuleActions":           {"location"},
	"programSections":              {"created", "lastUpdated", "trackedEntityAttributes", "translations"},
	"programStageSections":         {"renderType", "translations"},
	"sections":                     {"translations"},
	"validationRuleGroups":         {"code"},
	"validationRules":              {"code"},
	"visualizations":               {"description", "digitGroupSeparator", "displayDensity", "fontSize", "showHierarchy", "translations"},
}

// TestPropertiesExistInRealPayloads compares the property names of every
// generated object with the names real DHIS2 payloads (the shared
// fixtures) use for the same type, to catch misspelt or invented fields.
func TestPropertiesExistInRealPayloads(t *testing.T) {
	t.Parallel()
	dir := fixturesDir(t)
	md := demo(t).Metadata
	known := map[string]map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc map[string]any
		if json.Unmarshal(raw, &doc) != nil {
			return nil // arrays, non-strict JSON: not a metadata payload
		}
		for typ := range md {
			for _, o := range asList(doc[typ]) {
				if m, ok := o.(map[string]any); ok {
					if known[typ] == nil {
						known[typ] = map[string]bool{}
					}
					for k := range m {
						known[typ][k] = true
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	missing := map[string][]string{}
	for typ, objs := range md {
		if known[typ] == nil {
			continue
		}
		for _, o := range objs {
			for k := range o {
				if !known[typ][k] && !contains(notInFixtures[typ], k) && !contains(missing[typ], k) {
					missing[typ] = append(missing[typ], k)
				}
			}
		}
	}
	for typ, props := range missing {
		sort.Strings(props)
		t.Errorf("%s: properties never seen in a real payload of that type: %s", typ, strings.Join(props, ", "))
	}
}
