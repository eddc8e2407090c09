package datavalue

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// These tests replay dhis2-core 2.41's DataValueSetServiceIntegrationTest
// (dhis-test-integration) over the same fixture files and assert the same
// counts. The XML files are read with a small test-only reader.

const coreDir = "dhis2__dhis2-core/dhis-2/dhis-test-integration/src/test/resources/datavalueset"

type xmlValueSet struct {
	DataSet string `xml:"dataSet,attr"`
	Values  []struct {
		DataElement string  `xml:"dataElement,attr"`
		Period      string  `xml:"period,attr"`
		OrgUnit     string  `xml:"orgUnit,attr"`
		Value       *string `xml:"value,attr"`
		StoredBy    string  `xml:"storedBy,attr"`
		Comment     *string `xml:"comment,attr"`
		Created     string  `xml:"created,attr"`
		FollowUp    bool    `xml:"followup,attr"`
		Deleted     bool    `xml:"deleted,attr"`
	} `xml:"dataValue"`
}

func readXMLSet(t *testing.T, name string) (Header, []Input) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), coreDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var set xmlValueSet
	if err := xml.Unmarshal(b, &set); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var ins []Input
	for _, v := range set.Values {
		in := Input{DataElement: v.DataElement, Period: v.Period, OrgUnit: v.OrgUnit, StoredBy: v.StoredBy,
			Created: v.Created, FollowUp: v.FollowUp, Deleted: v.Deleted}
		if v.Value != nil {
			in.Value, in.HasValue = *v.Value, true
		}
		if v.Comment != nil {
			in.Comment, in.HasComment = *v.Comment, true
		}
		ins = append(ins, in)
	}
	return Header{DataSet: set.DataSet}, ins
}

func coreCatalog() *fakeCatalog {
	c := newCatalog()
	c.DataSets["pBOMPrpg1QX"] = DataSet{PeriodType: period.Monthly, CategoryCombo: ccDef}
	return c
}

// core241 are the options of a default 2.41 import.
func core241() Options {
	o := opts()
	o.IgnoreUnchanged = true
	return o
}

func TestDHIS2CoreIntegrationXML(t *testing.T) {
	t.Parallel()
	type step struct {
		file     string
		strategy Strategy
		want     counts
	}
	tests := []struct {
		name  string
		steps []step
		live  int
	}{
		{"testImportValuesXml", []step{{"dataValueSetB.xml", CreateAndUpdate, counts{12, 0, 0, 0}}}, 12},
		{"testImportUpdateValuesXml", []step{{"dataValueSetB.xml", CreateAndUpdate, counts{12, 0, 0, 0}}, {"dataValueSetBUpdate.xml", CreateAndUpdate, counts{2, 4, 0, 0}}}, 14},
		{"testImportDeletedValuesXml", []step{{"dataValueSetBDeleted.xml", CreateAndUpdate, counts{12, 0, 0, 0}}}, 8},
		{"testImportReverseDeletedValuesXml", []step{{"dataValueSetBDeleted.xml", CreateAndUpdate, counts{12, 0, 0, 0}}, {"dataValueSetB.xml", CreateAndUpdate, counts{4, 0, 8, 0}}}, 12},
		{"testImportAddAndReverseDeletedValuesXml", []step{{"dataValueSetBDeleted.xml", CreateAndUpdate, counts{12, 0, 0, 0}}, {"dataValueSetBNew.xml", CreateAndUpdate, counts{8, 0, 4, 0}}}, 16},
		{"testDeleteValuesXml", []step{{"dataValueSetB.xml", CreateAndUpdate, counts{12, 0, 0, 0}}, {"dataValueSetBDeleted.xml", CreateAndUpdate, counts{0, 0, 8, 4}}}, 8},
		{"testImportAndDeleteValuesXml", []step{{"dataValueSetB.xml", CreateAndUpdate, counts{12, 0, 0, 0}}, {"dataValueSetBNewDeleted.xml", CreateAndUpdate, counts{2, 0, 6, 4}}}, 10},
		{"testImportValuesDeleteStrategyXml", []step{{"dataValueSetB.xml", CreateAndUpdate, counts{12, 0, 0, 0}}, {"dataValueSetB.xml", Delete, counts{0, 0, 0, 12}}}, 0},
		{"testImportDeleteValuesXml", []step{{"dataValueSetA.xml", CreateAndUpdate, counts{3, 0, 0, 0}}, {"dataValueSetADeleted.xml", CreateAndUpdate, counts{0, 0, 0, 3}}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, cat := New(), coreCatalog()
			for _, st := range tc.steps {
				h, ins := readXMLSet(t, st.file)
				o := core241()
				o.Strategy = st.strategy
				sum, err := s.Import(h, FromSlice(ins...), cat, o)
				if err != nil {
					t.Fatal(err)
				}
				if got := countsOf(sum); got != st.want || sum.Status != StatusSuccess {
					t.Errorf("%s: %s counts %+v, want %+v (conflicts %+v)", st.file, sum.Status, got, st.want, sum.Conflicts)
				}
			}
			if _, live := s.Len(); live != tc.live {
				t.Errorf("live values = %d, want %d", live, tc.live)
			}
		})
	}
}

