package datavalue_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/period"
)

// catalog is the smallest Catalog: one numeric data element in a monthly
// data set, one org unit and the default option combo.
type catalog struct{}

func (catalog) DataElement(uid string) (datavalue.DataElement, bool) {
	return datavalue.DataElement{ValueType: datavalue.TypeNumber, AggregationType: "SUM", DataSets: []string{"BfMAe6Itzgt"}}, uid == "fbfJHSPpUQD"
}
func (catalog) OrgUnitExists(uid string) bool { return uid == "DiszpKrYNg8" }
func (catalog) OptionCombo(uid string) (datavalue.OptionCombo, bool) {
	return datavalue.OptionCombo{}, uid == datavalue.DefaultOptionCombo
}
func (catalog) DataSet(uid string) (datavalue.DataSet, bool) {
	return datavalue.DataSet{PeriodType: period.Monthly}, uid == "BfMAe6Itzgt"
}
func (catalog) OptionExists(string, string) bool    { return false }
func (catalog) DataSetAssigned(string, string) bool { return true }

// Example imports a dataValueSet the way POST /api/dataValueSets does on
// DHIS2 2.41 and exports it the way GET /api/dataValueSets does.
func Example() {
	store := datavalue.New()
	body := `{"dataSet":"BfMAe6Itzgt","period":"202401","orgUnit":"DiszpKrYNg8","dataValues":[
	  {"dataElement":"fbfJHSPpUQD","value":"12"},
	  {"dataElement":"fbfJHSPpUQD","value":"twelve","categoryOptionCombo":"HllvX50cXC0"},
	  {"dataElement":"unknownUID1","value":"3"}]}`
	now := time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC)
	sum, err := store.ImportJSON(strings.NewReader(body), catalog{}, datavalue.Options{
		User: "admin", IgnoreUnchanged: true, Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Status, sum.Imported, sum.Updated, sum.Ignored, sum.Deleted)
	for _, c := range sum.Conflicts {
		fmt.Println(c.ErrorCode, c.Indexes, c.Value)
	}
	_, _ = store.WriteJSON(os.Stdout, datavalue.Query{OrgUnits: []string{"DiszpKrYNg8"}}, datavalue.WriteOptions{})
	// Output:
	// WARNING 1 0 2 0
	// E7619 [1] Value must match value type of data element `fbfJHSPpUQD`: `Data value is not numeric`
	// E7610 [2] Data element not found or not accessible: `unknownUID1`
	// {"dataValues":[{"dataElement":"fbfJHSPpUQD","period":"202401","orgUnit":"DiszpKrYNg8","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"HllvX50cXC0","value":"12","storedBy":"admin","created":"2024-02-01T08:00:00.000+0000","lastUpdated":"2024-02-01T08:00:00.000+0000","followup":false}]}
}
