package tracker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// oldToNew renames the old API's properties to the new importer's.
var oldToNew = map[string]string{
	"trackedEntityInstance": "trackedEntity", "lastUpdatedAtClient": "updatedAtClient",
	"enrollmentDate": "enrolledAt", "incidentDate": "occurredAt", "completedDate": "completedAt",
	"dueDate": "scheduledAt", "eventDate": "occurredAt", "followup": "followUp", "storedDate": "storedAt",
}

// collectionKeys are the list keys of the old import bodies per kind.
var collectionKeys = map[Kind]string{
	KindTrackedEntity: "trackedEntityInstances", KindEnrollment: "enrollments",
	KindEvent: "events", KindRelationship: "relationships",
}

// newKeys are the new importer's collection keys per kind.
var newKeys = map[Kind]string{
	KindTrackedEntity: "trackedEntities", KindEnrollment: "enrollments",
	KindEvent: "events", KindRelationship: "relationships",
}

// DecodeOldBundle reads an old-API import body for /api/trackedEntityInstances
// (kind TRACKED_ENTITY), /api/enrollments, /api/events or
// /api/relationships: either {"<collection>":[…]} or one bare object. It
// converts the old names (DHIS2-API.md §5.5) and flattens like
// DecodeBundle. The UIDs of the top-level objects are returned in order.
func DecodeOldBundle(r io.Reader, kind Kind, loc *time.Location) (*Bundle, []string, error) {
	var raw any
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("decode %s payload: %w", collectionKeys[kind], err)
	}
	var items []any
	switch t := raw.(type) {
	case map[string]any:
		if list, ok := t[collectionKeys[kind]].([]any); ok {
			items = list
		} else {
			items = []any{t}
		}
	case []any:
		items = t
	default:
		return nil, nil, fmt.Errorf("decode %s payload: expected an object or array", collectionKeys[kind])
	}
	var tops []string
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("decode %s payload: item %d is not an object", collectionKeys[kind], i)
		}
		convertOld(m)
		uidKey := kindName(kind)
		if kind == KindRelationship {
			uidKey = "relationship"
		}
		if str(m[uidKey]) == "" {
			m[uidKey] = NewUID()
		}
		tops = append(tops, str(m[uidKey]))
	}
	body, err := json.Marshal(map[string]any{newKeys[kind]: items})
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s payload: %w", collectionKeys[kind], err)
	}
	b, err := DecodeBundle(bytes.NewReader(body), loc)
	if err != nil {
		return nil, nil, err
	}
	return b, tops, nil
}

// convertOld rewrites one old-shape object (and its nested objects) in
// place to the new shape.
func convertOld(m map[string]any) {
	for old, nw := range oldToNew {
		if v, ok := m[old]; ok {
			delete(m, old)
			if _, taken := m[nw]; !taken {
				m[nw] = v
			}
		}
	}
	if s, ok := m["attributeCategoryOptions"].(string); ok {
		m["attributeCategoryOptions"] = strings.ReplaceAll(s, ";", ",")
	}
	if c, ok := m["coordinate"].(map[string]any); ok && m["geometry"] == nil {
		m["geometry"] = map[string]any{"type": "Point", "coordinates": []any{c["longitude"], c["latitude"]}}
	}
	for _, k := range []string{"enrollments", "events", "relationships", "notes", "attributes", "dataValues"} {
		for _, child := range list(m[k]) {
			convertOld(child)
		}
	}
	for _, side := range []string{"from", "to"} {
		if it, ok := m[side].(map[string]any); ok {
			if tei, ok := it["trackedEntityInstance"]; ok {
				delete(it, "trackedEntityInstance")
				if tm, ok := tei.(map[string]any); ok {
					it["trackedEntity"] = map[string]any{"trackedEntity": tm["trackedEntityInstance"]}
				} else {
					it["trackedEntity"] = tei
				}
			}
		}
	}
}

// FillStages gives events without a program stage the only stage of
// their program, as the old /api/events importer does for event programs.
func (b *Bundle) FillStages(cat Catalog) {
	for _, ev := range b.Events {
		if ev.ProgramStage != "" || ev.Program == "" {
			continue
		}
		if p, ok := cat.Program(ev.Program); ok && len(p.Stages) == 1 {
			ev.ProgramStage = p.Stages[0]
		}
	}
}
