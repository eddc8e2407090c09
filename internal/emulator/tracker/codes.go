package tracker

import (
	"fmt"
	"strings"
)

// Code is a tracker validation code (dhis2-core ValidationCode, a code
// space separate from the metadata ErrorCode enum).
type Code string

// messages are DHIS2's message templates of the codes the emulator
// raises; {0}, {1}… are replaced by the arguments.
var messages = map[Code]string{
	"E1000": "User: `{0}`, has no write access to OrganisationUnit: `{1}`.",
	"E1100": "User: `{0}`, is lacking 'F_TEI_CASCADE_DELETE' authority to delete TrackedEntityInstance: `{1}`.",
	"E1103": "User: `{0}`, is lacking 'F_ENROLLMENT_CASCADE_DELETE' authority to delete Enrollment : `{1}`.",
	"E1002": "TrackedEntityInstance: `{0}`, already exists.",
	"E1005": "Could not find TrackedEntityType: `{0}`.",
	"E1006": "Attribute: `{0}`, does not exist.",
	"E1007": "Error validating attribute value type: `{0}`; Error: `{1}`.",
	"E1010": "Could not find Program: `{0}`, linked to Event.",
	"E1011": "Could not find OrganisationUnit: `{0}`, linked to Event.",
	"E1013": "Could not find ProgramStage: `{0}`, linked to Event.",
	"E1014": "Provided Program: `{0}`, is a Program without registration. An Enrollment cannot be created into Program without registration.",
	"E1015": "TrackedEntityInstance: `{0}`, already has an active Enrollment in Program `{1}`.",
	"E1016": "TrackedEntityInstance: `{0}`, already has an enrollment in Program: `{1}`, and this program only allows enrolling one time.",
	"E1019": "Only Program attributes is allowed for enrollment; Non valid attribute: `{0}`.",
	"E1020": "Enrollment date: `{0}`, cannot be a future date.",
	"E1021": "Incident date: `{0}`, cannot be a future date.",
	"E1022": "TrackedEntityInstance: `{0}`, must have same TrackedEntityType as Program `{1}`.",
	"E1023": "DisplayIncidentDate is true but property occurredAt is null or has an invalid format: `{0}`.",
	"E1025": "Property enrolledAt is null or has an invalid format: `{0}`.",
	"E1029": "Event OrganisationUnit: `{0}`, and Program: `{1}`, don't match.",
	"E1030": "Event: `{0}`, already exists.",
	"E1031": "Event OccurredAt date is missing.",
	"E1032": "Event: `{0}`, do not exist.",
	"E1033": "Event: `{0}`, Enrollment value is null.",
	"E1035": "Event: `{0}`, ProgramStage value is null.",
	"E1039": "ProgramStage: `{0}`, is not repeatable and an event already exists.",
	"E1041": "Enrollment OrganisationUnit: `{0}`, and Program: `{1}`, don't match.",
	"E1048": "Object: `{0}`, uid: `{1}`, has an invalid uid format.",
	"E1049": "Could not find OrganisationUnit: `{0}`, linked to Tracked Entity.",
	"E1050": "Event ScheduledAt date is missing.",
	"E1063": "TrackedEntityInstance: `{0}`, does not exist.",
	"E1064": "Non-unique attribute value `{0}` for attribute `{1}`",
	"E1068": "Could not find TrackedEntityInstance: `{0}`, linked to Enrollment.",
	"E1069": "Could not find Program: `{0}`, linked to Enrollment.",
	"E1070": "Could not find OrganisationUnit: `{0}`, linked to Enrollment.",
	"E1079": "Event: `{0}`, program: `{1}` is different from program defined in enrollment `{2}`.",
	"E1080": "Enrollment: `{0}`, already exists.",
	"E1081": "Enrollment: `{0}`, do not exist.",
	"E1082": "Event: `{0}`, is already deleted and cannot be modified.",
	"E1085": "Attribute: `{0}`, value does not match value type: `{1}`.",
	"E1086": "Event: `{0}`, has a program: `{1}`, that is a registration but its ProgramStage is not valid or missing.",
	"E1087": "Event: `{0}`, could not find DataElement: `{1}`, linked to a data value.",
	"E1089": "Event: `{0}`, references a Program Stage `{1}` that does not belong to Program `{2}`.",
	"E1094": "Not allowed to update Enrollment: `{0}`, existing Program `{1}`.",
	"E1110": "Not allowed to update Event: `{0}`, existing Program `{1}`.",
	"E1126": "Not allowed to update Tracked Entity property: {0}.",
	"E1127": "Not allowed to update Enrollment property: {0}.",
	"E1128": "Not allowed to update Event property: {0}.",
	"E1113": "Enrollment: `{0}`, is already deleted and cannot be modified.",
	"E1114": "TrackedEntity: `{0}`, is already deleted and cannot be modified.",
	"E1115": "Could not find CategoryOptionCombo: `{0}`.",
	"E1119": "A Tracker Note with uid `{0}` already exists.",
	"E1121": "Missing required trackedEntity property: `{0}`.",
	"E1122": "Missing required enrollment property: `{0}`.",
	"E1123": "Missing required event property: `{0}`.",
	"E1124": "Missing required relationship property: `{0}`.",
	"E1125": "Value `{0}` is not a valid option code in option set `{1}`",
	"E1302": "DataElement `{0}` is not valid: `{1}`",
	"E1304": "DataElement `{0}` is not a valid data element",
	"E1305": "DataElement `{0}` is not part of `{1}` program stage",
	"E4000": "Relationship: `{0}` cannot link to itself",
	"E4001": "Relationship item `{0}` for relationship `{1}` is invalid: an item must link exactly one of trackedEntity, enrollment, event.",
	"E4006": "Could not find relationship type: `{0}`.",
	"E4010": "Relationship type `{0}` constraint requires a {1} but a {2} was found.",
	"E4012": "Could not find `{0}`: `{1}`, linked to relationship.",
	"E4014": "Relationship type `{0}` constraint requires a tracked entity having type `{1}` but `{2}` was found.",
	"E4015": "Relationship: `{0}`, already exists.",
	"E4016": "Relationship: `{0}`, do not exist.",
	"E4017": "Relationship: `{0}`, is already deleted and cannot be modified.",
	"E4018": "Relationship: `{0}`, linking {1}: `{2}` to {3}: `{4}` already exists.",
	"E5000": "\"{0}\" `{1}` cannot be persisted because \"{2}\" `{3}` referenced by it cannot be persisted.",
	"E5001": "\"{0}\" `{1}` cannot be deleted because \"{2}\" `{3}` referenced by it cannot be deleted.",
}

// Message formats the template of code with args (the older wording).
func Message(code Code, args ...string) string { return message(false, code, args...) }

// message formats a template; modern selects the 2.41+ wording.
func message(modern bool, code Code, args ...string) string {
	t, ok := messages[code]
	if m, has := modernMessages[code]; modern && has {
		t, ok = m, true
	}
	if !ok {
		return string(code)
	}
	for i, a := range args {
		t = strings.ReplaceAll(t, fmt.Sprintf("{%d}", i), a)
	}
	return t
}

// ErrorReport is one validation error or warning of an import report.
type ErrorReport struct {
	Message     string `json:"message"`
	ErrorCode   Code   `json:"errorCode"`
	TrackerType Kind   `json:"trackerType"`
	UID         string `json:"uid"`
}

func newError(modern bool, kind Kind, uid string, code Code, args ...string) ErrorReport {
	return ErrorReport{Message: message(modern, code, args...), ErrorCode: code, TrackerType: kind, UID: uid}
}
