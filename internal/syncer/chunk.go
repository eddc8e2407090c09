package syncer

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/transform"
)

// DefaultMaxRequestBytes is the default size limit of one import request
// body: 10 MB, the client_max_body_size of DHIS2's reference nginx setup.
const DefaultMaxRequestBytes = 10 << 20

// chunk is one POST /api/metadata payload, in the destination's shape.
type chunk struct {
	Index   int
	Payload transform.Payload
	Members []objKey        // objects sent in full (type is the destination's plural)
	Partial []objKey        // users sent without their forward references (completed in a later chunk)
	Needs   map[string]bool // UIDs of other chunks this chunk refers to
	Bytes   int
}

// item is one object to send, with what the chunker needs to know.
type item struct {
	key   objKey
	obj   map[string]any
	rank  int // position of the type in the destination's import order
	depth int // org unit depth (parents first)
	size  int // JSON bytes
	pos   int
	refs  []string // UIDs of other items this one refers to
}

// deferrableFrom are types whose forward references DHIS2 itself re-attaches
// after commit (UserObjectBundleHook): users may go in an earlier chunk than
// the org units or categories they point to, sent first without those
// references and completed afterwards.
var deferrableFrom = map[string]bool{"users": true}

// chunker packs a payload into ordered chunks under a size limit, keeping
// together the objects that must travel together.
type chunker struct {
	schemas  *Schemas
	maxBytes int
	warnings []Warning
}

// chunks splits p (destination shape) into ordered payloads of at most
// maxBytes of JSON each. Objects are ordered by the destination's import
// order (org units by depth); an object referring to an object that
// imports later goes in the same chunk (options with their option set,
// stages with their program …), merging whole groups when needed so that
// every reference points to the same or an earlier chunk. A group larger
// than the limit is split by type and then by count, with a warning.
func (ck *chunker) chunks(p transform.Payload) ([]*chunk, error) {
	items, err := ck.items(p)
	if err != nil {
		return nil, err
	}
	units := ck.units(items)
	out := ck.pack(units)
	ck.deferForward(out, items)
	for i, c := range out {
		c.Index = i
	}
	return out, nil
}

func (ck *chunker) items(p transform.Payload) ([]*item, error) {
	depth := orgUnitDepths(p["organisationUnits"])
	var items []*item
	for typ, objs := range p {
		rank := ck.schemas.Rank(typ)
		for _, o := range objs {
			b, err := json.Marshal(o)
			if err != nil {
				return nil, fmt.Errorf("encode %s %s: %w", typ, uidOf(o), err)
			}
			items = append(items, &item{key: objKey{typ, uidOf(o)}, obj: o, rank: rank, depth: depth[uidOf(o)], size: len(b) + 1})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.key.Type != b.key.Type {
			return a.key.Type < b.key.Type
		}
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		return a.key.UID < b.key.UID
	})
	byID := map[string]*item{}
	for i, it := range items {
		it.pos = i
		if it.key.UID != "" {
			byID[it.key.UID] = it
		}
	}
	for _, it := range items {
		seen := map[string]bool{}
		add := func(_, uid string) {
			if o, ok := byID[uid]; ok && o != it && !seen[uid] {
				seen[uid] = true
				it.refs = append(it.refs, uid)
			}
		}
		collectRefs(it.obj, add)
		sharingRefs(it.obj, add) // DHIS2 checks the users and groups sharing names
		sort.Strings(it.refs)
	}
	return items, nil
}

// orgUnitDepths returns the depth of each org unit (from its path, or by
// following parents within the payload).
func orgUnitDepths(ous []map[string]any) map[string]int {
	parent := map[string]string{}
	out := map[string]int{}
	for _, o := range ous {
		id := uidOf(o)
		if path, _ := o["path"].(string); path != "" {
			out[id] = strings.Count(path, "/")
		}
		parent[id] = refID(o["parent"])
	}
	for _, o := range ous {
		id := uidOf(o)
		if _, ok := out[id]; ok {
			continue
		}
		d := 0
		for p, seen := parent[id], map[string]bool{}; p != "" && !seen[p]; p = parent[p] {
			seen[p] = true
			d++
		}
		out[id] = d
	}
	return out
}

// unionFind groups items.
type unionFind []int

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) bool {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return false
	}
	if ra > rb {
		ra, rb = rb, ra
	}
	u[rb] = ra
	return true
}

