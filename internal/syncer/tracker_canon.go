package syncer

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// trackerServerFields are set by the server that stores an object (or
// are read-only views of other objects), not by the payload: they are
// left out of the comparison and of what is sent.
var trackerServerFields = []string{"createdAt", "updatedAt", "createdBy", "updatedBy", "storedBy", "href",
	"orgUnitName", "programOwners", "relationships", "enrollments", "events", "potentialDuplicate", "lastUpdatedByUserInfo", "createdByUserInfo"}

// trackerDateFields are compared as instants.
var trackerDateFields = []string{"occurredAt", "scheduledAt", "completedAt", "enrolledAt", "createdAtClient", "updatedAtClient", "storedAt"}

// trackerCanonical converts an object read from an instance to the canonical
// (2.41+) shape.
func trackerCanonical(kind string, obj map[string]any, v dhis2.Version) error {
	_, err := transform.TrackerToCanonical(kind, obj, v)
	return err
}

// projection is what d2sync compares of a canonical tracker object: what
// the payload carries and the destination keeps, dates as instants.
func projection(kind string, obj map[string]any, loc *time.Location) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	for _, f := range trackerServerFields {
		delete(out, f)
	}
	if kind == transform.KindEnrollment {
		delete(out, "attributes")        // compared on the tracked entity
		delete(out, "trackedEntityType") // derived from the tracked entity (old API only)
	}
	if kind == transform.KindEvent {
		delete(out, "trackedEntity") // derived from the enrollment
		if u, ok := out["assignedUser"].(map[string]any); ok {
			out["assignedUser"] = u["uid"]
		}
	}
	if out["deleted"] == false {
		delete(out, "deleted")
	}
	normalizeDates(out, loc)
	for _, list := range []string{"attributes", "dataValues", "notes"} {
		items, ok := out[list].([]any)
		if !ok {
			continue
		}
		clean := make([]any, 0, len(items))
		for _, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				continue
			}
			c := map[string]any{}
			for k, v := range m {
				switch k {
				case "createdAt", "updatedAt", "createdBy", "updatedBy", "storedBy", "valueType", "displayName", "code", "lastUpdatedBy":
				default:
					c[k] = v
				}
			}
			if c["providedElsewhere"] == false {
				delete(c, "providedElsewhere")
			}
			normalizeDates(c, loc)
			clean = append(clean, c)
		}
		sort.Slice(clean, func(i, j int) bool { return itemKey(clean[i]) < itemKey(clean[j]) })
		if len(clean) == 0 {
			delete(out, list)
			continue
		}
		out[list] = clean
	}
	return out
}

func itemKey(it any) string {
	m, _ := it.(map[string]any)
	for _, k := range []string{"attribute", "dataElement", "note"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func normalizeDates(m map[string]any, loc *time.Location) {
	for _, f := range trackerDateFields {
		s, ok := m[f].(string)
		if !ok || s == "" {
			continue
		}
		if ms, ok := timeMillis(s, loc); ok {
			m[f] = time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
}

// projHash hashes a projection (canonical JSON: encoding/json sorts map
// keys).
func projHash(p map[string]any) string {
	b, _ := json.Marshal(p)
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum[:12])
}

// projDiff names the top-level properties whose projections differ.
func projDiff(a, b map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for k, v := range a {
		seen[k] = true
		x, _ := json.Marshal(v)
		y, _ := json.Marshal(b[k])
		if string(x) != string(y) {
			out = append(out, k)
		}
	}
	for k := range b {
		if !seen[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// forDest prepares a canonical object for the destination: server fields
// removed, converted to the destination's shape.
func forDest(kind string, obj map[string]any, v dhis2.Version) (map[string]any, error) {
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		out[k] = val
	}
	for _, f := range []string{"createdAt", "updatedAt", "createdBy", "updatedBy", "href", "orgUnitName", "programOwners",
		"relationships", "enrollments", "events"} {
		delete(out, f)
	}
	if kind == transform.KindEnrollment && v.AtLeast(41) {
		delete(out, "attributes")
	}
	if _, err := transform.TrackerFromCanonical(kind, out, v); err != nil {
		return nil, err
	}
	return out, nil
}

func uidOfKind(kind string, obj map[string]any) string {
	s, _ := obj[kind].(string)
	return s
}

func trackerKindPlural(kind string) string {
	return map[string]string{transform.KindTrackedEntity: "trackedEntities", transform.KindEnrollment: "enrollments",
		transform.KindEvent: "events", transform.KindRelationship: "relationships"}[kind]
}
