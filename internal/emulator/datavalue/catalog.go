package datavalue

import "github.com/d2sync/d2sync/internal/period"

// DefaultOptionCombo is the UID of DHIS2's default category option combo,
// used when a value omits its category or attribute option combo.
const DefaultOptionCombo = "HllvX50cXC0"

// ValueType is a DHIS2 value type name as it appears in metadata
// ("NUMBER", "INTEGER_POSITIVE", "TEXT", …).
type ValueType string

// DHIS2 value types (org.hisp.dhis.common.ValueType).
const (
	TypeText                  ValueType = "TEXT"
	TypeLongText              ValueType = "LONG_TEXT"
	TypeMultiText             ValueType = "MULTI_TEXT"
	TypeLetter                ValueType = "LETTER"
	TypePhoneNumber           ValueType = "PHONE_NUMBER"
	TypeEmail                 ValueType = "EMAIL"
	TypeBoolean               ValueType = "BOOLEAN"
	TypeTrueOnly              ValueType = "TRUE_ONLY"
	TypeDate                  ValueType = "DATE"
	TypeDateTime              ValueType = "DATETIME"
	TypeTime                  ValueType = "TIME"
	TypeNumber                ValueType = "NUMBER"
	TypeUnitInterval          ValueType = "UNIT_INTERVAL"
	TypePercentage            ValueType = "PERCENTAGE"
	TypeInteger               ValueType = "INTEGER"
	TypeIntegerPositive       ValueType = "INTEGER_POSITIVE"
	TypeIntegerNegative       ValueType = "INTEGER_NEGATIVE"
	TypeIntegerZeroOrPositive ValueType = "INTEGER_ZERO_OR_POSITIVE"
	TypeTrackerAssociate      ValueType = "TRACKER_ASSOCIATE"
	TypeUsername              ValueType = "USERNAME"
	TypeCoordinate            ValueType = "COORDINATE"
	TypeOrganisationUnit      ValueType = "ORGANISATION_UNIT"
	TypeReference             ValueType = "REFERENCE"
	TypeAge                   ValueType = "AGE"
	TypeURL                   ValueType = "URL"
	TypeFileResource          ValueType = "FILE_RESOURCE"
	TypeImage                 ValueType = "IMAGE"
	TypeGeoJSON               ValueType = "GEOJSON"
)

// IsNumeric reports whether t is one of DHIS2's numeric types (integer
// types, NUMBER, UNIT_INTERVAL, PERCENTAGE).
func (t ValueType) IsNumeric() bool {
	switch t {
	case TypeNumber, TypeUnitInterval, TypePercentage, TypeInteger, TypeIntegerPositive,
		TypeIntegerNegative, TypeIntegerZeroOrPositive:
		return true
	}
	return false
}

// IsBoolean reports whether t is BOOLEAN or TRUE_ONLY.
func (t ValueType) IsBoolean() bool { return t == TypeBoolean || t == TypeTrueOnly }

// IsFile reports whether t is FILE_RESOURCE or IMAGE.
func (t ValueType) IsFile() bool { return t == TypeFileResource || t == TypeImage }

// DataElement is what validation needs to know about a data element.
type DataElement struct {
	ValueType         ValueType
	AggregationType   string // "SUM", "AVERAGE", "AVERAGE_SUM_ORG_UNIT", …
	ZeroIsSignificant bool
	CategoryCombo     string   // UID of the element's category combo
	OptionSet         string   // UID of the option set, "" when none
	DataSets          []string // UIDs of the data sets that contain the element
}

// OptionCombo is what validation needs to know about a category option
// combo (used both as category and as attribute option combo).
type OptionCombo struct {
	CategoryCombo string // UID of the combo's category combo
}

// DataSet is what validation needs to know about a data set.
type DataSet struct {
	PeriodType        period.Type
	CategoryCombo     string // UID of the attribute category combo
	OpenFuturePeriods int    // DHIS2 openFuturePeriods; 0 = only up to the current period
}

// Catalog answers metadata questions during validation. The emulator's
// metadata engine satisfies it through a small adapter. Lookups take UIDs
// exactly as sent (already trimmed); every method must be safe for
// concurrent use.
type Catalog interface {
	// DataElement returns the data element with the given UID.
	DataElement(uid string) (DataElement, bool)
	// OrgUnitExists reports whether the organisation unit exists.
	OrgUnitExists(uid string) bool
	// OptionCombo returns the category option combo with the given UID.
	OptionCombo(uid string) (OptionCombo, bool)
	// DataSet returns the data set with the given UID.
	DataSet(uid string) (DataSet, bool)
	// OptionExists reports whether the option set has an option with the
	// given code.
	OptionExists(optionSet, code string) bool
	// DataSetAssigned reports whether the data set is assigned to the
	// organisation unit (used by strictOrganisationUnits only).
	DataSetAssigned(dataSet, orgUnit string) bool
}

// FileCatalog is the optional part of a Catalog that knows the file
// resources FILE_RESOURCE and IMAGE values name (the value is the file
// resource's UID). When the Catalog given to Import implements it, the
// import checks and assigns file resources as DefaultDataValueSetService
// does (see Options.LegacyFileUpdate); without it file values are stored
// as they are. Both methods must be safe for concurrent use; the importer
// never calls them while it holds the store's lock.
type FileCatalog interface {
	// FileResourceExists reports whether the file resource exists.
	FileResourceExists(uid string) bool
	// AssignFileResource marks the file resource as assigned (referenced
	// by a data value, so never purged as unused); a missing one is
	// ignored.
	AssignFileResource(uid string)
}

// MapCatalog is a Catalog backed by maps, for tests and for tools that
// have no metadata engine at hand. Nil maps answer "not found". It is safe
// for concurrent use as long as the maps are not modified meanwhile.
type MapCatalog struct {
	DataElements map[string]DataElement
	OrgUnits     map[string]bool
	OptionCombos map[string]OptionCombo
	DataSets     map[string]DataSet
	// Options maps an option set UID to the set of its option codes.
	Options map[string]map[string]bool
	// Assignments holds the (data set, org unit) pairs that are assigned.
	Assignments map[[2]string]bool
}

// DataElement implements Catalog.
func (c *MapCatalog) DataElement(uid string) (DataElement, bool) {
	d, ok := c.DataElements[uid]
	return d, ok
}

// OrgUnitExists implements Catalog.
func (c *MapCatalog) OrgUnitExists(uid string) bool { return c.OrgUnits[uid] }

// OptionCombo implements Catalog.
func (c *MapCatalog) OptionCombo(uid string) (OptionCombo, bool) {
	o, ok := c.OptionCombos[uid]
	return o, ok
}

// DataSet implements Catalog.
func (c *MapCatalog) DataSet(uid string) (DataSet, bool) {
	d, ok := c.DataSets[uid]
	return d, ok
}

// OptionExists implements Catalog.
func (c *MapCatalog) OptionExists(optionSet, code string) bool { return c.Options[optionSet][code] }

// DataSetAssigned implements Catalog.
func (c *MapCatalog) DataSetAssigned(dataSet, orgUnit string) bool {
	return c.Assignments[[2]string{dataSet, orgUnit}]
}
