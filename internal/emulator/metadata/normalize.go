package metadata

import (
	"encoding/json"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// legacySharingKeys are the ≤2.40 sharing properties.
var legacySharingKeys = []string{"publicAccess", "externalAccess", "user", "userAccesses", "userGroupAccesses"}

// userCredentialsKeys are copied from a 2.38–2.41 userCredentials DTO onto the user.
var userCredentialsKeys = []string{"username", "userRoles", "disabled", "externalAuth", "openId", "ldapId",
	"accountExpiry", "passwordLastUpdated", "catDimensionConstraints", "cogsDimensionConstraints",
	"lastLogin", "selfRegistered", "invitation", "uuid"}

// normalize turns one input object into the version's native stored shape:
// unknown, read-only and non-persisted properties are dropped (as Jackson +
// Hibernate do), references become {"id": …}, dates are rewritten, and the
// version-specific forms of sharing and user credentials are converted.
func (im *importer) normalize(sc *Schema, raw Object, e *entry) Object {
	in := raw
	switch sc.Singular {
	case "user":
		in = im.preUser(sc, raw, e)
	}
	out := im.store.normalizeObject(sc, in, im.params.Identifier)
	if p, ok := sc.Property("sharing"); ok && p.Persisted {
		if sh := im.sharingFromInput(in); sh != nil {
			out["sharing"] = sh
		} else {
			delete(out, "sharing")
		}
	}
	if im.store.prof.Sharing == profile.SharingLegacy {
		normalizeLegacySharing(out)
	}
	if sc.Singular == "user" {
		im.postUser(out, e)
	}
	if sc.Singular == "organisationUnit" {
		delete(out, "path")
		delete(out, "level")
	}
	if sc.Singular == "eventReport" {
		// EventReportCompatibilityGuard (2.38+): the type follows the data type.
		if _, ok := sc.Property("type"); ok {
			out["type"] = "LINE_LIST"
			if str(raw["dataType"]) == "AGGREGATED_VALUES" {
				out["type"] = "PIVOT_TABLE"
			}
		}
	}
	return out
}

// keepUnpersisted lists writable properties that DHIS2's schema reports as
// not persisted although their setters store them under another field
// (relativePeriods -> rawRelativePeriods or rawPeriods, see periods.go;
// tracked entity filter criteria, …).
var keepUnpersisted = map[string]bool{
	"relativePeriods": true, "enrollmentCreatedPeriod": true, "enrollmentStatus": true, "followup": true,
	"templateUid": true, "notifyParentOrganisationUnitOnly": true, "visualizationPeriodName": true, "updateJobId": true,
}

// keepInput reports whether an input property is stored: known, writable,
// persisted on the owning side (non-owner collections such as
// dataElement.dataElementGroups are ignored, as in DHIS2), or one of the
// setter-backed properties of keepUnpersisted.
func keepInput(p *Property) bool {
	if p.ReadOnly {
		return false
	}
	if p.Name == "id" {
		return true
	}
	if !p.Persisted {
		return keepUnpersisted[p.Name]
	}
	return p.Owner
}

// normalizeObject applies the schema-driven part of normalize.
func (s *Store) normalizeObject(sc *Schema, in Object, identifier string) Object {
	out := make(Object, len(in))
	for k, v := range in {
		p, ok := sc.Property(k)
		if !ok || v == nil || p.ReadOnly || sc.Persisted && !keepInput(p) {
			continue
		}
		if nv, keep := s.normalizeValue(p, v, identifier); keep {
			out[k] = nv
		}
	}
	s.normalizePeriods(sc, in, out)
	return out
}

func (s *Store) normalizeValue(p *Property, v any, identifier string) (any, bool) {
	switch {
	case p.Name == "attributeValues":
		return normalizeAttributeValues(v), true
	case p.Type == Date:
		nv, _ := normalizeDate(v, s.loc)
		return nv, true
	case p.singleRef():
		r := normalizeRef(v)
		return r, r != nil
	case p.Type == Reference && p.Embedded && !p.Collection():
		if m, ok := v.(map[string]any); ok {
			if isc, ok := s.schemas.ByKlass(p.Klass); ok {
				return s.normalizeEmbedded(isc, m, identifier), true
			}
			return deepCopy(m), true
		}
		return nil, false
	case p.Collection():
		items, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]any, 0, len(items))
		var isc *Schema
		if p.Embedded {
			isc, _ = s.schemas.ByKlass(p.ItemKlass)
		}
		for _, it := range items {
			switch {
			case p.ItemType == Reference && !p.Embedded:
				if r := normalizeRef(it); r != nil {
					out = append(out, r)
				}
			case isc != nil:
				if m, ok := it.(map[string]any); ok {
					out = append(out, s.normalizeEmbedded(isc, m, identifier))
				}
			default:
				if it != nil {
					out = append(out, deepCopy(it))
				}
			}
		}
		return out, true
	default:
		return deepCopy(v), true
	}
}

