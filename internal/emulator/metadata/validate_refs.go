package metadata

import (
	"strings"
)

// exists reports whether an object of klass with uid is in the payload or
// the store (the preheat).
func (im *importer) exists(klass, uid string) bool {
	sc, ok := im.store.schemas.ByKlass(klass)
	if !ok {
		return true // abstract or unknown classes are not checked
	}
	return im.existsIn(sc, uid)
}

func (im *importer) existsIn(sc *Schema, uid string) bool {
	if isDefaultUID(uid) {
		return true
	}
	if m := im.payload[sc.Plural]; m != nil {
		if e, ok := m[uid]; ok && !(im.params.ImportStrategy == "DELETE" && e != nil) {
			return true
		}
	}
	if ts := im.store.types[sc.Plural]; ts != nil {
		_, ok := ts.objs[uid]
		return ok
	}
	return false
}

// userRefProps are not checked (ReferencesCheck's isUserReference hack).
var userRefProps = map[string]bool{"user": true, "lastUpdatedBy": true, "createdBy": true}

// checkReferences is ReferencesCheck (E5002): owner references to objects in
// neither the payload nor the store. Objects are not removed (DHIS2 keeps
// them and drops the dangling collection members); with atomicMode=ALL the
// type gets one extra ignored count.
func (im *importer) checkReferences(b *batch) {
	for _, e := range b.ordered() {
		ers := im.referenceErrors(b.schema, e.obj, e.obj, e.uid, b.schema)
		ers = append(ers, im.attributeRefErrors(b.schema, e)...)
		ers = append(ers, im.sharingRefErrors(b.schema, e)...)
		if len(ers) > 0 {
			im.report(b, e, false, ers...)
			b.refErr = true
		}
	}
}

