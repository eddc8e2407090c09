package metadata

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// newBareStore is a store like DHIS2's integration-test database: only the
// default category objects, no admin user.
func newBareStore(t testing.TB, version string) *Store {
	t.Helper()
	s, err := New(Options{Profile: profile.MustFor(version), Clock: fixedClock(), NoAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// payloadCount counts the objects of metadata types in a payload, leaving
// out the built-in default category objects (DHIS2 skips them silently).
func payloadCount(t testing.TB, s *Store, body []byte) int {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for k, v := range m {
		sc, ok := s.Schemas().ByPlural(k)
		arr, isArr := v.([]any)
		if !ok || !sc.Metadata || !isArr {
			continue
		}
		for _, o := range arr {
			if om, ok := o.(map[string]any); ok && isDefaultUID(str(om["id"])) {
				continue
			}
			n++
		}
	}
	return n
}

// TestFixturesAcceptedAtTheirVersion imports payloads DHIS2 accepted into a
// fresh store of their version: no error, every object created.
func TestFixturesAcceptedAtTheirVersion(t *testing.T) {
	t.Parallel()
	dxf2 := coreIntegration + "dxf2/"
	tests := []struct {
		version string
		files   []string // imported in order into one store
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
	for _, tt := range tests {
		name := tt.version + " " + tt.files[len(tt.files)-1][strings.LastIndexByte(tt.files[len(tt.files)-1], '/')+1:]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newBareStore(t, tt.version)
			for _, f := range tt.files {
				body := readFixture(t, f)
				rep := importJSON(t, s, body)
				if rep.Status != StatusOK || rep.ErrorCount() != 0 {
					t.Fatalf("%s: status %s, errors:\n%s", f, rep.Status, errorSummary(rep))
				}
				if want := payloadCount(t, s, body); rep.Stats.Created+rep.Stats.Updated != want || rep.Stats.Total != want {
					t.Errorf("%s: stats %+v, want %d objects created or updated", f, rep.Stats, want)
				}
			}
		})
	}
}

// TestAggregateFixtureWithSierraLeoneOrgUnit imports the e2e aggregate
// metadata after adding what it borrows from the Sierra Leone database: the
// org units its data sets are assigned to (Bo O6uvpzGd5pu and its
// ancestors/children) and the category option combo its values use.
func TestAggregateFixtureWithSierraLeoneOrgUnit(t *testing.T) {
	t.Parallel()
	s := newBareStore(t, "2.42")
	setup := importJSON(t, s, readFixture(t, "dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/setup/userGroups.json"))
	if setup.Status != StatusOK {
		t.Fatalf("user groups: %s", errorSummary(setup))
	}
	body := readFixture(t, "dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/aggregate/metadata.json")
	var payload map[string]any
	if err := json.Unmarshal(body, &payload); err != nil {
		t.Fatal(err)
	}
	missing := map[string]bool{}
	for _, pl := range []string{"categoryOptionCombos"} {
		for _, o := range payload[pl].([]any) {
			missing[str(o.(map[string]any)["id"])] = false
		}
	}
	ou := func(id, name, parent string) map[string]any {
		o := map[string]any{"id": id, "name": name, "shortName": name, "openingDate": "1970-01-01"}
		if parent != "" {
			o["parent"] = map[string]any{"id": parent}
		}
		return o
	}
	payload["organisationUnits"] = []any{ // children first: the import sorts the hierarchy itself
		ou("g8upMTyEZGZ", "Njandama MCHP", "YuQRtpLP10I"), ou("YuQRtpLP10I", "Badjia", "O6uvpzGd5pu"),
		ou("O6uvpzGd5pu", "Bo", "ImspTQPwCqd"), ou("ImspTQPwCqd", "Sierra Leone", ""),
	}
	// the dataValues reference one option combo the file does not define:
	// HllvX50cXC0 is built in, anything else is borrowed from Sierra Leone.
	values := readFixture(t, "dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/aggregate/dataValues_bulk.json")
	var dv struct {
		DataValues []map[string]any `json:"dataValues"`
	}
	if err := json.Unmarshal(values, &dv); err != nil {
		t.Fatal(err)
	}
	var borrowed []string
	for _, v := range dv.DataValues {
		for _, k := range []string{"categoryOptionCombo", "attributeOptionCombo"} {
			id := str(v[k])
			if _, known := missing[id]; id != "" && !known && !isDefaultUID(id) {
				missing[id] = true
				borrowed = append(borrowed, id)
			}
		}
	}
	for _, id := range borrowed {
		payload["categoryOptionCombos"] = append(payload["categoryOptionCombos"].([]any), map[string]any{
			"id": id, "name": "SL " + id, "categoryCombo": map[string]any{"id": DefaultCategoryComboUID},
			"categoryOptions": []any{map[string]any{"id": DefaultCategoryOptionUID}}})
	}
	rep := importJSON(t, s, mustJSON(t, payload))
	if rep.Status != StatusOK {
		t.Fatalf("aggregate metadata: %s", errorSummary(rep))
	}
	if info, ok := s.OrgUnit("g8upMTyEZGZ"); !ok || info.Level != 4 || info.Path != "/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I/g8upMTyEZGZ" {
		t.Errorf("OrgUnit(g8upMTyEZGZ) = %+v, %v; want level 4 under Badjia", info, ok)
	}
	if d, _ := s.OrgUnitDescendants("O6uvpzGd5pu"); len(d) != 3 {
		t.Errorf("descendants of Bo = %v, want Bo, Badjia, Njandama", d)
	}
	for _, v := range dv.DataValues {
		de, ok := s.DataElement(str(v["dataElement"]))
		if !ok {
			t.Fatalf("data element %s of a data value is unknown", v["dataElement"])
		}
		if coc := str(v["categoryOptionCombo"]); coc != "" && !s.COCInCombo(coc, de.CategoryCombo) && !missing[coc] {
			t.Errorf("COC %s is not in combo %s of data element %s", coc, de.CategoryCombo, v["dataElement"])
		}
		if !s.OrgUnitExists(str(v["orgUnit"])) {
			t.Errorf("org unit %s unknown", v["orgUnit"])
		}
	}
}

// importParams builds params for table tests.
type edgeCase struct {
	name     string
	version  string
	admin    bool     // store with the built-in admin user
	before   []string // fixtures imported first (must succeed)
	file     string
	params   []string
	status   string
	codes    map[string]int // error code -> count
	persists map[string]int // plural -> stored count after the import (excluding built-ins)
	check    func(t *testing.T, s *Store, rep *ImportReport)
}

// TestFixtureEdgeCases checks the error codes the fixtures were written to
// provoke, with the outcome dhis2-core's own tests assert.
func TestFixtureEdgeCases(t *testing.T) {
	t.Parallel()
	dxf2 := coreIntegration + "dxf2/"
	tests := []edgeCase{
		{name: "duplicate code keeps the first (ObjectBundleServiceTest)", version: "2.42", file: dxf2 + "de_duplicate_code.json",
			params: []string{"atomicMode", "NONE"}, status: StatusWarning, codes: map[string]int{"E5003": 1},
			persists: map[string]int{"dataElements": 1},
			check: func(t *testing.T, s *Store, rep *ImportReport) {
				o, err := s.Get("dataElements", "SG4HuKlNEFH", "name,code", "")
				if err != nil || o["name"] != "DataElementA" {
					t.Errorf("kept data element = %v, %v; want DataElementA", o, err)
				}
				er := rep.TypeReports[0].ObjectReports[0].ErrorReports[0]
				if er.MainID != "SG4HuKlNEFH" || er.ErrorProperty != "code" {
					t.Errorf("E5003 mainId/errorProperty = %s/%s", er.MainID, er.ErrorProperty)
				}
			}},
		{name: "duplicate uid keeps the first", version: "2.42", file: dxf2 + "de_duplicate_uid.json",
			params: []string{"atomicMode", "NONE"}, status: StatusWarning, codes: map[string]int{"E5004": 1},
			persists: map[string]int{"dataElements": 1},
			check: func(t *testing.T, s *Store, rep *ImportReport) {
				o, _ := s.Get("dataElements", "CCwk5Yx440o", "name", "")
				if o["name"] != "DataElementB" {
					t.Errorf("kept %v, want DataElementB", o["name"])
				}
			}},
		{name: "duplicate uid atomic ALL persists nothing", version: "2.42", file: dxf2 + "de_duplicate_uid.json",
			status: StatusError, codes: map[string]int{"E5004": 1}, persists: map[string]int{"dataElements": 0},
			check: func(t *testing.T, s *Store, rep *ImportReport) {
				if rep.Stats.Ignored != 2 || rep.Stats.Created != 0 {
					t.Errorf("stats %+v, want all ignored", rep.Stats)
				}
			}},
		{name: "username taken with CREATE (E4054)", version: "2.42", admin: true, file: dxf2 + "user_duplicate_username.json",
			params: []string{"importStrategy", "CREATE", "atomicMode", "NONE"}, status: StatusWarning,
			codes: map[string]int{"E4054": 2, "E5003": 3}, persists: map[string]int{"users": 0}},
		{name: "duplicate username in payload (E5003)", version: "2.42", file: dxf2 + "user_duplicate_username.json",
			params: []string{"atomicMode", "NONE"}, status: StatusWarning, codes: map[string]int{"E5003": 1},
			persists: map[string]int{"users": 1}},
		{name: "invalid references (testPreheatValidations)", version: "2.42", file: dxf2 + "de_validate1.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "CREATE"}, status: StatusError,
			codes: map[string]int{"E5002": 4}, persists: map[string]int{"dataElements": 0}},
		{name: "invalid objects on create", version: "2.42", file: dxf2 + "de_validate2.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "CREATE"}, status: StatusError,
			codes: map[string]int{"E5002": 1, "E4000": 3}},
		{name: "invalid objects on update", version: "2.42", file: dxf2 + "de_validate2.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "UPDATE"}, status: StatusError,
			codes: map[string]int{"E5001": 3, "E5002": 1}},
		{name: "update requires existing objects (UID)", version: "2.42", file: dxf2 + "de_validate4.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "UPDATE"}, status: StatusError,
			codes: map[string]int{"E5001": 3}},
		{name: "delete requires existing objects (UID)", version: "2.42", file: dxf2 + "de_validate4.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "DELETE"}, status: StatusError,
			codes: map[string]int{"E5001": 3}},
		{name: "update requires existing objects (CODE)", version: "2.42", file: dxf2 + "de_validate5.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "UPDATE", "identifier", "CODE"}, status: StatusError,
			codes: map[string]int{"E5001": 3}},
		{name: "duplicate references (testImportDuplicates)", version: "2.42", file: dxf2 + "duplicate_categories.json",
			params: []string{"importStrategy", "CREATE"}, status: StatusError, codes: map[string]int{"E5007": 3}},
		{name: "mandatory attribute from payload", version: "2.42", file: dxf2 + "metadata_with_mandatory_attributes_from_payload_only.json",
			params: []string{"importMode", "VALIDATE"}, status: StatusError, codes: map[string]int{"E4011": 4}},
		{name: "unique attribute values", version: "2.42", file: dxf2 + "metadata_with_unique_attributes_from_payload.json",
			params: []string{"importMode", "VALIDATE"}, status: StatusError, codes: map[string]int{"E4009": 2}},
		{name: "missing validation rule side", version: "2.42", file: dxf2 + "metadata_with_vr_missing_expression.json",
			status: StatusError, codes: map[string]int{"E4000": 1}},
		{name: "invalid next schedule date", version: "2.42", file: dxf2 + "program_reg1_invalid_nextschedule.json",
			status: StatusError, codes: map[string]int{"E6001": 1}},
		{name: "invalid password (testCreateUsersWithInvalidPasswords)", version: "2.42", file: dxf2 + "users_passwords.json",
			params: []string{"importMode", "VALIDATE", "importStrategy", "CREATE"}, status: StatusError,
			check: func(t *testing.T, s *Store, rep *ImportReport) {
				n := 0
				for _, tr := range rep.TypeReports {
					for _, or := range tr.ObjectReports {
						for _, er := range or.ErrorReports {
							if er.ErrorCode == "E4005" && tr.Klass == "org.hisp.dhis.user.User" {
								n++
							}
						}
					}
				}
				if n != 1 {
					t.Errorf("E4005 on users = %d, want 1", n)
				}
			}},
		{name: "invalid uid and missing required", version: "2.42", file: dxf2 + "users_illegal_update.json",
			status: StatusError, codes: map[string]int{"E4055": 1, "E4003": 1, "E4000": 2}},
		{name: "program stage without program", version: "2.42", before: []string{dxf2 + "program_reg1.json"},
			file: dxf2 + "programstage_with_all_section_removed.json", status: StatusOK, codes: map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s *Store
			if tt.admin {
				s = newStore(t, tt.version)
			} else {
				s = newBareStore(t, tt.version)
			}
			for _, f := range tt.before {
				if rep := importJSON(t, s, readFixture(t, f)); rep.Status != StatusOK {
					t.Fatalf("setup %s: %s", f, errorSummary(rep))
				}
			}
			rep := importJSON(t, s, readFixture(t, tt.file), tt.params...)
			if rep.Status != tt.status {
				t.Errorf("status = %s, want %s\n%s", rep.Status, tt.status, errorSummary(rep))
			}
			if tt.codes != nil {
				got := map[string]int{}
				for _, c := range rep.ErrorCodes() {
					got[c]++
				}
				for code, n := range tt.codes {
					if got[code] != n {
						t.Errorf("%s count = %d, want %d\n%s", code, got[code], n, errorSummary(rep))
					}
				}
				for code := range got {
					if _, want := tt.codes[code]; !want {
						t.Errorf("unexpected %s\n%s", code, errorSummary(rep))
					}
				}
			}
			for plural, n := range tt.persists {
				got := s.Count(plural)
				if plural == "users" && tt.admin {
					got--
				}
				if got != n {
					t.Errorf("%s stored = %d, want %d", plural, got, n)
				}
			}
			if tt.check != nil {
				tt.check(t, s, rep)
			}
			checkStatsArithmetic(t, rep)
		})
	}
}

func checkStatsArithmetic(t *testing.T, rep *ImportReport) {
	t.Helper()
	var sum Stats
	for _, tr := range rep.TypeReports {
		st := tr.Stats
		if st.Total != st.Created+st.Updated+st.Deleted+st.Ignored {
			t.Errorf("%s stats %+v: total is not the sum", tr.Klass, st)
		}
		sum.add(st)
	}
	if sum != rep.Stats {
		t.Errorf("report stats %+v != sum of type stats %+v", rep.Stats, sum)
	}
}

// TestExportReimportIsLossless exports a fixture-loaded store with the
// sync's default fields (:owner) and imports the export into a fresh store
// of the same version: no error, and the same objects come back.
func TestExportReimportIsLossless(t *testing.T) {
	t.Parallel()
	tests := []struct{ version, file string }{
		{"2.42", "dhis2__dhis2-core/dhis-2/dhis-tracker/src/test/resources/tracker/base_metadata.json"},
		{"2.42", coreIntegration + "dxf2/favorites/metadata_with_visualization.json"},
		{"2.42", coreIntegration + "dxf2/dataset_with_sections.json"},
		{"2.38", coreIntegration + "dxf2/metadata_with_program_and_programrules.json"},
		{"2.35", core235 + "dxf2/favorites/metadata_with_visualization.json"},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.file[strings.LastIndexByte(tt.file, '/')+1:], func(t *testing.T) {
			t.Parallel()
			src := newBareStore(t, tt.version)
			if rep := importJSON(t, src, readFixture(t, tt.file)); rep.Status != StatusOK {
				t.Fatalf("load: %s", errorSummary(rep))
			}
			export := exportMap(t, src, ExportParams{Fields: ":owner"})
			delete(export, "system")
			dst := newBareStore(t, tt.version)
			rep := importJSON(t, dst, mustJSON(t, export))
			if rep.Status != StatusOK {
				t.Fatalf("re-import: %s", errorSummary(rep))
			}
			again := exportMap(t, dst, ExportParams{Fields: ":owner,!lastUpdated,!lastUpdatedBy,!createdBy"})
			first := exportMap(t, src, ExportParams{Fields: ":owner,!lastUpdated,!lastUpdatedBy,!createdBy"})
			delete(again, "system")
			delete(first, "system")
			a, b := string(mustJSON(t, first)), string(mustJSON(t, again))
			if a != b {
				t.Errorf("export after re-import differs (%d vs %d bytes)", len(a), len(b))
				for k := range first {
					if string(mustJSON(t, first[k])) != string(mustJSON(t, again[k])) {
						t.Errorf("type %s differs", k)
					}
				}
			}
		})
	}
}
