package syncer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
)

// selfConsistentSets are the metadata payloads of ../shared/fixtures that
// DHIS2 accepted on their own (fixture README §6 "self-contained"; the
// same list the emulator's contract tests import), with the version they
// come from. Files of one set are loaded in order.
var selfConsistentSets = []struct {
	version string
	files   []string
}{
	{"2.42", []string{dxf2 + "aggregate_data_exchange.json"}},
	{"2.42", []string{dxf2 + "create_user_without_createdBy.json"}},
	{"2.42", []string{dxf2 + "dataset_with_accesses.json"}},
	{"2.42", []string{dxf2 + "dataset_with_accesses_skipSharing.json"}},
	{"2.42", []string{dxf2 + "dataset_with_compulsory.json"}},
	{"2.42", []string{dxf2 + "dataset_with_removed_section.json"}},
	{"2.42", []string{dxf2 + "dataset_with_sections.json"}},
	{"2.42", []string{dxf2 + "dataset_with_sections_and_data_elements.json"}},
	{"2.42", []string{dxf2 + "dataset_with_sections_gf.json", dxf2 + "dataset_with_sections_gf_update.json"}},
	{"2.42", []string{dxf2 + "eventreport_with_program_indicator.json"}},
	{"2.42", []string{dxf2 + "metadata_no_defaults.json"}},
	{"2.42", []string{dxf2 + "metadata_with_indicators.json"}},
	{"2.42", []string{dxf2 + "metadata_with_program_and_program_rules_with_valid_ruleActions.json"}},
	{"2.42", []string{dxf2 + "metadata_with_program_and_programrules.json"}},
	{"2.42", []string{dxf2 + "metadata_with_vr.json", dxf2 + "metadata_with_vr_update.json"}},
	{"2.42", []string{dxf2 + "metadata_with_vr_invalid_expression.json"}},
	{"2.42", []string{dxf2 + "program_noreg.json"}},
	{"2.42", []string{dxf2 + "program_noreg_sections.json"}},
	{"2.42", []string{dxf2 + "program_programStage_with_sharing.json"}},
	{"2.42", []string{dxf2 + "program_reg1.json"}},
	{"2.42", []string{dxf2 + "program_reg1_valid_nextschedule.json"}},
	{"2.42", []string{dxf2 + "program_tea_not_shared.json"}},
	{"2.42", []string{dxf2 + "programstage_with_sections.json"}},
	{"2.42", []string{dxf2 + "programstage_with_removed_section.json"}},
	{"2.42", []string{dxf2 + "simple_metadata.json"}},
	{"2.42", []string{dxf2 + "simple_metadata_uga.json"}},
	{"2.42", []string{dxf2 + "simple_metadata_with_av.json"}},
	{"2.42", []string{dxf2 + "user_userrole.json"}},
	{"2.42", []string{dxf2 + "user_userrole_code.json"}},
	{"2.42", []string{dxf2 + "userrole_new.json"}},
	{"2.42", []string{dxf2 + "users.json"}},
	{"2.42", []string{dxf2 + "ou_with_levels.json"}},
	{"2.42", []string{dxf2 + "ou_with_translation.json"}},
	{"2.42", []string{dxf2 + "favorites/metadata_with_visualization.json"}},
	{"2.42", []string{dxf2 + "favorites/metadata_with_visualization_periods.json"}},
	{"2.42", []string{dxf2 + "favorites/metadata_with_legendSet.json"}},
	{"2.42", []string{dxf2 + "favorites/metadata_with_visualization_and_legendSet.json"}},
	{"2.42", []string{"dhis2__dhis2-core/dhis-2/dhis-tracker/src/test/resources/tracker/base_metadata.json"}},
	{"2.42", []string{
		"dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/setup/userGroups.json",
		"dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/setup/userRoles.json",
		"dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/setup/metadata.json",
	}},
	{"2.35", []string{core235 + "dxf2/favorites/metadata_with_charts1.json"}},
	{"2.35", []string{core235 + "dxf2/favorites/metadata_with_chart_periods1.json"}},
	{"2.35", []string{core235 + "dxf2/favorites/metadata_with_rt1.json"}},
	{"2.35", []string{core235 + "dxf2/favorites/metadata_with_visualization.json"}},
	{"2.35", []string{core235 + "dxf2/favorites/metadata_with_visualization_periods.json"}},
	{"2.35", []string{core235 + "dxf2/import/create_program_stages.json"}},
}

const (
	dxf2    = "dhis2__dhis2-core/dhis-2/dhis-test-integration/src/test/resources/dxf2/"
	core235 = "dhis2__dhis2-core/dhis-2/dhis-services/dhis-service-dxf2/src/test/resources/"
)

// loadFixture imports a fixture payload into an emulator through its API,
// as a user would seed a source instance.
func loadFixture(t *testing.T, c *dhis2.Client, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	q := map[string][]string{"importStrategy": {"CREATE_AND_UPDATE"}, "atomicMode": {"ALL"}}
	res, err := c.ImportMetadata(context.Background(), dhis2.BytesBody(raw, ""), q)
	if err != nil {
		t.Fatalf("load %s: %v", filepath.Base(path), err)
	}
	if !res.OK() {
		t.Fatalf("load %s into the source: %s %v", filepath.Base(path), res.Summary(), res.Errors)
	}
}

func TestFixtureSetsReplicate(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	fx := fixturesDir(t)
	for _, set := range selfConsistentSets {
		last := set.files[len(set.files)-1]
		t.Run(set.version+" "+last[strings.LastIndexByte(last, '/')+1:], func(t *testing.T) {
			t.Parallel()
			// The fixtures were made for DHIS2's blank test databases and bring
			// their own "admin" user and "Superuser" role: the emulators start
			// without theirs (NoAdmin) and sign in with an account of another
			// name, which is not a metadata user.
			opts := emulator.Options{Version: set.version, AdminUsername: "d2sync", NoAdmin: true}
			p := newPair(t, opts, opts)
			for _, f := range set.files {
				loadFixture(t, p.srcCl, filepath.Join(fx, f))
			}
			rep := p.sync(t, p.options())
			requireVerified(t, rep)
			if rep.Status != StatusSuccess {
				t.Errorf("status %s (%s)", rep.Status, rep.Error)
			}
			if tot := rep.Verification.Totals(); tot.Source < 2 || tot.Missing+tot.Extra+tot.Differ != 0 {
				t.Errorf("verification totals %+v", tot)
			}
		})
	}
}
