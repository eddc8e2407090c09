package metadata

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

const danglingDataSet = `{"dataSets":[{"id":"abcdefghijk","name":"ANC","shortName":"ANC","periodType":"Monthly",
 "dataSetElements":[{"dataElement":{"id":"deGood00001"},"dataSet":{"id":"abcdefghijk"}}],
 "organisationUnits":[{"id":"xyz12345678"}]}],
 "dataElements":[{"id":"deGood00001","name":"Good","shortName":"Good","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}]}`

// TestDanglingReferenceLayout checks the E5002 report layout and that
// atomicMode=ALL persists nothing.
func TestDanglingReferenceLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		message string
		props   bool
	}{
		{"2.30", "Invalid reference [xyz12345678] (OrganisationUnit) on object ANC [abcdefghijk] (DataSet) for association `organisationUnit`.", false},
		{"2.38", "Invalid reference [xyz12345678] (OrganisationUnit) on object ANC [abcdefghijk] (DataSet) for association `organisationUnit`.", true},
		{"2.42", "Invalid reference [xyz12345678] (OrganisationUnit) on object ANC [abcdefghijk] (DataSet) for association `organisationUnit`", true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			rep := importJSON(t, s, []byte(danglingDataSet))
			if rep.Status != StatusError {
				t.Fatalf("status %s", rep.Status)
			}
			if s.Exists("dataElements", "deGood00001") || s.Exists("dataSets", "abcdefghijk") {
				t.Fatal("atomicMode=ALL persisted objects despite an error")
			}
			var ds *TypeReport
			for i := range rep.TypeReports {
				if rep.TypeReports[i].Klass == "org.hisp.dhis.dataset.DataSet" {
					ds = &rep.TypeReports[i]
				}
			}
			if ds == nil || len(ds.ObjectReports) != 1 {
				t.Fatalf("data set type report = %+v", rep.TypeReports)
			}
			or := ds.ObjectReports[0]
			if or.Index != 0 || or.UID != "abcdefghijk" || or.Klass != "org.hisp.dhis.dataset.DataSet" {
				t.Errorf("object report = %+v", or)
			}
			er := or.ErrorReports[0]
			if er.ErrorCode != "E5002" || er.Message != tt.message || er.MainKlass != "org.hisp.dhis.dataset.DataSet" ||
				er.MainID != "abcdefghijk" || er.ErrorProperty != "organisationUnit" ||
				er.ErrorKlass != "org.hisp.dhis.organisationunit.OrganisationUnit" {
				t.Errorf("error report = %+v", er)
			}
			if tt.props != (len(er.ErrorProperties) == 3) {
				t.Errorf("errorProperties = %v (profile gate ErrorProperties=%v)", er.ErrorProperties, s.Profile().ErrorProperties)
			}
			if rep.Stats.Created != 0 || rep.Stats.Ignored == 0 {
				t.Errorf("stats %+v: everything must be ignored", rep.Stats)
			}
			checkStatsArithmetic(t, rep)
		})
	}
}

func TestAtomicNoneKeepsValidObjects(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	rep := importJSON(t, s, []byte(danglingDataSet), "atomicMode", "NONE")
	if rep.Status != StatusWarning {
		t.Fatalf("status %s", rep.Status)
	}
	// DHIS2 keeps objects with invalid references (ReferencesCheck does not
	// remove them) and drops the dangling members.
	if !s.Exists("dataElements", "deGood00001") || !s.Exists("dataSets", "abcdefghijk") {
		t.Fatal("valid objects not persisted with atomicMode=NONE")
	}
	if rep.Stats.Created != 2 {
		t.Errorf("stats %+v", rep.Stats)
	}
}

