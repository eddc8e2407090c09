package metadata

// checkUniqueness is UniquenessCheck (E5003): unique persisted simple
// properties against the store and earlier payload objects; the first holder
// of a value wins. Users ≤2.37 also check their nested credentials.
func (im *importer) checkUniqueness(b *batch) {
	seen := im.uniquenessMap(b.schema)
	var credSeen map[string]map[string]string
	credSchema, hasCred := im.store.schemas.BySingular("userCredentials")
	if b.schema.Singular == "user" && hasCred && credSchema.Persisted {
		credSeen = im.credentialsUniquenessMap(credSchema)
	}
	for _, e := range im.selected(b) {
		ers := im.uniquenessErrors(b.schema, e.obj, e.uid, seen)
		if uc, ok := e.obj["userCredentials"].(map[string]any); ok && credSeen != nil {
			ers = append(ers, im.uniquenessErrors(credSchema, uc, str(uc["id"]), credSeen)...)
		}
		im.report(b, e, true, ers...)
	}
}

func uniqueProps(sc *Schema) []*Property {
	var out []*Property
	for _, p := range sc.Properties {
		if p.Persisted && p.Owner && p.Unique && p.Name != "id" && simpleType(p.Type) {
			out = append(out, p)
		}
	}
	return out
}

func simpleType(t PropertyType) bool {
	switch t {
	case Collection, Reference, Complex:
		return false
	}
	return true
}

// uniquenessMap preloads prop -> value -> uid from the store.
func (im *importer) uniquenessMap(sc *Schema) map[string]map[string]string {
	seen := map[string]map[string]string{}
	props := uniqueProps(sc)
	for _, p := range props {
		seen[p.Name] = map[string]string{}
	}
	for uid, o := range im.store.types[sc.Plural].objs {
		for _, p := range props {
			if v := uniqueKey(o[p.Name]); v != "" {
				seen[p.Name][v] = uid
			}
		}
	}
	return seen
}

func (im *importer) credentialsUniquenessMap(cs *Schema) map[string]map[string]string {
	seen := map[string]map[string]string{}
	props := uniqueProps(cs)
	for _, p := range props {
		seen[p.Name] = map[string]string{}
	}
	for _, u := range im.store.types["users"].objs {
		uc, ok := u["userCredentials"].(map[string]any)
		if !ok {
			continue
		}
		for _, p := range props {
			if v := uniqueKey(uc[p.Name]); v != "" {
				seen[p.Name][v] = str(uc["id"])
			}
		}
	}
	return seen
}

func uniqueKey(v any) string {
	if v == nil {
		return ""
	}
	return stringValue(v)
}

func (im *importer) uniquenessErrors(sc *Schema, o Object, uid string, seen map[string]map[string]string) []ErrorReport {
	var ers []ErrorReport
	for _, p := range uniqueProps(sc) {
		v := uniqueKey(o[p.Name])
		if v == "" {
			continue
		}
		holder, ok := seen[p.Name][v]
		if !ok {
			seen[p.Name][v] = uid
			continue
		}
		if holder != uid {
			er := im.newError(sc.Klass, "E5003", p.Name, v, im.ident(sc, o, uid), holder)
			er.MainID, er.ErrorProperty = holder, p.Name
			ers = append(ers, er)
		}
	}
	return ers
}

// attributeValueMap returns attribute uid -> value of an object.
func attributeValueMap(o Object) map[string]string {
	items, _ := o["attributeValues"].([]any)
	m := make(map[string]string, len(items))
	for _, it := range items {
		av, _ := it.(map[string]any)
		if id := refID(av["attribute"]); id != "" {
			m[id] = str(av["value"])
		}
	}
	return m
}

// attributeFlag is the Attribute property that enables an attribute for a type
// ("dataElementAttribute" for dataElements).
func attributeFlag(sc *Schema) string { return sc.Singular + "Attribute" }

// attributes returns the attributes (payload and store) enabled for a type.
func (im *importer) attributes(sc *Schema, want func(Object) bool) []Object {
	flag := attributeFlag(sc)
	var out []Object
	seen := map[string]bool{}
	if b := im.byPlural["attributes"]; b != nil {
		for _, e := range b.entries {
			if !seen[e.uid] && e.obj[flag] == true && want(e.obj) {
				out = append(out, e.obj)
			}
			seen[e.uid] = true
		}
	}
	for uid, a := range im.store.types["attributes"].objs {
		if !seen[uid] && a[flag] == true && want(a) {
			out = append(out, a)
		}
	}
	return out
}

// checkMandatoryAttributes is MandatoryAttributesCheck (E4011).
func (im *importer) checkMandatoryAttributes(b *batch) {
	if _, ok := b.schema.Property("attributeValues"); !ok {
		return
	}
	mandatory := im.attributes(b.schema, func(a Object) bool { return a["mandatory"] == true })
	if len(mandatory) == 0 {
		return
	}
	for _, e := range im.selected(b) {
		vals := attributeValueMap(e.obj)
		for _, a := range mandatory {
			id := str(a["id"])
			if vals[id] == "" {
				er := im.newError("org.hisp.dhis.attribute.Attribute", "E4011", id)
				er.MainID, er.ErrorProperty = id, "value"
				im.report(b, e, true, er)
			}
		}
	}
}

// checkUniqueAttributes is UniqueAttributesCheck (E4009).
func (im *importer) checkUniqueAttributes(b *batch) {
	if p, ok := b.schema.Property("attributeValues"); !ok || !p.Persisted {
		return
	}
	unique := im.attributes(b.schema, func(a Object) bool { return a["unique"] == true })
	if len(unique) == 0 {
		return
	}
	seen := map[string]map[string]string{}
	for _, a := range unique {
		seen[str(a["id"])] = map[string]string{}
	}
	for uid, o := range im.store.types[b.schema.Plural].objs {
		for id, v := range attributeValueMap(o) {
			if m, ok := seen[id]; ok && v != "" {
				m[v] = uid
			}
		}
	}
	for _, e := range im.selected(b) {
		var ers []ErrorReport
		for _, a := range unique {
			id := str(a["id"])
			v := attributeValueMap(e.obj)[id]
			if v == "" {
				continue
			}
			if holder, ok := seen[id][v]; ok && holder != e.uid {
				er := im.newError("org.hisp.dhis.attribute.Attribute", "E4009", displayNameOf(a), v)
				er.MainID, er.ErrorProperty = id, "value"
				ers = append(ers, er)
			} else {
				seen[id][v] = e.uid
			}
		}
		im.report(b, e, true, ers...)
	}
}