// normalizeEmbedded normalizes an embedded object with its own schema
// (dataSetElements, programStageDataElements, dashboardItems, mapViews…).
func (s *Store) normalizeEmbedded(sc *Schema, in Object, identifier string) Object {
	out := make(Object, len(in))
	for k, v := range in {
		p, ok := sc.Property(k)
		if !ok || v == nil || p.ReadOnly || sc.Persisted && !keepInput(p) {
			continue
		}
		if nv, keep := s.normalizeValue(p, v, identifier); keep {
			out[k] = nv
		}
	}
	s.normalizePeriods(sc, in, out)
	if sc.Identifiable && str(out["id"]) == "" && sc.Persisted {
		out["id"] = NewUID()
	}
	return out
}

// normalizeRef keeps the identifying members of a reference.
func normalizeRef(v any) Object {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if id := str(m["id"]); id != "" {
		return Object{"id": id}
	}
	if c := str(m["code"]); c != "" {
		return Object{"code": c}
	}
	return nil
}

// normalizeAttributeValues keeps {"value", "attribute":{"id"}} items.
func normalizeAttributeValues(v any) []any {
	items, _ := v.([]any)
	out := make([]any, 0, len(items))
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		r := normalizeRef(m["attribute"])
		if r == nil {
			continue
		}
		av := Object{"attribute": r}
		if val, ok := m["value"]; ok && val != nil {
			av["value"] = stringValue(val)
		}
		out = append(out, av)
	}
	return out
}

func stringValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		if t {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}

// resolveCodeRefs turns {"code": …} references into {"id": …} when the code
// is known in the payload or the store (identifier=CODE/AUTO).
func (im *importer) resolveCodeRefs(sc *Schema, o Object) {
	for _, p := range sc.Properties {
		v, ok := o[p.Name]
		if !ok {
			continue
		}
		switch {
		case p.singleRef():
			im.resolveRef(p.Klass, v)
		case p.refList():
			items, _ := v.([]any)
			for _, it := range items {
				im.resolveRef(p.ItemKlass, it)
			}
		case p.Embedded:
			isc, ok := im.store.schemas.ByKlass(p.RefKlass())
			if !ok {
				continue
			}
			if m, ok := v.(map[string]any); ok {
				im.resolveCodeRefs(isc, m)
			} else if items, ok := v.([]any); ok {
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						im.resolveCodeRefs(isc, m)
					}
				}
			}
		}
	}
}

func (im *importer) resolveRef(klass string, v any) {
	m, ok := v.(map[string]any)
	if !ok || str(m["id"]) != "" {
		return
	}
	code := str(m["code"])
	if code == "" {
		return
	}
	sc, ok := im.store.schemas.ByKlass(klass)
	if !ok {
		return
	}
	if uid, ok := im.payloadCode[sc.Plural][code]; ok {
		m["id"] = uid
		delete(m, "code")
		return
	}
	if ts := im.store.types[sc.Plural]; ts != nil {
		if uid, ok := ts.byCode[code]; ok {
			m["id"] = uid
			delete(m, "code")
		}
	}
}

