package transform

import (
	"fmt"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Tracker objects. Old API (/api/trackedEntityInstances, /api/enrollments,
// /api/events, /api/relationships; ≤2.41, removed in 2.42) ↔ new API
// (/api/tracker, 2.36+), per DHIS2-API.md §5.5 and dhis2-core's
// tracker/view classes (the canonical, 2.41+ shape). Differences of the
// 2.36–2.40 new tracker (docs@2.3x new-tracker.md): relationship items are
// plain uids ({"trackedEntity": "uid"}) instead of {"trackedEntity":
// {"trackedEntity": "uid"}}; assignedUser is a uid string on 2.36–2.37
// (dhis2-core PR 6574, "switching Event.assignedUser from User to String")
// and a user object from 2.38 [inference from the 2.38–2.40 docs].
// Attribute values live on the tracked entity in the canonical shape (2.41+
// wants enrollment attributes at tracked-entity level only).

// Tracker kinds accepted by TrackerToCanonical and TrackerFromCanonical.
const (
	KindTrackedEntity = "trackedEntity"
	KindEnrollment    = "enrollment"
	KindEvent         = "event"
	KindRelationship  = "relationship"
	KindNote          = "note"
)

// trackerCommon are the renames shared by tracked entities, enrollments,
// events, relationships and attribute/data values: old name → new name.
var trackerCommon = [][2]string{
	{"created", "createdAt"},
	{"lastUpdated", "updatedAt"},
	{"lastUpdatedAtClient", "updatedAtClient"},
	{"createdByUserInfo", "createdBy"},
	{"createByUserInfo", "createdBy"}, // spelling used by the 2.41 migration docs
	{"lastUpdatedByUserInfo", "updatedBy"},
}

var trackerRenames = map[string][][2]string{
	KindTrackedEntity: {{"trackedEntityInstance", "trackedEntity"}},
	KindEnrollment: {
		{"trackedEntityInstance", "trackedEntity"}, {"enrollmentDate", "enrolledAt"},
		{"incidentDate", "occurredAt"}, {"completedDate", "completedAt"}, {"followup", "followUp"},
	},
	KindEvent: {
		{"trackedEntityInstance", "trackedEntity"}, {"eventDate", "occurredAt"}, {"dueDate", "scheduledAt"},
		{"completedDate", "completedAt"}, {"followup", "followUp"},
	},
	KindRelationship: nil,
}

// TrackerLosses lists what tracker conversion cannot carry across.
var trackerLosses = []Loss{
	{Type: "events", Property: "status", Reason: "event status VISITED was removed in 2.38 and becomes ACTIVE"},
	{Type: "events", Property: "assignedUser", Reason: "the old API and 2.36–2.37 carry only the assigned user's uid"},
	{Type: "relationships", Property: "from", Reason: "relationship items are reduced to the uid of the linked object"},
	{Type: "relationships", Property: "to", Reason: "relationship items are reduced to the uid of the linked object"},
	{Type: "enrollments", Property: "attributes", Reason: "attribute values move to the tracked entity (2.41+ shape)"},
}

// TrackerLosses returns what tracker conversions cannot carry across, for
// Documented.
func TrackerLosses() []Loss { return append([]Loss(nil), trackerLosses...) }

type trackerConv struct {
	v        dhis2.Version
	warnings []Warning
	dir      string
}

func (tc *trackerConv) warn(kind string, obj map[string]any, prop, format string, args ...any) {
	tc.warnings = append(tc.warnings, Warning{
		Transform: "tracker-" + tc.dir, Type: kind, ID: trackerUID(kind, obj),
		Property: prop, Message: fmt.Sprintf(format, args...),
	})
}

func checkKind(kind string, obj map[string]any, v dhis2.Version) error {
	if err := checkVersion(v); err != nil {
		return err
	}
	if obj == nil {
		return fmt.Errorf("transform: nil %s object", kind)
	}
	switch kind {
	case KindTrackedEntity, KindEnrollment, KindEvent, KindRelationship, KindNote:
		return nil
	}
	return fmt.Errorf("transform: unknown tracker kind %q (want trackedEntity, enrollment, event, relationship or note)", kind)
}

// TrackerToCanonical converts obj, a tracker object of the given kind read
// from a source of version from (old API or /api/tracker, detected by its
// property names), to the canonical 2.41+ /api/tracker shape, in place.
// Nested enrollments, events, relationships, notes, attribute and data
// values are converted too; enrollment attributes of a tracked entity move
// to the tracked entity.
func TrackerToCanonical(kind string, obj map[string]any, from dhis2.Version) ([]Warning, error) {
	if err := checkKind(kind, obj, from); err != nil {
		return nil, err
	}
	tc := &trackerConv{v: from, dir: "up"}
	tc.up(kind, obj)
	return tc.warnings, nil
}

// TrackerFromCanonical converts a canonical tracker object of the given
// kind for a destination of version to, in place: the old API shape
// before 2.36, the 2.36–2.40 /api/tracker variant, or the canonical shape
// from 2.41. Attribute values stay on the tracked entity (use
// SplitEnrollmentAttributes when a destination needs program attributes on
// enrollments).
func TrackerFromCanonical(kind string, obj map[string]any, to dhis2.Version) ([]Warning, error) {
	if err := checkKind(kind, obj, to); err != nil {
		return nil, err
	}
	tc := &trackerConv{v: to, dir: "down"}
	tc.down(kind, obj)
	return tc.warnings, nil
}

func (tc *trackerConv) up(kind string, obj map[string]any) {
	if kind == KindTrackedEntity && obj["trackedEntityInstance"] != nil && obj["trackedEntityType"] == nil {
		move(obj, "trackedEntity", "trackedEntityType") // ≤2.29 used trackedEntity for the type
	}
	renameAll(obj, trackerRenames[kind], false)
	if kind != KindNote {
		renameAll(obj, trackerCommon, false)
	}
	switch kind {
	case KindTrackedEntity:
		tc.liftOldGeometry(kind, obj)
		eachElem(obj, "programOwners", func(po map[string]any) {
			renameAll(po, [][2]string{{"ownerOrgUnit", "orgUnit"}, {"trackedEntityInstance", "trackedEntity"}}, false)
		})
		eachElem(obj, "attributes", func(a map[string]any) { renameAll(a, trackerCommon, false) })
		eachElem(obj, "enrollments", func(e map[string]any) { tc.up(KindEnrollment, e) })
		eachElem(obj, "relationships", func(r map[string]any) { tc.up(KindRelationship, r) })
		tc.hoistAttributes(obj)
	case KindEnrollment:
		tc.liftCoordinate(kind, obj)
		eachElem(obj, "attributes", func(a map[string]any) { renameAll(a, trackerCommon, false) })
		eachElem(obj, "events", func(e map[string]any) { tc.up(KindEvent, e) })
		eachElem(obj, "notes", func(n map[string]any) { tc.up(KindNote, n) })
		eachElem(obj, "relationships", func(r map[string]any) { tc.up(KindRelationship, r) })
	case KindEvent:
		tc.liftEvent(obj)
	case KindRelationship:
		for _, side := range []string{"from", "to"} {
			if item := asMap(obj[side]); item != nil {
				obj[side] = liftRelationshipItem(item)
			}
		}
	case KindNote:
		renameAll(obj, [][2]string{{"storedDate", "storedAt"}, {"lastUpdatedBy", "createdBy"}}, false)
	}
}

func (tc *trackerConv) liftEvent(ev map[string]any) {
	tc.liftCoordinate(KindEvent, ev)
	if s, ok := ev["attributeCategoryOptions"].(string); ok {
		ev["attributeCategoryOptions"] = strings.ReplaceAll(s, ";", ",")
	}
	if u, ok := ev["assignedUser"].(string); ok {
		user := map[string]any{"uid": u}
		for _, f := range [][2]string{{"assignedUserUsername", "username"}, {"assignedUserFirstName", "firstName"}, {"assignedUserSurname", "surname"}} {
			if s, ok := ev[f[0]].(string); ok && s != "" {
				user[f[1]] = s
			}
		}
		if u == "" {
			delete(ev, "assignedUser")
		} else {
			ev["assignedUser"] = user
		}
	}
	for _, k := range []string{"assignedUserUsername", "assignedUserFirstName", "assignedUserSurname", "assignedUserDisplayName"} {
		delete(ev, k)
	}
	if ev["status"] == "VISITED" {
		ev["status"] = "ACTIVE"
		tc.warn(KindEvent, ev, "status", "status VISITED (removed in 2.38) becomes ACTIVE")
	}
	eachElem(ev, "dataValues", func(dv map[string]any) { renameAll(dv, trackerCommon, false) })
	eachElem(ev, "notes", func(n map[string]any) { tc.up(KindNote, n) })
	eachElem(ev, "relationships", func(r map[string]any) { tc.up(KindRelationship, r) })
}

// liftCoordinate turns an old coordinate{latitude,longitude} into a GeoJSON
// point when there is no geometry.
func (tc *trackerConv) liftCoordinate(kind string, obj map[string]any) {
	raw, ok := obj["coordinate"]
	if !ok {
		return
	}
	delete(obj, "coordinate")
	c := asMap(raw)
	lat, lon := c["latitude"], c["longitude"]
	if _, has := obj["geometry"]; has || lat == nil || lon == nil {
		return
	}
	obj["geometry"] = map[string]any{"type": "Point", "coordinates": []any{lon, lat}}
}

// liftOldGeometry handles old tracked entity featureType + coordinates.
func (tc *trackerConv) liftOldGeometry(kind string, obj map[string]any) {
	raw, hasCoords := obj["coordinates"]
	delete(obj, "featureType")
	delete(obj, "coordinates")
	text, _ := raw.(string)
	if _, has := obj["geometry"]; has || !hasCoords || text == "" {
		return
	}
	coords, err := parseCoordinates(text)
	if err != nil || geoTypeByDepth[depth(coords)] == "" {
		tc.warn(kind, obj, "coordinates", "unusable coordinates %q dropped", text)
		return
	}
	obj["geometry"] = map[string]any{"type": geoTypeByDepth[depth(coords)], "coordinates": coords}
}

// relationshipItemKinds maps each relationship item key to its uid key in
// the old API.
var relationshipItemKinds = [][2]string{
	{"trackedEntity", "trackedEntityInstance"}, {"enrollment", "enrollment"}, {"event", "event"},
}

// liftRelationshipItem returns the canonical {kind: {kind: uid}} form of an
// old ({trackedEntityInstance: {trackedEntityInstance: uid, …}}) or
// 2.36–2.40 ({trackedEntity: uid}) relationship item.
func liftRelationshipItem(item map[string]any) map[string]any {
	for _, k := range relationshipItemKinds {
		for _, key := range []string{k[0], k[1]} {
			v, ok := item[key]
			if !ok {
				continue
			}
			uid, _ := v.(string)
			if m := asMap(v); m != nil {
				uid = str(m, k[0])
				if uid == "" {
					uid = str(m, k[1])
				}
			}
			if uid == "" {
				return item // not a wire-format item (e.g. DHIS2's internal idScheme references)
			}
			return map[string]any{k[0]: map[string]any{k[0]: uid}}
		}
	}
	return item
}

// hoistAttributes moves the attribute values of a tracked entity's
// enrollments to the tracked entity (canonical/2.41+ placement).
func (tc *trackerConv) hoistAttributes(te map[string]any) {
	attrs := asSlice(te["attributes"])
	index := map[string]map[string]any{}
	for _, a := range attrs {
		if m := asMap(a); m != nil {
			index[str(m, "attribute")] = m
		}
	}
	eachElem(te, "enrollments", func(en map[string]any) {
		for _, a := range asSlice(en["attributes"]) {
			m := asMap(a)
			id := str(m, "attribute")
			if m == nil || id == "" {
				continue
			}
			if cur, ok := index[id]; ok {
				if !scalarEqual(cur["value"], m["value"]) {
					tc.warn(KindTrackedEntity, te, "attributes", "attribute %s: enrollment value %v differs from tracked entity value %v; kept the tracked entity's", id, m["value"], cur["value"])
				}
				continue
			}
			index[id] = m
			attrs = append(attrs, m)
		}
		delete(en, "attributes")
	})
	if len(attrs) > 0 {
		te["attributes"] = attrs
	}
}

func (tc *trackerConv) down(kind string, obj map[string]any) {
	old := !tc.v.AtLeast(36)
	if old {
		renameAll(obj, trackerRenames[kind], true)
		if kind != KindNote {
			renameAll(obj, trackerCommon, true)
		}
	}
	switch kind {
	case KindTrackedEntity:
		if old {
			eachElem(obj, "programOwners", func(po map[string]any) {
				renameAll(po, [][2]string{{"ownerOrgUnit", "orgUnit"}, {"trackedEntityInstance", "trackedEntity"}}, true)
			})
			eachElem(obj, "attributes", func(a map[string]any) { renameAll(a, trackerCommon, true) })
		}
		eachElem(obj, "enrollments", func(e map[string]any) { tc.down(KindEnrollment, e) })
		eachElem(obj, "relationships", func(r map[string]any) { tc.down(KindRelationship, r) })
	case KindEnrollment:
		if old {
			eachElem(obj, "attributes", func(a map[string]any) { renameAll(a, trackerCommon, true) })
		}
		eachElem(obj, "events", func(e map[string]any) { tc.down(KindEvent, e) })
		eachElem(obj, "notes", func(n map[string]any) { tc.down(KindNote, n) })
		eachElem(obj, "relationships", func(r map[string]any) { tc.down(KindRelationship, r) })
	case KindEvent:
		tc.lowerEvent(obj, old)
	case KindRelationship:
		for _, side := range []string{"from", "to"} {
			if item := asMap(obj[side]); item != nil {
				obj[side] = tc.lowerRelationshipItem(item)
			}
		}
	case KindNote:
		if old {
			renameAll(obj, [][2]string{{"storedDate", "storedAt"}}, true)
			delete(obj, "createdBy") // read-only; the old API sets storedBy itself
		}
	}
}

func (tc *trackerConv) lowerEvent(ev map[string]any, old bool) {
	if old {
		if s, ok := ev["attributeCategoryOptions"].(string); ok {
			ev["attributeCategoryOptions"] = strings.ReplaceAll(s, ",", ";")
		}
		eachElem(ev, "dataValues", func(dv map[string]any) { renameAll(dv, trackerCommon, true) })
	}
	if u := asMap(ev["assignedUser"]); u != nil && !tc.v.AtLeast(38) {
		uid := str(u, "uid")
		if uid == "" {
			delete(ev, "assignedUser")
		} else {
			ev["assignedUser"] = uid
		}
	}
	eachElem(ev, "notes", func(n map[string]any) { tc.down(KindNote, n) })
	eachElem(ev, "relationships", func(r map[string]any) { tc.down(KindRelationship, r) })
}

func (tc *trackerConv) lowerRelationshipItem(item map[string]any) map[string]any {
	for _, k := range relationshipItemKinds {
		v, ok := item[k[0]]
		if !ok {
			continue
		}
		uid := refID(v)
		if m := asMap(v); m != nil {
			uid = str(m, k[0])
		}
		if uid == "" {
			return item
		}
		switch {
		case !tc.v.AtLeast(36):
			return map[string]any{k[1]: map[string]any{k[1]: uid}}
		case !tc.v.AtLeast(41):
			return map[string]any{k[0]: uid}
		default:
			return map[string]any{k[0]: map[string]any{k[0]: uid}}
		}
	}
	return item
}

// SplitEnrollmentAttributes copies, for every enrollment of the canonical
// tracked entity te, the attribute values of its program's attributes
// (programAttributes: program uid → attribute uids) onto the enrollment,
// for destinations that expect program attributes there (before 2.41).
// The tracked entity keeps only the attributes no enrolled program claims.
func SplitEnrollmentAttributes(te map[string]any, programAttributes map[string]map[string]bool) {
	claimed := map[string]bool{}
	attrs := asSlice(te["attributes"])
	eachElem(te, "enrollments", func(en map[string]any) {
		want := programAttributes[str(en, "program")]
		var mine []any
		for _, a := range attrs {
			if id := str(asMap(a), "attribute"); want[id] {
				mine = append(mine, a)
				claimed[id] = true
			}
		}
		if len(mine) > 0 {
			en["attributes"] = mine
		}
	})
	if len(claimed) == 0 {
		return
	}
	kept := make([]any, 0, len(attrs))
	for _, a := range attrs {
		if !claimed[str(asMap(a), "attribute")] {
			kept = append(kept, a)
		}
	}
	te["attributes"] = kept
}

// renameAll applies renames old → new (or new → old when reverse).
func renameAll(obj map[string]any, renames [][2]string, reverse bool) {
	for _, r := range renames {
		if reverse {
			if r[0] == "createByUserInfo" {
				continue // accepted on read only
			}
			move(obj, r[1], r[0])
		} else {
			move(obj, r[0], r[1])
		}
	}
}

// eachElem calls f for every object in the array obj[key].
func eachElem(obj map[string]any, key string, f func(map[string]any)) {
	for _, e := range asSlice(obj[key]) {
		if m := asMap(e); m != nil {
			f(m)
		}
	}
}