func TestValidateModePersistsNothing(t *testing.T) {
	t.Parallel()
	var events []WriteEvent
	s, err := New(Options{Profile: profile.MustFor("2.40"), Clock: fixedClock(), OnWrite: func(e WriteEvent) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	body := readFixture(t, coreIntegration+"dxf2/simple_metadata.json")
	// the fixture brings its own admin user and Superuser role: drop them
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	delete(m, "users")
	delete(m, "userRoles")
	body = mustJSON(t, m)
	before := s.Count("dataElements")
	rep := importJSON(t, s, body, "importMode", "VALIDATE")
	if rep.Status != StatusOK || rep.Stats.Created == 0 {
		t.Fatalf("validate report %s %+v: %s", rep.Status, rep.Stats, errorSummary(rep))
	}
	if s.Count("dataElements") != before || len(s.WriteCounts()) != 0 || len(events) != 0 {
		t.Fatalf("VALIDATE wrote: counts %v events %v", s.WriteCounts(), events)
	}
	commit := importJSON(t, s, body)
	if commit.Stats != rep.Stats {
		t.Errorf("commit stats %+v != validate stats %+v", commit.Stats, rep.Stats)
	}
	if wc := s.WriteCounts()["dataElements"]; wc.Created != 2 || len(events) != commit.Stats.Created {
		t.Errorf("write counts %v, %d events", s.WriteCounts(), len(events))
	}
	again := importJSON(t, s, body)
	if again.Stats.Updated != commit.Stats.Created || again.Stats.Created != 0 {
		t.Errorf("re-import stats %+v, want all updated", again.Stats)
	}
}

func TestReportModes(t *testing.T) {
	t.Parallel()
	body := `{"dataElements":[
	 {"id":"deReport001","name":"A","shortName":"A","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"},
	 {"id":"deReport002","name":"B","shortName":"B","aggregationType":"SUM","domainType":"AGGREGATE"}]}`
	tests := []struct {
		mode    string
		reports int
		display bool
	}{
		{"ERRORS", 1, false},
		{"FULL", 2, false},
		{"DEBUG", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, "2.42")
			rep := importJSON(t, s, []byte(body), "atomicMode", "NONE", "importReportMode", tt.mode)
			if len(rep.TypeReports) != 1 || len(rep.TypeReports[0].ObjectReports) != tt.reports {
				t.Fatalf("object reports %+v", rep.TypeReports)
			}
			if (rep.TypeReports[0].ObjectReports[0].DisplayName != "") != tt.display {
				t.Errorf("displayName %q in %s mode", rep.TypeReports[0].ObjectReports[0].DisplayName, tt.mode)
			}
			if rep.Stats != (Stats{Created: 1, Ignored: 1, Total: 2}) {
				t.Errorf("stats %+v", rep.Stats)
			}
		})
	}
}

func TestReportParamsPerVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		has     []string
		hasNot  []string
	}{
		{"2.30", []string{"userOverrideMode", "mergeMode"}, []string{"skipTranslation", "importReportMode"}},
		{"2.36", []string{"userOverrideMode", "skipTranslation"}, []string{"importReportMode"}},
		{"2.37", []string{"importReportMode", "mergeMode"}, []string{"userOverrideMode"}},
		{"2.41", []string{"importReportMode"}, []string{"mergeMode", "userOverrideMode"}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			rep := importJSON(t, s, []byte(`{"constants":[{"id":"constant001","name":"Pi","value":3.14}]}`))
			var m map[string]any
			_ = json.Unmarshal(mustJSON(t, rep), &m)
			ip, _ := m["importParams"].(map[string]any)
			for _, k := range tt.has {
				if _, ok := ip[k]; !ok {
					t.Errorf("importParams lacks %s: %v", k, ip)
				}
			}
			for _, k := range tt.hasNot {
				if _, ok := ip[k]; ok {
					t.Errorf("importParams has %s", k)
				}
			}
			resp, _ := json.Marshal(rep.Response())
			if strings.Contains(string(resp), "importParams") || !strings.Contains(string(resp), `"responseType":"ImportReport"`) {
				t.Errorf("wrapped response = %s", resp)
			}
		})
	}
}

func TestParseImportParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, query string
		want           func(ImportParams) bool
	}{
		{"2.42", "importStrategy=bogus&atomicMode=NONE", func(p ImportParams) bool {
			return p.ImportStrategy == "CREATE_AND_UPDATE" && p.AtomicMode == "NONE"
		}},
		{"2.42", "importMode=validate", func(p ImportParams) bool { return p.ImportMode == "COMMIT" }}, // case-sensitive enum
		{"2.42", "importMode=VALIDATE&importStrategy=NEW_AND_UPDATES", func(p ImportParams) bool {
			return p.validate() && p.ImportStrategy == "CREATE_AND_UPDATE"
		}},
		{"2.35", "identifier=AUTO&mergeMode=MERGE", func(p ImportParams) bool { return p.Identifier == "AUTO" && p.MergeMode == "MERGE" }},
		{"2.36", "identifier=AUTO", func(p ImportParams) bool { return p.Identifier == "UID" }},
		{"2.41", "mergeMode=MERGE&skipTranslation=true", func(p ImportParams) bool { return p.MergeMode == "REPLACE" && p.SkipTranslation }},
		{"2.35", "skipTranslation=true&skipSharing=TRUE", func(p ImportParams) bool { return !p.SkipTranslation && p.SkipSharing }},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.query, func(t *testing.T) {
			t.Parallel()
			q, _ := url.ParseQuery(tt.query)
			if p := ParseImportParams(q, profile.MustFor(tt.version)); !tt.want(p) {
				t.Errorf("params %+v", p)
			}
		})
	}
}

