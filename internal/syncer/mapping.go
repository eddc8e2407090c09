package syncer

import (
	"regexp"
	"sort"

	"github.com/d2sync/d2sync/internal/transform"
)

// IDMap maps source UIDs to destination UIDs, per plural type. It holds
// the mappings d2sync discovers (the default category objects, users with
// the same username) and those a user configures for a destination; the
// engine rewrites every reference of the source payload through it.
type IDMap map[string]map[string]string

// Set records that the source object src of type typ is dst on the
// destination. Identity mappings are ignored.
func (m IDMap) Set(typ, src, dst string) {
	if src == "" || dst == "" || src == dst {
		return
	}
	if m[typ] == nil {
		m[typ] = map[string]string{}
	}
	m[typ][src] = dst
}

// Flat returns source UID → destination UID across types.
func (m IDMap) Flat() map[string]string {
	out := map[string]string{}
	for _, mm := range m {
		for s, d := range mm {
			out[s] = d
		}
	}
	return out
}

// Len returns the number of mappings.
func (m IDMap) Len() int {
	n := 0
	for _, mm := range m {
		n += len(mm)
	}
	return n
}

// DefaultUIDs are the UIDs recent DHIS2 versions give the four default
// category objects (DefaultCategoryService); older databases may have
// others, which is why defaults are matched by name.
var DefaultUIDs = map[string]string{
	"categoryCombos":       "bjDvmb4bfuf",
	"categories":           "GLevLNI9wkl",
	"categoryOptions":      "xYerKDKCefk",
	"categoryOptionCombos": "HllvX50cXC0",
}

// findDefault returns the UID of the default object of a category type in
// p: the object named "default", preferring the well-known UID.
func findDefault(p transform.Payload, typ string) string {
	found := ""
	for _, o := range p[typ] {
		if o["name"] != "default" {
			continue
		}
		id := uidOf(o)
		if id == DefaultUIDs[typ] {
			return id
		}
		if found == "" {
			found = id
		}
	}
	return found
}

// defaultPairs returns, per category type, the source and destination
// default UIDs found in the two payloads ("" when absent).
func defaultPairs(src, dst transform.Payload) map[string][2]string {
	out := map[string][2]string{}
	for typ := range DefaultUIDs {
		out[typ] = [2]string{findDefault(src, typ), findDefault(dst, typ)}
	}
	return out
}

// mapDefaults records the mapping of the source's default category objects
// to the destination's.
func mapDefaults(m IDMap, src, dst transform.Payload) {
	for typ, pair := range defaultPairs(src, dst) {
		m.Set(typ, pair[0], pair[1])
	}
}

// mapUsersByUsername maps each source user to the destination user with
// the same username and another UID (a user created independently on both
// sides, like the admin user): the destination user is updated and keeps
// its UID and password.
func mapUsersByUsername(m IDMap, src, dst transform.Payload) {
	byName := map[string]string{}
	for _, u := range dst["users"] {
		if n, _ := u["username"].(string); n != "" {
			byName[n] = uidOf(u)
		}
	}
	for _, u := range src["users"] {
		n, _ := u["username"].(string)
		if d, ok := byName[n]; ok && n != "" {
			m.Set("users", uidOf(u), d)
		}
	}
}

// expressionKeys hold DHIS2 expressions that name UIDs inside strings
// (#{uid.uid}, I{uid}, D{uid.uid} …); mapped UIDs are replaced in them too.
var expressionKeys = map[string]bool{
	"numerator": true, "denominator": true, "expression": true, "filter": true, "condition": true,
	"data": true, "formula": true, "sampleSkipTest": true, "leftSide": true, "rightSide": true,
	"generator": true, "content": true,
}

var uidToken = regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9]{10}\b`)

// rewriteUIDs replaces mapped UIDs in p, in place: object ids, references
// ({"id": …}), sharing maps keyed by UID, string values equal to a mapped
// UID and UID tokens inside expressions. It returns how many values
// changed.
func rewriteUIDs(p transform.Payload, m map[string]string) int {
	if len(m) == 0 {
		return 0
	}
	n := 0
	for _, objs := range p {
		for _, o := range objs {
			n += rewriteMap(o, m)
		}
	}
	return n
}

func rewriteMap(o map[string]any, m map[string]string) int {
	n := 0
	for k, v := range o {
		switch x := v.(type) {
		case string:
			if d, ok := m[x]; ok {
				o[k] = d
				n++
			} else if expressionKeys[k] {
				if r := rewriteTokens(x, m); r != x {
					o[k] = r
					n++
				}
			}
		case map[string]any:
			if k == "users" || k == "userGroups" {
				n += rekey(x, m)
			}
			n += rewriteMap(x, m)
		case []any:
			n += rewriteSlice(x, m)
		}
	}
	return n
}

func rewriteSlice(s []any, m map[string]string) int {
	n := 0
	for i, e := range s {
		switch x := e.(type) {
		case string:
			if d, ok := m[x]; ok {
				s[i] = d
				n++
			}
		case map[string]any:
			n += rewriteMap(x, m)
		case []any:
			n += rewriteSlice(x, m)
		}
	}
	return n
}

// rekey renames the keys of a map keyed by UID (sharing.users,
// sharing.userGroups).
func rekey(x map[string]any, m map[string]string) int {
	n := 0
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if d, ok := m[k]; ok {
			x[d] = x[k]
			delete(x, k)
			n++
		}
	}
	return n
}

func rewriteTokens(s string, m map[string]string) string {
	return uidToken.ReplaceAllStringFunc(s, func(t string) string {
		if d, ok := m[t]; ok {
			return d
		}
		return t
	})
}