func (im *importer) referenceErrors(sc *Schema, o, main Object, mainUID string, mainSchema *Schema) []ErrorReport {
	var ers []ErrorReport
	for _, p := range sc.Properties {
		if !p.Persisted || !p.Owner || (p.Type != Reference && p.ItemType != Reference) {
			continue
		}
		if strings.HasSuffix(p.RefKlass(), ".Period") || strings.HasSuffix(p.RefKlass(), ".PeriodType") {
			continue
		}
		v, ok := o[p.Name]
		if !ok {
			continue
		}
		if p.Embedded {
			isc, ok := im.store.schemas.ByKlass(p.RefKlass())
			if !ok {
				continue
			}
			for _, it := range asList(v) {
				if m, ok := it.(map[string]any); ok {
					ers = append(ers, im.referenceErrors(isc, m, main, mainUID, mainSchema)...)
				}
			}
			continue
		}
		if !p.Collection() {
			if userRefProps[p.Name] && strings.HasSuffix(p.Klass, ".User") {
				continue
			}
			if er, bad := im.refError(p, v, main, mainUID, mainSchema); bad {
				ers = append(ers, er)
			}
			continue
		}
		dups := map[string]bool{}
		for _, it := range asList(v) {
			if er, bad := im.refError(p, it, main, mainUID, mainSchema); bad {
				ers = append(ers, er)
			}
			id := refID(it)
			if id != "" && dups[id] && im.minor() >= 38 {
				er := im.refErrorReport("E5007", p, id, main, mainUID, mainSchema)
				ers = append(ers, er)
			}
			dups[id] = true
		}
	}
	return ers
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func (im *importer) refError(p *Property, v any, main Object, mainUID string, mainSchema *Schema) (ErrorReport, bool) {
	id := refID(v)
	if id == "" {
		m, _ := v.(map[string]any)
		id = str(m["code"])
		if id == "" {
			return ErrorReport{}, false
		}
	}
	if im.exists(p.RefKlass(), id) {
		return ErrorReport{}, false
	}
	return im.refErrorReport("E5002", p, id, main, mainUID, mainSchema), true
}

func (im *importer) refErrorReport(code string, p *Property, id string, main Object, mainUID string, mainSchema *Schema) ErrorReport {
	refKlass := p.RefKlass()
	simple := refKlass[strings.LastIndexByte(refKlass, '.')+1:]
	name := p.Name
	if p.Collection() && p.XMLName != "" {
		name = p.XMLName
	}
	er := im.newError(mainSchema.Klass, code, identifiersWithName("", id, simple),
		im.ident(mainSchema, main, mainUID), name)
	er.MainID, er.ErrorProperty = mainUID, name
	if p.Collection() {
		er.ErrorKlass = p.ItemKlass
	}
	return er
}

// attributeRefErrors checks that attribute values name existing attributes
// (E5002 with the bare attribute id, association `attributeValues`).
func (im *importer) attributeRefErrors(sc *Schema, e *entry) []ErrorReport {
	if p, ok := sc.Property("attributeValues"); !ok || !p.Persisted {
		return nil
	}
	attrs, _ := im.store.schemas.ByPlural("attributes")
	var ers []ErrorReport
	for _, it := range asAnyList(e.obj["attributeValues"]) {
		m, _ := it.(map[string]any)
		id := refID(m["attribute"])
		if id != "" && attrs != nil && !im.existsIn(attrs, id) {
			ers = append(ers, im.newError(sc.Klass, "E5002", id, im.ident(sc, e.obj, e.uid), "attributeValues"))
		}
	}
	return ers
}

// sharingRefErrors checks users and user groups of sharing (E5002): the
// sharing{} maps on 2.36+, the userGroupAccesses/userAccesses lists before.
func (im *importer) sharingRefErrors(sc *Schema, e *entry) []ErrorReport {
	if im.params.SkipSharing {
		return nil
	}
	if p, ok := sc.Property("userGroupAccesses"); ok && p.Persisted {
		return im.legacySharingRefErrors(sc, e)
	}
	p, ok := sc.Property("sharing")
	if !ok || !p.Persisted {
		return nil
	}
	sh, ok := e.obj["sharing"].(map[string]any)
	if !ok {
		return nil
	}
	var ers []ErrorReport
	for _, it := range []struct{ key, plural, simple, assoc string }{
		{"userGroups", "userGroups", "UserGroup", "userGroupAccesses"}, {"users", "users", "User", "userAccesses"},
	} {
		m, _ := sh[it.key].(map[string]any)
		target, _ := im.store.schemas.ByPlural(it.plural)
		for _, id := range sortedKeys(m) {
			if target != nil && !im.existsIn(target, id) {
				er := im.newError(sc.Klass, "E5002", identifiersWithName("", id, it.simple), im.ident(sc, e.obj, e.uid), it.assoc)
				ers = append(ers, er)
			}
		}
	}
	return ers
}

func (im *importer) legacySharingRefErrors(sc *Schema, e *entry) []ErrorReport {
	var ers []ErrorReport
	for _, it := range []struct{ key, plural, simple string }{
		{"userGroupAccesses", "userGroups", "UserGroup"}, {"userAccesses", "users", "User"},
	} {
		target, _ := im.store.schemas.ByPlural(it.plural)
		for _, a := range asAnyList(e.obj[it.key]) {
			id := refID(a)
			if id != "" && target != nil && !im.existsIn(target, id) {
				ers = append(ers, im.newError(sc.Klass, "E5002", identifiersWithName("", id, it.simple), im.ident(sc, e.obj, e.uid), it.key))
			}
		}
	}
	return ers
}

// checkDashboards is DashboardCheck (E4061) for dashboards that already exist.
func (im *importer) checkDashboards(b *batch) {
	if b.schema.Singular != "dashboard" {
		return
	}
	for _, e := range b.ordered() {
		if !e.persisted() {
			continue
		}
		var ers []ErrorReport
		items, _ := e.obj["dashboardItems"].([]any)
		for _, it := range items {
			item, _ := it.(map[string]any)
			for _, k := range []string{"visualization", "eventVisualization", "eventChart", "eventReport", "map", "chart", "reportTable"} {
				id := refID(item[k])
				if id == "" {
					continue
				}
				if !im.existsByProperty("dashboardItem", k, id) {
					ers = append(ers, im.newError("org.hisp.dhis.dashboard.DashboardItem", "E4061", str(item["id"]), dashboardItemType(k), id))
				}
			}
		}
		if len(ers) > 0 {
			or := b.reports[e.index]
			if or == nil {
				or = &ObjectReport{Klass: b.schema.Klass, Index: 0, UID: e.uid}
				b.reports[e.index] = or
			}
			or.ErrorReports = append(or.ErrorReports, ers...)
			b.stats.Ignored++
			e.removed = true
		}
	}
}

func (im *importer) existsByProperty(singular, prop, id string) bool {
	sc, ok := im.store.schemas.BySingular(singular)
	if !ok {
		return true
	}
	p, ok := sc.Property(prop)
	if !ok {
		return true
	}
	return im.exists(p.Klass, id)
}

func dashboardItemType(prop string) string {
	switch prop {
	case "eventVisualization":
		return "EVENT_VISUALIZATION"
	case "eventChart":
		return "EVENT_CHART"
	case "eventReport":
		return "EVENT_REPORT"
	case "reportTable":
		return "REPORT_TABLE"
	}
	return strings.ToUpper(prop)
}
