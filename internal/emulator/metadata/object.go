package metadata

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Object is a metadata object as a generic JSON map, in the native shape of
// the store's DHIS2 version.
type Object = map[string]any

const uidAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// ValidUID reports whether s is a DHIS2 UID: 11 characters, a letter first,
// then letters or digits (CodeGenerator.isValidUid).
func ValidUID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !letter || !letter && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// NewUID generates a random DHIS2 UID.
func NewUID() string {
	var b [11]byte
	for i := range b {
		n := 52
		if i > 0 {
			n = len(uidAlphabet)
		}
		v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
		if err != nil {
			panic(fmt.Sprintf("crypto/rand failed: %v", err)) // crypto/rand never fails on supported platforms
		}
		b[i] = uidAlphabet[v.Int64()]
	}
	return string(b[:])
}

// str returns v as a string when it is one.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// refID extracts the id of a reference value {"id": "…"}.
func refID(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	return str(m["id"])
}

// ref builds a reference value.
func ref(uid string) map[string]any { return map[string]any{"id": uid} }

// refList returns the ids of a collection of references.
func refList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		if id := refID(it); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = deepCopy(x)
		}
		return s
	default:
		return v
	}
}

func copyObject(o Object) Object {
	if o == nil {
		return nil
	}
	return deepCopy(o).(map[string]any)
}

// displayNameOf is the name DHIS2 shows for an object in messages.
func displayNameOf(o Object) string {
	if o == nil {
		return ""
	}
	if n := str(o["name"]); n != "" {
		return n
	}
	fn, sn := str(o["firstName"]), str(o["surname"])
	if fn != "" || sn != "" {
		return strings.TrimSpace(fn + " " + sn)
	}
	return ""
}

// identifiersWithName renders "<name> [<uid>] (<Class>)" like PreheatIdentifier.
func identifiersWithName(name, uid, simpleClass string) string {
	if name == "" {
		return fmt.Sprintf("[%s] (%s)", uid, simpleClass)
	}
	return fmt.Sprintf("%s [%s] (%s)", name, uid, simpleClass)
}

// DateLayout is how DHIS2 writes dates: no offset, milliseconds, server time zone.
const DateLayout = "2006-01-02T15:04:05.000"

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.000-07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.000",
	"2006-01-02",
	"2006-01",
	"2006",
}

// ParseDate parses the date forms DHIS2 accepts (ISO-8601 with or without
// milliseconds and zone, or a plain date); a value without zone is in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q: expected ISO-8601 such as 2024-01-31 or 2024-01-31T10:00:00.000", s)
}

// formatDate writes t the way DHIS2 does, in loc.
func formatDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(DateLayout)
}

// normalizeDate rewrites a date input value in DHIS2's output format; values
// that do not parse are returned unchanged with ok=false.
func normalizeDate(v any, loc *time.Location) (any, bool) {
	s, isStr := v.(string)
	if !isStr {
		if n, isNum := v.(json.Number); isNum {
			if ms, err := n.Int64(); err == nil {
				return formatDate(time.UnixMilli(ms), loc), true
			}
		}
		return v, false
	}
	t, err := ParseDate(s, loc)
	if err != nil {
		return v, false
	}
	return formatDate(t, loc), true
}

// jsonValue decodes a JSON literal of the schema table's defaults.
func jsonValue(s string) any {
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil
	}
	return v
}
