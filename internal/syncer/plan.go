package syncer

import (
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/transform"
)

// Action is what a run does with one object.
type Action string

// Actions of a plan.
const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionUnchanged Action = "unchanged"
	ActionDelete    Action = "delete"
)

// PlanItem is one object of a plan with the content hashes (SHA-256 of the
// canonical projection) on each side; a hash is empty when the object is
// absent on that side.
type PlanItem struct {
	UID      string `json:"uid"`
	Name     string `json:"name,omitempty"`
	SrcHash  string `json:"sourceHash,omitempty"`
	DestHash string `json:"destHash,omitempty"`
}

// TypePlan is the plan of one metadata type (canonical plural name).
type TypePlan struct {
	Type      string     `json:"type"`
	Create    []PlanItem `json:"create,omitempty"`
	Update    []PlanItem `json:"update,omitempty"`
	Unchanged []PlanItem `json:"unchanged,omitempty"`
	Delete    []PlanItem `json:"delete,omitempty"`
}

// Counts returns the plan's counts (Created/Updated/Deleted/Unchanged) of
// the type.
func (tp *TypePlan) Counts() Counts {
	return Counts{Created: len(tp.Create), Updated: len(tp.Update), Deleted: len(tp.Delete), Unchanged: len(tp.Unchanged)}
}

// Plan says, per type, what a run creates, updates, deletes or leaves as
// it is. A dry run reports it as its preview; a real run then performs
// exactly these counts (less what the destination refuses).
type Plan struct {
	Types []*TypePlan `json:"types"`
}

// Type returns the plan of a type, creating it when absent.
func (p *Plan) Type(typ string) *TypePlan {
	for _, tp := range p.Types {
		if tp.Type == typ {
			return tp
		}
	}
	tp := &TypePlan{Type: typ}
	p.Types = append(p.Types, tp)
	return tp
}

// Totals sums the plan's counts.
func (p *Plan) Totals() Counts {
	var c Counts
	for _, tp := range p.Types {
		c.Add(tp.Counts())
	}
	return c
}

// sendSet returns the UIDs to create or update, per canonical type.
func (p *Plan) sendSet() map[string]bool {
	out := map[string]bool{}
	for _, tp := range p.Types {
		for _, it := range tp.Create {
			out[it.UID] = true
		}
		for _, it := range tp.Update {
			out[it.UID] = true
		}
	}
	return out
}

func (p *Plan) sort() {
	sort.Slice(p.Types, func(i, j int) bool { return p.Types[i].Type < p.Types[j].Type })
	for _, tp := range p.Types {
		for _, s := range [][]PlanItem{tp.Create, tp.Update, tp.Unchanged, tp.Delete} {
			sort.Slice(s, func(i, j int) bool { return s[i].UID < s[j].UID })
		}
	}
}

// comparer decides whether two canonical objects are equal for
// replication purposes.
type comparer struct {
	policy    UsersPolicy
	protected map[string]bool // destination objects never written (the run's own destination user, built-in defaults)
	// srcKnown holds, per canonical type, the properties the source's
	// version stores; a property only the destination has and the source's
	// version does not know is a default of the destination, not a
	// difference. Nil compares every property.
	srcKnown map[string]map[string]bool
}

// hashOf returns the hex SHA-256 of the projection of obj.
func hashOf(typ string, obj map[string]any) string {
	h := transform.Hash(transform.Project(typ, obj))
	return hex.EncodeToString(h[:])
}

// adjust returns the expected object as the destination should hold it
// once the users policy applied: a user the policy created disabled stays
// disabled. want is not modified.
func (c comparer) adjust(typ string, want, have map[string]any) map[string]any {
	if typ == "users" && c.policy == UsersCreateDisabled && have != nil && usersDisabledByPolicy(want, have) {
		w := transform.Clone(want)
		w["disabled"] = true
		return w
	}
	return want
}

// equal reports whether the destination object have already holds want.
// The creation date is compared like any property: DHIS2 takes it from the
// payload on update as on create (IdentifiableObjectBundleHook.preUpdate,
// then the merge), so an update carries the source's.
func (c comparer) equal(typ string, want, have map[string]any) bool {
	w := c.adjust(typ, want, have)
	drop := map[string]bool{}
	for k, v := range have {
		if _, ok := w[k]; !ok && (c.destDefault(typ, k) || looksDefault(v)) {
			drop[k] = true
		}
	}
	w, have = without(w, drop), without(have, drop)
	if ownerFilled(w, have) {
		w, have = withoutOwner(w), withoutOwner(have)
	}
	return hashOf(typ, w) == hashOf(typ, have)
}