func TestOrderIndependence(t *testing.T) {
	t.Parallel()
	// users before their org unit and role, child org unit before its parent,
	// program stage before the program that lists it
	body := `{
	 "users":[{"id":"userOrder01","firstName":"A","surname":"B","username":"order_user",
	   "userRoles":[{"id":"roleOrder01"}],"organisationUnits":[{"id":"ouChild0001"}]}],
	 "organisationUnits":[{"id":"ouChild0001","name":"Child","shortName":"Child","openingDate":"2000-01-01","parent":{"id":"ouRoot00001"}},
	   {"id":"ouRoot00001","name":"Root","shortName":"Root","openingDate":"2000-01-01"}],
	 "userRoles":[{"id":"roleOrder01","name":"Role"}],
	 "programStages":[{"id":"stageOrder1","name":"Stage"}],
	 "programs":[{"id":"progOrder01","name":"Program","shortName":"Program","programType":"WITHOUT_REGISTRATION",
	   "programStages":[{"id":"stageOrder1"}]}]}`
	s := newStore(t, "2.42")
	rep := importJSON(t, s, []byte(body))
	if rep.Status != StatusOK {
		t.Fatal(errorSummary(rep))
	}
	if ou, _ := s.OrgUnit("ouChild0001"); ou.Path != "/ouRoot00001/ouChild0001" || ou.Level != 2 {
		t.Errorf("child = %+v", ou)
	}
	// E4053 when nobody lists the stage
	rep = importJSON(t, newStore(t, "2.42"), []byte(`{"programStages":[{"id":"stageOrder2","name":"Stage"}]}`))
	if codes := rep.ErrorCodes(); len(codes) != 1 || codes[0] != "E4053" {
		t.Errorf("codes %v, want E4053", codes)
	}
}

func TestUserGroupMembership(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	base := `{"userGroups":[{"id":"groupMemb01","name":"G1"},{"id":"groupMemb02","name":"G2","users":[{"id":"M5zQapPyTZI"}]}]}`
	if rep := importJSON(t, s, []byte(base)); rep.Status != StatusOK {
		t.Fatal(errorSummary(rep))
	}
	one := `{"users":[{"id":"userMemb001","firstName":"A","surname":"B","username":"member1","userRoles":[{"id":"yrB6vc5Ip3r"}],
	 "userGroups":[{"id":"groupMemb01"}]}]}`
	if rep := importJSON(t, s, []byte(one)); rep.Status != StatusOK {
		t.Fatal(errorSummary(rep))
	}
	if m, _ := s.groupMembers("userGroups", "groupMemb01"); len(m) != 1 || m[0] != "userMemb001" {
		t.Errorf("single user posted: group members %v", m)
	}
	two := `{"users":[{"id":"userMemb002","firstName":"A","surname":"B","username":"member2","userRoles":[{"id":"yrB6vc5Ip3r"}],
	 "userGroups":[{"id":"groupMemb02"}]},{"id":"userMemb003","firstName":"C","surname":"D","username":"member3","userRoles":[{"id":"yrB6vc5Ip3r"}]}]}`
	if rep := importJSON(t, s, []byte(two)); rep.Status != StatusOK {
		t.Fatal(errorSummary(rep))
	}
	if m, _ := s.groupMembers("userGroups", "groupMemb02"); len(m) != 1 {
		t.Errorf("several users posted: user.userGroups must be ignored, members %v", m)
	}
	all := get(t, s, "users", "M5zQapPyTZI", "userGroups")
	if g := refList(all["userGroups"]); len(g) != 1 || g[0] != "groupMemb02" {
		t.Errorf("inverse user.userGroups = %v", all["userGroups"])
	}
}

