package tracker

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Bundle is a flattened import payload: every object at top level with
// its parent references filled in, in payload order.
type Bundle struct {
	TrackedEntities []*TrackedEntity
	Enrollments     []*Enrollment
	Events          []*Event
	Relationships   []*Relationship
	// attrs holds the attribute values as sent, with null markers.
	teAttrs  map[*TrackedEntity][]attrIn
	enrAttrs map[*Enrollment][]attrIn
	dvs      map[*Event][]dvIn
	notes    map[any][]noteIn
}

// Size returns the number of objects of each kind.
func (b *Bundle) Size() map[Kind]int {
	return map[Kind]int{KindTrackedEntity: len(b.TrackedEntities), KindEnrollment: len(b.Enrollments),
		KindEvent: len(b.Events), KindRelationship: len(b.Relationships)}
}

// Total is the number of objects in the bundle.
func (b *Bundle) Total() int {
	return len(b.TrackedEntities) + len(b.Enrollments) + len(b.Events) + len(b.Relationships)
}

func newBundle() *Bundle {
	return &Bundle{teAttrs: map[*TrackedEntity][]attrIn{}, enrAttrs: map[*Enrollment][]attrIn{},
		dvs: map[*Event][]dvIn{}, notes: map[any][]noteIn{}}
}

// attrIn is an attribute value as sent; Null marks a value to delete.
type attrIn struct {
	Attribute string
	Value     string
	Null      bool
	StoredBy  string
}

// dvIn is a data value as sent; Null marks a value to delete.
type dvIn struct {
	DataElement       string
	Value             string
	Null              bool
	ProvidedElsewhere bool
	StoredBy          string
}

// noteIn is a note as sent.
type noteIn struct {
	UID      string
	Value    string
	StoredBy string
	StoredAt *time.Time
}

// wireTime is a date as sent: DHIS2 accepts ISO-8601 with or without
// milliseconds and zone, and plain dates.
type wireTime struct {
	raw string
}

func (w *wireTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &w.raw); err != nil {
		return fmt.Errorf("date must be a string: %w", err)
	}
	return nil
}

// timeLayouts are the accepted date forms, most specific first.
var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.000",
	"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02",
}

// ParseTime parses a DHIS2 date; dates without zone are in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("invalid date %q: use ISO-8601, e.g. 2024-01-31T10:00:00.000", s)
}

type wireValue struct {
	Attribute         string          `json:"attribute"`
	DataElement       string          `json:"dataElement"`
	Value             json.RawMessage `json:"value"`
	StoredBy          string          `json:"storedBy"`
	ProvidedElsewhere bool            `json:"providedElsewhere"`
}

// text returns the value as DHIS2 binds it to a String: JSON strings as
// is, numbers and booleans as written, null as absent.
func (v wireValue) text() (string, bool) {
	raw := strings.TrimSpace(string(v.Value))
	if raw == "" || raw == "null" {
		return "", true
	}
	var s string
	if json.Unmarshal(v.Value, &s) == nil {
		return s, false
	}
	return raw, false
}

type wireNote struct {
	Note     string   `json:"note"`
	Value    string   `json:"value"`
	StoredBy string   `json:"storedBy"`
	StoredAt wireTime `json:"storedAt"`
}

type wireItem struct {
	TrackedEntity json.RawMessage `json:"trackedEntity"`
	Enrollment    json.RawMessage `json:"enrollment"`
	Event         json.RawMessage `json:"event"`
}

type wireRel struct {
	Relationship     string   `json:"relationship"`
	RelationshipType string   `json:"relationshipType"`
	Bidirectional    bool     `json:"bidirectional"`
	From             wireItem `json:"from"`
	To               wireItem `json:"to"`
	CreatedAtClient  wireTime `json:"createdAtClient"`
}

type wireEvent struct {
	Event                    string          `json:"event"`
	Program                  string          `json:"program"`
	ProgramStage             string          `json:"programStage"`
	Enrollment               string          `json:"enrollment"`
	TrackedEntity            string          `json:"trackedEntity"`
	OrgUnit                  string          `json:"orgUnit"`
	Status                   string          `json:"status"`
	OccurredAt               wireTime        `json:"occurredAt"`
	ScheduledAt              wireTime        `json:"scheduledAt"`
	CompletedAt              wireTime        `json:"completedAt"`
	CompletedBy              string          `json:"completedBy"`
	StoredBy                 string          `json:"storedBy"`
	AttributeOptionCombo     string          `json:"attributeOptionCombo"`
	AttributeCategoryOptions string          `json:"attributeCategoryOptions"`
	FollowUp                 bool            `json:"followUp"`
	Geometry                 json.RawMessage `json:"geometry"`
	AssignedUser             json.RawMessage `json:"assignedUser"`
	CreatedAtClient          wireTime        `json:"createdAtClient"`
	UpdatedAtClient          wireTime        `json:"updatedAtClient"`
	DataValues               []wireValue     `json:"dataValues"`
	Notes                    []wireNote      `json:"notes"`
	Relationships            []wireRel       `json:"relationships"`
}

