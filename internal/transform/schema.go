package transform

import (
	"fmt"
	"strings"
)

// DropUnknown removes from every top-level object of p the properties the
// destination does not know, and whole types it does not know, returning
// one warning per type that lists what was dropped. known maps plural type
// → JSON property names, as KnownProperties builds it from the
// destination's /api/schemas. A type present in known with a nil set is
// kept untouched (its properties are not known); a type absent from known
// is dropped. "id" is always kept. Embedded objects are not inspected.
func DropUnknown(p Payload, known map[string]map[string]bool) []Warning {
	var out []Warning
	for _, typ := range sortedKeys(p) {
		props, ok := known[typ]
		if !ok {
			out = append(out, Warning{Transform: "drop-unknown", Type: typ,
				Message: fmt.Sprintf("%d objects dropped: the destination has no %s schema", len(p[typ]), typ)})
			delete(p, typ)
			continue
		}
		if props == nil {
			continue
		}
		dropped := map[string]int{}
		objects := 0
		for _, obj := range p[typ] {
			hit := false
			for k := range obj {
				if k == "id" || props[k] {
					continue
				}
				delete(obj, k)
				dropped[k]++
				hit = true
			}
			if hit {
				objects++
			}
		}
		if len(dropped) > 0 {
			names := sortedKeys(dropped)
			out = append(out, Warning{Transform: "drop-unknown", Type: typ, Property: strings.Join(names, ","),
				Message: fmt.Sprintf("properties unknown to the destination dropped from %d objects: %s", objects, strings.Join(names, ", "))})
		}
	}
	return out
}

// KnownProperties builds DropUnknown's known map from a decoded
// /api/schemas response ({"schemas":[{"plural":…, "properties":[…]}]}).
// A property's JSON name is its collectionName for collections and its
// name otherwise (DHIS2's JacksonPropertyIntrospector: for collections
// "name" is the singular XML item name). A schema without a properties
// list (e.g. fetched with fields=plural) maps to nil: type known,
// properties unknown. Schemas without a plural name are skipped.
func KnownProperties(schemasResponse any) (map[string]map[string]bool, error) {
	root := asMap(schemasResponse)
	list, ok := root["schemas"].([]any)
	if !ok {
		return nil, fmt.Errorf("transform: /api/schemas response has no schemas array")
	}
	out := map[string]map[string]bool{}
	for _, e := range list {
		s := asMap(e)
		plural := str(s, "plural")
		if plural == "" {
			plural = str(s, "collectionName")
		}
		if plural == "" {
			continue
		}
		raw, has := s["properties"]
		if !has {
			out[plural] = nil
			continue
		}
		props := map[string]bool{}
		for _, pe := range asSlice(raw) {
			pm := asMap(pe)
			name := str(pm, "name")
			if b, _ := pm["collection"].(bool); b && str(pm, "collectionName") != "" {
				name = str(pm, "collectionName")
			}
			if name != "" {
				props[name] = true
			}
		}
		out[plural] = props
	}
	return out, nil
}
