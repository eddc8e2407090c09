package datavalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// anyCatalog accepts every identifier, with TEXT data elements.
type anyCatalog struct{}

func (anyCatalog) DataElement(string) (DataElement, bool) {
	return DataElement{ValueType: TypeText, CategoryCombo: ccDef}, true
}
func (anyCatalog) OrgUnitExists(string) bool { return true }
func (anyCatalog) OptionCombo(string) (OptionCombo, bool) {
	return OptionCombo{CategoryCombo: ccDef}, true
}
func (anyCatalog) DataSet(string) (DataSet, bool)      { return DataSet{}, true }
func (anyCatalog) OptionExists(string, string) bool    { return true }
func (anyCatalog) DataSetAssigned(string, string) bool { return true }

// TestExportMatchesSDKShapes imports the Android SDK's recorded
// dataValueSets responses (with KeepTimestamps, as a 2.40 server), exports
// them and checks that every value has the same properties and the same
// values as recorded, dates included (yyyy-MM-dd'T'HH:mm:ss.SSS+0000).
// Properties recorded as null-like ("comment": "", "deleted": false) must
// be absent from the export.
func TestExportMatchesSDKShapes(t *testing.T) {
	t.Parallel()
	fx := fixturesDir(t)
	for _, name := range []string{"data_values_BfMAe6Itzgt.json", "data_values_TaMAefItzgt.json", "data_values_lyLU2wR22tC.json",
		"data_values_monthly.json", "data_values_weekly.json", "data_value.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wrap := ""
			if name == "data_value.json" {
				wrap = "single"
			}
			body := readFixtureSet(t, fx, filepath.Join("dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue", name), wrap)
			s := New()
			o := opts()
			o.KeepTimestamps = true
			sum, err := s.ImportJSON(bytes.NewReader(body), anyCatalog{}, o)
			if err != nil || len(sum.Conflicts) > 0 {
				t.Fatalf("import: %v %+v", err, sum)
			}
			var out bytes.Buffer
			if _, err := s.WriteJSON(&out, Query{}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			var recorded, exported struct{ DataValues []map[string]any }
			if err := json.Unmarshal(body, &recorded); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out.Bytes(), &exported); err != nil {
				t.Fatalf("export is not JSON: %v\n%s", err, out.String())
			}
			if len(exported.DataValues) != len(recorded.DataValues) {
				t.Fatalf("exported %d values, recorded %d", len(exported.DataValues), len(recorded.DataValues))
			}
			byKey := map[string]map[string]any{}
			for _, v := range exported.DataValues {
				byKey[fmt.Sprint(v["dataElement"], v["period"], v["orgUnit"], v["categoryOptionCombo"], v["attributeOptionCombo"])] = v
			}
			for _, rec := range recorded.DataValues {
				for k, v := range rec {
					if v == "" || v == false && k == "deleted" {
						delete(rec, k)
					}
				}
				got := byKey[fmt.Sprint(rec["dataElement"], rec["period"], rec["orgUnit"], rec["categoryOptionCombo"], rec["attributeOptionCombo"])]
				if !reflect.DeepEqual(got, rec) {
					t.Errorf("exported\n  %v\nrecorded\n  %v", got, rec)
				}
			}
		})
	}
}

