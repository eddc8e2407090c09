package tracker

import "strings"

// Fields is a parsed DHIS2 field filter ("*,!relationships,
// enrollments[enrollment,events[event,dataValues]]"): which properties of
// an object to write, recursively.
type Fields struct {
	all      bool
	include  map[string]*Fields // name → nested selection (nil = whole value)
	order    []string
	excluded map[string]bool
}

// ParseFields parses a field filter; an empty filter selects everything.
func ParseFields(s string) *Fields {
	s = strings.TrimSpace(s)
	if s == "" {
		return &Fields{all: true, include: map[string]*Fields{}, excluded: map[string]bool{}}
	}
	f, _ := parseFieldList(s, 0)
	return f
}

func parseFieldList(s string, i int) (*Fields, int) {
	f := &Fields{include: map[string]*Fields{}, excluded: map[string]bool{}}
	for i < len(s) {
		switch s[i] {
		case ',', ' ':
			i++
			continue
		case ']':
			return f, i + 1
		}
		j := i
		for j < len(s) && s[j] != ',' && s[j] != '[' && s[j] != ']' {
			j++
		}
		name := strings.TrimSpace(s[i:j])
		var sub *Fields
		if j < len(s) && s[j] == '[' {
			sub, j = parseFieldList(s, j+1)
		}
		i = j
		switch {
		case name == "*" || name == ":all" || name == ":owner":
			f.all = true
		case strings.HasPrefix(name, "!"):
			f.excluded[name[1:]] = true
		case name != "":
			if _, dup := f.include[name]; !dup {
				f.order = append(f.order, name)
			}
			f.include[name] = sub
		}
	}
	return f, i
}

// Wants reports whether the property name is selected (so that callers
// can skip computing expensive nested collections).
func (f *Fields) Wants(name string) bool {
	if f == nil {
		return true
	}
	if f.excluded[name] {
		return false
	}
	if _, ok := f.include[name]; ok {
		return true
	}
	return f.all
}

// Sub returns the selection for a nested property (everything when the
// property was named without brackets or selected by *).
func (f *Fields) Sub(name string) *Fields {
	if f == nil {
		return nil
	}
	return f.include[name]
}

// Apply keeps the selected properties of obj, recursing into nested
// objects and arrays of objects.
func (f *Fields) Apply(obj map[string]any) map[string]any {
	if f == nil {
		return obj
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		if !f.Wants(k) {
			continue
		}
		out[k] = applySub(f.Sub(k), v)
	}
	return out
}

func applySub(f *Fields, v any) any {
	if f == nil {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		return f.Apply(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = applySub(f, e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = f.Apply(e)
		}
		return out
	}
	return v
}
