package metadata

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// validate runs DHIS2's validation chain for the import strategy on every
// type of the payload (ServiceConfig.validatorsByImportStrategy).
func (im *importer) validate() {
	for _, b := range im.batches {
		if im.params.ImportStrategy == "DELETE" {
			im.checkDeletion(b)
			continue
		}
		im.checkDuplicateIDs(b)
		im.checkHooks(b)
		switch im.params.ImportStrategy {
		case "CREATE":
			im.checkCreation(b)
		case "UPDATE":
			im.checkUpdate(b)
		}
		if !im.params.SkipValidation {
			im.checkSchema(b)
		}
		im.checkUniqueness(b)
		im.checkMandatoryAttributes(b)
		im.checkUniqueAttributes(b)
		im.checkReferences(b)
		if im.params.ImportStrategy != "UPDATE" {
			im.checkUIDFormat(b)
		}
		im.checkDashboards(b)
	}
}

// checkDuplicateIDs is DuplicateIdsCheck: it compares each object with the
// previous one of the bundle list only, so only adjacent duplicates are found.
func (im *importer) checkDuplicateIDs(b *batch) {
	last := ""
	for _, e := range b.ordered() {
		if last != "" && last == e.uid {
			er := im.newError(b.schema.Klass, "E5004", e.uid, "class "+b.schema.Klass)
			er.MainID, er.ErrorProperty = e.uid, "id"
			if er.ErrorProperties != nil {
				er.ErrorProperties = []any{e.uid, b.schema.Klass}
			}
			im.report(b, e, true, er)
			continue
		}
		last = e.uid
	}
}

// checkCreation is CreationCheck (E5000).
func (im *importer) checkCreation(b *batch) {
	for _, e := range b.ordered() {
		if e.persisted() {
			er := im.newError(b.schema.Klass, "E5000", im.params.Identifier, im.ident(b.schema, e.obj, e.uid))
			er.MainID = e.uid
			im.report(b, e, true, er)
		}
	}
}

// checkUpdate is UpdateCheck (E5001).
func (im *importer) checkUpdate(b *batch) {
	for _, e := range b.ordered() {
		if !e.persisted() {
			er := im.newError(b.schema.Klass, "E5001", im.params.Identifier, im.ident(b.schema, e.obj, e.uid))
			er.MainID, er.ErrorProperty = e.uid, "id"
			im.report(b, e, true, er)
		}
	}
}

// checkDeletion is DeletionCheck (E5001 for objects that do not exist).
func (im *importer) checkDeletion(b *batch) {
	for _, e := range b.ordered() {
		if !e.persisted() {
			er := im.newError(b.schema.Klass, "E5001", im.params.Identifier, im.ident(b.schema, e.obj, e.uid))
			im.report(b, e, true, er)
		}
	}
}

// checkUIDFormat is UidFormatCheck (E4014) on new objects.
func (im *importer) checkUIDFormat(b *batch) {
	for _, e := range b.ordered() {
		if !e.persisted() && !ValidUID(e.uid) {
			im.report(b, e, true, im.newError(b.schema.Klass, "E4014", e.uid, b.schema.SimpleName()))
		}
	}
}

// checkSchema is SchemaCheck: required properties (E4000), lengths (E4001),
// e-mail (E4003), URL (E4004), password (E4005) and colour (E4006).
func (im *importer) checkSchema(b *batch) {
	for _, e := range im.selected(b) {
		var ers []ErrorReport
		for _, p := range b.schema.Properties {
			if !p.Persisted {
				continue
			}
			ers = append(ers, im.checkProperty(b.schema, p, e)...)
		}
		im.report(b, e, true, ers...)
	}
}

// defaultClasses are the classes whose missing references get the default
// object (Preheat.isDefaultClass), so they never raise E4000.
var defaultClasses = map[string]bool{
	"org.hisp.dhis.category.Category": true, "org.hisp.dhis.category.CategoryCombo": true,
	"org.hisp.dhis.category.CategoryOption": true, "org.hisp.dhis.category.CategoryOptionCombo": true,
	"org.hisp.dhis.dataelement.DataElementCategory": true, "org.hisp.dhis.dataelement.DataElementCategoryCombo": true,
	"org.hisp.dhis.dataelement.DataElementCategoryOption": true, "org.hisp.dhis.dataelement.DataElementCategoryOptionCombo": true,
}

func (im *importer) checkProperty(sc *Schema, p *Property, e *entry) []ErrorReport {
	v, present := e.obj[p.Name]
	if p.Type == Password {
		v, present = e.password, e.password != ""
	}
	if !present || v == nil {
		if p.Required && !p.NonNull && !p.Collection() && !defaultClasses[p.Klass] && p.Name != "id" {
			er := im.newError(sc.Klass, "E4000", p.Name)
			er.ErrorKlass, er.ErrorProperty = p.Klass, p.Name
			return []ErrorReport{er}
		}
		return nil
	}
	s, isStr := v.(string)
	if !isStr || s == "" {
		return nil
	}
	mk := func(code string, args ...any) []ErrorReport {
		er := im.newError(sc.Klass, code, args...)
		er.ErrorKlass, er.ErrorProperty = p.Klass, p.Name
		return []ErrorReport{er}
	}
	n := len([]rune(s))
	if p.Length > 0 && n > p.Length && p.Type != Password {
		return mk("E4001", p.Name, p.Length, n)
	}
	switch p.Type {
	case Email:
		if !emailValid(s) {
			return mk("E4003", p.Name, s)
		}
	case URL:
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			return mk("E4004", p.Name, s)
		}
	case Password:
		if msg := passwordProblem(s, im.usernameOfEntry(e)); msg != "" {
			return mk("E4005", p.Name, msg)
		}
	case Color:
		if !hexColor.MatchString(s) {
			return mk("E4006", p.Name, s)
		}
	}
	return nil
}

