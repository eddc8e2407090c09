package tracker

import (
	"encoding/json"
	"strings"
	"time"
)

// dateLayout is DHIS2's date serialization: server zone, no offset.
const dateLayout = "2006-01-02T15:04:05.000"

func (s *Store) format(t time.Time) string { return t.In(s.opts.Location).Format(dateLayout) }

// renderer writes stored objects as JSON-ready maps in the new
// (/api/tracker) or old (≤2.41 endpoints) shape.
type renderer struct {
	s              *Store
	cat            Catalog
	old            bool
	includeDeleted bool
}

// names are the property names that differ between the shapes: new → old.
var oldNames = map[string]string{
	"trackedEntity": "trackedEntityInstance", "createdAt": "created", "updatedAt": "lastUpdated",
	"updatedAtClient": "lastUpdatedAtClient", "createdBy": "createdByUserInfo", "updatedBy": "lastUpdatedByUserInfo",
	"enrolledAt": "enrollmentDate", "occurredAt": "incidentDate", "completedAt": "completedDate",
	"scheduledAt": "dueDate", "followUp": "followup", "storedAt": "storedDate",
}

// eventOldNames overrides oldNames for events (occurredAt is eventDate).
var eventOldNames = map[string]string{"occurredAt": "eventDate"}

func (r *renderer) name(n string) string {
	if !r.old {
		return n
	}
	if o, ok := oldNames[n]; ok {
		return o
	}
	return n
}

func (r *renderer) put(m map[string]any, name string, v any) { m[r.name(name)] = v }

func (r *renderer) time(m map[string]any, name string, t *time.Time) {
	if t != nil {
		r.put(m, name, r.s.format(*t))
	}
}

func (r *renderer) stamps(m map[string]any, st *Stamps) {
	r.put(m, "createdAt", r.s.format(st.CreatedAt))
	r.put(m, "updatedAt", r.s.format(st.UpdatedAt))
	r.time(m, "createdAtClient", st.CreatedAtClient)
	r.time(m, "updatedAtClient", st.UpdatedAtClient)
	if st.CreatedBy != nil {
		r.put(m, "createdBy", r.user(st.CreatedBy))
	}
	if st.UpdatedBy != nil {
		r.put(m, "updatedBy", r.user(st.UpdatedBy))
	}
	if st.StoredBy != "" {
		m["storedBy"] = st.StoredBy
	}
	m["deleted"] = st.Deleted
}

func (r *renderer) user(u *User) map[string]any {
	m := map[string]any{"uid": u.UID, "username": u.Username}
	if u.FirstName != "" {
		m["firstName"] = u.FirstName
	}
	if u.Surname != "" {
		m["surname"] = u.Surname
	}
	return m
}

func geometryValue(g json.RawMessage) any {
	var v any
	if json.Unmarshal(g, &v) != nil {
		return nil
	}
	return v
}

// trackedEntity renders a TE; f decides which nested collections to
// compute.
func (r *renderer) trackedEntity(te *TrackedEntity, f *Fields) map[string]any {
	m := map[string]any{"trackedEntityType": te.TrackedEntityType, "orgUnit": te.OrgUnit,
		"inactive": te.Inactive, "potentialDuplicate": te.PotentialDuplicate}
	r.put(m, "trackedEntity", te.UID)
	r.stamps(m, &te.Stamps)
	if te.Geometry != nil {
		m["geometry"] = geometryValue(te.Geometry)
	}
	if f.Wants("attributes") {
		m["attributes"] = r.attributes(te.Attributes, nil)
	}
	if f.Wants("enrollments") {
		sub := f.Sub("enrollments")
		list := []any{}
		for _, en := range r.s.enByTE[te.UID] {
			if r.includeDeleted || !en.Deleted {
				list = append(list, r.enrollment(en, sub))
			}
		}
		m["enrollments"] = list
	}
	if f.Wants("relationships") {
		m["relationships"] = r.relationshipsOf(te.UID)
	}
	if f.Wants("programOwners") {
		list := []any{}
		for _, o := range r.s.ownersOf(te.UID) {
			if r.old {
				list = append(list, map[string]any{"ownerOrgUnit": o.OrgUnit, "trackedEntityInstance": o.TrackedEntity, "program": o.Program})
			} else {
				list = append(list, map[string]any{"orgUnit": o.OrgUnit, "trackedEntity": o.TrackedEntity, "program": o.Program})
			}
		}
		m["programOwners"] = list
	}
	return m
}

