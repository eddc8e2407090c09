package transform

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"sort"
	"strings"
)

// Projection rules. Each rule says what DHIS2 legitimately rewrites or
// computes on the destination, or what it treats as equal; a rule that
// hid a real replication difference would be a bug, so each is justified.
//
// Removed at any depth:
//   - lastUpdated, lastUpdatedBy: reset to now/the importing user by every
//     metadata import (BaseIdentifiableObject.setAutoFields).
//   - href: derived from the server's base URL.
//   - access: computed per requesting user.
//   - displayName* and the translated display* fields (displayShortName,
//     displayDescription, displayFormName, displayTitle, …): computed from
//     name/shortName/… and the requesting user's locale. Real properties
//     that merely start with "display" (displayDensity,
//     displayFrontPageList, displayIncidentDate, displayInReports, …) are
//     kept.
//   - user, createdBy: the creator. On import DHIS2 sets it to the
//     importing user unless the payload names one that exists, and from
//     2.36 ownership lives in sharing.owner (which is compared), so a
//     differing creator is not a replication error. Inside sharing the
//     owner is kept.
//   - favorite, favorites, subscribed: per-user bookkeeping, not replicated.
//   - interpretationCount, interpretationLikeCount, contentCount,
//     itemCount, memberCount: computed counts.
// Removed on users: userCredentials (leftover compatibility DTO), password
// (write-only, never exported), lastLogin and passwordLastUpdated (set by
// the destination's own logins and password writes).
// Removed on tracker objects (plural tracker types): createdAt, updatedAt,
// storedAt, createdBy, updatedBy, storedBy (server-set on import),
// orgUnitName, relationshipName, bidirectional, enrollmentStatus, an
// enrollment's trackedEntityType, and the attribute echo fields code,
// displayName, valueType (read-only copies of metadata).
//
// Normalised:
//   - null, [] and {} are equivalent to an absent property.
//   - false is equivalent to absent for booleans, except those DHIS2
//     defaults to true (trueDefaultBooleans), where absent means true.
//   - numbers compare by value (json.Number and float64 alike, 1.0 = 1).
//   - a reference object ({id, name, code, displayName, …}) reduces to
//     {id}; an array made only of references is sorted by id (DHIS2 stores
//     them as sets and exports them in storage order).
//   - attributeValues are sorted by attribute id, translations by
//     (property, locale, value), programStageDataElements and
//     dataSetElements by data element, tracker attributes and data values
//     by attribute/data element, notes and relationships by uid.
//   - sharing keeps only owner, public, external, users and userGroups
//     (DHIS2 ignores anything else); users and userGroups entries reduce
//     to {id, access} keyed by the entry's id (DHIS2 indexes accesses by
//     it; the map key merely echoes it).
// All other arrays keep their order (columns, rows, dataDimensionItems,
// dashboardItems, mapViews and sections are ordered lists in DHIS2).

var removedEverywhere = map[string]bool{
	"lastUpdated": true, "lastUpdatedBy": true, "href": true, "access": true,
	"user": true, "createdBy": true, "favorite": true, "favorites": true, "subscribed": true,
	"interpretationCount": true, "interpretationLikeCount": true, "contentCount": true,
	"itemCount": true, "memberCount": true,
}

// displayComputed are translated/computed display* properties (besides the
// displayName* prefix).
var displayComputed = map[string]bool{
	"displayShortName": true, "displayDescription": true, "displayFormName": true, "displayTitle": true,
	"displaySubtitle": true, "displayNumeratorDescription": true, "displayDenominatorDescription": true,
	"displayDomainAxisLabel": true, "displayRangeAxisLabel": true, "displayBaseLineLabel": true,
	"displayTargetLineLabel": true, "displayEnrollmentDateLabel": true, "displayIncidentDateLabel": true,
	"displayExecutionDateLabel": true, "displayDueDateLabel": true, "displayProgramStageLabel": true,
	"displayEventLabel": true, "displayEnrollmentLabel": true, "displayText": true, "displayInstruction": true,
}

var removedOnUsers = map[string]bool{
	"userCredentials": true, "password": true, "lastLogin": true, "passwordLastUpdated": true,
}

var trackerTypes = map[string]bool{
	"trackedEntities": true, "enrollments": true, "events": true, "relationships": true,
	"trackedEntityInstances": true, "notes": true,
}

var removedOnTracker = map[string]bool{
	"createdAt": true, "updatedAt": true, "storedAt": true, "updatedBy": true, "storedBy": true,
	"orgUnitName": true, "relationshipName": true, "bidirectional": true, "enrollmentStatus": true,
	"code": true, "displayName": true, "valueType": true,
}

// trueDefaultBooleans are booleans DHIS2 defaults to true: for them false
// and absent differ.
var trueDefaultBooleans = map[string]bool{
	"autoGenerateEvent": true, "displayIncidentDate": true, "displayGenerateEventBox": true,
	"dataDimension": true, "showData": true,
}

// sortKeyFields names, per array property, the element field whose id
// orders it (see the normalisation list above).
var sortKeyFields = map[string]string{
	"attributeValues":          "attribute",
	"programStageDataElements": "dataElement",
	"dataSetElements":          "dataElement",
	"dataValues":               "dataElement",
	"attributes":               "attribute",
	"notes":                    "note",
	"relationships":            "relationship",
}

type projector struct {
	tracker bool
	users   bool
}

