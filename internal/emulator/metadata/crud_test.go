package metadata

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func decodeObj(t *testing.T, s string) Object {
	t.Helper()
	o, err := DecodeObject(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestSingleObjectCRUD(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	ip := DefaultImportParams()

	res, err := s.CreateObject("dataElements", decodeObj(t, `{"id":"deCrud00001","name":"Crud","shortName":"Crud",
	 "valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE","translations":[{"property":"NAME","locale":"fr","value":"x"}]}`), ip)
	if err != nil || res.Status != StatusOK || res.UID != "deCrud00001" || res.Klass != "org.hisp.dhis.dataelement.DataElement" {
		t.Fatalf("create: %+v %v", res, err)
	}
	resp, _ := json.Marshal(res.Response())
	if string(resp) != `{"responseType":"ObjectReport","uid":"deCrud00001","klass":"org.hisp.dhis.dataelement.DataElement","errorReports":[]}` {
		t.Errorf("create response %s", resp)
	}
	if tr := get(t, s, "dataElements", "deCrud00001", "translations"); len(asAnyList(tr["translations"])) != 0 {
		t.Errorf("POST must drop translations: %v", tr)
	}

	dup, err := s.CreateObject("dataElements", decodeObj(t, `{"id":"deCrud00001","name":"Crud2","shortName":"Crud2",
	 "valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}`), ip)
	if err != nil || dup.Status != StatusError || len(dup.ErrorReports) != 1 || dup.ErrorReports[0].ErrorCode != "E5000" {
		t.Fatalf("create existing: %+v %v", dup, err)
	}

	rep, err := s.ReplaceObject("dataElements", "deCrud00001", decodeObj(t, `{"name":"Renamed","shortName":"Renamed",
	 "valueType":"TEXT","aggregationType":"NONE","domainType":"AGGREGATE"}`), ip)
	if err != nil || rep.Status != StatusOK {
		t.Fatalf("replace: %+v %v", rep, err)
	}
	if o := get(t, s, "dataElements", "deCrud00001", "name,valueType"); o["name"] != "Renamed" || o["valueType"] != "TEXT" {
		t.Errorf("after PUT %v", o)
	}

	patched, err := s.PatchObject("dataElements", "deCrud00001", []byte(`[
	 {"op":"replace","path":"/name","value":"Patched"},
	 {"op":"add","path":"/code","value":"PATCHED"},
	 {"op":"add","path":"/legendSets/-","value":{"id":"legendNope1"}},
	 {"op":"remove","path":"/legendSets/0"},
	 {"op":"test","path":"/shortName","value":"Renamed"}]`), ip)
	if err != nil || patched.Status != StatusOK {
		t.Fatalf("patch: %+v %v", patched, err)
	}
	if o := get(t, s, "dataElements", "deCrud00001", "name,code,shortName"); o["name"] != "Patched" || o["code"] != "PATCHED" {
		t.Errorf("after PATCH %v", o)
	}
	if _, err := s.PatchObject("dataElements", "deCrud00001", []byte(`[{"op":"test","path":"/name","value":"nope"}]`), ip); err == nil {
		t.Error("failed test op accepted")
	} else if !errors.As(err, new(*BadRequestError)) {
		t.Errorf("patch error type %T", err)
	}
	if _, err := s.PatchObject("dataElements", "deCrud00001", []byte(`not json`), ip); err == nil {
		t.Error("invalid patch accepted")
	}

	var nf *NotFoundError
	if _, err := s.ReplaceObject("dataElements", "deMissing01", Object{}, ip); !errors.As(err, &nf) || nf.Error() != "DataElement with id deMissing01 could not be found." || nf.ErrorCode() != "E1005" {
		t.Errorf("PUT missing: %v", err)
	}
	if _, err := s.DeleteObject("dataElements", "deMissing01", ip); !errors.As(err, &nf) {
		t.Errorf("DELETE missing: %v", err)
	}
	if _, err := s.Get("dataElements", "deMissing01", "", ""); !errors.As(err, &nf) {
		t.Errorf("GET missing: %v", err)
	}

	del, err := s.DeleteObject("dataElements", "deCrud00001", ip)
	if err != nil || del.Status != StatusOK || s.Exists("dataElements", "deCrud00001") {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if d, _ := s.DeletedObjects(DeletedObjectsQuery{}); len(d) != 1 || d[0].Klass != "DataElement" || d[0].Code != "PATCHED" {
		t.Errorf("deleted objects %+v", d)
	}
	blocked, err := s.DeleteObject("categoryCombos", DefaultCategoryComboUID, ip)
	if err != nil || blocked.Status != StatusError || blocked.ErrorReports[0].ErrorCode != "E4030" {
		t.Errorf("deleting the default combo: %+v %v", blocked, err)
	}
	wc := s.WriteCounts()["dataElements"]
	if wc.Created != 1 || wc.Updated != 2 || wc.Deleted != 1 {
		t.Errorf("write counts %+v", wc)
	}
}

func TestLastUpdatedAndCreated(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	body := []byte(`{"constants":[{"id":"constTime01","name":"C","shortName":"C","value":1,"created":"2019-05-06T07:08:09.123+02:00",
	 "lastUpdated":"2019-05-06T07:08:09.123"}]}`)
	importJSON(t, s, body)
	first := get(t, s, "constants", "constTime01", "created,lastUpdated,createdBy,lastUpdatedBy")
	if first["created"] != "2019-05-06T05:08:09.123" {
		t.Errorf("created %v (kept, converted to server time zone UTC)", first["created"])
	}
	importJSON(t, s, body) // identical payload
	second := get(t, s, "constants", "constTime01", "created,lastUpdated")
	if second["lastUpdated"] == first["lastUpdated"] || second["created"] != first["created"] {
		t.Errorf("lastUpdated must move on every import: %v -> %v", first, second)
	}
	if refID(first["createdBy"]) != AdminUserUID || refID(first["lastUpdatedBy"]) != AdminUserUID {
		t.Errorf("createdBy/lastUpdatedBy %v", first)
	}
}

func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	src := readStore(t, "2.39")
	importJSON(t, src, []byte(`{"users":[{"id":"userSnap001","firstName":"S","surname":"N","username":"snap",
	 "password":"Kl4vier!Box","userRoles":[{"id":"yrB6vc5Ip3r"}]}]}`))
	if _, err := src.DeleteObject("dataElements", "deRead00004", DefaultImportParams()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	dst := newStore(t, "2.39")
	if err := dst.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	_ = src.Export(&a, ExportParams{})
	_ = dst.Export(&b, ExportParams{})
	if a.String() != b.String() {
		t.Error("export differs after restore")
	}
	if _, ok := dst.VerifyPassword("snap", "Kl4vier!Box"); !ok {
		t.Error("password lost in snapshot")
	}
	if d, _ := dst.DeletedObjects(DeletedObjectsQuery{}); len(d) != 1 {
		t.Errorf("deleted objects lost: %v", d)
	}
	if ou, _ := dst.OrgUnit("ouRead00003"); ou.Level != 3 {
		t.Errorf("catalog after restore %+v", ou)
	}
	other := newStore(t, "2.40")
	if err := other.Restore(bytes.NewReader(buf.Bytes())); err == nil {
		t.Error("snapshot of 2.39 restored into 2.40")
	}
	if err := other.Restore(strings.NewReader(`{"format":"nope"}`)); err == nil {
		t.Error("corrupt snapshot accepted")
	}
	if !other.Exists("dataElements", DefaultCategoryComboUID) && !other.Exists("categoryCombos", DefaultCategoryComboUID) {
		t.Error("failed restore changed the store")
	}
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	s := readStore(t, "2.41")
	de, ok := s.DataElement("deRead00002")
	if !ok || de.ValueType != "INTEGER_POSITIVE" || de.CategoryCombo != DefaultCategoryComboUID || !de.ZeroIsSignificant ||
		len(de.DataSets) != 1 || de.DataSets[0] != "dsRead00001" {
		t.Errorf("DataElement = %+v", de)
	}
	ds, ok := s.DataSet("dsRead00001")
	if !ok || ds.PeriodType != "Monthly" || len(ds.DataElements) != 2 || len(ds.OrgUnits) != 1 {
		t.Errorf("DataSet = %+v", ds)
	}
	if !s.DataSetAssigned("dsRead00001", "ouRead00003") || s.DataSetAssigned("dsRead00001", "ouRead00001") {
		t.Error("DataSetAssigned")
	}
	if d, ok := s.OrgUnitDescendants("ouRead00001"); !ok || len(d) != 3 || d[0] != "ouRead00001" {
		t.Errorf("descendants %v", d)
	}
	if !s.AttributeOptionCombo(DefaultCategoryOptionComboUID) || s.AttributeOptionCombo("nope") {
		t.Error("AttributeOptionCombo")
	}
	if uid, ok := s.UIDByCode("dataElements", "DE_3"); !ok || uid != "deRead00003" {
		t.Errorf("UIDByCode = %s", uid)
	}
	if m, ok := s.DataElementGroupMembers("degRead0002"); !ok || len(m) != 3 {
		t.Errorf("group members %v", m)
	}
	// the catalog follows writes
	importJSON(t, s, []byte(`{"organisationUnits":[{"id":"ouRead00004","name":"New","shortName":"New","openingDate":"2000-01-01","parent":{"id":"ouRead00003"}}]}`))
	if ou, ok := s.OrgUnit("ouRead00004"); !ok || ou.Level != 4 {
		t.Errorf("new org unit %+v", ou)
	}
	importJSON(t, s, []byte(`{"optionSets":[{"id":"osCatalog01","name":"OS","valueType":"TEXT","options":[{"id":"optCatalog1"}]}],
	 "options":[{"id":"optCatalog1","name":"Yes","code":"Y","optionSet":{"id":"osCatalog01"}}]}`))
	if !s.OptionExists("osCatalog01", "Y") || s.OptionExists("osCatalog01", "N") {
		t.Error("OptionExists")
	}
}

func TestDeletedObjectsPaging(t *testing.T) {
	t.Parallel()
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newStore(t, "2.42")
	s.now = func() time.Time { clock = clock.Add(time.Hour); return clock }
	for i := 0; i < 3; i++ {
		uid := "constDel00" + string(rune('1'+i))
		importJSON(t, s, []byte(`{"constants":[{"id":"`+uid+`","name":"C`+uid+`","shortName":"C`+uid+`","value":1}]}`))
		if _, err := s.DeleteObject("constants", uid, DefaultImportParams()); err != nil {
			t.Fatal(err)
		}
	}
	page, pg := s.DeletedObjects(DeletedObjectsQuery{Paging: true, PageSize: 2, Page: 2, BaseURL: "http://emu/api/deletedObjects"})
	if len(page) != 1 || pg.Total != 3 || pg.PageCount != 2 || pg.PrevPage == "" || pg.NextPage != "" {
		t.Errorf("page %v pager %+v", page, pg)
	}
	since, _ := ParseDate("2024-01-01T05:00:00", time.UTC)
	recent, _ := s.DeletedObjects(DeletedObjectsQuery{DeletedAt: since})
	if len(recent) != 2 {
		t.Errorf("deletedAt filter %v", recent)
	}
	if k := deletedKlassList([]string{"DataElement,Constant", "Indicator"}); len(k) != 3 {
		t.Errorf("klass list %v", k)
	}
}

// TestCreatedOnUpdate checks that an update takes created from the payload,
// or the import time when the payload has none, as DHIS2 does
// (IdentifiableObjectBundleHook.preUpdate calls setAutoFields on the
// incoming object, then the merge copies every property, created included,
// onto the stored object). createdBy is kept.
func TestCreatedOnUpdate(t *testing.T) {
	t.Parallel()
	const first = `{"constants":[{"id":"constCrea01","name":"C","shortName":"C","value":1,"created":"2019-05-06T07:08:09.123"}]}`
	tests := []struct {
		name, mergeMode, update string
		want                    func(before, after map[string]any) bool
	}{
		{"payload created replaces the stored one", "",
			`{"constants":[{"id":"constCrea01","name":"C","shortName":"C","value":2,"created":"2018-01-02T03:04:05.000"}]}`,
			func(_, after map[string]any) bool { return after["created"] == "2018-01-02T03:04:05.000" }},
		{"no created in the payload: the import time", "",
			`{"constants":[{"id":"constCrea01","name":"C","shortName":"C","value":2}]}`,
			func(_, after map[string]any) bool { return after["created"] == after["lastUpdated"] }},
		{"MERGE mode: same rule", "MERGE",
			`{"constants":[{"id":"constCrea01","name":"C","shortName":"C","value":2}]}`,
			func(_, after map[string]any) bool { return after["created"] == after["lastUpdated"] }},
		{"same created: unchanged", "",
			`{"constants":[{"id":"constCrea01","name":"C","shortName":"C","value":2,"created":"2019-05-06T07:08:09.123"}]}`,
			func(before, after map[string]any) bool { return after["created"] == before["created"] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, "2.40")
			importJSON(t, s, []byte(first))
			before := get(t, s, "constants", "constCrea01", "created,lastUpdated,createdBy")
			if before["created"] != "2019-05-06T07:08:09.123" {
				t.Fatalf("created on create = %v, want the payload's", before["created"])
			}
			kv := []string{"importStrategy", "UPDATE"}
			if tt.mergeMode != "" {
				kv = append(kv, "mergeMode", tt.mergeMode)
			}
			if rep := importJSON(t, s, []byte(tt.update), kv...); rep.Status != StatusOK || rep.Stats.Updated != 1 {
				t.Fatalf("update: %+v %s", rep.Stats, errorSummary(rep))
			}
			after := get(t, s, "constants", "constCrea01", "created,lastUpdated,createdBy")
			if !tt.want(before, after) {
				t.Errorf("created %v -> %v (lastUpdated %v)", before["created"], after["created"], after["lastUpdated"])
			}
			if refID(after["createdBy"]) != refID(before["createdBy"]) {
				t.Errorf("createdBy changed: %v -> %v", before["createdBy"], after["createdBy"])
			}
		})
	}
}
