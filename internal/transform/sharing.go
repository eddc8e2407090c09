package transform

import "sort"

// Sharing: ≤2.35 objects carry publicAccess, externalAccess, user (owner),
// userAccesses[] and userGroupAccesses[]; 2.36–2.40 add sharing{} and still
// emit and accept the legacy fields; 2.41+ only bind sharing{} (legacy
// fields are silently ignored, sharing.external is gone). DHIS2-API.md §7.2.

var legacySharingKeys = []string{"publicAccess", "externalAccess", "userAccesses", "userGroupAccesses"}

func sharingObject() Transform {
	return Transform{
		Name: "sharing-object",
		Gate: 36,
		Doc: "Legacy publicAccess/externalAccess/user/userAccesses/userGroupAccesses ↔ sharing{owner,public,external,users,userGroups}. " +
			"Destinations before 2.36 get the legacy fields only.",
		Up:   func(c *Context, p Payload) error { eachTyped(p, c.legacyToSharing); return nil },
		Down: func(c *Context, p Payload) error { eachTyped(p, c.sharingToLegacy); return nil },
		Lossy: []Loss{{
			Type: "*", Property: "user",
			Reason: "before 2.36 the single user field is the sharing owner; the creator (user/createdBy) is replaced by the owner",
		}, {
			Type: "*", Property: "sharing.owner",
			Reason: "before 2.36 the owner is the user field: an object without owner gets its creator as owner",
		}},
	}
}

func sharingLegacyFields() Transform {
	return Transform{
		Name:   "sharing-legacy-fields",
		Gate:   41,
		Always: true,
		Doc: "2.36–2.40 emit the legacy sharing fields next to sharing{}: they are dropped on read (sharing{} wins) and never sent. " +
			"2.41 removed sharing.external, which is pruned when writing to 2.41+.",
		Up:    func(c *Context, p Payload) error { eachTyped(p, c.legacyToSharing); return nil },
		Prune: func(c *Context, p Payload) error { eachTyped(p, c.pruneExternal); return nil },
		Lossy: []Loss{{
			Type: "*", Property: "sharing.external",
			Reason: "DHIS2 2.41 removed external (public web) access from sharing",
		}},
	}
}

// legacyToSharing builds sharing{} from the legacy fields when it is
// absent, then removes the legacy fields. When both exist, sharing{} wins
// (2.36–2.40 compute the legacy fields from it).
func (c *Context) legacyToSharing(typ string, obj map[string]any) {
	has := false
	for _, k := range legacySharingKeys {
		if _, ok := obj[k]; ok {
			has = true
		}
	}
	if !has {
		return
	}
	if sh := asMap(obj["sharing"]); sh != nil {
		if pa, ok := obj["publicAccess"].(string); ok {
			if pub, ok := sh["public"].(string); ok && pub != pa {
				c.Warn(typ, obj, "publicAccess", "legacy publicAccess %q disagrees with sharing.public %q; sharing wins", pa, pub)
			}
		}
	} else {
		obj["sharing"] = buildSharing(obj)
	}
	for _, k := range legacySharingKeys {
		delete(obj, k)
	}
}

func buildSharing(obj map[string]any) map[string]any {
	sh := map[string]any{
		"users":      accessMap(obj["userAccesses"], "user", "userUid"),
		"userGroups": accessMap(obj["userGroupAccesses"], "userGroup", "userGroupUid"),
	}
	if pa, ok := obj["publicAccess"].(string); ok {
		sh["public"] = access8(pa)
	}
	if ea, ok := obj["externalAccess"].(bool); ok {
		sh["external"] = ea
	}
	if owner := refID(obj["user"]); owner != "" {
		sh["owner"] = owner
	}
	return sh
}

// accessMap converts legacy [{id|userUid|user{id}, access}] entries to the
// sharing map form {uid: {id, access}}. Entries without a uid are skipped.
func accessMap(v any, nested, uidKey string) map[string]any {
	out := map[string]any{}
	for _, e := range asSlice(v) {
		m := asMap(e)
		id := str(m, "id")
		if id == "" {
			id = str(m, uidKey)
		}
		if id == "" {
			id = refID(m[nested])
		}
		if id == "" {
			continue
		}
		entry := map[string]any{"id": id}
		if a, ok := m["access"].(string); ok {
			entry["access"] = access8(a)
		}
		out[id] = entry
	}
	return out
}

// sharingToLegacy replaces sharing{} with the ≤2.35 legacy fields.
func (c *Context) sharingToLegacy(typ string, obj map[string]any) {
	raw, present := obj["sharing"]
	if !present {
		return
	}
	delete(obj, "sharing")
	sh := asMap(raw)
	if sh == nil {
		return
	}
	if pub, ok := sh["public"].(string); ok {
		obj["publicAccess"] = access8(pub)
	}
	if ext, ok := sh["external"].(bool); ok {
		obj["externalAccess"] = ext
	}
	if owner, ok := sh["owner"].(string); ok && owner != "" {
		if cur := refID(obj["user"]); cur != "" && cur != owner {
			c.Warn(typ, obj, "user", "creator %s replaced by sharing owner %s (before 2.36 user is the owner)", cur, owner)
		}
		obj["user"] = ref(owner)
	}
	obj["userAccesses"] = accessList(sh["users"], "userUid")
	obj["userGroupAccesses"] = accessList(sh["userGroups"], "userGroupUid")
}

// accessList converts {uid: {id, access}} to the legacy list form, sorted
// by uid: [{id, <uidKey>, access}], the shape ≤2.35 itself exports.
func accessList(v any, uidKey string) []any {
	m := asMap(v)
	out := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		e := asMap(m[k])
		id := str(e, "id")
		if id == "" {
			id = k
		}
		entry := map[string]any{"id": id, uidKey: id}
		if a, ok := e["access"].(string); ok {
			entry["access"] = access8(a)
		}
		out = append(out, entry)
	}
	sort.SliceStable(out, func(i, j int) bool { return refID(out[i]) < refID(out[j]) })
	return out
}

// access8 pads a DHIS2 access string to its 8 characters (positions 1–2
// metadata read/write, 3–4 data read/write, 5–8 unused), e.g. "rw" →
// "rw------". Longer or empty strings are returned unchanged.
func access8(s string) string {
	if s == "" || len(s) >= 8 {
		return s
	}
	return s + "--------"[len(s):]
}

// pruneExternal removes sharing.external (2.41+), warning when it granted
// access.
func (c *Context) pruneExternal(typ string, obj map[string]any) {
	sh := asMap(obj["sharing"])
	if sh == nil {
		return
	}
	v, ok := sh["external"]
	if !ok {
		return
	}
	delete(sh, "external")
	if b, _ := v.(bool); b {
		c.Warn(typ, obj, "sharing.external", "external (public web) access dropped: DHIS2 2.41+ no longer supports it")
	}
}
