package metadata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// readStore holds 5 data elements, 2 groups, 1 data set and 3 org units.
func readStore(t *testing.T, version string) *Store {
	t.Helper()
	s := newStore(t, version)
	var des []string
	for i, n := range []string{"ANC 1st visit", "anc 2nd visit", "BCG doses", "Measles doses", "Penta doses"} {
		vt := "NUMBER"
		if i == 2 {
			vt = "INTEGER_POSITIVE"
		}
		des = append(des, fmt.Sprintf(`{"id":"deRead0000%d","code":"DE_%d","name":%q,"shortName":%q,"valueType":%q,
		 "aggregationType":"SUM","domainType":"AGGREGATE","zeroIsSignificant":%v,"created":"2020-0%d-01T00:00:00.000"}`,
			i, i, n, n, vt, i%2 == 0, i+1))
	}
	body := `{"dataElements":[` + strings.Join(des, ",") + `],
	 "dataElementGroups":[{"id":"degRead0001","name":"ANC","shortName":"ANC","dataElements":[{"id":"deRead00000"},{"id":"deRead00001"}]},
	   {"id":"degRead0002","name":"EPI","shortName":"EPI","dataElements":[{"id":"deRead00002"},{"id":"deRead00003"},{"id":"deRead00004"}]}],
	 "organisationUnits":[{"id":"ouRead00001","name":"Root","shortName":"Root","openingDate":"2000-01-01"},
	   {"id":"ouRead00002","name":"District","shortName":"District","openingDate":"2000-01-01","parent":{"id":"ouRead00001"}},
	   {"id":"ouRead00003","name":"Clinic","shortName":"Clinic","openingDate":"2000-01-01","parent":{"id":"ouRead00002"}}],
	 "dataSets":[{"id":"dsRead00001","name":"Monthly","shortName":"Monthly","periodType":"Monthly",
	   "categoryCombo":{"id":"bjDvmb4bfuf"},"organisationUnits":[{"id":"ouRead00003"}],
	   "dataSetElements":[{"dataElement":{"id":"deRead00000"},"dataSet":{"id":"dsRead00001"}},
	     {"dataElement":{"id":"deRead00002"},"dataSet":{"id":"dsRead00001"}}]}]}`
	if rep := importJSON(t, s, []byte(body)); rep.Status != StatusOK {
		t.Fatal(errorSummary(rep))
	}
	return s
}