type wireEnrollment struct {
	Enrollment      string          `json:"enrollment"`
	TrackedEntity   string          `json:"trackedEntity"`
	Program         string          `json:"program"`
	OrgUnit         string          `json:"orgUnit"`
	Status          string          `json:"status"`
	EnrolledAt      wireTime        `json:"enrolledAt"`
	OccurredAt      wireTime        `json:"occurredAt"`
	CompletedAt     wireTime        `json:"completedAt"`
	CompletedBy     string          `json:"completedBy"`
	StoredBy        string          `json:"storedBy"`
	FollowUp        bool            `json:"followUp"`
	Geometry        json.RawMessage `json:"geometry"`
	CreatedAtClient wireTime        `json:"createdAtClient"`
	UpdatedAtClient wireTime        `json:"updatedAtClient"`
	Attributes      []wireValue     `json:"attributes"`
	Notes           []wireNote      `json:"notes"`
	Events          []wireEvent     `json:"events"`
	Relationships   []wireRel       `json:"relationships"`
}

type wireTE struct {
	TrackedEntity      string           `json:"trackedEntity"`
	TrackedEntityType  string           `json:"trackedEntityType"`
	OrgUnit            string           `json:"orgUnit"`
	Inactive           bool             `json:"inactive"`
	PotentialDuplicate bool             `json:"potentialDuplicate"`
	Geometry           json.RawMessage  `json:"geometry"`
	StoredBy           string           `json:"storedBy"`
	CreatedAtClient    wireTime         `json:"createdAtClient"`
	UpdatedAtClient    wireTime         `json:"updatedAtClient"`
	Attributes         []wireValue      `json:"attributes"`
	Enrollments        []wireEnrollment `json:"enrollments"`
	Relationships      []wireRel        `json:"relationships"`
}

type wirePayload struct {
	TrackedEntities []wireTE         `json:"trackedEntities"`
	Enrollments     []wireEnrollment `json:"enrollments"`
	Events          []wireEvent      `json:"events"`
	Relationships   []wireRel        `json:"relationships"`
}

// DecodeBundle reads a /api/tracker import body (flat, nested or mixed)
// and flattens it. Objects without a UID get a generated one; nested
// children get their parent's reference; relationships repeated in the
// payload (same UID) are kept once.
func DecodeBundle(r io.Reader, loc *time.Location) (*Bundle, error) {
	var p wirePayload
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, fmt.Errorf("decode tracker payload: %w", err)
	}
	return flatten(&p, loc)
}

// flatten turns a decoded payload into a Bundle.
func flatten(p *wirePayload, loc *time.Location) (*Bundle, error) {
	b := newBundle()
	if loc == nil {
		loc = time.UTC
	}
	f := flattener{b: b, rels: map[string]bool{}, loc: loc}
	for i := range p.TrackedEntities {
		f.te(&p.TrackedEntities[i])
	}
	for i := range p.Enrollments {
		f.enrollment(&p.Enrollments[i], "")
	}
	for i := range p.Events {
		f.event(&p.Events[i], nil)
	}
	for i := range p.Relationships {
		f.rel(&p.Relationships[i])
	}
	if f.err != nil {
		return nil, fmt.Errorf("decode tracker payload: %w", f.err)
	}
	return b, nil
}

type flattener struct {
	b    *Bundle
	rels map[string]bool
	loc  *time.Location
	err  error
}

// tm parses a sent date in the server zone; the first bad date is kept
// as the decode error.
func (f *flattener) tm(w wireTime) *time.Time {
	if w.raw == "" {
		return nil
	}
	t, err := ParseTime(w.raw, f.loc)
	if err != nil {
		if f.err == nil {
			f.err = err
		}
		return nil
	}
	return &t
}

func (f *flattener) te(w *wireTE) {
	te := &TrackedEntity{UID: orNewUID(w.TrackedEntity), TrackedEntityType: w.TrackedEntityType, OrgUnit: w.OrgUnit,
		Inactive: w.Inactive, PotentialDuplicate: w.PotentialDuplicate, Geometry: geometry(w.Geometry)}
	te.StoredBy, te.CreatedAtClient, te.UpdatedAtClient = w.StoredBy, f.tm(w.CreatedAtClient), f.tm(w.UpdatedAtClient)
	f.b.TrackedEntities = append(f.b.TrackedEntities, te)
	f.b.teAttrs[te] = attrsIn(w.Attributes)
	for i := range w.Enrollments {
		f.enrollment(&w.Enrollments[i], te.UID)
	}
	for i := range w.Relationships {
		f.rel(&w.Relationships[i])
	}
}

