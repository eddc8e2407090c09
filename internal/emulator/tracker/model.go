package tracker

import (
	"encoding/json"
	"time"
)

// Kind is a tracker object type, named as in DHIS2's TrackerType enum.
type Kind string

// The four tracker object types, in import order.
const (
	KindTrackedEntity Kind = "TRACKED_ENTITY"
	KindEnrollment    Kind = "ENROLLMENT"
	KindEvent         Kind = "EVENT"
	KindRelationship  Kind = "RELATIONSHIP"
)

// Kinds lists the object types in DHIS2's import (and report) order.
var Kinds = []Kind{KindTrackedEntity, KindEnrollment, KindEvent, KindRelationship}

// User is DHIS2's UserInfoSnapshot ({uid, username, firstName, surname}),
// used for createdBy, updatedBy and assignedUser.
type User struct {
	UID       string `json:"uid,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	Surname   string `json:"surname,omitempty"`
}

// AttributeValue is a tracked entity attribute value.
type AttributeValue struct {
	Attribute string    `json:"attribute"`
	Value     string    `json:"value"`
	StoredBy  string    `json:"storedBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// DataValue is an event data value.
type DataValue struct {
	DataElement       string    `json:"dataElement"`
	Value             string    `json:"value"`
	ProvidedElsewhere bool      `json:"providedElsewhere,omitempty"`
	StoredBy          string    `json:"storedBy,omitempty"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
	CreatedBy         *User     `json:"createdBy,omitempty"`
	UpdatedBy         *User     `json:"updatedBy,omitempty"`
}

// Note is an enrollment or event note (comment). Notes are append-only.
type Note struct {
	Note      string    `json:"note"`
	Value     string    `json:"value"`
	StoredBy  string    `json:"storedBy,omitempty"`
	StoredAt  time.Time `json:"storedAt"`
	CreatedBy *User     `json:"createdBy,omitempty"`
}

// ProgramOwner is the owning org unit of a tracked entity in a program.
type ProgramOwner struct {
	OrgUnit       string `json:"orgUnit"`
	TrackedEntity string `json:"trackedEntity"`
	Program       string `json:"program"`
}

// Stamps are the timestamps and authors every tracker object carries.
// CreatedAt and UpdatedAt are server time; the client ones are kept as
// sent.
type Stamps struct {
	CreatedAt       time.Time  `json:"createdAt"`
	UpdatedAt       time.Time  `json:"updatedAt"`
	CreatedAtClient *time.Time `json:"createdAtClient,omitempty"`
	UpdatedAtClient *time.Time `json:"updatedAtClient,omitempty"`
	CreatedBy       *User      `json:"createdBy,omitempty"`
	UpdatedBy       *User      `json:"updatedBy,omitempty"`
	StoredBy        string     `json:"storedBy,omitempty"`
	Deleted         bool       `json:"deleted,omitempty"`
	seq             uint64     // insertion order (internal id), newest last
}

// TrackedEntity is a tracked entity (instance).
type TrackedEntity struct {
	UID                string           `json:"trackedEntity"`
	TrackedEntityType  string           `json:"trackedEntityType"`
	OrgUnit            string           `json:"orgUnit"`
	Inactive           bool             `json:"inactive,omitempty"`
	PotentialDuplicate bool             `json:"potentialDuplicate,omitempty"`
	Geometry           json.RawMessage  `json:"geometry,omitempty"`
	Attributes         []AttributeValue `json:"attributes,omitempty"`
	Stamps
}

// Enrollment is a tracked entity's enrollment in a program.
type Enrollment struct {
	UID           string          `json:"enrollment"`
	TrackedEntity string          `json:"trackedEntity"`
	Program       string          `json:"program"`
	OrgUnit       string          `json:"orgUnit"`
	Status        string          `json:"status"`
	EnrolledAt    *time.Time      `json:"enrolledAt,omitempty"`
	OccurredAt    *time.Time      `json:"occurredAt,omitempty"`
	CompletedAt   *time.Time      `json:"completedAt,omitempty"`
	CompletedBy   string          `json:"completedBy,omitempty"`
	FollowUp      bool            `json:"followUp,omitempty"`
	Geometry      json.RawMessage `json:"geometry,omitempty"`
	Notes         []Note          `json:"notes,omitempty"`
	Stamps
}

// Event is an event of a tracker program (with an enrollment) or of an
// event program (without one).
type Event struct {
	UID                      string          `json:"event"`
	Program                  string          `json:"program"`
	ProgramStage             string          `json:"programStage"`
	Enrollment               string          `json:"enrollment,omitempty"`
	TrackedEntity            string          `json:"trackedEntity,omitempty"`
	OrgUnit                  string          `json:"orgUnit"`
	Status                   string          `json:"status"`
	OccurredAt               *time.Time      `json:"occurredAt,omitempty"`
	ScheduledAt              *time.Time      `json:"scheduledAt,omitempty"`
	CompletedAt              *time.Time      `json:"completedAt,omitempty"`
	CompletedBy              string          `json:"completedBy,omitempty"`
	AttributeOptionCombo     string          `json:"attributeOptionCombo,omitempty"`
	AttributeCategoryOptions string          `json:"attributeCategoryOptions,omitempty"`
	FollowUp                 bool            `json:"followUp,omitempty"`
	Geometry                 json.RawMessage `json:"geometry,omitempty"`
	AssignedUser             *User           `json:"assignedUser,omitempty"`
	DataValues               []DataValue     `json:"dataValues,omitempty"`
	Notes                    []Note          `json:"notes,omitempty"`
	Stamps
}

// Item is one side of a relationship: exactly one of the three is set.
type Item struct {
	TrackedEntity string `json:"trackedEntity,omitempty"`
	Enrollment    string `json:"enrollment,omitempty"`
	Event         string `json:"event,omitempty"`
}

// kind returns the object type the item points at ("" when empty or
// ambiguous) and its UID.
func (it Item) kind() (Kind, string) {
	n := 0
	var k Kind
	var uid string
	if it.TrackedEntity != "" {
		n, k, uid = n+1, KindTrackedEntity, it.TrackedEntity
	}
	if it.Enrollment != "" {
		n, k, uid = n+1, KindEnrollment, it.Enrollment
	}
	if it.Event != "" {
		n, k, uid = n+1, KindEvent, it.Event
	}
	if n != 1 {
		return "", ""
	}
	return k, uid
}

// Relationship links two tracker objects through a relationship type.
type Relationship struct {
	UID              string `json:"relationship"`
	RelationshipType string `json:"relationshipType"`
	Bidirectional    bool   `json:"bidirectional,omitempty"`
	From             Item   `json:"from"`
	To               Item   `json:"to"`
	Stamps
}
