package syncer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/transform"
)

// selection restricts a run to some types, objects or an org unit subtree.
type selection struct {
	types   []string    // canonical plural types asked for
	objects []ObjectRef // objects asked for
	orgUnit string      // root of the org unit subtree
}

func (s selection) active() bool { return len(s.types) > 0 || len(s.objects) > 0 || s.orgUnit != "" }

// sourceTypes returns the source's wire types to read: every replicable
// type, or for --types/--objects the requested ones and the types they
// refer to, transitively (an org unit selection needs every type, since
// any of them may be assigned to the subtree).
func (s selection) sourceTypes(ss *Schemas, all []string) ([]string, error) {
	if len(s.types) == 0 && len(s.objects) == 0 || s.orgUnit != "" {
		return all, nil
	}
	allowed := map[string]bool{}
	for _, t := range all {
		allowed[t] = true
	}
	var start []string
	start = append(start, s.types...)
	for _, o := range s.objects {
		start = append(start, o.Type)
	}
	// Sharing names users and user groups, which DHIS2 checks on import.
	start = append(start, "userGroups", "users")
	need := map[string]bool{}
	var queue []string
	for _, t := range start {
		wire := wireTypes(ss, t)
		if len(wire) == 0 {
			return nil, fmt.Errorf("the source does not have the metadata type %q; see the types it has with d2sync verify", t)
		}
		queue = append(queue, wire...)
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if need[t] || !allowed[t] {
			continue
		}
		need[t] = true
		queue = append(queue, ss.ReferenceTypes(t)...)
		if t == "maps" {
			queue = append(queue, "mapViews")
		}
	}
	var out []string
	for _, t := range all {
		if need[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

// apply keeps in the canonical payload p only the selected objects and
// what they refer to, transitively. For an org unit selection, references
// to org units outside the subtree (and its ancestors) are removed from
// the kept objects first; it returns a warning saying how many.
func (s selection) apply(p transform.Payload) (transform.Payload, []Warning, error) {
	if !s.active() {
		return p, nil, nil
	}
	var warnings []Warning
	start := map[string]bool{}
	for _, t := range s.types {
		for _, o := range p[t] {
			start[uidOf(o)] = true
		}
	}
	idx := indexPayload(p)
	for _, o := range s.objects {
		if idx[o.UID] != canonicalType(o.Type) {
			return nil, nil, fmt.Errorf("the source has no %s object %s", o.Type, o.UID)
		}
		start[o.UID] = true
	}
	if s.orgUnit != "" {
		w, err := s.scopeOrgUnits(p, start)
		if err != nil {
			return nil, nil, err
		}
		warnings = append(warnings, w...)
	}
	keep := closure(p, start)
	out := transform.Payload{}
	for typ, objs := range p {
		for _, o := range objs {
			if keep[uidOf(o)] {
				out[typ] = append(out[typ], o)
			}
		}
	}
	return out, warnings, nil
}

// scopeOrgUnits adds the org units of the subtree and the objects assigned
// to them to start, after removing references to org units outside the
// subtree and its ancestors from every object.
func (s selection) scopeOrgUnits(p transform.Payload, start map[string]bool) ([]Warning, error) {
	ous := byUID(p["organisationUnits"])
	root, ok := ous[s.orgUnit]
	if !ok {
		return nil, fmt.Errorf("the source has no organisation unit %s", s.orgUnit)
	}
	subtree := map[string]bool{}
	for id, o := range ous {
		if path, _ := o["path"].(string); strings.Contains(path, "/"+s.orgUnit) || id == s.orgUnit || hasAncestor(ous, id, s.orgUnit) {
			subtree[id] = true
		}
	}
	allowed := map[string]bool{}
	for id := range subtree {
		allowed[id] = true
	}
	for p := refID(root["parent"]); p != "" && !allowed[p]; p = refID(ous[p]["parent"]) {
		allowed[p] = true
	}
	removed := 0
	outside := func(id string) bool { _, isOU := ous[id]; return isOU && !allowed[id] }
	for typ, objs := range p {
		for _, o := range objs {
			if typ == "organisationUnits" {
				continue
			}
			assigned := false
			collectRefs(o, func(_, uid string) {
				if subtree[uid] {
					assigned = true
				}
			})
			removed += stripRefsFunc(o, outside)
			if assigned {
				start[uidOf(o)] = true
			}
		}
	}
	for id := range subtree {
		start[id] = true
	}
	var out []Warning
	if removed > 0 {
		out = append(out, Warning{Scope: "metadata", Code: "metadata.selection.orgunits",
			Message: fmt.Sprintf("org unit selection %s: removed %d references to org units outside the subtree from the selected objects", s.orgUnit, removed)})
	}
	return out, nil
}

func hasAncestor(ous map[string]map[string]any, id, anc string) bool {
	seen := map[string]bool{}
	for p := refID(ous[id]["parent"]); p != "" && !seen[p]; p = refID(ous[p]["parent"]) {
		if p == anc {
			return true
		}
		seen[p] = true
	}
	return false
}

// stripRefsFunc removes references for which drop returns true from the
// collections and reference properties of o (at any depth) and returns how
// many it removed.
func stripRefsFunc(o map[string]any, drop func(string) bool) int {
	n := 0
	for k, v := range o {
		if refKeysSkipped[k] {
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			if id, _ := x["id"].(string); id != "" && drop(id) {
				delete(o, k)
				n++
				continue
			}
			n += stripRefsFunc(x, drop)
		case []any:
			kept := x[:0]
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					if id, _ := m["id"].(string); id != "" && drop(id) {
						n++
						continue
					}
					n += stripRefsFunc(m, drop)
				}
				kept = append(kept, e)
			}
			o[k] = kept
		}
	}
	return n
}

// closure returns the UIDs reachable from start through references.
func closure(p transform.Payload, start map[string]bool) map[string]bool {
	objs := map[string]map[string]any{}
	for _, list := range p {
		for _, o := range list {
			objs[uidOf(o)] = o
		}
	}
	keep := map[string]bool{}
	queue := make([]string, 0, len(start))
	for id := range start {
		queue = append(queue, id)
	}
	sort.Strings(queue)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if keep[id] {
			continue
		}
		o, ok := objs[id]
		if !ok {
			continue
		}
		keep[id] = true
		visit := func(_, uid string) {
			if !keep[uid] {
				queue = append(queue, uid)
			}
		}
		collectRefs(o, visit)
		sharingRefs(o, visit)
	}
	return keep
}

// sharingRefs calls fn with the users and user groups an object's sharing
// names (owner, entries, and the legacy fields), which DHIS2 checks on
// import.
func sharingRefs(o map[string]any, fn func(prop, uid string)) {
	if sh, ok := o["sharing"].(map[string]any); ok {
		if owner, _ := sh["owner"].(string); owner != "" {
			fn("sharing", owner)
		}
		for _, k := range []string{"users", "userGroups"} {
			if m, ok := sh[k].(map[string]any); ok {
				for id := range m {
					fn("sharing", id)
				}
			}
		}
	}
	for _, k := range []string{"userAccesses", "userGroupAccesses"} {
		for _, e := range asSlice(o[k]) {
			m, _ := e.(map[string]any)
			for _, f := range []string{"id", "userUid", "userGroupUid"} {
				if id, _ := m[f].(string); id != "" {
					fn(k, id)
					break
				}
			}
		}
	}
}
