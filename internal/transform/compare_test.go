package transform

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// loose returns a copy of v where nulls, empty arrays and empty objects are
// removed from objects, false flags from relativePeriods objects (a
// RelativePeriods flag defaults to false) and numbers are normalised text,
// so that two payloads compare equal when DHIS2 would treat them as equal.
func loose(x any) any {
	switch t := x.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			if k == "relativePeriods" {
				e = trueFlags(asMap(e))
			}
			if isEmpty(e) && e != "" {
				continue
			}
			out[k] = loose(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = loose(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = loose(e)
		}
		return out
	case Payload:
		out := map[string]any{}
		for k, objs := range t {
			if len(objs) > 0 {
				out[k] = loose(objs)
			}
		}
		return out
	}
	if s, ok := numberText(x); ok {
		return "#" + s
	}
	return x
}

// trueFlags keeps the true members of a flags object.
func trueFlags(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if b, _ := v.(bool); b {
			out[k] = true
		}
	}
	return out
}

// diffPaths lists the paths where a and b differ (loosely), for messages.
func diffPaths(a, b any, path string, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		ks := make([]string, 0, len(keys))
		for k := range keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			diffPaths(am[k], bm[k], strings.TrimPrefix(path+"."+k, "."), out)
		}
		return
	}
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok && len(as) == len(bs) {
		for i := range as {
			diffPaths(as[i], bs[i], fmt.Sprintf("%s[%d]", path, i), out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, fmt.Sprintf("%s: %s ≠ %s", path, mustJSON(a), mustJSON(b)))
	}
}

// canonicalFixture removes stale pre-2.32 properties that master test
// fixtures still carry (featureType NONE on organisation units without
// geometry), which DHIS2 2.32+ ignores and the transforms drop.
func canonicalFixture(p Payload) Payload {
	eachObject(p, "organisationUnits", func(ou map[string]any) {
		if _, ok := ou["geometry"]; !ok && ou["featureType"] == "NONE" {
			delete(ou, "featureType")
		}
	})
	return p
}

// expectedRoundTrip returns what Down(to) then Up(to) should give for the
// canonical payload canon: canon itself minus the documented losses of
// that version (sharing.external is pruned for 2.41+).
func expectedRoundTrip(canon Payload, to string) Payload {
	want := Clone(canon)
	if v(to).AtLeast(41) {
		eachTyped(want, func(_ string, o map[string]any) { delete(asMap(o["sharing"]), "external") })
	}
	return want
}

// assertLooseEqual fails when want and got differ loosely, listing paths.
func assertLooseEqual(t *testing.T, want, got any) {
	t.Helper()
	lw, lg := loose(want), loose(got)
	if reflect.DeepEqual(lw, lg) {
		return
	}
	var out []string
	diffPaths(lw, lg, "", &out)
	if len(out) > 20 {
		out = append(out[:20], "…")
	}
	t.Errorf("payloads differ:\n  %s", strings.Join(out, "\n  "))
}