// attributes renders attribute values; only, when not nil, restricts them
// to a program's attributes.
func (r *renderer) attributes(avs []AttributeValue, only []string) []any {
	out := []any{}
	for _, av := range avs {
		if only != nil && !contains(only, av.Attribute) {
			continue
		}
		m := map[string]any{"attribute": av.Attribute, "value": av.Value}
		r.put(m, "createdAt", r.s.format(av.CreatedAt))
		r.put(m, "updatedAt", r.s.format(av.UpdatedAt))
		if av.StoredBy != "" {
			m["storedBy"] = av.StoredBy
		}
		if a, ok := r.cat.Attribute(av.Attribute); ok && a.ValueType != "" {
			m["valueType"] = a.ValueType
		}
		out = append(out, m)
	}
	return out
}

func (r *renderer) enrollment(en *Enrollment, f *Fields) map[string]any {
	m := map[string]any{"enrollment": en.UID, "program": en.Program, "orgUnit": en.OrgUnit, "status": en.Status}
	r.put(m, "trackedEntity", en.TrackedEntity)
	r.put(m, "followUp", en.FollowUp)
	r.time(m, "enrolledAt", en.EnrolledAt)
	r.time(m, "occurredAt", en.OccurredAt)
	r.time(m, "completedAt", en.CompletedAt)
	if en.CompletedBy != "" {
		m["completedBy"] = en.CompletedBy
	}
	r.stamps(m, &en.Stamps)
	if en.Geometry != nil {
		m["geometry"] = geometryValue(en.Geometry)
	}
	if r.old {
		if te := r.s.tes[en.TrackedEntity]; te != nil {
			m["trackedEntityType"] = te.TrackedEntityType
		}
	}
	m["notes"] = r.notes(en.Notes)
	if f.Wants("attributes") {
		var only []string = []string{}
		if p, ok := r.cat.Program(en.Program); ok {
			only = orNil(p.Attributes)
			if p.attrsUnknown {
				only = nil
			}
		}
		if te := r.s.tes[en.TrackedEntity]; te != nil {
			m["attributes"] = r.attributes(te.Attributes, only)
		} else {
			m["attributes"] = []any{}
		}
	}
	if f.Wants("events") {
		sub := f.Sub("events")
		list := []any{}
		for _, ev := range r.s.evByEn[en.UID] {
			if r.includeDeleted || !ev.Deleted {
				list = append(list, r.event(ev, sub))
			}
		}
		m["events"] = list
	}
	if f.Wants("relationships") {
		m["relationships"] = r.relationshipsOf(en.UID)
	}
	return m
}

func (r *renderer) notes(ns []Note) []any {
	out := []any{}
	for _, n := range ns {
		m := map[string]any{"note": n.Note, "value": n.Value, "storedBy": n.StoredBy}
		r.put(m, "storedAt", r.s.format(n.StoredAt))
		if n.CreatedBy != nil {
			if r.old {
				m["lastUpdatedBy"] = r.user(n.CreatedBy)
			} else {
				m["createdBy"] = r.user(n.CreatedBy)
			}
		}
		out = append(out, m)
	}
	return out
}

func (r *renderer) evName(n string) string {
	if r.old {
		if o, ok := eventOldNames[n]; ok {
			return o
		}
	}
	return r.name(n)
}