func (f *flattener) enrollment(w *wireEnrollment, te string) {
	if te == "" {
		te = w.TrackedEntity
	}
	en := &Enrollment{UID: orNewUID(w.Enrollment), TrackedEntity: te, Program: w.Program, OrgUnit: w.OrgUnit,
		Status: w.Status, EnrolledAt: f.tm(w.EnrolledAt), OccurredAt: f.tm(w.OccurredAt), CompletedAt: f.tm(w.CompletedAt),
		CompletedBy: w.CompletedBy, FollowUp: w.FollowUp, Geometry: geometry(w.Geometry)}
	en.StoredBy, en.CreatedAtClient, en.UpdatedAtClient = w.StoredBy, f.tm(w.CreatedAtClient), f.tm(w.UpdatedAtClient)
	f.b.Enrollments = append(f.b.Enrollments, en)
	f.b.enrAttrs[en] = attrsIn(w.Attributes)
	f.b.notes[en] = f.notesIn(w.Notes)
	for i := range w.Events {
		f.event(&w.Events[i], en)
	}
	for i := range w.Relationships {
		f.rel(&w.Relationships[i])
	}
}

func (f *flattener) event(w *wireEvent, parent *Enrollment) {
	ev := &Event{UID: orNewUID(w.Event), Program: w.Program, ProgramStage: w.ProgramStage, Enrollment: w.Enrollment,
		TrackedEntity: w.TrackedEntity, OrgUnit: w.OrgUnit, Status: w.Status, OccurredAt: f.tm(w.OccurredAt),
		ScheduledAt: f.tm(w.ScheduledAt), CompletedAt: f.tm(w.CompletedAt), CompletedBy: w.CompletedBy,
		AttributeOptionCombo: w.AttributeOptionCombo, AttributeCategoryOptions: w.AttributeCategoryOptions,
		FollowUp: w.FollowUp, Geometry: geometry(w.Geometry), AssignedUser: userRef(w.AssignedUser)}
	ev.StoredBy, ev.CreatedAtClient, ev.UpdatedAtClient = w.StoredBy, f.tm(w.CreatedAtClient), f.tm(w.UpdatedAtClient)
	if parent != nil {
		ev.Enrollment = parent.UID
		if ev.Program == "" {
			ev.Program = parent.Program
		}
	}
	f.b.Events = append(f.b.Events, ev)
	f.b.dvs[ev] = dvsIn(w.DataValues)
	f.b.notes[ev] = f.notesIn(w.Notes)
	for i := range w.Relationships {
		f.rel(&w.Relationships[i])
	}
}

func (f *flattener) rel(w *wireRel) {
	uid := orNewUID(w.Relationship)
	if f.rels[uid] {
		return
	}
	f.rels[uid] = true
	r := &Relationship{UID: uid, RelationshipType: w.RelationshipType, Bidirectional: w.Bidirectional,
		From: itemOf(w.From), To: itemOf(w.To)}
	r.CreatedAtClient = f.tm(w.CreatedAtClient)
	f.b.Relationships = append(f.b.Relationships, r)
}

// itemOf reads a relationship item whose members are either a UID string
// or an object with the UID under the same name.
func itemOf(w wireItem) Item {
	return Item{TrackedEntity: nestedUID(w.TrackedEntity, "trackedEntity"),
		Enrollment: nestedUID(w.Enrollment, "enrollment"), Event: nestedUID(w.Event, "event")}
}

func nestedUID(raw json.RawMessage, key string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		return str(m[key])
	}
	return ""
}

// userRef reads an assignedUser: a UID string or a {uid|id, username…}
// object.
func userRef(raw json.RawMessage) *User {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return &User{UID: s}
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	u := &User{UID: str(m["uid"]), Username: str(m["username"]), FirstName: str(m["firstName"]), Surname: str(m["surname"])}
	if u.UID == "" {
		u.UID = str(m["id"])
	}
	if u.UID == "" && u.Username == "" {
		return nil
	}
	return u
}

func geometry(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return append(json.RawMessage(nil), raw...)
}

func attrsIn(ws []wireValue) []attrIn {
	out := make([]attrIn, 0, len(ws))
	for _, w := range ws {
		v, null := w.text()
		out = append(out, attrIn{Attribute: w.Attribute, Value: v, Null: null || v == "", StoredBy: w.StoredBy})
	}
	return out
}

func dvsIn(ws []wireValue) []dvIn {
	out := make([]dvIn, 0, len(ws))
	for _, w := range ws {
		v, null := w.text()
		out = append(out, dvIn{DataElement: w.DataElement, Value: v, Null: null || v == "", ProvidedElsewhere: w.ProvidedElsewhere, StoredBy: w.StoredBy})
	}
	return out
}

func (f *flattener) notesIn(ws []wireNote) []noteIn {
	out := make([]noteIn, 0, len(ws))
	for _, w := range ws {
		out = append(out, noteIn{UID: w.Note, Value: w.Value, StoredBy: w.StoredBy, StoredAt: f.tm(w.StoredAt)})
	}
	return out
}

func orNewUID(s string) string {
	if s == "" {
		return NewUID()
	}
	return s
}