func ids(objs []map[string]any) []string {
	out := make([]string, 0, len(objs))
	for _, o := range objs {
		out = append(out, str(o["id"]))
	}
	return out
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	s := readStore(t, "2.42")
	tests := []struct {
		filters []string
		or      bool
		want    []string
	}{
		{[]string{"name:eq:BCG doses"}, false, []string{"deRead00002"}},
		{[]string{"name:!eq:BCG doses"}, false, []string{"deRead00000", "deRead00001", "deRead00003", "deRead00004"}},
		{[]string{"name:ieq:anc 1st visit"}, false, []string{"deRead00000"}},
		{[]string{"name:like:doses"}, false, []string{"deRead00002", "deRead00003", "deRead00004"}},
		{[]string{"name:like:Doses"}, false, nil},
		{[]string{"name:ilike:ANC"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"name:!ilike:doses"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"name:$like:ANC"}, false, []string{"deRead00000"}},
		{[]string{"name:$ilike:anc"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"name:like$:visit"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"name:ilike$:VISIT"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"id:in:[deRead00001,deRead00003]"}, false, []string{"deRead00001", "deRead00003"}},
		{[]string{"id:!in:[deRead00001,deRead00003]"}, false, []string{"deRead00000", "deRead00002", "deRead00004"}},
		{[]string{"valueType:eq:INTEGER_POSITIVE"}, false, []string{"deRead00002"}},
		{[]string{"zeroIsSignificant:eq:true"}, false, []string{"deRead00000", "deRead00002", "deRead00004"}},
		{[]string{"created:ge:2020-03-01"}, false, []string{"deRead00002", "deRead00003", "deRead00004"}},
		{[]string{"created:lt:2020-02-15"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"optionSet:null"}, false, []string{"deRead00000", "deRead00001", "deRead00002", "deRead00003", "deRead00004"}},
		{[]string{"optionSet:!null"}, false, nil},
		{[]string{"dataElementGroups.id:eq:degRead0001"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"dataElementGroups.name:eq:EPI", "name:like:BCG"}, false, []string{"deRead00002"}},
		{[]string{"name:eq:BCG doses", "name:eq:Penta doses"}, true, []string{"deRead00002", "deRead00004"}},
		{[]string{"dataSetElements:empty"}, false, []string{"deRead00001", "deRead00003", "deRead00004"}},
		{[]string{"name:token:anc vis"}, false, []string{"deRead00000", "deRead00001"}},
		{[]string{"code:eq:DE_3"}, false, []string{"deRead00003"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.filters, "&"), func(t *testing.T) {
			t.Parallel()
			lp := ListParams{Filters: tt.filters, Paging: false}
			if tt.or {
				lp.RootJunction = "OR"
			}
			res, err := s.List("dataElements", lp)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res.Objects)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := s.List("dataElements", ListParams{Filters: []string{"nope:eq:1"}}); err == nil {
		t.Error("unknown filter property accepted")
	} else if _, ok := err.(*BadRequestError); !ok {
		t.Errorf("error type %T", err)
	}
	if _, err := s.List("dataElements", ListParams{Filters: []string{"name:zz:1"}}); err == nil {
		t.Error("unknown operator accepted")
	}
}

func TestListPagingAndOrder(t *testing.T) {
	t.Parallel()
	s := readStore(t, "2.42")
	q := url.Values{"pageSize": {"2"}, "page": {"2"}, "order": {"name:desc"}, "fields": {"id,name"}}
	lp := ParseListParams(q, "http://emu:8080")
	res, err := s.List("dataElements", lp)
	if err != nil {
		t.Fatal(err)
	}
	// desc is case-sensitive: "anc 2nd visit" sorts after "Penta doses"
	if got := ids(res.Objects); !reflect.DeepEqual(got, []string{"deRead00003", "deRead00002"}) {
		t.Errorf("page 2 desc = %v", got)
	}
	p := res.Pager
	if p.Page != 2 || p.PageCount != 3 || p.Total != 5 || p.PageSize != 2 {
		t.Errorf("pager %+v", p)
	}
	if !strings.HasPrefix(p.NextPage, "http://emu:8080/api/dataElements?") || !strings.Contains(p.NextPage, "page=3") ||
		!strings.Contains(p.PrevPage, "page=1") || !strings.Contains(p.NextPage, "pageSize=2") {
		t.Errorf("links %q %q", p.NextPage, p.PrevPage)
	}
	first, _ := s.List("dataElements", ParseListParams(url.Values{"pageSize": {"2"}}, "http://emu:8080"))
	if first.Pager.PrevPage != "" || first.Pager.NextPage == "" {
		t.Errorf("first page links %+v", first.Pager)
	}
	// default order: name, case-insensitive; default fields id,displayName
	all, _ := s.List("dataElements", ParseListParams(url.Values{"paging": {"false"}}, ""))
	if all.Pager != nil {
		t.Error("paging=false still has a pager")
	}
	if got := ids(all.Objects); !reflect.DeepEqual(got, []string{"deRead00000", "deRead00001", "deRead00002", "deRead00003", "deRead00004"}) {
		t.Errorf("default order %v", got)
	}
	if keys := sortedKeys(all.Objects[0]); !reflect.DeepEqual(keys, []string{"displayName", "id"}) {
		t.Errorf("default fields %v", keys)
	}
	iasc, _ := s.List("dataElements", ListParams{Order: []string{"name:asc"}})
	if ids(iasc.Objects)[0] != "deRead00000" || ids(iasc.Objects)[1] != "deRead00002" {
		t.Errorf("case-sensitive asc = %v", ids(iasc.Objects))
	}
	b, _ := json.Marshal(res)
	if !strings.HasPrefix(string(b), `{"pager":{`) || !strings.Contains(string(b), `"dataElements":[`) {
		t.Errorf("list JSON %s", b)
	}
}

func TestFieldFilters(t *testing.T) {
	t.Parallel()
	s := readStore(t, "2.42")
	tests := []struct {
		fields string
		check  func(o map[string]any) string
	}{
		{"id,name", func(o map[string]any) string { return keysAre(o, "id", "name") }},
		{":identifiable", func(o map[string]any) string {
			return keysAre(o, "id", "name", "code", "created", "lastUpdated", "lastUpdatedBy")
		}},
		{":nameable,!code", func(o map[string]any) string {
			return keysAre(o, "id", "name", "shortName", "created", "lastUpdated")
		}},
		{"id,categoryCombo", func(o map[string]any) string {
			if !reflect.DeepEqual(o["categoryCombo"], map[string]any{"id": DefaultCategoryComboUID}) {
				return fmt.Sprintf("reference = %v", o["categoryCombo"])
			}
			return ""
		}},
		{"id,categoryCombo[id,name]", func(o map[string]any) string {
			if !reflect.DeepEqual(o["categoryCombo"], map[string]any{"id": DefaultCategoryComboUID, "name": "default"}) {
				return fmt.Sprintf("expanded reference = %v", o["categoryCombo"])
			}
			return ""
		}},
		{"dataElementGroups[name,dataElements~size]", func(o map[string]any) string {
			g, _ := o["dataElementGroups"].([]any)
			if len(g) != 1 || !reflect.DeepEqual(g[0], map[string]any{"name": "ANC", "dataElements": 2}) {
				return fmt.Sprintf("nested = %v", o["dataElementGroups"])
			}
			return ""
		}},
		{"name~rename(title),dataSetElements~isEmpty", func(o map[string]any) string {
			if o["title"] != "ANC 1st visit" || o["dataSetElements"] != false {
				return fmt.Sprintf("transformers = %v", o)
			}
			return ""
		}},
		{":owner", func(o map[string]any) string {
			for _, k := range []string{"displayName", "href", "dataElementGroups", "access"} {
				if _, ok := o[k]; ok {
					return k + " in :owner"
				}
			}
			return keysInclude(o, "id", "name", "shortName", "valueType", "categoryCombo", "sharing", "created", "lastUpdated")
		}},
		{"*,!sharing", func(o map[string]any) string {
			if _, ok := o["sharing"]; ok {
				return "sharing not excluded"
			}
			if o["href"] != "http://emu/api/dataElements/deRead00000" {
				return fmt.Sprintf("href %v", o["href"])
			}
			return keysInclude(o, "displayName", "access", "dataElementGroups", "dataSetElements", "zeroIsSignificant")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fields, func(t *testing.T) {
			t.Parallel()
			o := get(t, s, "dataElements", "deRead00000", tt.fields)
			if msg := tt.check(o); msg != "" {
				t.Errorf("%s: %s (%v)", tt.fields, msg, o)
			}
		})
	}
}

func keysAre(o map[string]any, keys ...string) string {
	got := sortedKeys(o)
	sort.Strings(keys)
	if !reflect.DeepEqual(got, keys) {
		return fmt.Sprintf("keys %v, want %v", got, keys)
	}
	return ""
}

func keysInclude(o map[string]any, keys ...string) string {
	for _, k := range keys {
		if _, ok := o[k]; !ok {
			return "missing " + k
		}
	}
	return ""
}

func TestExport(t *testing.T) {
	t.Parallel()
	s := readStore(t, "2.42")
	t.Run("full export", func(t *testing.T) {
		t.Parallel()
		ep := ParseExportParams(url.Values{}, s.Schemas())
		ep.System = SystemHeader{ID: "sys", Rev: "abc", Version: "2.42.1", Date: "2024-03-01T10:00:00.000"}
		m := exportMap(t, s, ep)
		sys, _ := m["system"].(map[string]any)
		if sys["version"] != "2.42.1" || sys["id"] != "sys" || sys["rev"] != "abc" {
			t.Errorf("system header %v", sys)
		}
		for _, k := range []string{"dataElements", "dataElementGroups", "organisationUnits", "dataSets", "categoryCombos", "users", "userRoles"} {
			if _, ok := m[k]; !ok {
				t.Errorf("full export lacks %s", k)
			}
		}
		if _, ok := m["jobConfigurations"]; ok {
			t.Error("full export has secondary metadata")
		}
		de := m["dataElements"].([]any)[0].(map[string]any)
		if _, ok := de["displayName"]; ok {
			t.Error("default export fields are :owner")
		}
	})
	t.Run("defaults=EXCLUDE", func(t *testing.T) {
		t.Parallel()
		m := exportMap(t, s, ParseExportParams(url.Values{"defaults": {"EXCLUDE"}, "dataElements": {"true"}, "categoryCombos": {"true"}}, s.Schemas()))
		if _, ok := m["categoryCombos"]; ok {
			t.Error("default category combo exported")
		}
		if len(m) != 2 {
			t.Errorf("types %v", sortedKeys(m))
		}
		for _, o := range m["dataElements"].([]any) {
			if _, ok := o.(map[string]any)["categoryCombo"]; ok {
				t.Fatal("reference to the default combo kept with defaults=EXCLUDE")
			}
		}
	})
	t.Run("per-type fields, filter, order and skipSharing", func(t *testing.T) {
		t.Parallel()
		q := url.Values{"dataElements:fields": {"id,name,sharing"}, "dataElements:filter": {"name:like:doses"},
			"dataElements:order": {"name:desc"}, "skipSharing": {"true"}, "organisationUnits": {"true"}}
		m := exportMap(t, s, ParseExportParams(q, s.Schemas()))
		got := []string{}
		for _, o := range m["dataElements"].([]any) {
			om := o.(map[string]any)
			got = append(got, str(om["id"]))
			if _, ok := om["sharing"]; ok {
				t.Error("skipSharing kept sharing")
			}
		}
		if !reflect.DeepEqual(got, []string{"deRead00004", "deRead00003", "deRead00002"}) {
			t.Errorf("filtered ordered export %v", got)
		}
		if _, ok := m["dataElementGroups"]; ok {
			t.Error("unselected type exported")
		}
		if len(m["organisationUnits"].([]any)) != 3 {
			t.Error("organisationUnits=true not exported")
		}
	})
}

func TestExportLeavesOutDeprecatedAnalytics(t *testing.T) {
	t.Parallel()
	body := `{"programs":[{"id":"progEvRep01","name":"P","shortName":"P","programType":"WITHOUT_REGISTRATION"}],
	 "eventReports":[{"id":"evReport001","name":"R","dataType":"EVENTS","program":{"id":"progEvRep01"}}]}`
	for _, tt := range []struct {
		version string
		want    bool
	}{{"2.38", true}, {"2.39", false}, {"2.42", false}} {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			if rep := importJSON(t, s, []byte(body)); rep.Status != StatusOK {
				t.Fatal(errorSummary(rep))
			}
			m := exportMap(t, s, ExportParams{})
			if _, ok := m["eventReports"]; ok != tt.want {
				t.Errorf("eventReports in full export = %v, want %v", ok, tt.want)
			}
			sel := exportMap(t, s, ExportParams{Types: map[string]*TypeExport{"eventReports": {}}})
			if _, ok := sel["eventReports"]; !ok {
				t.Error("explicitly selected eventReports not exported")
			}
		})
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	src := readStore(t, "2.40")
	var buf bytes.Buffer
	if err := src.Export(&buf, ExportParams{}); err != nil {
		t.Fatal(err)
	}
	dst := newStore(t, "2.40")
	rep, err := dst.Import(bytes.NewReader(buf.Bytes()), DefaultImportParams())
	if err != nil || rep.Status != StatusOK {
		t.Fatalf("re-import: %v %s", err, errorSummary(rep))
	}
	for _, plural := range []string{"dataElements", "dataElementGroups", "dataSets", "organisationUnits"} {
		if src.Count(plural) != dst.Count(plural) {
			t.Errorf("%s: %d vs %d", plural, src.Count(plural), dst.Count(plural))
		}
	}
	a, _ := src.Get("dataSets", "dsRead00001", ":owner,!lastUpdated,!lastUpdatedBy,!createdBy,!created", "")
	b, _ := dst.Get("dataSets", "dsRead00001", ":owner,!lastUpdated,!lastUpdatedBy,!createdBy,!created", "")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("data set differs after round trip:\n%v\n%v", a, b)
	}
	created, _ := dst.Get("dataElements", "deRead00003", "created", "")
	if created["created"] != "2020-04-01T00:00:00.000" {
		t.Errorf("created not kept: %v", created["created"])
	}
}

func TestEventReportsAreEventVisualizations(t *testing.T) {
	t.Parallel()
	body := `{"programs":[{"id":"progEvRep01","name":"P","shortName":"P","programType":"WITHOUT_REGISTRATION"}],
	 "eventReports":[{"id":"evReport001","name":"R","dataType":"AGGREGATED_VALUES","program":{"id":"progEvRep01"}}]}`
	for _, tt := range []struct {
		version string
		mirror  bool
	}{{"2.37", false}, {"2.38", true}, {"2.42", true}} {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			if rep := importJSON(t, s, []byte(body)); rep.Status != StatusOK {
				t.Fatal(errorSummary(rep))
			}
			if got := s.Exists("eventVisualizations", "evReport001"); got != tt.mirror {
				t.Fatalf("event visualization mirror = %v", got)
			}
			if tt.mirror {
				ev := get(t, s, "eventVisualizations", "evReport001", "type,name,program")
				if ev["type"] != "PIVOT_TABLE" || ev["name"] != "R" || refID(ev["program"]) != "progEvRep01" {
					t.Errorf("mirror %v", ev)
				}
				if _, err := s.DeleteObject("eventReports", "evReport001", DefaultImportParams()); err != nil {
					t.Fatal(err)
				}
				if s.Exists("eventVisualizations", "evReport001") {
					t.Error("mirror survives the deletion")
				}
			}
		})
	}
}

