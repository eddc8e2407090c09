package metadata

import (
	"slices"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// ObjectSharing is the sharing of one metadata object as /api/sharing
// reads and writes it (DHIS2's legacy sharing-object format, which the
// endpoint keeps in every version), whatever the version stores.
type ObjectSharing struct {
	Name       string            // the object's name; "" when it has none
	Owner      string            // owner's UID: user (≤2.35) or createdBy (2.36+); "" when none
	Public     string            // public access string; "" when not set
	External   bool              // external access (≤2.40)
	Users      map[string]string // user UID -> access string
	UserGroups map[string]string // user group UID -> access string
}

// Sharing returns the sharing of an object of a shareable type; false
// when the type is not a shareable metadata type or the object does not
// exist.
func (s *Store) Sharing(plural, uid string) (ObjectSharing, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ts := s.types[plural]
	if ts == nil || !ts.schema.Shareable {
		return ObjectSharing{}, false
	}
	o, ok := ts.objs[uid]
	if !ok {
		return ObjectSharing{}, false
	}
	return s.sharingOf(o), true
}

// sharingOf reads an object's sharing from the version's stored shape.
func (s *Store) sharingOf(o Object) ObjectSharing {
	out := ObjectSharing{Name: str(o["name"]), Users: map[string]string{}, UserGroups: map[string]string{}}
	if s.prof.Sharing == profile.SharingLegacy {
		out.Owner, out.Public = refID(o["user"]), str(o["publicAccess"])
		out.External, _ = o["externalAccess"].(bool)
		for key, dst := range map[string]map[string]string{"userAccesses": out.Users, "userGroupAccesses": out.UserGroups} {
			for _, it := range asAnyList(o[key]) {
				if a, ok := it.(map[string]any); ok && str(a["id"]) != "" {
					dst[str(a["id"])] = str(a["access"])
				}
			}
		}
		return out
	}
	sh, _ := o["sharing"].(map[string]any)
	out.Owner, out.Public = refID(o["createdBy"]), str(sh["public"])
	if out.Owner == "" {
		out.Owner = str(sh["owner"])
	}
	out.External, _ = sh["external"].(bool)
	for key, dst := range map[string]map[string]string{"users": out.Users, "userGroups": out.UserGroups} {
		m, _ := sh[key].(map[string]any)
		for id, v := range m {
			a, _ := v.(map[string]any)
			dst[id] = str(a["access"])
		}
	}
	return out
}

// SetSharing replaces an object's public access, external access (≤2.40)
// and user and user group accesses, as SharingController.postSharing does
// once it has checked the request: users and user groups that do not
// exist are dropped, an object without owner gets the importing user,
// lastUpdated and lastUpdatedBy are set (updateNoAcl), and an event
// program's first stage gets the program's sharing and owner
// (syncSharingForEventProgram). Access strings are stored as given; sh's
// Name and Owner are ignored. It returns false when the object does not
// exist or its type is not shareable.
func (s *Store) SetSharing(plural, uid string, sh ObjectSharing, username string) bool {
	s.mu.Lock()
	ts := s.types[plural]
	if ts == nil || !ts.schema.Shareable {
		s.mu.Unlock()
		return false
	}
	old, ok := ts.objs[uid]
	if !ok {
		s.mu.Unlock()
		return false
	}
	user, found := s.userUIDByUsername(username)
	if !found {
		user = AdminUserUID
	}
	sh.Users = s.existing("users", sh.Users)
	sh.UserGroups = s.existing("userGroups", sh.UserGroups)
	o := s.withSharing(ts.schema, old, sh, user)
	ts.put(uid, o)
	evs := []WriteEvent{{Type: plural, UID: uid, Action: "UPDATE"}}
	if stage, ok := s.eventProgramStage(ts.schema, o); ok {
		owner := s.sharingOf(o).Owner
		sc := s.types["programStages"]
		so := s.withSharing(sc.schema, sc.objs[stage], sh, user)
		if owner != "" {
			s.setOwner(so, owner)
		}
		sc.put(stage, so)
		evs = append(evs, WriteEvent{Type: "programStages", UID: stage, Action: "UPDATE"})
	}
	for _, ev := range evs {
		s.count(ev.Type, ev.Action)
	}
	s.afterCommit(map[string]bool{plural: true})
	s.mu.Unlock()
	s.emit(evs)
	return true
}

// existing keeps the accesses of objects of a type that exist.
func (s *Store) existing(plural string, m map[string]string) map[string]string {
	out := map[string]string{}
	for id, access := range m {
		if _, ok := s.lookup(plural, id); ok {
			out[id] = access
		}
	}
	return out
}

// withSharing returns a copy of o with sh's accesses in the version's
// stored shape, the owner set when there was none, and the write stamps.
func (s *Store) withSharing(sc *Schema, o Object, sh ObjectSharing, user string) Object {
	o = copyObject(o)
	if s.prof.Sharing == profile.SharingLegacy {
		setOrDelete(o, "publicAccess", sh.Public)
		o["externalAccess"] = sh.External
		o["userAccesses"] = accessList(sh.Users)
		o["userGroupAccesses"] = accessList(sh.UserGroups)
		if refID(o["user"]) == "" {
			o["user"] = ref(user)
		}
	} else {
		stored, _ := o["sharing"].(map[string]any)
		ns := Object{"users": accessMap(sh.Users), "userGroups": accessMap(sh.UserGroups)}
		if owner := str(stored["owner"]); owner != "" {
			ns["owner"] = owner
		}
		setOrDelete(ns, "public", sh.Public)
		if s.prof.Sharing == profile.SharingBoth {
			ns["external"] = sh.External
		}
		o["sharing"] = ns
		if refID(o["createdBy"]) == "" {
			o["createdBy"] = ref(user)
		}
	}
	o["lastUpdated"] = s.nowString()
	if p, ok := sc.Property("lastUpdatedBy"); ok && p.Persisted {
		o["lastUpdatedBy"] = ref(user)
	}
	return o
}

// setOwner makes owner the owner of o (the stage of an event program
// takes its program's createdBy).
func (s *Store) setOwner(o Object, owner string) {
	if s.prof.Sharing == profile.SharingLegacy {
		o["user"] = ref(owner)
		return
	}
	o["createdBy"] = ref(owner)
}

// eventProgramStage returns the first stage of a program without
// registration (DHIS2 takes the first of its stage set).
func (s *Store) eventProgramStage(sc *Schema, o Object) (string, bool) {
	if sc.Singular != "program" || str(o["programType"]) != "WITHOUT_REGISTRATION" || s.types["programStages"] == nil {
		return "", false
	}
	for _, id := range refList(o["programStages"]) {
		if _, ok := s.types["programStages"].objs[id]; ok {
			return id, true
		}
	}
	return "", false
}

func setOrDelete(o Object, key, v string) {
	if v == "" {
		delete(o, key)
		return
	}
	o[key] = v
}

func accessList(m map[string]string) []any {
	out := make([]any, 0, len(m))
	for _, id := range sortedStringKeys(m) {
		out = append(out, Object{"id": id, "access": m[id]})
	}
	return out
}

func accessMap(m map[string]string) Object {
	out := Object{}
	for id, access := range m {
		out[id] = Object{"id": id, "access": access}
	}
	return out
}

func sortedStringKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
