package datavalue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// fakeCatalog is the MapCatalog the tests use.
type fakeCatalog struct{ MapCatalog }

// Identifiers used across tests (dhis2-core's DataValueSetServiceIntegrationTest
// uses the same data elements and org units).
const (
	deA       = "f7n9E0hX8qk" // NUMBER, in dsA
	deB       = "Ix2HsbDMLea" // NUMBER, in dsA
	deC       = "eY5ehpbEsB7" // NUMBER, in dsA
	deText    = "deText00001"
	deOpt     = "deOption001"
	deZeroSig = "deZeroSig01"
	deAvg     = "deAverage01"
	deFile    = "deFile00001"
	ouA       = "DiszpKrYNg8"
	ouB       = "BdfsJfj87js"
	ouC       = "ouC00000001"
	cocDef    = DefaultOptionCombo
	cocMale   = "cocMale0001"
	aocX      = "aocX0000001"
	dsA       = "dsA00000001"
	dsOther   = "dsOther0001"
	ccDef     = "bjDvmb4bfuf"
	ccSex     = "ccSex000001"
	ccAttr    = "ccAttr00001"
	osYesNo   = "osYesNo0001"
)

func newCatalog() *fakeCatalog {
	num := DataElement{ValueType: TypeNumber, AggregationType: "SUM", CategoryCombo: ccDef, DataSets: []string{dsA}}
	c := &fakeCatalog{MapCatalog{
		DataElements: map[string]DataElement{
			deA: num, deB: num, deC: num,
			deText:    {ValueType: TypeText, CategoryCombo: ccDef, DataSets: []string{dsA}},
			deOpt:     {ValueType: TypeText, CategoryCombo: ccDef, OptionSet: osYesNo, DataSets: []string{dsA}},
			deZeroSig: {ValueType: TypeInteger, AggregationType: "SUM", ZeroIsSignificant: true, CategoryCombo: ccDef, DataSets: []string{dsA}},
			deAvg:     {ValueType: TypeInteger, AggregationType: "AVERAGE", CategoryCombo: ccDef, DataSets: []string{dsA}},
			deFile:    {ValueType: TypeFileResource, CategoryCombo: ccDef, DataSets: []string{dsA}},
		},
		OrgUnits:     map[string]bool{ouA: true, ouB: true, ouC: true},
		OptionCombos: map[string]OptionCombo{cocDef: {CategoryCombo: ccDef}, cocMale: {CategoryCombo: ccSex}, aocX: {CategoryCombo: ccAttr}},
		DataSets:     map[string]DataSet{dsA: {PeriodType: period.Monthly, CategoryCombo: ccDef, OpenFuturePeriods: 2}, dsOther: {PeriodType: period.Quarterly, CategoryCombo: ccAttr}},
		Options:      map[string]map[string]bool{osYesNo: {"YES": true, "NO": true}},
		Assignments:  map[[2]string]bool{{dsA, ouA}: true},
	}}
	return c
}

// clock is a fixed time for tests.
var clock = time.Date(2024, 6, 15, 10, 30, 0, 123e6, time.UTC)

func opts() Options { return Options{User: "admin", Now: func() time.Time { return clock }} }

// importJSON imports a JSON body and fails the test on a decode error.
func importJSON(t *testing.T, s *Store, cat Catalog, o Options, body string) *Summary {
	t.Helper()
	sum, err := s.ImportJSON(strings.NewReader(body), cat, o)
	if err != nil {
		t.Fatalf("ImportJSON: %v", err)
	}
	return sum
}

type counts struct{ imported, updated, ignored, deleted int }

func countsOf(s *Summary) counts { return counts{s.Imported, s.Updated, s.Ignored, s.Deleted} }

// fixturesDir returns ../shared/fixtures relative to the module root, or
// skips the test when it is absent.
func fixturesDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skipf("fixtures folder %s is absent; skipping fixture-based test", fx)
	}
	return fx
}
