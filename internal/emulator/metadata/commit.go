package metadata

import (
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// commit writes the valid entries in schema order (creates, then updates, per
// type) and returns the write events.
func (im *importer) commit() []WriteEvent {
	var evs []WriteEvent
	touched := map[string]bool{}
	for _, b := range im.batches {
		ts := im.store.types[b.schema.Plural]
		if im.params.ImportStrategy == "DELETE" {
			for _, e := range b.entries {
				if e.removed || !e.persisted() {
					continue
				}
				if er, blocked := im.store.deleteBlocked(b.schema, e.uid, im.minor()); blocked {
					im.report(b, e, false, er)
					b.stats.Deleted--
					b.stats.Ignored++
					continue
				}
				im.store.deleteObject(ts, e.uid, im.username)
				im.addClean(b, e)
				evs = append(evs, WriteEvent{Type: b.schema.Plural, UID: e.uid, Action: "DELETE"})
				touched[b.schema.Plural] = true
			}
			continue
		}
		for _, pass := range []bool{false, true} { // creates first, then updates
			for _, e := range b.entries {
				if e.removed || e.persisted() != pass {
					continue
				}
				if pass && im.params.ImportStrategy == "CREATE" || !pass && im.params.ImportStrategy == "UPDATE" {
					continue
				}
				action := "CREATE"
				if pass {
					action = "UPDATE"
				}
				o := im.build(b.schema, e)
				ts.put(e.uid, o)
				im.noteDocumentFile(b.schema, o)
				im.store.syncEmbeddedMetadata(b.schema, o, im.now)
				im.store.mirrorEventVisualization(b.schema, o)
				if e.password != "" {
					im.store.passwords[e.uid] = hashPassword(e.uid, e.password)
				}
				im.addClean(b, e)
				evs = append(evs, WriteEvent{Type: b.schema.Plural, UID: e.uid, Action: action})
				touched[b.schema.Plural] = true
			}
		}
	}
	im.applySingleUserGroups(touched)
	for _, ev := range evs {
		im.store.count(ev.Type, ev.Action)
	}
	im.store.afterCommit(touched)
	return evs
}

// addClean records the (error-free) object report the commit produces.
func (im *importer) addClean(b *batch, e *entry) {
	if _, ok := b.reports[e.index]; !ok {
		b.reports[e.index] = &ObjectReport{Klass: b.schema.Klass, Index: e.index, UID: e.uid, DisplayName: displayNameOf(e.obj)}
	}
}

// build produces the object to store for an entry: REPLACE semantics (the
// payload wins, absent properties get their Java defaults) or MERGE (≤2.40),
// with lastUpdated = now and the importing user as lastUpdatedBy. createdBy
// is kept on update (IdentifiableObjectBundleHook: "CreatedBy field is
// immutable"); created is not: preUpdate runs setAutoFields on the incoming
// object (created = now when the payload has none) and the merge copies it
// onto the stored one, so an update takes created from the payload, or now.
func (im *importer) build(sc *Schema, e *entry) Object {
	o := copyObject(e.obj)
	if e.existing != nil && im.params.MergeMode != "REPLACE" && im.params.MergeMode != "" {
		merged := copyObject(e.existing)
		for k, v := range o {
			merged[k] = v
		}
		o = merged
	}
	o = im.store.withDefaults(sc, o)
	setDefaultReferences(sc, o)
	o["id"] = e.uid
	if e.existing != nil {
		if c, ok := e.obj["created"]; ok && c != nil {
			o["created"] = c
		} else {
			o["created"] = im.now
		}
		if c, ok := e.existing["createdBy"]; ok {
			o["createdBy"] = c
		}
		if _, ok := o["sharing"]; !ok || im.params.SkipSharing {
			if sh, ok := e.existing["sharing"]; ok {
				o["sharing"] = sh
			}
		}
		if im.params.SkipTranslation {
			if tr, ok := e.existing["translations"]; ok {
				o["translations"] = tr
			}
		}
		if uc, ok := o["userCredentials"].(map[string]any); ok {
			if old, ok := e.existing["userCredentials"].(map[string]any); ok && str(old["id"]) != "" {
				uc["id"] = old["id"]
			}
		}
	} else {
		if _, ok := o["created"]; !ok {
			o["created"] = im.now
		}
		if p, ok := sc.Property("createdBy"); ok && p.Persisted {
			o["createdBy"] = ref(im.userUID)
		}
		if _, ok := o["sharing"]; !ok || im.params.SkipSharing {
			im.store.setDefaultSharing(sc, o, im.userUID, "")
		} else if sh, ok := o["sharing"].(map[string]any); ok && str(sh["owner"]) == "" {
			sh["owner"] = im.userUID // a new object is owned by its creator
		}
		if uc, ok := o["userCredentials"].(map[string]any); ok && str(uc["id"]) == "" {
			uc["id"] = credentialsUID(e.uid)
		}
	}
	o["lastUpdated"] = im.now
	if p, ok := sc.Property("lastUpdatedBy"); ok && p.Persisted {
		o["lastUpdatedBy"] = ref(im.userUID)
	}
	if uc, ok := o["userCredentials"].(map[string]any); ok {
		uc["lastUpdated"] = im.now
		if _, ok := uc["created"]; !ok {
			uc["created"] = im.now
		}
	}
	return o
}

// defaultOf maps the default classes to their built-in objects.
var defaultOf = map[string]string{
	"CategoryCombo": DefaultCategoryComboUID, "DataElementCategoryCombo": DefaultCategoryComboUID,
	"Category": DefaultCategoryUID, "DataElementCategory": DefaultCategoryUID,
	"CategoryOption": DefaultCategoryOptionUID, "DataElementCategoryOption": DefaultCategoryOptionUID,
	"CategoryOptionCombo": DefaultCategoryOptionComboUID, "DataElementCategoryOptionCombo": DefaultCategoryOptionComboUID,
}

// setDefaultReferences gives missing references to the category classes the
// built-in default object, as DHIS2's preheat does (a data element without
// categoryCombo gets bjDvmb4bfuf).
func setDefaultReferences(sc *Schema, o Object) {
	for _, p := range sc.Properties {
		if !p.singleRef() || !p.Persisted || !p.Owner || !defaultClasses[p.Klass] {
			continue
		}
		if _, ok := o[p.Name]; ok {
			continue
		}
		simple := p.Klass[strings.LastIndexByte(p.Klass, '.')+1:]
		if uid := defaultOf[simple]; uid != "" {
			o[p.Name] = ref(uid)
		}
	}
}

// setDefaultSharing gives a new shareable object the sharing DHIS2 assigns:
// owner = creating user, public read-write metadata access.
func (s *Store) setDefaultSharing(sc *Schema, o Object, owner, access string) {
	if access == "" {
		access = "rw------"
		if sc.DefaultPrivate {
			access = "--------"
		}
	}
	switch s.prof.Sharing {
	case profile.SharingLegacy:
		if p, ok := sc.Property("publicAccess"); !ok || !p.Persisted {
			return
		}
		if _, ok := o["publicAccess"]; !ok {
			o["publicAccess"] = access
		}
		if _, ok := o["externalAccess"]; !ok {
			o["externalAccess"] = false
		}
		if _, ok := o["user"]; !ok {
			o["user"] = ref(owner)
		}
		for _, k := range []string{"userAccesses", "userGroupAccesses"} {
			if _, ok := o[k]; !ok {
				o[k] = []any{}
			}
		}
	default:
		if p, ok := sc.Property("sharing"); !ok || !p.Persisted {
			return
		}
		sh := Object{"owner": owner, "public": access, "users": Object{}, "userGroups": Object{}}
		if s.prof.Sharing == profile.SharingBoth {
			sh["external"] = false
		}
		o["sharing"] = sh
	}
}

// syncEmbeddedMetadata keeps embedded metadata objects that also have their
// own endpoint (mapViews inside maps) in their type store.
func (s *Store) syncEmbeddedMetadata(sc *Schema, o Object, now string) {
	for _, p := range sc.Properties {
		if !p.Embedded || !p.Collection() {
			continue
		}
		isc, ok := s.schemas.ByKlass(p.ItemKlass)
		if !ok || !isc.Metadata {
			continue
		}
		ts := s.types[isc.Plural]
		if ts == nil {
			continue
		}
		for _, it := range asList(o[p.Name]) {
			m, ok := it.(map[string]any)
			uid := str(m["id"])
			if !ok || uid == "" {
				continue
			}
			cp := copyObject(m)
			if old, ok := ts.objs[uid]; ok {
				cp["created"] = old["created"]
			} else if _, ok := cp["created"]; !ok {
				cp["created"] = now
			}
			cp["lastUpdated"] = now
			ts.put(uid, s.withDefaults(isc, cp))
		}
	}
}

// mirrorEventVisualization stores event reports and event charts also as
// event visualizations from 2.38 on, where both live in the
// eventvisualization table (EventReport.hbm.xml maps it).
func (s *Store) mirrorEventVisualization(sc *Schema, o Object) {
	if sc.Singular != "eventReport" && sc.Singular != "eventChart" {
		return
	}
	ts := s.types["eventVisualizations"]
	if ts == nil {
		return
	}
	ev := s.normalizeObject(ts.schema, o, "UID")
	for _, k := range []string{"id", "created", "lastUpdated", "createdBy", "lastUpdatedBy", "sharing"} {
		if v, ok := o[k]; ok {
			ev[k] = deepCopy(v)
		}
	}
	if _, ok := ev["type"]; !ok {
		ev["type"] = o["type"]
	}
	ts.put(str(o["id"]), s.withDefaults(ts.schema, ev))
}

// applySingleUserGroups applies user.userGroups when exactly one user was
// posted (DHIS2 ignores it otherwise; userGroups.users is the owning side).
func (im *importer) applySingleUserGroups(touched map[string]bool) {
	b := im.byPlural["users"]
	if !im.singleUser || b == nil || len(b.entries) != 1 {
		return
	}
	e := b.entries[0]
	if e.removed || !e.hasGroups {
		return
	}
	want := map[string]bool{}
	for _, id := range refList(e.userRaw) {
		want[id] = true
	}
	groups := im.store.types["userGroups"]
	for gid, g := range groups.objs {
		members := refList(g["users"])
		has := false
		var kept []any
		for _, m := range members {
			if m == e.uid {
				has = true
				continue
			}
			kept = append(kept, ref(m))
		}
		switch {
		case want[gid] && !has:
			g["users"] = append(asAnyList(g["users"]), ref(e.uid))
			touched["userGroups"] = true
		case !want[gid] && has:
			if kept == nil {
				kept = []any{}
			}
			g["users"] = kept
			touched["userGroups"] = true
		}
	}
}

func asAnyList(v any) []any {
	l, _ := v.([]any)
	return l
}

// afterCommit refreshes derived state after writes.
func (s *Store) afterCommit(touched map[string]bool) {
	if touched["organisationUnits"] {
		s.recomputeHierarchy()
	}
	s.gen++
	s.cat = nil
}

// recomputeHierarchy sets path and level of every org unit from the parents.
func (s *Store) recomputeHierarchy() {
	ts := s.types["organisationUnits"]
	if ts == nil {
		return
	}
	var walk func(uid string, depth int) (string, int)
	cache := map[string]string{}
	levels := map[string]int{}
	walk = func(uid string, depth int) (string, int) {
		if p, ok := cache[uid]; ok {
			return p, levels[uid]
		}
		o := ts.objs[uid]
		parent := refID(o["parent"])
		path, level := "/"+uid, 1
		if parent != "" && depth < 100 {
			if _, ok := ts.objs[parent]; ok {
				pp, pl := walk(parent, depth+1)
				path, level = pp+"/"+uid, pl+1
			}
		}
		cache[uid], levels[uid] = path, level
		return path, level
	}
	for uid, o := range ts.objs {
		p, l := walk(uid, 0)
		o["path"] = p
		o["level"] = l
	}
}
