package emulator

import (
	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/system"
	"github.com/d2sync/d2sync/internal/period"
)

// metaCatalog adapts the metadata store to the data endpoints' catalog,
// and the system file store to datavalue.FileCatalog.
type metaCatalog struct {
	m     *metadata.Store
	files *system.Files
}

// FileResourceExists implements datavalue.FileCatalog.
func (c metaCatalog) FileResourceExists(uid string) bool {
	_, err := c.files.Get(uid)
	return err == nil
}

// AssignFileResource implements datavalue.FileCatalog.
func (c metaCatalog) AssignFileResource(uid string) { c.files.SetAssigned(uid, true) }

func (c metaCatalog) DataElement(uid string) (datavalue.DataElement, bool) {
	de, ok := c.m.DataElement(uid)
	if !ok {
		return datavalue.DataElement{}, false
	}
	return datavalue.DataElement{
		ValueType:         datavalue.ValueType(de.ValueType),
		AggregationType:   de.AggregationType,
		ZeroIsSignificant: de.ZeroIsSignificant,
		CategoryCombo:     de.CategoryCombo,
		OptionSet:         de.OptionSet,
		DataSets:          de.DataSets,
	}, true
}

func (c metaCatalog) OrgUnitExists(uid string) bool { return c.m.OrgUnitExists(uid) }

func (c metaCatalog) OptionCombo(uid string) (datavalue.OptionCombo, bool) {
	coc, ok := c.m.OptionCombo(uid)
	return datavalue.OptionCombo{CategoryCombo: coc.CategoryCombo}, ok
}

func (c metaCatalog) DataSet(uid string) (datavalue.DataSet, bool) {
	ds, ok := c.m.DataSet(uid)
	if !ok {
		return datavalue.DataSet{}, false
	}
	pt, err := period.ParseType(ds.PeriodType)
	if err != nil {
		pt = period.Monthly
	}
	return datavalue.DataSet{PeriodType: pt, CategoryCombo: ds.CategoryCombo, OpenFuturePeriods: ds.OpenFuturePeriods}, true
}

func (c metaCatalog) OptionExists(optionSet, code string) bool {
	return c.m.OptionExists(optionSet, code)
}
func (c metaCatalog) DataSetAssigned(dataSet, orgUnit string) bool {
	return c.m.DataSetAssigned(dataSet, orgUnit)
}
func (c metaCatalog) DataSetElements(uid string) ([]string, bool) { return c.m.DataSetElements(uid) }
func (c metaCatalog) DataElementGroupMembers(uid string) ([]string, bool) {
	return c.m.DataElementGroupMembers(uid)
}
func (c metaCatalog) OrgUnitDescendants(uid string) ([]string, bool) {
	return c.m.OrgUnitDescendants(uid)
}
func (c metaCatalog) OrgUnitGroupMembers(uid string) ([]string, bool) {
	return c.m.OrgUnitGroupMembers(uid)
}
func (c metaCatalog) Code(plural, uid string) (string, bool) { return c.m.Code(plural, uid) }
func (c metaCatalog) UIDByCode(plural, code string) (string, bool) {
	return c.m.UIDByCode(plural, code)
}
func (c metaCatalog) Exists(plural, uid string) bool { return c.m.Exists(plural, uid) }
