package syncer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/transform"
)

// maxPathsPerObject bounds the property paths listed for one object.
const maxPathsPerObject = 20

// verifyInput is what the metadata verification compares.
type verifyInput struct {
	types    []string
	baseline transform.Payload // the source, canonical, after ID mapping and the users policy
	expected transform.Payload // baseline after the round trip through the destination's shape
	dest     transform.Payload // the destination, read back and made canonical
	// full says that dest holds every object of each type (so objects only
	// on the destination are "extra"); partial reads (incremental or
	// selective runs) only check the source's objects.
	full   bool
	cmp    comparer
	losses []transform.Loss
}

// verifyMetadata compares source and destination per type: counts, ID-set
// diff (missing / extra) and content diff on the canonical projection.
// A difference that the destination's version explains (the object after
// the round trip through the destination's shape equals what the
// destination holds) is "documented", with the transform losses that name
// it; anything else is "differ".
func verifyMetadata(in verifyInput) []VerifyItem {
	var items []VerifyItem
	for _, typ := range in.types {
		items = append(items, verifyType(in, typ))
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Type < items[j].Type })
	return items
}

func verifyType(in verifyInput, typ string) VerifyItem {
	it := VerifyItem{Scope: "metadata", Type: typ, Source: len(in.baseline[typ])}
	dest := byUID(in.dest[typ])
	exp := byUID(in.expected[typ])
	seen := map[string]bool{}
	for _, src := range in.baseline[typ] {
		id := uidOf(src)
		seen[id] = true
		d, ok := dest[id]
		if !ok {
			if _, representable := exp[id]; !representable {
				it.Documented++
				it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Name: nameOf(src),
					Note: "the destination's DHIS2 version cannot hold this object (type or shape unknown to it)"})
				continue
			}
			it.Missing++
			it.Details = append(it.Details, VerifyDetail{Kind: "missing", UID: id, Name: nameOf(src)})
			continue
		}
		if !in.full {
			it.Dest++
		}
		classify(in, typ, &it, src, exp[id], d)
	}
	if in.full {
		it.Dest = len(in.dest[typ])
		for _, d := range in.dest[typ] {
			if id := uidOf(d); !seen[id] {
				if in.cmp.protected[id] {
					// e.g. a dedicated destination user, as recommended.
					it.Documented++
					it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Name: nameOf(d),
						Note: "only on the destination, on purpose: the destination user d2sync signs in as, or a built-in default object"})
					continue
				}
				it.Extra++
				it.Details = append(it.Details, VerifyDetail{Kind: "extra", UID: id, Name: nameOf(d)})
			}
		}
	}
	return it
}

// classify compares one object present on both sides.
func classify(in verifyInput, typ string, it *VerifyItem, src, exp, dst map[string]any) {
	id := uidOf(src)
	if hashOf(typ, src) == hashOf(typ, dst) {
		it.Match++
		return
	}
	diffs := transform.DiffObjects(typ, src, dst)
	switch {
	case exp != nil && in.cmp.equal(typ, exp, dst):
		it.Documented++
		it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Name: nameOf(src), Paths: diffPaths(diffs),
			Note: explain(in, typ, diffs, src, dst)})
	case in.cmp.protected[id]:
		it.Documented++
		it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Name: nameOf(src), Paths: diffPaths(diffs),
			Note: "not modified on purpose: built-in default object or the destination user d2sync signs in as"})
	default:
		want := src
		if exp != nil {
			want = in.cmp.adjust(typ, exp, dst)
		}
		it.Differ++
		it.Details = append(it.Details, VerifyDetail{Kind: "differ", UID: id, Name: nameOf(src),
			Paths: diffPaths(in.cmp.significant(typ, want, dst))})
	}
}

// explain names why a documented difference exists: the transform losses
// that cover its paths, the users policy, or the destination's version.
func explain(in verifyInput, typ string, diffs []transform.PropertyDiff, src, dst map[string]any) string {
	reasons := map[string]bool{}
	for _, d := range diffs {
		if l, ok := transform.Documented(d, in.losses); ok {
			reasons[l.Property+": "+l.Reason] = true
			continue
		}
		top := d.Path
		if i := strings.IndexAny(top, ".["); i >= 0 {
			top = top[:i]
		}
		if d.Kind == transform.DiffExtra && in.cmp.destDefault(typ, top) {
			reasons[top+": set by the destination (the source's DHIS2 version has no such property)"] = true
			continue
		}
		if d.Kind == transform.DiffExtra && looksDefault(dst[top]) {
			reasons[top+": the destination's default value (the source object leaves it unset)"] = true
			continue
		}
		if d.Path == "sharing.owner" && ownerFilled(src, dst) {
			reasons["sharing.owner: the source object has no owner, so the destination made the importing user its owner"] = true
			continue
		}
		if typ == "users" && d.Path == "disabled" && usersDisabledByPolicy(src, dst) {
			reasons["disabled: created disabled by the users policy (create-disabled); enable it once its password is handed over"] = true
			continue
		}
		reasons[d.Path+": the destination's DHIS2 version does not store it in this form (dropped or rewritten when converting to its shape; see the warnings)"] = true
	}
	out := make([]string, 0, len(reasons))
	for r := range reasons {
		out = append(out, r)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func diffPaths(ds []transform.PropertyDiff) []string {
	var out []string
	for i, d := range ds {
		if i == maxPathsPerObject {
			out = append(out, fmt.Sprintf("… %d more", len(ds)-i))
			break
		}
		out = append(out, d.Path)
	}
	return out
}
