package transform

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// metadataTypes are the plural metadata type names of DHIS2 2.30–2.44
// (DHIS2-API.md §3.1–§3.3). A fixture is a metadata payload when one of
// its top-level keys is one of them.
var metadataTypes = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`attributes userRoles users userGroups expressionDimensionItems sqlViews constants
		options optionSets optionGroups optionGroupSets legendSets colorSets organisationUnits organisationUnitLevels
		organisationUnitGroups organisationUnitGroupSets categoryOptions categoryOptionGroups categoryOptionGroupSets
		categories categoryCombos categoryOptionCombos dataElements routes dataElementGroups dataElementGroupSets
		analyticsTableHooks indicatorTypes indicators indicatorGroups indicatorGroupSets dataEntryForms dataSets
		dataSetNotificationTemplates sections dataApprovalLevels dataApprovalWorkflows validationRules
		validationRuleGroups validationNotificationTemplates trackedEntityAttributes trackedEntityTypes
		programNotificationTemplates programStageSections programStages smsCommands programs eventCharts
		programSections programIndicators programIndicatorGroups programRuleVariables relationshipTypes
		programRuleActions programRules eventReports aggregateDataExchanges eventHooks mapViews documents
		eventVisualizations externalMapLayers maps reports visualizations predictors predictorGroups dashboards
		pushAnalysis charts reportTables programTrackedEntityAttributeGroups eventFilters programStageWorkingLists
		trackedEntityInstanceFilters`) {
		metadataTypes[t] = true
	}
}

// fixtureVersion is the DHIS2 version whose shape a fixture file has,
// decided by where it comes from (fixtures README §2).
func fixtureVersion(rel string) string {
	switch {
	case strings.HasPrefix(rel, "dhis2__dhis2-core/") &&
		(strings.Contains(rel, "/dhis-service-dxf2/") || strings.Contains(rel, "/dhis-e2e-test/")):
		return "2.35" // branch 2.35
	case strings.HasPrefix(rel, "dhis2__dhis2-core/"):
		return "2.42" // master; newest shape
	case strings.HasPrefix(rel, "dhis2__dhis2-android-sdk/core/src/androidTest/"):
		return "2.30" // 2018 Sierra Leone responses (2.29/2.30 shape)
	case strings.HasPrefix(rel, "dhis2__dhis2-android-sdk/"):
		return "2.40" // SDK shared test responses, mostly 2.36–2.41
	default:
		return "2.30" // BLSQ 2.24–2.28 and others: oldest supported shape
	}
}

type metadataFixture struct {
	rel     string
	version string
	payload Payload
}

// fixtureCache holds the decoded metadata fixtures, read once per test
// binary (they are only ever cloned, never modified).
var fixtureCache struct {
	sync.Mutex
	loaded []metadataFixture
}

