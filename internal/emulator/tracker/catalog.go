package tracker

// DHIS2's fixed UIDs of the default category objects.
const (
	DefaultCategoryCombo        = "bjDvmb4bfuf"
	DefaultAttributeOptionCombo = "HllvX50cXC0"
	DefaultCategoryOption       = "xYerKDKCefk"
)

// Program is what the tracker engine needs of a program.
type Program struct {
	UID               string
	WithRegistration  bool   // programType WITH_REGISTRATION (tracker program)
	TrackedEntityType string // tracker programs only
	Stages            []string
	// Attributes are the program tracked entity attributes; nil means
	// unknown (the metadata did not say), and then any attribute is
	// accepted on enrollments.
	Attributes []string
	// OrgUnits is the set of assigned org units. DHIS2 refuses
	// enrollments (E1041) and events (E1029) elsewhere.
	OrgUnits       map[string]bool
	OnlyEnrollOnce bool
	// DisplayIncidentDate makes occurredAt mandatory on enrollments (E1023).
	DisplayIncidentDate bool
	// FutureEnrollmentDates allows enrolledAt in the future (else E1020).
	FutureEnrollmentDates bool
	// FutureIncidentDates allows occurredAt in the future (else E1021).
	FutureIncidentDates bool
	CategoryCombo       string
	attrsUnknown        bool
}

// ProgramStage is what the tracker engine needs of a program stage.
type ProgramStage struct {
	UID          string
	Program      string
	Repeatable   bool
	DataElements map[string]bool
}

// TrackedEntityType is what the tracker engine needs of a tracked entity
// type.
type TrackedEntityType struct {
	UID        string
	Attributes []string
}

// Attribute is a tracked entity attribute.
type Attribute struct {
	UID       string
	ValueType string
	OptionSet string
	Unique    bool
}

// DataElement is a data element used in program stages.
type DataElement struct {
	UID       string
	ValueType string
	OptionSet string
}

// OrgUnit is an organisation unit; Path is DHIS2's "/uid1/uid2/…/uid".
type OrgUnit struct {
	UID  string
	Path string
}

// Constraint is one side of a relationship type.
type Constraint struct {
	// Entity is TRACKED_ENTITY_INSTANCE, PROGRAM_INSTANCE or
	// PROGRAM_STAGE_INSTANCE (DHIS2's RelationshipEntity).
	Entity            string
	TrackedEntityType string
	Program           string
	ProgramStage      string
}

// RelationshipType is a relationship type with its two constraints.
type RelationshipType struct {
	UID           string
	Bidirectional bool
	From, To      Constraint
}

// Catalog is the metadata the tracker engine validates references
// against. Implementations must be safe for concurrent use.
type Catalog interface {
	Program(uid string) (Program, bool)
	ProgramStage(uid string) (ProgramStage, bool)
	TrackedEntityType(uid string) (TrackedEntityType, bool)
	Attribute(uid string) (Attribute, bool)
	DataElement(uid string) (DataElement, bool)
	OrgUnit(uid string) (OrgUnit, bool)
	RelationshipType(uid string) (RelationshipType, bool)
	// OptionExists reports whether code is an option code of the set.
	OptionExists(optionSet, code string) bool
	// CategoryOptionCombo reports whether the attribute option combo exists.
	CategoryOptionCombo(uid string) bool
}