// ownerFilled reports whether the destination gave an owner to an object
// the source left without one: DHIS2 makes the importing user the owner.
func ownerFilled(want, have map[string]any) bool {
	ws, _ := want["sharing"].(map[string]any)
	hs, _ := have["sharing"].(map[string]any)
	if hs == nil || hs["owner"] == nil {
		return false
	}
	return ws == nil || ws["owner"] == nil || ws["owner"] == ""
}

// withoutOwner returns o with its sharing owner removed (a copy).
func withoutOwner(o map[string]any) map[string]any {
	sh, ok := o["sharing"].(map[string]any)
	if !ok {
		return o
	}
	c := make(map[string]any, len(o))
	for k, v := range o {
		c[k] = v
	}
	s2 := make(map[string]any, len(sh))
	for k, v := range sh {
		if k != "owner" {
			s2[k] = v
		}
	}
	c["sharing"] = s2
	return c
}

// significant returns the differences between want and have that equal
// does not forgive (destination defaults, an owner the destination filled).
func (c comparer) significant(typ string, want, have map[string]any) []transform.PropertyDiff {
	var out []transform.PropertyDiff
	for _, d := range transform.DiffObjects(typ, want, have) {
		top := d.Path
		if i := strings.IndexAny(top, ".["); i >= 0 {
			top = top[:i]
		}
		if d.Kind == transform.DiffExtra && (c.destDefault(typ, top) || looksDefault(have[top])) {
			continue
		}
		if d.Path == "sharing.owner" && ownerFilled(want, have) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// destDefault reports whether property k of a type is one the source's
// version does not have, so that the destination's value is its own
// default.
func (c comparer) destDefault(typ, k string) bool {
	known, ok := c.srcKnown[typ]
	return ok && !known[k]
}

// looksDefault reports whether a destination value is one DHIS2 gives a
// property nobody set: false, zero, an empty string or collection, the
// NONE/ALWAYS/DEFAULT enum constants, or the default category combination.
// A source object that does not carry the property (DHIS2 exports omit
// unset values) and a destination object that holds such a value agree:
// the import left the property unset and the destination filled in its
// default.
func looksDefault(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == "" || x == "NONE" || x == "ALWAYS" || x == "DEFAULT"
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		if len(x) == 0 {
			return true
		}
		id, _ := x["id"].(string)
		return id == DefaultUIDs["categoryCombos"]
	}
	return false
}

// without returns o without the given top-level keys (o itself when none
// is present).
func without(o map[string]any, keys map[string]bool) map[string]any {
	n := 0
	for k := range keys {
		if _, ok := o[k]; ok {
			n++
		}
	}
	if n == 0 {
		return o
	}
	c := make(map[string]any, len(o))
	for k, v := range o {
		if !keys[k] {
			c[k] = v
		}
	}
	return c
}

// buildPlan compares expected (what the destination can hold of each
// source object: the source after the round trip through the destination's
// shape) with dest (what the destination holds, read back and made
// canonical) for the given types. Objects only on the destination are not
// planned: deletions come from /api/deletedObjects.
func buildPlan(types []string, expected, dest transform.Payload, c comparer) *Plan {
	p := &Plan{}
	for _, typ := range types {
		tp := p.Type(typ)
		have := byUID(dest[typ])
		for _, want := range expected[typ] {
			id := uidOf(want)
			if id == "" {
				continue
			}
			it := PlanItem{UID: id, Name: nameOf(want), SrcHash: hashOf(typ, want)}
			d, ok := have[id]
			switch {
			case !ok:
				tp.Create = append(tp.Create, it)
			case c.protected[id]:
				it.DestHash = hashOf(typ, d)
				tp.Unchanged = append(tp.Unchanged, it)
			case c.equal(typ, want, d):
				it.DestHash = hashOf(typ, d)
				tp.Unchanged = append(tp.Unchanged, it)
			default:
				it.DestHash = hashOf(typ, d)
				tp.Update = append(tp.Update, it)
			}
		}
	}
	p.sort()
	return p
}
