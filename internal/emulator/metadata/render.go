package metadata

import (
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// renderCtx carries per-request output options.
type renderCtx struct {
	baseURL         string // server root, e.g. "http://127.0.0.1:8080" (href = baseURL + "/api" + endpoint + "/" + id)
	excludeDefaults bool   // defaults=EXCLUDE: drop references to the built-in default objects
	skipSharing     bool
	inverse         map[string]map[string][]any // cache: "plural.prop" -> target uid -> refs
}

var sharingOutputKeys = []string{"user", "publicAccess", "userGroupAccesses", "userAccesses", "externalAccess", "sharing"}

// render returns the JSON map of o for the selections (nil values omitted).
func (s *Store) render(rc *renderCtx, sc *Schema, o Object, sels []selection) map[string]any {
	out := make(map[string]any, len(sels))
	for _, sel := range sels {
		p := sel.prop
		if rc.skipSharing && isSharingKey(p.Name) {
			continue
		}
		v, ok := s.valueOf(rc, sc, o, p)
		if !ok || v == nil {
			continue
		}
		v, ok = s.shapeValue(rc, p, v, sel.children)
		if !ok {
			continue
		}
		key, v := applyTransformers(p.Name, v, sel.transformers)
		out[key] = v
	}
	return out
}

func isSharingKey(k string) bool {
	for _, x := range sharingOutputKeys {
		if x == k {
			return true
		}
	}
	return false
}

// shapeValue renders a property value: references as {"id"} unless a
// sub-selection asks for more, embedded objects fully or per sub-selection.
func (s *Store) shapeValue(rc *renderCtx, p *Property, v any, children []*fieldNode) (any, bool) {
	switch {
	case p.singleRef():
		id := refID(v)
		if id == "" {
			return nil, false
		}
		if rc.excludeDefaults && isDefaultUID(id) {
			return nil, false
		}
		return s.renderRef(rc, p.Klass, id, children), true
	case p.refList():
		items, _ := v.([]any)
		out := make([]any, 0, len(items))
		for _, it := range items {
			id := refID(it)
			if id == "" || rc.excludeDefaults && isDefaultUID(id) {
				continue
			}
			out = append(out, s.renderRef(rc, p.ItemKlass, id, children))
		}
		return out, true
	case p.Embedded:
		isc, _ := s.schemas.ByKlass(p.RefKlass())
		if p.Collection() {
			items, _ := v.([]any)
			out := make([]any, 0, len(items))
			for _, it := range items {
				out = append(out, s.renderEmbedded(rc, isc, it, children))
			}
			return out, true
		}
		return s.renderEmbedded(rc, isc, v, children), true
	default:
		if children != nil {
			if m, ok := v.(map[string]any); ok {
				return selectKeys(m, children), true
			}
		}
		return deepCopy(v), true
	}
}

// renderRef renders a reference: {"id"} by default, or the referenced object
// with the sub-selection.
func (s *Store) renderRef(rc *renderCtx, klass, id string, children []*fieldNode) any {
	if len(children) == 0 {
		return map[string]any{"id": id}
	}
	sc, ok := s.schemas.ByKlass(klass)
	if !ok {
		return map[string]any{"id": id}
	}
	o, ok := s.lookup(sc.Plural, id)
	if !ok {
		if sc.Singular == "user" || strings.HasSuffix(klass, ".User") {
			return map[string]any{"id": id}
		}
		return map[string]any{"id": id}
	}
	return s.render(rc, sc, o, resolveFields(sc, children))
}

func (s *Store) renderEmbedded(rc *renderCtx, isc *Schema, v any, children []*fieldNode) any {
	m, ok := v.(map[string]any)
	if !ok {
		return deepCopy(v)
	}
	if isc == nil {
		if children != nil {
			return selectKeys(m, children)
		}
		return deepCopy(m)
	}
	if children == nil {
		// all stored members, references kept as {"id"}
		out := make(map[string]any, len(m))
		for k, x := range m {
			p, ok := isc.Property(k)
			if !ok {
				out[k] = deepCopy(x)
				continue
			}
			if y, ok := s.shapeValue(rc, p, x, nil); ok {
				out[k] = y
			}
		}
		return out
	}
	return s.render(rc, isc, m, resolveFields(isc, children))
}

// selectKeys applies a sub-selection to a plain JSON object (geometry, style…).
func selectKeys(m map[string]any, children []*fieldNode) map[string]any {
	out := map[string]any{}
	all := false
	for _, c := range children {
		if c.name == "*" || c.name == ":all" || c.name == ":owner" {
			all = true
		}
	}
	for k, v := range m {
		if all {
			out[k] = deepCopy(v)
		}
	}
	for _, c := range children {
		if c.exclude {
			delete(out, c.name)
			continue
		}
		if v, ok := m[c.name]; ok {
			if sub, isMap := v.(map[string]any); isMap && c.children != nil {
				out[c.name] = selectKeys(sub, c.children)
			} else {
				out[c.name] = deepCopy(v)
			}
		}
	}
	return out
}

// valueOf returns the stored or computed value of a property.
func (s *Store) valueOf(rc *renderCtx, sc *Schema, o Object, p *Property) (any, bool) {
	if p.Name == "relativePeriods" {
		if v, ok := s.relativePeriodsValue(sc, o); ok {
			return v, true
		}
	}
	if v, ok := o[p.Name]; ok && !(p.Persisted && !p.Owner && p.Collection()) {
		return v, true
	}
	uid := str(o["id"])
	switch p.Name {
	case "displayName":
		return displayNameOf(o), true
	case "name":
		if sc.Singular == "user" {
			return displayNameOf(o), true
		}
	case "displayShortName":
		return o["shortName"], o["shortName"] != nil
	case "displayDescription":
		return o["description"], o["description"] != nil
	case "displayFormName":
		if f, ok := o["formName"]; ok {
			return f, true
		}
		return displayNameOf(o), true
	case "href":
		if rc.baseURL == "" || sc.RelativeAPIEndpoint == "" {
			return nil, false
		}
		return rc.baseURL + "/api" + sc.RelativeAPIEndpoint + "/" + uid, true
	case "access":
		return fullAccess(sc), true
	case "favorite":
		return false, true
	case "dimensionItem":
		return uid, true
	case "optionSetValue":
		return o["optionSet"] != nil, true
	case "leaf":
		return len(s.inverseRefs(rc, sc, "children", uid)) == 0, true
	case "userCredentials":
		if s.prof.Users == profile.UserDual && sc.Singular == "user" {
			return s.credentialsDTO(o), true
		}
	}
	if s.prof.Sharing == profile.SharingBoth {
		if v, ok := legacySharingValue(o, p.Name); ok {
			return v, true
		}
	}
	if p.Persisted && !p.Owner && p.Collection() {
		return s.inverseRefs(rc, sc, p.Name, uid), true
	}
	if p.Default != "" && !p.Persisted {
		return jsonValue(p.Default), true
	}
	return nil, false
}

func fullAccess(sc *Schema) map[string]any {
	a := map[string]any{"manage": true, "externalize": true, "write": true, "read": true, "update": true, "delete": true}
	if sc.DataShareable {
		a["data"] = map[string]any{"write": true, "read": true}
	}
	return a
}

// legacySharingValue computes the ≤2.40 sharing fields from sharing{}.
func legacySharingValue(o Object, name string) (any, bool) {
	sh, ok := o["sharing"].(map[string]any)
	if !ok {
		return nil, false
	}
	switch name {
	case "publicAccess":
		return sh["public"], sh["public"] != nil
	case "externalAccess":
		b, _ := sh["external"].(bool)
		return b, true
	case "user":
		if owner := str(sh["owner"]); owner != "" {
			return ref(owner), true
		}
	case "userAccesses", "userGroupAccesses":
		key, idKey := "users", "userUid"
		if name == "userGroupAccesses" {
			key, idKey = "userGroups", "userGroupUid"
		}
		m, _ := sh[key].(map[string]any)
		out := make([]any, 0, len(m))
		for _, id := range sortedKeys(m) {
			a, _ := m[id].(map[string]any)
			out = append(out, map[string]any{"id": id, idKey: id, "access": a["access"]})
		}
		return out, true
	}
	return nil, false
}

// credentialsDTO builds the 2.38–2.41 userCredentials compatibility object.
func (s *Store) credentialsDTO(u Object) map[string]any {
	dto := map[string]any{"id": u["id"], "twoFA": false}
	cs, ok := s.schemas.BySingular("userCredentials")
	if !ok {
		return dto
	}
	for _, p := range cs.Properties {
		if p.WriteOnly || p.Name == "id" {
			continue
		}
		if v, ok := u[p.Name]; ok {
			dto[p.Name] = deepCopy(v)
		}
	}
	return dto
}

// inverseRefs computes a non-owner collection (e.g. dataElement.dataElementGroups)
// from the owning side.
func (s *Store) inverseRefs(rc *renderCtx, sc *Schema, prop, uid string) []any {
	key := sc.Plural + "." + prop
	if rc.inverse == nil {
		rc.inverse = map[string]map[string][]any{}
	}
	idx, ok := rc.inverse[key]
	if !ok {
		idx = s.buildInverse(sc, prop)
		rc.inverse[key] = idx
	}
	if refs := idx[uid]; refs != nil {
		return refs
	}
	return []any{}
}

// inverseOverrides names the owning property for inverse collections the
// schema alone cannot decide.
var inverseOverrides = map[string]string{
	"organisationUnits.children":           "parent",
	"categoryCombos.categoryOptionCombos":  "categoryCombo",
	"categoryOptions.categoryOptionCombos": "categoryOptions",
}

func (s *Store) buildInverse(sc *Schema, prop string) map[string][]any {
	idx := map[string][]any{}
	p, ok := sc.Property(prop)
	if !ok {
		return idx
	}
	if p.Embedded {
		return s.buildEmbeddedInverse(sc, p)
	}
	target, ok := s.schemas.ByKlass(p.RefKlass())
	if !ok || s.types[target.Plural] == nil {
		return idx
	}
	owner := inverseOverrides[sc.Plural+"."+prop]
	if owner == "" {
		owner = s.owningProperty(sc, target)
	}
	q, ok := target.Property(owner)
	if !ok {
		return idx
	}
	ts := s.types[target.Plural]
	for _, ouid := range ts.sortedUIDs() {
		o := ts.objs[ouid]
		for _, id := range refsOf(q, o[q.Name]) {
			idx[id] = append(idx[id], ref(ouid))
		}
	}
	return idx
}

// buildEmbeddedInverse computes a non-owner collection of embedded items
// (dataElement.dataSetElements): the items of the owning type's collection
// of the same class whose reference points at the object.
func (s *Store) buildEmbeddedInverse(sc *Schema, p *Property) map[string][]any {
	idx := map[string][]any{}
	isc, ok := s.schemas.ByKlass(p.ItemKlass)
	if !ok {
		return idx
	}
	var back string
	for _, q := range isc.Properties {
		if q.singleRef() && q.Klass == sc.Klass {
			back = q.Name
		}
	}
	if back == "" {
		return idx
	}
	for _, owner := range s.schemas.Metadata() {
		ts := s.types[owner.Plural]
		if ts == nil || owner == sc {
			continue
		}
		for _, q := range owner.Properties {
			if !q.Owner || !q.Embedded || !q.Collection() || q.ItemKlass != p.ItemKlass {
				continue
			}
			for _, ouid := range ts.sortedUIDs() {
				for _, it := range asAnyList(ts.objs[ouid][q.Name]) {
					m, _ := it.(map[string]any)
					if id := refID(m[back]); id != "" {
						idx[id] = append(idx[id], m)
					}
				}
			}
		}
	}
	return idx
}

func refsOf(q *Property, v any) []string {
	if q.Collection() {
		return refList(v)
	}
	if id := refID(v); id != "" {
		return []string{id}
	}
	return nil
}

// owningProperty finds the owner-side property of target that refers to sc.
func (s *Store) owningProperty(sc, target *Schema) string {
	var cands []string
	for _, q := range target.Properties {
		if !q.Persisted || !q.Owner || q.Embedded || q.RefKlass() != sc.Klass || userRefProps[q.Name] {
			continue
		}
		cands = append(cands, q.Name)
	}
	if len(cands) == 1 {
		return cands[0]
	}
	for _, c := range cands {
		if c == sc.Plural || c == sc.Singular {
			return c
		}
	}
	return ""
}