func TestDHIS2CoreIntegrationJSON(t *testing.T) {
	t.Parallel()
	read := func(t *testing.T, name string) string {
		b, err := os.ReadFile(filepath.Join(fixturesDir(t), coreDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name     string
		second   string
		strategy Strategy
		want     counts
	}{
		{"testImportDeleteValueJson", "dataValueSetJ.json", Delete, counts{0, 0, 0, 1}},
		{"testImportDeleteValueJson_OmittingValue", "dataValueSetJDeleteNoValue.json", Delete, counts{0, 0, 0, 1}},
		{"testImportDeleteValueJson_NewValue", "dataValueSetJDeleteNewValue.json", Delete, counts{0, 0, 0, 1}},
		{"testImportDeleteValueJson_ZeroValue", "dataValueSetJDeleteZeroValue.json", CreateAndUpdate, counts{0, 0, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, cat := New(), coreCatalog()
			if got := countsOf(importJSON(t, s, cat, core241(), read(t, "dataValueSetJ.json"))); got != (counts{1, 0, 0, 0}) {
				t.Fatalf("first import %+v", got)
			}
			o := core241()
			o.Strategy = tc.strategy
			sum := importJSON(t, s, cat, o, read(t, tc.second))
			if got := countsOf(sum); got != tc.want || sum.Status != StatusSuccess {
				t.Errorf("%s counts %+v, want %+v", sum.Status, got, tc.want)
			}
			if _, live := s.Len(); live != 0 {
				t.Errorf("live values = %d, want 0", live)
			}
		})
	}
	// Without DELETE, a value with neither value nor comment is E7618.
	s, cat := New(), coreCatalog()
	importJSON(t, s, cat, core241(), read(t, "dataValueSetJ.json"))
	sum := importJSON(t, s, cat, core241(), read(t, "dataValueSetJDeleteNoValue.json"))
	if len(sum.Conflicts) != 1 || sum.Conflicts[0].ErrorCode != "E7618" {
		t.Errorf("no value without DELETE: %+v", sum.Conflicts)
	}
}

// TestTimestamps checks created/lastUpdated/storedBy handling with and
// without KeepTimestamps, against dataValueSetCreateDate*.json.
func TestTimestamps(t *testing.T) {
	t.Parallel()
	fx := fixturesDir(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(fx, coreDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	later := clock.Add(48 * time.Hour)
	tests := []struct {
		name                     string
		keep                     bool
		created1, updated1       time.Time
		created2, updated2       time.Time
		wantStoredBy, wantValues string
	}{
		// 2.41+ (testCreatedDateWhenDataValueUpdated_IgnoreCreatedDateSupplied):
		// created is the first import's time, lastUpdated the second's.
		{"2.41 ignores payload dates", false, clock, clock, clock, later, "system", "22"},
		// 2.30–2.40: the payload's dates are stored.
		{"2.40 keeps payload dates", true,
			time.Date(1988, 12, 21, 23, 59, 38, 0, time.UTC), time.Date(1988, 12, 21, 23, 59, 38, 0, time.UTC),
			time.Date(2000, 12, 21, 23, 59, 38, 0, time.UTC), time.Date(2000, 12, 21, 23, 59, 38, 0, time.UTC), "system", "22"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, cat := New(), coreCatalog()
			o := opts()
			o.KeepTimestamps = tc.keep
			importJSON(t, s, cat, o, read("dataValueSetCreateDate.json"))
			v, _ := s.Get(deA, "201201", ouA, cocDef, cocDef)
			if !v.Created.Equal(tc.created1) || !v.LastUpdated.Equal(tc.updated1) {
				t.Errorf("after create: created %v lastUpdated %v, want %v %v", v.Created, v.LastUpdated, tc.created1, tc.updated1)
			}
			o.Now = func() time.Time { return later }
			sum := importJSON(t, s, cat, o, read("dataValueSetCreateDateUpdated.json"))
			v, _ = s.Get(deA, "201201", ouA, cocDef, cocDef)
			if sum.Updated != 1 || !v.Created.Equal(tc.created2) || !v.LastUpdated.Equal(tc.updated2) {
				t.Errorf("after update %+v: created %v lastUpdated %v, want %v %v", countsOf(sum), v.Created, v.LastUpdated, tc.created2, tc.updated2)
			}
			if v.StoredBy != tc.wantStoredBy || v.Value != tc.wantValues || v.Comment != "new comment" {
				t.Errorf("stored %+v", v)
			}
		})
	}
}

func TestStoredByDefaultsToUser(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	importJSON(t, s, cat, opts(), `{"dataValues":[`+dv(deA, "202401", ouA, "5", `"storedBy":"  "`)+`]}`)
	if v, _ := s.Get(deA, "202401", ouA, cocDef, cocDef); v.StoredBy != "admin" {
		t.Errorf("storedBy = %q, want the importing user", v.StoredBy)
	}
}

// TestNaiveTimestampsUseLocation checks that payload dates without an
// offset are read in the server zone.
func TestNaiveTimestampsUseLocation(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	o := opts()
	o.KeepTimestamps = true
	o.Location = time.FixedZone("WAT", 3600)
	importJSON(t, s, cat, o, `{"dataValues":[`+dv(deA, "202401", ouA, "5", `"created":"2024-01-02T10:00:00.000"`, `"lastUpdated":"2024-01-02"`)+`]}`)
	v, _ := s.Get(deA, "202401", ouA, cocDef, cocDef)
	if want := time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC); !v.Created.Equal(want) {
		t.Errorf("created %v, want %v", v.Created, want)
	}
	if want := time.Date(2024, 1, 1, 23, 0, 0, 0, time.UTC); !v.LastUpdated.Equal(want) {
		t.Errorf("lastUpdated %v, want %v", v.LastUpdated, want)
	}
}