var (
	hexColor = regexp.MustCompile(`^#?([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$`)
	emailRE  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func emailValid(s string) bool { return emailRE.MatchString(s) }

// usernameValid mirrors ValidationUtils.usernameIsValid: 4–255 characters of
// letters, digits and - _ . @, not starting or ending with, nor repeating, a
// special character.
func usernameValid(u string) bool {
	if len(u) < 4 || len(u) > 255 {
		return false
	}
	special := func(c byte) bool { return c == '-' || c == '_' || c == '.' || c == '@' }
	for i := 0; i < len(u); i++ {
		c := u[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && !special(c) {
			return false
		}
		if special(c) && (i == 0 || i == len(u)-1 || special(u[i-1])) {
			return false
		}
	}
	return true
}

var passwordDictionary = []string{"user", "admin", "system", "administrator", "username", "password", "login", "manager"}

// passwordProblem applies DHIS2's default password rules (length 8–72, a
// digit, lower and upper case letters, a special character, no dictionary
// word, not containing the username) and returns the failure message.
func passwordProblem(pw, username string) string {
	if n := len(pw); n < 8 || n > 72 {
		return "Password must have at least 8, and at most 72 characters"
	}
	var digit, lower, upper, special bool
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		default:
			special = true
		}
	}
	switch {
	case !digit:
		return "Password must have at least one digit"
	case !upper:
		return "Password must have at least one upper case"
	case !lower:
		return "Password must have at least one lower case"
	case !special:
		return "Password must have at least one special character"
	}
	lp := strings.ToLower(pw)
	for _, w := range passwordDictionary {
		if strings.Contains(lp, w) {
			return "Password must not have any generic word"
		}
	}
	if username != "" && strings.Contains(lp, strings.ToLower(username)) {
		return "Username/Email must not be a part of password"
	}
	return ""
}

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

// checkHooks runs the ObjectBundleHook validations (users, program stages).
func (im *importer) checkHooks(b *batch) {
	switch b.schema.Singular {
	case "user":
		if im.minor() >= 38 {
			for _, e := range im.selected(b) {
				im.report(b, e, true, im.userHookErrors(b.schema, e)...)
			}
		}
	case "programStage":
		for _, e := range im.selected(b) {
			var ers []ErrorReport
			if de := refID(e.obj["nextScheduleDate"]); de != "" && !im.validNextScheduleDate(e.obj, de) {
				ers = append(ers, im.newError(b.schema.Klass, "E6001", e.uid, de))
			}
			if im.minor() >= 35 && refID(e.obj["program"]) == "" && !im.programListsStage(e.uid) {
				ers = append(ers, im.newError(b.schema.Klass, "E4053", e.uid))
			}
			im.report(b, e, true, ers...)
		}
	}
}

// validNextScheduleDate checks ProgramStageObjectBundleHook's rule: the next
// schedule date data element belongs to the stage and has value type DATE.
func (im *importer) validNextScheduleDate(stage Object, de string) bool {
	inStage := false
	for _, it := range asAnyList(stage["programStageDataElements"]) {
		m, _ := it.(map[string]any)
		if refID(m["dataElement"]) == de {
			inStage = true
		}
	}
	var o Object
	if e, ok := im.payload["dataElements"][de]; ok {
		o = e.obj
	} else if so, ok := im.store.lookup("dataElements", de); ok {
		o = so
	}
	return inStage && o != nil && str(o["valueType"]) == "DATE"
}

func (im *importer) programListsStage(stage string) bool {
	pb := im.byPlural["programs"]
	if pb == nil {
		return false
	}
	for _, e := range pb.entries {
		for _, id := range refList(e.obj["programStages"]) {
			if id == stage {
				return true
			}
		}
	}
	return false
}

func (im *importer) usernameOfEntry(e *entry) string { return im.store.usernameOf(e.obj) }

// userHookErrors is UserObjectBundleHook.validate (2.38+).
func (im *importer) userHookErrors(sc *Schema, e *entry) []ErrorReport {
	var ers []ErrorReport
	const klass = "org.hisp.dhis.user.User"
	create := im.params.ImportStrategy == "CREATE"
	username := im.store.usernameOf(e.obj)
	mk := func(code string, args ...any) ErrorReport {
		er := im.newError(klass, code, args...)
		er.ErrorProperty = "username"
		return er
	}
	if create && !ValidUID(e.uid) {
		er := im.newError(klass, "E4014", e.uid, "uid")
		er.ErrorProperty = "uid"
		ers = append(ers, er)
	}
	if create && !usernameValid(username) {
		ers = append(ers, mk("E4049", "username", username))
	}
	if _, taken := im.store.userUIDByUsername(username); create && taken && username != "" {
		ers = append(ers, mk("E4054", "username", username))
	}
	if im.params.ImportStrategy == "UPDATE" && e.existing != nil && username != "" && username != im.store.usernameOf(e.existing) {
		ers = append(ers, mk("E4056", "username", username))
	}
	if len(im.store.userRolesOf(e.obj)) == 0 {
		ers = append(ers, mk("E4055", "username", username))
	}
	return ers
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

var _ = fmt.Sprintf