func TestDatesInServerTimeZone(t *testing.T) {
	t.Parallel()
	eat := time.FixedZone("EAT", 3*3600)
	s, err := New(Options{Profile: readStore(t, "2.42").Profile(), Clock: fixedClock(), Location: eat})
	if err != nil {
		t.Fatal(err)
	}
	importJSON(t, s, []byte(`{"constants":[{"id":"constZone01","name":"Z","shortName":"Z","value":2}]}`))
	o := get(t, s, "constants", "constZone01", "lastUpdated")
	if lu := str(o["lastUpdated"]); !strings.HasPrefix(lu, "2024-03-01T13:00:") || strings.ContainsAny(lu[10:], "Z+") {
		t.Fatalf("lastUpdated %q: want server-local time without offset", lu)
	}
	for _, tt := range []struct {
		filter string
		want   int
	}{
		{"lastUpdated:ge:2024-03-01T10:00:00Z", 1},
		{"lastUpdated:ge:2024-03-01T10:30:00.000Z", 0},
		{"lastUpdated:ge:2024-03-01T12:59:00", 1},
		{"lastUpdated:lt:2024-03-01T13:00:00", 0},
	} {
		res, err := s.List("constants", ListParams{Filters: []string{tt.filter}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Objects) != tt.want {
			t.Errorf("%s: %d objects, want %d", tt.filter, len(res.Objects), tt.want)
		}
	}
}
