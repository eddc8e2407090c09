package metadata

import (
	"strings"
	"unicode"
)

// SchemasJSON returns the /api/schemas document {"schemas":[…]} of the
// store's version in DHIS2's shape, reduced by a fields expression (empty =
// everything). baseURL is the server root used for href values.
func (s *Store) SchemasJSON(fields, baseURL string) map[string]any {
	list := make([]any, 0, len(s.schemas.all))
	for _, sc := range s.schemas.all {
		list = append(list, s.schemaJSON(sc, baseURL))
	}
	doc := map[string]any{"schemas": list}
	if fields == "" {
		return doc
	}
	nodes := parseFields(fields)
	out := map[string]any{"schemas": filterJSON(list, nodes)}
	return out
}

// SchemaJSON returns /api/schemas/{name} (singular or plural name), reduced by
// fields (empty = everything).
func (s *Store) SchemaJSON(name, fields, baseURL string) (map[string]any, bool) {
	sc, ok := s.schemas.BySingular(name)
	if !ok {
		if sc, ok = s.schemas.ByPlural(name); !ok {
			return nil, false
		}
	}
	doc := s.schemaJSON(sc, baseURL)
	if fields == "" {
		return doc, true
	}
	return filterJSON(doc, parseFields(fields)).(map[string]any), true
}

func (s *Store) schemaJSON(sc *Schema, baseURL string) map[string]any {
	m := map[string]any{
		"klass": sc.Klass, "name": sc.Singular, "singular": sc.Singular, "plural": sc.Plural,
		"displayName": displayNameFor(sc.Singular), "collectionName": sc.Plural,
		"metadata": sc.Metadata, "secondaryMetadata": sc.Secondary, "order": sc.Order, "persisted": sc.Persisted,
		"shareable": sc.Shareable, "dataShareable": sc.DataShareable, "dataReadShareable": sc.DataShareable,
		"dataWriteShareable": sc.DataShareable, "translatable": sc.Translatable, "favoritable": sc.Favoritable,
		"identifiableObject": sc.Identifiable, "nameableObject": sc.Nameable, "embeddedObject": sc.Embedded,
		"defaultPrivate": sc.DefaultPrivate, "subscribable": false, "implicitPrivateAuthority": false,
		"authorities": []any{},
	}
	if sc.RelativeAPIEndpoint != "" {
		m["relativeApiEndpoint"] = sc.RelativeAPIEndpoint
		if baseURL != "" {
			m["apiEndpoint"] = strings.TrimSuffix(baseURL, "/") + "/api" + sc.RelativeAPIEndpoint
		}
	}
	if baseURL != "" {
		m["href"] = strings.TrimSuffix(baseURL, "/") + "/api/schemas/" + sc.Singular
	}
	props := make([]any, 0, len(sc.Properties))
	for _, p := range sc.Properties {
		props = append(props, s.propertyJSON(p, baseURL))
	}
	m["properties"] = props
	return m
}

func (s *Store) propertyJSON(p *Property, baseURL string) map[string]any {
	name := p.Name
	if p.Collection() && p.XMLName != "" {
		name = p.XMLName
	}
	m := map[string]any{
		"name": name, "fieldName": p.FieldName, "propertyType": string(p.Type), "klass": p.Klass,
		"collection": p.Collection(), "owner": p.Owner, "required": p.Required, "unique": p.Unique,
		"persisted": p.Persisted, "writable": !p.ReadOnly, "readable": !p.WriteOnly, "ordered": p.Ordered,
		"simple":             simpleType(p.Type) || p.Collection() && simpleType(p.ItemType) && p.ItemType != "",
		"identifiableObject": p.Identifiable, "nameableObject": p.Nameable, "embeddedObject": p.Embedded,
		"translatable": p.Translatable, "analyticalObject": false, "attribute": false,
	}
	if p.Collection() {
		m["collectionName"] = p.CollectionName
		if p.ItemType != "" {
			m["itemPropertyType"] = string(p.ItemType)
		}
		if p.ItemKlass != "" {
			m["itemKlass"] = p.ItemKlass
		}
	}
	if p.Length > 0 {
		m["length"] = p.Length
		m["max"] = p.Length
		m["min"] = 0
	}
	if consts := enumConstants[p.RefKlass()]; len(consts) > 0 && (p.Type == Constant || p.ItemType == Constant) {
		m["constants"] = append([]string(nil), consts...)
	}
	if rsc, ok := s.schemas.ByKlass(p.RefKlass()); ok && (p.Type == Reference || p.ItemType == Reference) {
		if rsc.RelativeAPIEndpoint != "" {
			m["relativeApiEndpoint"] = rsc.RelativeAPIEndpoint
			if baseURL != "" {
				m["apiEndpoint"] = strings.TrimSuffix(baseURL, "/") + "/api" + rsc.RelativeAPIEndpoint
			}
		}
		m["href"] = "/schemas/" + rsc.Singular
	}
	return m
}

// displayNameFor turns "dataElementGroup" into "Data Element Group".
func displayNameFor(singular string) string {
	var b strings.Builder
	for i, r := range singular {
		if i == 0 {
			b.WriteRune(unicode.ToUpper(r))
			continue
		}
		if unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// filterJSON applies a fields expression to plain JSON (maps, lists of maps).
func filterJSON(v any, nodes []*fieldNode) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, it := range x {
			out = append(out, filterJSON(it, nodes))
		}
		return out
	case map[string]any:
		out := map[string]any{}
		all := false
		for _, n := range nodes {
			if n.name == "*" || n.name == ":all" {
				all = true
			}
		}
		if all {
			for k, val := range x {
				out[k] = val
			}
		}
		for _, n := range nodes {
			if n.exclude {
				delete(out, n.name)
				continue
			}
			val, ok := x[n.name]
			if !ok {
				continue
			}
			if n.children != nil {
				val = filterJSON(val, n.children)
			}
			key, tv := applyTransformers(n.name, val, n.transformers)
			out[key] = tv
		}
		return out
	}
	return v
}
