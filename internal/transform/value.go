package transform

import (
	"encoding/json"
	"sort"
	"strconv"
)

// Helpers over JSON-shaped values. They never panic on unexpected shapes:
// a value of the wrong type reads as absent.

// asMap returns v as an object, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// asSlice returns v as an array, or nil. A []map[string]any (as built by
// Go code rather than decoded) is converted.
func asSlice(v any) []any {
	switch s := v.(type) {
	case []any:
		return s
	case []map[string]any:
		out := make([]any, len(s))
		for i, m := range s {
			out[i] = m
		}
		return out
	}
	return nil
}

// asString returns v as a string and whether it was one.
func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

// str returns m[key] as a string, "" if absent or not a string.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// asBool returns v as a bool and whether it was one.
func asBool(v any) (bool, bool) {
	b, ok := v.(bool)
	return b, ok
}

// refID returns the uid a reference designates: the string itself, or the
// "id" (or "uid") of an object.
func refID(v any) string {
	switch r := v.(type) {
	case string:
		return r
	case map[string]any:
		if s := str(r, "id"); s != "" {
			return s
		}
		return str(r, "uid")
	}
	return ""
}

// ref builds the {"id": uid} reference form.
func ref(id string) map[string]any { return map[string]any{"id": id} }

// objID returns the uid of a metadata object ("id").
func objID(m map[string]any) string { return str(m, "id") }

// isEmpty reports whether v is nil, an empty array, an empty object or an
// empty string.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case []map[string]any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case string:
		return x == ""
	}
	return false
}

// isDefault reports whether v is a value DHIS2 would treat as "not set":
// empty (see isEmpty), false or zero. Transforms use it to decide whether
// dropping a property loses information worth a warning.
func isDefault(v any) bool {
	if isEmpty(v) {
		return true
	}
	switch x := v.(type) {
	case bool:
		return !x
	case float64:
		return x == 0
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	}
	return false
}

// move renames key from → to in m when from is present and to is absent.
// It reports whether a value was moved. When both are present, from is
// dropped and to is kept (the newer name wins).
func move(m map[string]any, from, to string) bool {
	v, ok := m[from]
	if !ok {
		return false
	}
	delete(m, from)
	if _, exists := m[to]; exists {
		return false
	}
	m[to] = v
	return true
}

// Clone returns a deep copy of a JSON-shaped value. Maps and slices are
// copied; strings, numbers, booleans and nil are shared (immutable).
func Clone[T any](v T) T {
	c, _ := cloneValue(any(v)).(T)
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case []map[string]any:
		out := make([]map[string]any, len(x))
		for i, e := range x {
			out[i], _ = cloneValue(e).(map[string]any)
		}
		return out
	case Payload:
		out := make(Payload, len(x))
		for k, objs := range x {
			out[k], _ = cloneValue(objs).([]map[string]any)
		}
		return out
	}
	return v
}

// sortedKeys returns the keys of m in ascending order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// numberText returns the normalised decimal text of a JSON number given as
// json.Number, float64 or an integer type, and false for anything else.
// Integral values print without exponent or fraction when they fit in an
// int64 ("1.0" and 1 both give "1"); other values use the shortest
// representation that round-trips through float64.
func numberText(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return string(x), true
		}
		return floatText(f), true
	case float64:
		return floatText(x), true
	case float32:
		return floatText(float64(x)), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	}
	return "", false
}

func floatText(f float64) string {
	if f == float64(int64(f)) && f >= -9.2e18 && f <= 9.2e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