// TestExportPropertyOrder checks the exact bytes of one exported value:
// DHIS2's property order, escaping and the timestamp forms.
func TestExportPropertyOrder(t *testing.T) {
	t.Parallel()
	dv := DataValue{DataElement: deA, Period: "202401", OrgUnit: ouA, CategoryOptionCombo: cocDef, AttributeOptionCombo: aocX,
		Value: "12", StoredBy: "ad\"min", Comment: "line\nbreak\x01é", FollowUp: true, Deleted: true,
		Created: time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC), LastUpdated: time.Date(2024, 2, 3, 23, 30, 0, 0, time.UTC)}
	var b bytes.Buffer
	w := NewJSONWriter(&b, WriteOptions{})
	if err := w.WriteHeader(Header{DataSet: dsA, Period: "202401"}); err != nil {
		t.Fatal(err)
	}
	_ = w.Write(&dv)
	dv.Comment, dv.Value, dv.Deleted, dv.FollowUp = "", "", false, false
	_ = w.Write(&dv)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"dataSet":"dsA00000001","period":"202401","dataValues":[` +
		`{"dataElement":"f7n9E0hX8qk","period":"202401","orgUnit":"DiszpKrYNg8","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"aocX0000001",` +
		`"value":"12","storedBy":"ad\"min","created":"2024-01-02T03:04:05.678+0000","lastUpdated":"2024-02-03T23:30:00.000+0000","comment":"line\nbreak\u0001é","followup":true,"deleted":true},` +
		`{"dataElement":"f7n9E0hX8qk","period":"202401","orgUnit":"DiszpKrYNg8","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"aocX0000001",` +
		`"storedBy":"ad\"min","created":"2024-01-02T03:04:05.678+0000","lastUpdated":"2024-02-03T23:30:00.000+0000","followup":false}]}`
	if b.String() != want {
		t.Errorf("export =\n%s\nwant\n%s", b.String(), want)
	}
	// Server-time form without offset.
	b.Reset()
	w = NewJSONWriter(&b, WriteOptions{Zone: time.FixedZone("EAT", 3*3600), NoOffset: true})
	_ = w.Write(&dv)
	_ = w.Close()
	if !strings.Contains(b.String(), `"lastUpdated":"2024-02-04T02:30:00.000"`) {
		t.Errorf("local time export: %s", b.String())
	}
	var empty bytes.Buffer
	if err := NewJSONWriter(&empty, WriteOptions{}).Close(); err != nil || empty.String() != `{"dataValues":[]}` {
		t.Errorf("empty export %q %v", empty.String(), err)
	}
}

func seedStore(t *testing.T) *Store {
	t.Helper()
	s := New()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	for _, pe := range []string{"202403", "202401", "2024Q1", "202402", "2024W5"} {
		for _, de := range []string{deB, deA} {
			for _, ou := range []string{ouB, ouA} {
				for _, aoc := range []string{aocX, cocDef} {
					err := s.Put(DataValue{DataElement: de, Period: pe, OrgUnit: ou, CategoryOptionCombo: cocDef, AttributeOptionCombo: aoc,
						Value: fmt.Sprint(i), StoredBy: "u", Created: base, LastUpdated: base.Add(time.Duration(i) * time.Hour), Deleted: i%7 == 3})
					if err != nil {
						t.Fatal(err)
					}
					i++
				}
			}
		}
	}
	return s
}

func keysOf(t *testing.T, s *Store, q Query) []string {
	t.Helper()
	var out []string
	if err := s.Scan(q, func(dv *DataValue) error {
		out = append(out, dv.Period+"/"+dv.DataElement[:3]+"/"+dv.OrgUnit[:3]+"/"+dv.AttributeOptionCombo[:3])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScanFiltersAndOrder(t *testing.T) {
	t.Parallel()
	s := seedStore(t)
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"one key", Query{DataElements: []string{deA}, Periods: []string{"2024-01"}, OrgUnits: []string{ouA}, AttributeOptionCombos: []string{aocX}}, "202401/f7n/Dis/aoc"},
		{"order by period start then UIDs", Query{DataElements: []string{deA, deB}, Periods: []string{"202401", "2024Q1"}, OrgUnits: []string{ouA}, AttributeOptionCombos: []string{cocDef}},
			"202401/Ix2/Dis/Hll 202401/f7n/Dis/Hll 2024Q1/Ix2/Dis/Hll 2024Q1/f7n/Dis/Hll"},
		{"within dates", Query{StartDate: day("2024-01-01"), EndDate: day("2024-02-29"), DataElements: []string{deA}, OrgUnits: []string{ouA}, AttributeOptionCombos: []string{cocDef}},
			"202401/f7n/Dis/Hll 2024W5/f7n/Dis/Hll"}, // 202402 is soft-deleted
		{"unknown ids select nothing", Query{DataElements: []string{"nope0000000"}}, ""},
		{"limit", Query{OrgUnits: []string{ouB}, Limit: 3}, "202401/Ix2/Bdf/Hll 202401/Ix2/Bdf/aoc 202401/f7n/Bdf/Hll"},
		{"deleted hidden", Query{Periods: []string{"202403"}, DataElements: []string{deB}}, "202403/Ix2/Bdf/Hll 202403/Ix2/Bdf/aoc 202403/Ix2/Dis/aoc"},
		{"deleted included", Query{Periods: []string{"202403"}, DataElements: []string{deB}, IncludeDeleted: true}, "202403/Ix2/Bdf/Hll 202403/Ix2/Bdf/aoc 202403/Ix2/Dis/Hll 202403/Ix2/Dis/aoc"},
		{"lastUpdated", Query{LastUpdated: time.Date(2024, 1, 1, 37, 0, 0, 0, time.UTC), IncludeDeleted: true}, "2024W5/f7n/Bdf/Hll 2024W5/f7n/Dis/Hll 2024W5/f7n/Dis/aoc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := strings.Join(keysOf(t, s, tc.q), " "); got != tc.want {
				t.Errorf("scan = %s\nwant   %s", got, tc.want)
			}
		})
	}
	if n := s.Count(Query{IncludeDeleted: true}); n != 40 {
		t.Errorf("Count = %d, want 40", n)
	}
	boom := errors.New("stop")
	if err := s.Scan(Query{}, func(*DataValue) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Scan error = %v", err)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPutAndGet(t *testing.T) {
	t.Parallel()
	s := New()
	if err := s.Put(DataValue{DataElement: deA, Period: "bad", OrgUnit: ouA, CategoryOptionCombo: cocDef, AttributeOptionCombo: cocDef}); err == nil {
		t.Error("Put accepted a bad period")
	}
	if err := s.Put(DataValue{Period: "202401"}); err == nil {
		t.Error("Put accepted empty identifiers")
	}
	v := DataValue{DataElement: deA, Period: "2024-01", OrgUnit: ouA, CategoryOptionCombo: cocDef, AttributeOptionCombo: cocDef, Value: "5", Comment: "c",
		Created: clock, LastUpdated: clock}
	if err := s.Put(v); err != nil {
		t.Fatal(err)
	}
	got, ok := s.Get(deA, "202401", ouA, cocDef, cocDef)
	v.Period = "202401"
	if !ok || !reflect.DeepEqual(got, v) {
		t.Errorf("Get = %+v, %v", got, ok)
	}
	if _, ok := s.Get(deA, "202402", ouA, cocDef, cocDef); ok {
		t.Error("Get found a missing value")
	}
	v.Deleted = true
	_ = s.Put(v)
	if total, live := s.Len(); total != 1 || live != 0 {
		t.Errorf("Len = %d, %d", total, live)
	}
}