func (r *renderer) event(ev *Event, f *Fields) map[string]any {
	m := map[string]any{"event": ev.UID, "program": ev.Program, "programStage": ev.ProgramStage,
		"orgUnit": ev.OrgUnit, "status": ev.Status}
	r.put(m, "followUp", ev.FollowUp)
	if ev.Enrollment != "" {
		m["enrollment"] = ev.Enrollment
	}
	if ev.TrackedEntity != "" {
		r.put(m, "trackedEntity", ev.TrackedEntity)
	}
	if ev.OccurredAt != nil {
		m[r.evName("occurredAt")] = r.s.format(*ev.OccurredAt)
	}
	r.time(m, "scheduledAt", ev.ScheduledAt)
	r.time(m, "completedAt", ev.CompletedAt)
	if ev.CompletedBy != "" {
		m["completedBy"] = ev.CompletedBy
	}
	if ev.AttributeOptionCombo != "" {
		m["attributeOptionCombo"] = ev.AttributeOptionCombo
	}
	if ev.AttributeCategoryOptions != "" {
		sep := ","
		if r.old {
			sep = ";"
		}
		m["attributeCategoryOptions"] = strings.Join(strings.FieldsFunc(ev.AttributeCategoryOptions, func(c rune) bool { return c == ',' || c == ';' }), sep)
	}
	if ev.AssignedUser != nil {
		if r.old {
			m["assignedUser"] = ev.AssignedUser.UID
		} else {
			m["assignedUser"] = r.user(ev.AssignedUser)
		}
	}
	r.stamps(m, &ev.Stamps)
	if ev.Geometry != nil {
		m["geometry"] = geometryValue(ev.Geometry)
	}
	if f.Wants("dataValues") {
		m["dataValues"] = r.dataValues(ev.DataValues)
	}
	m["notes"] = r.notes(ev.Notes)
	if f.Wants("relationships") {
		m["relationships"] = r.relationshipsOf(ev.UID)
	}
	return m
}

func (r *renderer) dataValues(dvs []DataValue) []any {
	out := make([]any, 0, len(dvs))
	for _, dv := range dvs {
		m := map[string]any{"dataElement": dv.DataElement, "value": dv.Value, "providedElsewhere": dv.ProvidedElsewhere}
		r.put(m, "createdAt", r.s.format(dv.CreatedAt))
		r.put(m, "updatedAt", r.s.format(dv.UpdatedAt))
		if dv.StoredBy != "" {
			m["storedBy"] = dv.StoredBy
		}
		if dv.CreatedBy != nil {
			r.put(m, "createdBy", r.user(dv.CreatedBy))
		}
		if dv.UpdatedBy != nil {
			r.put(m, "updatedBy", r.user(dv.UpdatedBy))
		}
		out = append(out, m)
	}
	return out
}

func (r *renderer) relationshipsOf(uid string) []any {
	out := []any{}
	for _, rel := range r.s.relByID[uid] {
		if r.includeDeleted || !rel.Deleted {
			out = append(out, r.relationship(rel))
		}
	}
	return out
}

func (r *renderer) relationship(rel *Relationship) map[string]any {
	m := map[string]any{"relationship": rel.UID, "relationshipType": rel.RelationshipType,
		"bidirectional": rel.Bidirectional, "from": r.item(rel.From), "to": r.item(rel.To)}
	r.put(m, "createdAt", r.s.format(rel.CreatedAt))
	r.put(m, "updatedAt", r.s.format(rel.UpdatedAt))
	r.time(m, "createdAtClient", rel.CreatedAtClient)
	m["deleted"] = rel.Deleted
	return m
}

func (r *renderer) item(it Item) map[string]any {
	k, uid := it.kind()
	switch k {
	case KindTrackedEntity:
		n := r.name("trackedEntity")
		return map[string]any{n: map[string]any{n: uid}}
	case KindEnrollment:
		return map[string]any{"enrollment": map[string]any{"enrollment": uid}}
	case KindEvent:
		return map[string]any{"event": map[string]any{"event": uid}}
	}
	return map[string]any{}
}