// Project returns the comparison projection of obj, an object of the given
// plural type (metadata such as "dataElements", or tracker "trackedEntities",
// "enrollments", "events", "relationships") in canonical shape. obj is not
// modified. See the rules at the top of project.go.
func Project(pluralType string, obj map[string]any) map[string]any {
	pr := projector{tracker: trackerTypes[pluralType], users: pluralType == "users"}
	out, _ := pr.value(obj, "", true).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

func (pr projector) removed(key string, top bool) bool {
	if removedEverywhere[key] || displayComputed[key] || strings.HasPrefix(key, "displayName") {
		return true
	}
	if top && pr.users && removedOnUsers[key] {
		return true
	}
	return pr.tracker && removedOnTracker[key]
}

// value projects v found under property key; top is true for the object
// itself.
func (pr projector) value(v any, key string, top bool) any {
	switch x := v.(type) {
	case map[string]any:
		if !top && isRef(x) {
			return map[string]any{"id": str(x, "id")}
		}
		if key == "sharing" {
			return projectSharing(x)
		}
		out := map[string]any{}
		enrollment := pr.tracker && str(x, "enrollment") != "" && x["program"] != nil && x["event"] == nil
		for k, e := range x {
			if pr.removed(k, top) || (enrollment && k == "trackedEntityType") {
				continue
			}
			pe := pr.value(e, k, false)
			if isEmpty(pe) && pe != "" {
				continue
			}
			if b, ok := pe.(bool); ok && !b && !trueDefaultBooleans[k] {
				continue
			}
			out[k] = pe
		}
		return out
	case []any:
		return pr.array(x, key)
	case []map[string]any:
		return pr.array(asSlice(x), key)
	}
	return v
}

func (pr projector) array(x []any, key string) any {
	out := make([]any, 0, len(x))
	allRefs := len(x) > 0
	for _, e := range x {
		if m := asMap(e); m == nil || !isRef(m) {
			allRefs = false
		}
		pe := pr.value(e, key, false)
		if pe == nil {
			continue
		}
		out = append(out, pe)
	}
	switch {
	case allRefs:
		sort.SliceStable(out, func(i, j int) bool { return refID(out[i]) < refID(out[j]) })
	case key == "translations":
		sort.SliceStable(out, func(i, j int) bool { return translationKey(out[i]) < translationKey(out[j]) })
	case sortKeyFields[key] != "":
		f := sortKeyFields[key]
		sort.SliceStable(out, func(i, j int) bool { return elemID(out[i], f) < elemID(out[j], f) })
	}
	return out
}

func translationKey(v any) string {
	m := asMap(v)
	return str(m, "property") + "\x00" + str(m, "locale") + "\x00" + str(m, "value")
}

// elemID returns the id of element v's field f (a reference or a uid
// string).
func elemID(v any, f string) string { return refID(asMap(v)[f]) }

// projectSharing keeps the properties DHIS2 binds on sharing (owner,
// public, external, users, userGroups; anything else is ignored by DHIS2)
// and keys each access entry by its id (DHIS2 indexes accesses by the
// entry's id; the map key only echoes it).
func projectSharing(sh map[string]any) map[string]any {
	out := map[string]any{}
	for k, val := range sh {
		switch k {
		case "users", "userGroups":
			entries := map[string]any{}
			for key, e := range asMap(val) {
				id := str(asMap(e), "id")
				if id == "" {
					id = key
				}
				entry := map[string]any{"id": id}
				if a, ok := asMap(e)["access"]; ok {
					entry["access"] = a
				}
				entries[id] = entry
			}
			if len(entries) > 0 {
				out[k] = entries
			}
		case "external":
			if b, _ := val.(bool); b {
				out[k] = true
			}
		case "owner", "public":
			if val != nil {
				out[k] = val
			}
		}
	}
	return out
}

// Hash returns the SHA-256 of the canonical JSON of v (see CanonicalJSON).
// Hash the Project-ion of an object to compare it across instances.
func Hash(v any) [32]byte { return sha256.Sum256(CanonicalJSON(v)) }

// CanonicalJSON encodes v with object keys sorted, numbers normalised
// (json.Number and float64 alike; integral values without fraction or
// exponent) and no insignificant whitespace. Values that are not
// JSON-shaped are encoded with encoding/json.
func CanonicalJSON(v any) []byte {
	var b bytes.Buffer
	writeCanonical(&b, v)
	return b.Bytes()
}

func writeCanonical(b *bytes.Buffer, v any) {
	if s, ok := numberText(v); ok {
		b.WriteString(s)
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		enc, _ := json.Marshal(x)
		b.Write(enc)
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteByte(',')
			}
			enc, _ := json.Marshal(k)
			b.Write(enc)
			b.WriteByte(':')
			writeCanonical(b, x[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, e)
		}
		b.WriteByte(']')
	case []map[string]any:
		writeCanonical(b, asSlice(x))
	case Payload:
		m := make(map[string]any, len(x))
		for k, objs := range x {
			m[k] = asSlice(objs)
		}
		writeCanonical(b, m)
	default:
		enc, err := json.Marshal(x)
		if err != nil {
			b.WriteString("null")
			return
		}
		var generic any
		if dec, err := decodeNumbers(enc); err == nil {
			generic = dec
			writeCanonical(b, generic)
			return
		}
		b.Write(enc)
	}
}

func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