// sharingFromInput returns the sharing object to store, converting legacy
// fields where the version accepts them; nil when the input has none.
func (im *importer) sharingFromInput(in Object) Object {
	mode := im.store.prof.Sharing
	if sh, ok := in["sharing"].(map[string]any); ok && mode != profile.SharingLegacy {
		return normalizeSharing(sh, mode)
	}
	if mode != profile.SharingBoth {
		return nil
	}
	hasLegacy := false
	for _, k := range legacySharingKeys {
		if _, ok := in[k]; ok {
			hasLegacy = true
		}
	}
	if !hasLegacy {
		return nil
	}
	sh := Object{"public": str(in["publicAccess"]), "users": Object{}, "userGroups": Object{}}
	if sh["public"] == "" {
		delete(sh, "public")
	}
	if b, ok := in["externalAccess"].(bool); ok {
		sh["external"] = b
	} else {
		sh["external"] = false
	}
	if owner := refID(in["user"]); owner != "" {
		sh["owner"] = owner
	}
	for _, pair := range []struct{ from, to, idKey string }{
		{"userAccesses", "users", "userUid"}, {"userGroupAccesses", "userGroups", "userGroupUid"},
	} {
		items, _ := in[pair.from].([]any)
		m := sh[pair.to].(Object)
		for _, it := range items {
			a, ok := it.(map[string]any)
			if !ok {
				continue
			}
			if id := accessID(a, pair.idKey); id != "" {
				m[id] = Object{"id": id, "access": str(a["access"])}
			}
		}
	}
	return sh
}

// normalizeSharing keeps the members of DHIS2's Sharing class.
func normalizeSharing(in map[string]any, mode profile.SharingMode) Object {
	sh := Object{"users": Object{}, "userGroups": Object{}}
	if v := str(in["owner"]); v != "" {
		sh["owner"] = v
	}
	if v := str(in["public"]); v != "" {
		sh["public"] = v
	}
	if mode == profile.SharingBoth {
		b, _ := in["external"].(bool)
		sh["external"] = b
	}
	for _, k := range []string{"users", "userGroups"} {
		m, _ := in[k].(map[string]any)
		dst := sh[k].(Object)
		for key, v := range m {
			a, _ := v.(map[string]any)
			id := str(a["id"])
			if id == "" {
				id = key
			}
			dst[id] = Object{"id": id, "access": str(a["access"])}
		}
	}
	return sh
}

// accessID reads the target of a legacy access item: "id", "userUid" /
// "userGroupUid", or a nested "user"/"userGroup" reference.
func accessID(a map[string]any, idKey string) string {
	if id := str(a["id"]); id != "" {
		return id
	}
	if id := str(a[idKey]); id != "" {
		return id
	}
	if id := refID(a["user"]); id != "" && idKey == "userUid" {
		return id
	}
	return refID(a["userGroup"])
}

// normalizeLegacySharing keeps ≤2.35 access items as {"id","access"}.
func normalizeLegacySharing(o Object) {
	for _, pair := range []struct{ key, idKey string }{{"userAccesses", "userUid"}, {"userGroupAccesses", "userGroupUid"}} {
		items, ok := o[pair.key].([]any)
		if !ok {
			continue
		}
		out := make([]any, 0, len(items))
		for _, it := range items {
			a, ok := it.(map[string]any)
			if !ok {
				continue
			}
			if id := accessID(a, pair.idKey); id != "" {
				out = append(out, Object{"id": id, "access": str(a["access"])})
			}
		}
		o[pair.key] = out
	}
}

// preUser merges the version's accepted user forms before normalization:
// on 2.38–2.41 a userCredentials DTO is copied onto the user; the password is
// taken out wherever it is.
func (im *importer) preUser(sc *Schema, raw Object, e *entry) Object {
	in := make(Object, len(raw))
	for k, v := range raw {
		in[k] = v
	}
	if g, ok := raw["userGroups"].([]any); ok {
		e.userRaw, e.hasGroups = g, true
	}
	switch im.store.prof.Users {
	case profile.UserDual:
		if uc, ok := raw["userCredentials"].(map[string]any); ok {
			for _, k := range userCredentialsKeys {
				if v, ok := uc[k]; ok && v != nil {
					in[k] = v
				}
			}
			if pw := str(uc["password"]); pw != "" {
				e.password = pw
			}
		}
		delete(in, "userCredentials")
	case profile.UserNested:
		if uc, ok := raw["userCredentials"].(map[string]any); ok {
			if pw := str(uc["password"]); pw != "" {
				e.password = pw
			}
		}
	}
	if pw := str(in["password"]); pw != "" {
		if _, ok := sc.Property("password"); ok {
			e.password = pw
		}
	}
	delete(in, "password")
	return in
}

// postUser finishes a normalized user: ≤2.37 credentials get an id and lose
// their password.
func (im *importer) postUser(out Object, e *entry) {
	uc, ok := out["userCredentials"].(map[string]any)
	if !ok {
		return
	}
	delete(uc, "password")
	delete(uc, "user")
	delete(uc, "userInfo")
}