// metadataFixtures returns every fixture file that is a metadata payload.
// Callers must Clone payloads before modifying them.
func metadataFixtures(t *testing.T) []metadataFixture {
	t.Helper()
	root := fixtureRoot(t)
	fixtureCache.Lock()
	defer fixtureCache.Unlock()
	if fixtureCache.loaded != nil {
		return fixtureCache.loaded
	}
	var out []metadataFixture
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := decodeJSON(b)
		if err != nil {
			return nil // e.g. the trailing-comma fixture; not a payload we can read
		}
		m := asMap(doc)
		p := Payload{}
		for k, objs := range toPayload(m) {
			if metadataTypes[k] {
				p[k] = objs
			}
		}
		if len(p) == 0 {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, metadataFixture{rel: filepath.ToSlash(rel), version: fixtureVersion(filepath.ToSlash(rel)), payload: p})
		return nil
	})
	if err != nil {
		t.Fatalf("walk fixtures: %v", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	if len(out) < 50 {
		t.Fatalf("only %d metadata fixtures found; the fixture set looks incomplete", len(out))
	}
	fixtureCache.loaded = out
	return out
}

var roundTripVersions = []string{"2.30", "2.33", "2.35", "2.38", "2.40", "2.41", "2.42"}

// compareCanonical checks that got equals want (both canonical payloads)
// object by object, every difference being documented by losses. It
// returns the number of objects compared and of documented differences.
func compareCanonical(t *testing.T, label string, want, got Payload, losses []Loss) (objects, documented int) {
	t.Helper()
	types := map[string]bool{}
	for k := range want {
		types[k] = true
	}
	for k := range got {
		types[k] = true
	}
	for _, typ := range sortedKeys(types) {
		ws, gs := want[typ], got[typ]
		if len(ws) != len(gs) {
			t.Errorf("%s: %s: %d objects, want %d", label, typ, len(gs), len(ws))
			continue
		}
		byID := map[string]map[string]any{}
		unique := true
		for _, g := range gs {
			if _, dup := byID[objID(g)]; dup {
				unique = false // duplicate uids (a DHIS2 negative test): match by position
			}
			byID[objID(g)] = g
		}
		for i, w := range ws {
			g := gs[i]
			if id := objID(w); id != "" && unique {
				if g = byID[id]; g == nil {
					t.Errorf("%s: %s %s missing", label, typ, id)
					continue
				}
			}
			objects++
			for _, d := range DiffObjects(typ, w, g) {
				if _, ok := Documented(d, losses); ok {
					documented++
					continue
				}
				t.Errorf("%s: %s %s: undocumented difference %s", label, typ, objID(w), d)
			}
		}
	}
	return objects, documented
}

// TestRoundTripEveryFixture lowers every metadata fixture (canonicalised
// from its own version) to each supported version and lifts it back: the
// result must equal the canonical input except for documented losses.
func TestRoundTripEveryFixture(t *testing.T) {
	t.Parallel()
	fixtures := metadataFixtures(t)
	var files, objects, documented, warnings int
	for _, f := range fixtures {
		canon := Clone(f.payload)
		if _, err := ToCanonical(canon, v(f.version)); err != nil {
			t.Fatalf("%s: ToCanonical(%s): %v", f.rel, f.version, err)
		}
		files++
		for _, ver := range roundTripVersions {
			p := Clone(canon)
			down, err := FromCanonical(p, v(ver))
			if err != nil {
				t.Fatalf("%s: FromCanonical(%s): %v", f.rel, ver, err)
			}
			up, err := ToCanonical(p, v(ver))
			if err != nil {
				t.Fatalf("%s: ToCanonical(%s): %v", f.rel, ver, err)
			}
			warnings += len(down.Warnings) + len(up.Warnings)
			o, d := compareCanonical(t, f.rel+"@"+ver, canon, p, LossesBetween(v(ver), v(ver)))
			objects += o
			documented += d
		}
	}
	t.Logf("round trip: %d fixture payloads × %d versions, %d objects compared, %d documented differences, %d warnings",
		files, len(roundTripVersions), objects, documented, warnings)
}

// TestConvertEveryVersionPair simulates a source of each version (the
// canonical fixture lowered to it), converts it to every other version and
// reads the result back: differences must be documented by the losses of
// the versions involved.
func TestConvertEveryVersionPair(t *testing.T) {
	if testing.Short() {
		t.Skip("version-pair matrix skipped with -short")
	}
	t.Parallel()
	fixtures := metadataFixtures(t)
	var conversions, objects, documented int
	for _, f := range fixtures {
		canon := Clone(f.payload)
		if _, err := ToCanonical(canon, v(f.version)); err != nil {
			t.Fatal(err)
		}
		for _, from := range roundTripVersions {
			for _, to := range roundTripVersions {
				p := Clone(canon)
				if _, err := FromCanonical(p, v(from)); err != nil {
					t.Fatal(err)
				}
				if _, err := Convert(p, v(from), v(to)); err != nil {
					t.Fatalf("%s: Convert(%s→%s): %v", f.rel, from, to, err)
				}
				if _, err := ToCanonical(p, v(to)); err != nil {
					t.Fatal(err)
				}
				losses := append(LossesBetween(v(from), v(from)), LossesBetween(v(from), v(to))...)
				losses = append(losses, LossesBetween(v(to), v(to))...)
				o, d := compareCanonical(t, f.rel+"@"+from+"→"+to, canon, p, losses)
				conversions++
				objects += o
				documented += d
			}
		}
	}
	t.Logf("version pairs: %d conversions, %d objects compared, %d documented differences", conversions, objects, documented)
}
