package emulator

import "github.com/d2sync/d2sync/internal/emulator/datavalue"

// catalog is what the data endpoints need from the metadata store: the
// data-value validation lookups plus the expansions of request
// parameters (data set → data elements, org unit → descendants) and the
// identifier schemes (UID ↔ code).
type catalog interface {
	datavalue.Catalog
	// DataSetElements returns the data elements of a data set.
	DataSetElements(uid string) ([]string, bool)
	// DataElementGroupMembers returns the data elements of a group.
	DataElementGroupMembers(uid string) ([]string, bool)
	// OrgUnitDescendants returns the unit and every unit below it; false
	// when the unit does not exist.
	OrgUnitDescendants(uid string) ([]string, bool)
	// OrgUnitGroupMembers returns the org units of a group.
	OrgUnitGroupMembers(uid string) ([]string, bool)
	// Code returns the code of the object of the given plural type.
	Code(plural, uid string) (string, bool)
	// UIDByCode returns the UID of the object of the given plural type
	// whose code is code.
	UIDByCode(plural, code string) (string, bool)
	// Exists reports whether an object of the plural type has the UID.
	Exists(plural, uid string) bool
}

// emptyCatalog knows no metadata at all.
type emptyCatalog struct{}

func (emptyCatalog) DataElement(string) (datavalue.DataElement, bool) {
	return datavalue.DataElement{}, false
}
func (emptyCatalog) OrgUnitExists(string) bool { return false }
func (emptyCatalog) OptionCombo(string) (datavalue.OptionCombo, bool) {
	return datavalue.OptionCombo{}, false
}
func (emptyCatalog) DataSet(string) (datavalue.DataSet, bool)        { return datavalue.DataSet{}, false }
func (emptyCatalog) OptionExists(string, string) bool                { return false }
func (emptyCatalog) DataSetAssigned(string, string) bool             { return false }
func (emptyCatalog) DataSetElements(string) ([]string, bool)         { return nil, false }
func (emptyCatalog) DataElementGroupMembers(string) ([]string, bool) { return nil, false }
func (emptyCatalog) OrgUnitDescendants(string) ([]string, bool)      { return nil, false }
func (emptyCatalog) OrgUnitGroupMembers(string) ([]string, bool)     { return nil, false }
func (emptyCatalog) Code(string, string) (string, bool)              { return "", false }
func (emptyCatalog) UIDByCode(string, string) (string, bool)         { return "", false }
func (emptyCatalog) Exists(string, string) bool                      { return false }
