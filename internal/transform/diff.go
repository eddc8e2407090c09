package transform

import (
	"fmt"
	"reflect"
	"strings"
)

// DiffKind says how a property differs.
type DiffKind string

// Kinds of PropertyDiff.
const (
	// DiffChanged: the property exists on both sides with different values.
	DiffChanged DiffKind = "changed"
	// DiffMissing: the property exists in A (source) only.
	DiffMissing DiffKind = "missing"
	// DiffExtra: the property exists in B (destination) only.
	DiffExtra DiffKind = "extra"
)

// PropertyDiff is one difference between two objects, at the deepest
// property path where they differ, e.g. "sharing.userGroups.xyz.access",
// "organisationUnits[abc]" (array element matched by id) or
// "columnDimensions[1]" (array element matched by position).
type PropertyDiff struct {
	// Type is the plural type of the objects compared (set by DiffObjects;
	// empty from Diff).
	Type string
	// Path is the dotted property path.
	Path string
	// Kind says whether the value changed or is missing on one side.
	Kind DiffKind
	// A and B are the values on each side (nil when absent).
	A, B any
}

// String formats the difference on one line.
func (d PropertyDiff) String() string {
	return fmt.Sprintf("%s %s: %s → %s", d.Path, d.Kind, CanonicalJSON(d.A), CanonicalJSON(d.B))
}

// Diff compares two JSON-shaped objects as given (project them first, or
// use DiffObjects) and returns their differences, drilled down to the
// property path, in deterministic order. Numbers compare by value.
func Diff(a, b map[string]any) []PropertyDiff {
	var out []PropertyDiff
	diffValue(a, b, "", &out)
	return out
}

// DiffObjects projects a (source) and b (destination), two objects of the
// given plural type in canonical shape, and returns their differences with
// Type set.
func DiffObjects(pluralType string, a, b map[string]any) []PropertyDiff {
	ds := Diff(Project(pluralType, a), Project(pluralType, b))
	for i := range ds {
		ds[i].Type = pluralType
	}
	return ds
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func diffValue(a, b any, path string, out *[]PropertyDiff) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			av, aok := am[k]
			bv, bok := bm[k]
			p := joinPath(path, k)
			switch {
			case aok && !bok:
				*out = append(*out, PropertyDiff{Path: p, Kind: DiffMissing, A: av})
			case !aok && bok:
				*out = append(*out, PropertyDiff{Path: p, Kind: DiffExtra, B: bv})
			default:
				diffValue(av, bv, p, out)
			}
		}
		return
	}
	as, aIsArr := a.([]any)
	bs, bIsArr := b.([]any)
	if aIsArr && bIsArr {
		diffArray(as, bs, path, out)
		return
	}
	if !scalarEqual(a, b) {
		*out = append(*out, PropertyDiff{Path: path, Kind: DiffChanged, A: a, B: b})
	}
}

func scalarEqual(a, b any) bool {
	an, aok := numberText(a)
	bn, bok := numberText(b)
	if aok || bok {
		return aok && bok && an == bn
	}
	return reflect.DeepEqual(a, b)
}

// diffArray matches elements by identity when every element of both
// arrays has a distinct one, else by position.
func diffArray(as, bs []any, path string, out *[]PropertyDiff) {
	ak, aok := elementKeys(as)
	bk, bok := elementKeys(bs)
	if aok && bok {
		bIndex := map[string]any{}
		for i, k := range bk {
			bIndex[k] = bs[i]
		}
		aSeen := map[string]bool{}
		for i, k := range ak {
			aSeen[k] = true
			p := path + "[" + k + "]"
			if bv, ok := bIndex[k]; ok {
				diffValue(as[i], bv, p, out)
			} else {
				*out = append(*out, PropertyDiff{Path: p, Kind: DiffMissing, A: as[i]})
			}
		}
		for i, k := range bk {
			if !aSeen[k] {
				*out = append(*out, PropertyDiff{Path: path + "[" + k + "]", Kind: DiffExtra, B: bs[i]})
			}
		}
		return
	}
	for i := 0; i < len(as) || i < len(bs); i++ {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case i >= len(bs):
			*out = append(*out, PropertyDiff{Path: p, Kind: DiffMissing, A: as[i]})
		case i >= len(as):
			*out = append(*out, PropertyDiff{Path: p, Kind: DiffExtra, B: bs[i]})
		default:
			diffValue(as[i], bs[i], p, out)
		}
	}
}

// elementKeys returns an identity per element (its id, or the id of its
// attribute/dataElement, or property/locale for translations) when all
// elements have a distinct one.
func elementKeys(xs []any) ([]string, bool) {
	if len(xs) == 0 {
		return nil, true
	}
	keys := make([]string, len(xs))
	seen := map[string]bool{}
	for i, e := range xs {
		k := elementKey(asMap(e))
		if k == "" || seen[k] {
			return nil, false
		}
		seen[k] = true
		keys[i] = k
	}
	return keys, true
}

func elementKey(m map[string]any) string {
	if m == nil {
		return ""
	}
	if id := str(m, "id"); id != "" {
		return id
	}
	for _, f := range []string{"attribute", "dataElement", "note", "relationship", "event", "enrollment", "trackedEntity"} {
		if id := refID(m[f]); id != "" {
			return id
		}
	}
	if p, l := str(m, "property"), str(m, "locale"); p != "" || l != "" {
		return p + "/" + l
	}
	return ""
}

// Documented reports whether difference d is explained by one of losses:
// a loss of the same type (or "*") whose property is d's path or an
// ancestor of it. It returns the explaining loss. Use LossesBetween to get
// the losses of a version pair; report explained differences as
// "documented", not as errors.
func Documented(d PropertyDiff, losses []Loss) (Loss, bool) {
	for _, l := range losses {
		if l.Type != "*" && l.Type != d.Type {
			continue
		}
		if d.Path == l.Property || strings.HasPrefix(d.Path, l.Property+".") || strings.HasPrefix(d.Path, l.Property+"[") {
			return l, true
		}
	}
	return Loss{}, false
}
