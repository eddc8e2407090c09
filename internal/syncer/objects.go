package syncer

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/d2sync/d2sync/internal/transform"
)

// objKey identifies an object of a payload by plural type and UID.
type objKey struct {
	Type string
	UID  string
}

// uidIndex maps every UID of a payload to its plural type.
type uidIndex map[string]string

// indexPayload builds the UID index of p. A UID present under two types
// keeps the first in sorted type order.
func indexPayload(p transform.Payload) uidIndex {
	idx := uidIndex{}
	for _, typ := range sortedTypes(p) {
		for _, o := range p[typ] {
			if id := uidOf(o); id != "" {
				if _, dup := idx[id]; !dup {
					idx[id] = typ
				}
			}
		}
	}
	return idx
}

// byUID returns the objects of one type keyed by UID.
func byUID(objs []map[string]any) map[string]map[string]any {
	m := make(map[string]map[string]any, len(objs))
	for _, o := range objs {
		if id := uidOf(o); id != "" {
			m[id] = o
		}
	}
	return m
}

func uidOf(o map[string]any) string {
	s, _ := o["id"].(string)
	return s
}

func nameOf(o map[string]any) string {
	for _, k := range []string{"name", "displayName", "username", "shortName", "code"} {
		if s, _ := o[k].(string); s != "" {
			return s
		}
	}
	return ""
}

func sortedTypes(p transform.Payload) []string {
	out := make([]string, 0, len(p))
	for t := range p {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// countObjects returns the number of objects in p.
func countObjects(p transform.Payload) int {
	n := 0
	for _, objs := range p {
		n += len(objs)
	}
	return n
}

// decodeObject decodes one raw JSON object with json.Number numbers.
func decodeObject(raw json.RawMessage) (map[string]any, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// refKeysSkipped are keys whose nested ids are not dependencies of the
// object: audit fields, the legacy owner and sharing (DHIS2 re-attaches or
// tolerates them), translations and attribute values' own ids.
var refKeysSkipped = map[string]bool{
	"createdBy": true, "lastUpdatedBy": true, "user": true, "sharing": true,
	"userAccesses": true, "userGroupAccesses": true, "translations": true, "access": true,
	"href": true, "lastUpdated": true, "created": true,
}

// collectRefs calls fn with every UID the object refers to through nested
// {"id": …} objects (references and references inside embedded objects),
// together with the top-level property that holds it. The object's own id
// is not reported.
func collectRefs(obj map[string]any, fn func(prop, uid string)) {
	for k, v := range obj {
		if k == "id" || refKeysSkipped[k] {
			continue
		}
		walkRefs(k, v, fn)
	}
}

func walkRefs(prop string, v any, fn func(prop, uid string)) {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"].(string); ok && id != "" {
			fn(prop, id)
		}
		for k, e := range x {
			if k == "id" || refKeysSkipped[k] {
				continue
			}
			walkRefs(prop, e, fn)
		}
	case []any:
		for _, e := range x {
			walkRefs(prop, e, fn)
		}
	case []map[string]any:
		for _, e := range x {
			walkRefs(prop, e, fn)
		}
	}
}