// units groups items that must share a chunk and orders the groups. A
// unit's position is its first member's; a reference from one unit to a
// later unit merges them, until every reference points backwards.
func (ck *chunker) units(items []*item) [][]*item {
	byID := map[string]*item{}
	for _, it := range items {
		byID[it.key.UID] = it
	}
	uf := make(unionFind, len(items))
	for i := range uf {
		uf[i] = i
	}
	for changed := true; changed; {
		changed = false
		for _, a := range items {
			for _, uid := range a.refs {
				b := byID[uid]
				if deferrableFrom[a.key.Type] && b.pos > a.pos {
					continue
				}
				// The unit of b must not start after the unit of a.
				if uf.find(b.pos) > uf.find(a.pos) && uf.union(a.pos, b.pos) {
					changed = true
				}
			}
		}
	}
	groups := map[int][]*item{}
	var roots []int
	for _, it := range items {
		r := uf.find(it.pos)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], it)
	}
	sort.Ints(roots)
	out := make([][]*item, 0, len(roots))
	for _, r := range roots {
		out = append(out, groups[r])
	}
	return out
}

// pack fills chunks with whole units in order; an oversized unit is split.
func (ck *chunker) pack(units [][]*item) []*chunk {
	var out []*chunk
	cur := &chunk{Payload: transform.Payload{}, Needs: map[string]bool{}}
	flush := func() {
		if len(cur.Members) > 0 {
			out = append(out, cur)
			cur = &chunk{Payload: transform.Payload{}, Needs: map[string]bool{}}
		}
	}
	for _, u := range units {
		size := 0
		for _, it := range u {
			size += it.size
		}
		if cur.Bytes > 0 && cur.Bytes+size > ck.maxBytes {
			flush()
		}
		if size <= ck.maxBytes {
			for _, it := range u {
				cur.add(it)
			}
			continue
		}
		ck.warnings = append(ck.warnings, Warning{Scope: "metadata", Code: "metadata.chunk.split",
			Message: fmt.Sprintf("%d objects that should travel together (%s …) exceed --max-request-bytes=%d: they are split by type and count, so the destination may reject references between the parts; raise the limit if it does", len(u), u[0].key.Type, ck.maxBytes)})
		for _, it := range u {
			if cur.Bytes > 0 && cur.Bytes+it.size > ck.maxBytes {
				flush()
			}
			cur.add(it)
		}
	}
	flush()
	return out
}

func (c *chunk) add(it *item) {
	c.Payload[it.key.Type] = append(c.Payload[it.key.Type], it.obj)
	c.Members = append(c.Members, it.key)
	c.Bytes += it.size
}

// deferForward handles references from users to objects of later chunks:
// the user is sent in its own chunk without them, and again, complete, in
// the chunk of the last object it refers to.
func (ck *chunker) deferForward(chunks []*chunk, items []*item) {
	where := map[string]int{}
	for i, c := range chunks {
		for _, k := range c.Members {
			where[k.UID] = i
		}
	}
	byKey := make(map[objKey]*item, len(items))
	for _, it := range items {
		byKey[it.key] = it
	}
	for i, c := range chunks {
		for _, k := range c.Members {
			for _, uid := range byKey[k].refs {
				if j, ok := where[uid]; ok && j != i {
					c.Needs[uid] = true
				}
			}
		}
	}
	for _, it := range items {
		if !deferrableFrom[it.key.Type] {
			continue
		}
		home := where[it.key.UID]
		last := home
		later := map[string]bool{}
		for _, uid := range it.refs {
			if j := where[uid]; j > home {
				later[uid] = true
				last = max(last, j)
			}
		}
		if last == home {
			continue
		}
		stripped := transform.Clone(it.obj)
		stripRefs(stripped, later)
		replaceObject(chunks[home], it.key, stripped)
		c := chunks[last]
		c.Payload[it.key.Type] = append(c.Payload[it.key.Type], it.obj)
		c.Partial = append(c.Partial, it.key)
		c.Bytes += it.size
		for uid := range later {
			delete(chunks[home].Needs, uid)
		}
	}
}

func replaceObject(c *chunk, k objKey, obj map[string]any) {
	for i, o := range c.Payload[k.Type] {
		if uidOf(o) == k.UID {
			c.Payload[k.Type][i] = obj
			return
		}
	}
}

// stripRefs removes, at any depth, the references to the given UIDs:
// elements of reference collections and single reference properties.
func stripRefs(o map[string]any, drop map[string]bool) {
	for k, v := range o {
		switch x := v.(type) {
		case map[string]any:
			if id, _ := x["id"].(string); id != "" && drop[id] && k != "id" {
				delete(o, k)
				continue
			}
			stripRefs(x, drop)
		case []any:
			kept := x[:0]
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					if id, _ := m["id"].(string); drop[id] {
						continue
					}
					stripRefs(m, drop)
				}
				kept = append(kept, e)
			}
			o[k] = kept
		}
	}
}
