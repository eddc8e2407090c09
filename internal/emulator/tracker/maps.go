package tracker

import (
	"encoding/json"
	"time"
)

// BundleFromMaps builds a Bundle from objects already decoded into generic
// maps (the /api/tracker wire shape, as encoding/json produces it), e.g.
// generated seed data, without a JSON round trip. Keys are
// "trackedEntities", "enrollments", "events" and "relationships".
func BundleFromMaps(payload map[string][]map[string]any, loc *time.Location) (*Bundle, error) {
	var p wirePayload
	for _, m := range payload["trackedEntities"] {
		p.TrackedEntities = append(p.TrackedEntities, mapTE(m))
	}
	for _, m := range payload["enrollments"] {
		p.Enrollments = append(p.Enrollments, mapEnrollment(m))
	}
	for _, m := range payload["events"] {
		p.Events = append(p.Events, mapEvent(m))
	}
	for _, m := range payload["relationships"] {
		p.Relationships = append(p.Relationships, mapRel(m))
	}
	return flatten(&p, loc)
}

func wt(v any) wireTime { return wireTime{raw: str(v)} }

func boolOf(v any) bool { b, _ := v.(bool); return b }

// raw re-encodes a nested JSON value (geometry, assignedUser, items).
func raw(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return appendString(nil, s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func mapValues(v any) []wireValue {
	items := list(v)
	out := make([]wireValue, 0, len(items))
	for _, m := range items {
		out = append(out, wireValue{Attribute: str(m["attribute"]), DataElement: str(m["dataElement"]), Value: raw(m["value"]),
			StoredBy: str(m["storedBy"]), ProvidedElsewhere: boolOf(m["providedElsewhere"])})
	}
	return out
}

func mapNotes(v any) []wireNote {
	items := list(v)
	out := make([]wireNote, 0, len(items))
	for _, m := range items {
		out = append(out, wireNote{Note: str(m["note"]), Value: str(m["value"]), StoredBy: str(m["storedBy"]), StoredAt: wt(m["storedAt"])})
	}
	return out
}

func mapRels(v any) []wireRel {
	var out []wireRel
	for _, m := range list(v) {
		out = append(out, mapRel(m))
	}
	return out
}

func mapRel(m map[string]any) wireRel {
	item := func(v any) wireItem {
		it, _ := v.(map[string]any)
		return wireItem{TrackedEntity: raw(it["trackedEntity"]), Enrollment: raw(it["enrollment"]), Event: raw(it["event"])}
	}
	return wireRel{Relationship: str(m["relationship"]), RelationshipType: str(m["relationshipType"]), Bidirectional: boolOf(m["bidirectional"]),
		From: item(m["from"]), To: item(m["to"]), CreatedAtClient: wt(m["createdAtClient"])}
}

func mapEvent(m map[string]any) wireEvent {
	return wireEvent{Event: str(m["event"]), Program: str(m["program"]), ProgramStage: str(m["programStage"]), Enrollment: str(m["enrollment"]),
		TrackedEntity: str(m["trackedEntity"]), OrgUnit: str(m["orgUnit"]), Status: str(m["status"]), OccurredAt: wt(m["occurredAt"]),
		ScheduledAt: wt(m["scheduledAt"]), CompletedAt: wt(m["completedAt"]), CompletedBy: str(m["completedBy"]), StoredBy: str(m["storedBy"]),
		AttributeOptionCombo: str(m["attributeOptionCombo"]), AttributeCategoryOptions: str(m["attributeCategoryOptions"]),
		FollowUp: boolOf(m["followUp"]), Geometry: raw(m["geometry"]), AssignedUser: raw(m["assignedUser"]),
		CreatedAtClient: wt(m["createdAtClient"]), UpdatedAtClient: wt(m["updatedAtClient"]), DataValues: mapValues(m["dataValues"]),
		Notes: mapNotes(m["notes"]), Relationships: mapRels(m["relationships"])}
}

func mapEnrollment(m map[string]any) wireEnrollment {
	en := wireEnrollment{Enrollment: str(m["enrollment"]), TrackedEntity: str(m["trackedEntity"]), Program: str(m["program"]),
		OrgUnit: str(m["orgUnit"]), Status: str(m["status"]), EnrolledAt: wt(m["enrolledAt"]), OccurredAt: wt(m["occurredAt"]),
		CompletedAt: wt(m["completedAt"]), CompletedBy: str(m["completedBy"]), StoredBy: str(m["storedBy"]), FollowUp: boolOf(m["followUp"]),
		Geometry: raw(m["geometry"]), CreatedAtClient: wt(m["createdAtClient"]), UpdatedAtClient: wt(m["updatedAtClient"]),
		Attributes: mapValues(m["attributes"]), Notes: mapNotes(m["notes"]), Relationships: mapRels(m["relationships"])}
	for _, ev := range list(m["events"]) {
		en.Events = append(en.Events, mapEvent(ev))
	}
	return en
}

func mapTE(m map[string]any) wireTE {
	te := wireTE{TrackedEntity: str(m["trackedEntity"]), TrackedEntityType: str(m["trackedEntityType"]), OrgUnit: str(m["orgUnit"]),
		Inactive: boolOf(m["inactive"]), PotentialDuplicate: boolOf(m["potentialDuplicate"]), Geometry: raw(m["geometry"]),
		StoredBy: str(m["storedBy"]), CreatedAtClient: wt(m["createdAtClient"]), UpdatedAtClient: wt(m["updatedAtClient"]),
		Attributes: mapValues(m["attributes"]), Relationships: mapRels(m["relationships"])}
	for _, en := range list(m["enrollments"]) {
		te.Enrollments = append(te.Enrollments, mapEnrollment(en))
	}
	return te
}