func TestIdentifierCode(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	first := `{"dataElements":[{"id":"deCode00001","code":"DE_A","name":"A","shortName":"A","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}]}`
	importJSON(t, s, []byte(first))
	update := `{"dataElements":[{"code":"DE_A","name":"A2","shortName":"A2","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}],
	 "dataElementGroups":[{"name":"G","shortName":"G","dataElements":[{"code":"DE_A"}]}]}`
	rep := importJSON(t, s, []byte(update), "identifier", "CODE")
	if rep.Status != StatusOK || rep.Stats.Updated != 1 || rep.Stats.Created != 1 {
		t.Fatalf("%s %+v %s", rep.Status, rep.Stats, errorSummary(rep))
	}
	if o := get(t, s, "dataElements", "deCode00001", "name,dataElementGroups"); o["name"] != "A2" || len(refList(o["dataElementGroups"])) != 1 {
		t.Errorf("updated by code: %v", o)
	}
}

func TestDeleteStrategyAndDeletedObjects(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	body := `{"dataElements":[{"id":"deDelete001","code":"DEL","name":"D","shortName":"D","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}],
	 "dataElementGroups":[{"id":"degDelete01","name":"G","shortName":"G","dataElements":[{"id":"deDelete001"}]}]}`
	importJSON(t, s, []byte(body))
	rep := importJSON(t, s, []byte(`{"dataElements":[{"id":"deDelete001"}]}`), "importStrategy", "DELETE")
	if rep.Status != StatusOK || rep.Stats.Deleted != 1 {
		t.Fatalf("%+v %s", rep.Stats, errorSummary(rep))
	}
	if g := get(t, s, "dataElementGroups", "degDelete01", "dataElements"); len(refList(g["dataElements"])) != 0 {
		t.Errorf("group still lists the deleted element: %v", g)
	}
	del, pg := s.DeletedObjects(DeletedObjectsQuery{Klass: []string{"DataElement"}, Paging: true})
	if len(del) != 1 || del[0].UID != "deDelete001" || del[0].Code != "DEL" || del[0].DeletedBy != "admin" || pg.Total != 1 {
		t.Errorf("deleted objects %+v pager %+v", del, pg)
	}
	if s.WriteCounts()["dataElements"].Deleted != 1 {
		t.Errorf("write counts %v", s.WriteCounts())
	}
	// a required reference blocks deletion
	rep = importJSON(t, s, []byte(`{"categoryCombos":[{"id":"bjDvmb4bfuf"}]}`), "importStrategy", "DELETE")
	if rep.Stats.Total != 0 {
		t.Errorf("default objects in a payload must be skipped: %+v", rep.Stats)
	}
}

// TestPlainReportLayoutMatchesRecording compares the plain 2.34 report with
// the Import/Export app's recorded metadata import summary.
func TestPlainReportLayoutMatchesRecording(t *testing.T) {
	t.Parallel()
	var recorded map[string]any
	if err := json.Unmarshal(readFixture(t, "dhis2__import-export-app/cypress/fixtures/metadataImportSummaries.json"), &recorded); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, "2.34")
	rep := importJSON(t, s, []byte(`{}`))
	var ours map[string]any
	if err := json.Unmarshal(mustJSON(t, rep), &ours); err != nil {
		t.Fatal(err)
	}
	if got, want := sortedKeys(ours), sortedKeys(recorded); !reflect.DeepEqual(got, want) {
		t.Errorf("report keys %v, recorded %v", got, want)
	}
	gotParams := sortedKeys(ours["importParams"].(map[string]any))
	wantParams := sortedKeys(recorded["importParams"].(map[string]any))
	if !reflect.DeepEqual(gotParams, wantParams) {
		t.Errorf("importParams keys %v, recorded %v", gotParams, wantParams)
	}
	if !reflect.DeepEqual(sortedKeys(ours["stats"].(map[string]any)), sortedKeys(recorded["stats"].(map[string]any))) {
		t.Errorf("stats keys differ")
	}
	// 2.35+ writes empty arrays
	rep35 := importJSON(t, newStore(t, "2.35"), []byte(`{}`))
	if !strings.Contains(string(mustJSON(t, rep35)), `"typeReports":[]`) {
		t.Errorf("2.35 report %s", mustJSON(t, rep35))
	}
}
