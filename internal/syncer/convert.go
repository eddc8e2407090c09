package syncer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// canonicalAliases maps deprecated type names to the canonical type their
// objects become (charts and report tables are visualizations from 2.34,
// event charts and reports are event visualizations from 2.38).
var canonicalAliases = map[string]string{
	"charts":       "visualizations",
	"reportTables": "visualizations",
	"eventCharts":  "eventVisualizations",
	"eventReports": "eventVisualizations",
}

// canonicalType returns the canonical plural type of a wire type.
func canonicalType(t string) string {
	if c, ok := canonicalAliases[t]; ok {
		return c
	}
	return t
}

// wireTypes returns the types an instance stores the objects of a
// canonical type under: the type itself when the instance knows it, else
// its deprecated aliases the instance knows.
func wireTypes(ss *Schemas, canonical string) []string {
	if _, ok := ss.ByPlural(canonical); ok {
		return []string{canonical}
	}
	var out []string
	for alias, c := range canonicalAliases {
		if c != canonical {
			continue
		}
		if _, ok := ss.ByPlural(alias); ok {
			out = append(out, alias)
		}
	}
	sort.Strings(out)
	return out
}

// toCanonical lifts p, read from an instance of version v, to the
// canonical shape in place, and returns the transforms' warnings.
func toCanonical(p transform.Payload, v dhis2.Version) ([]transform.Warning, error) {
	rep, err := transform.ToCanonical(p, v)
	if err != nil {
		return nil, fmt.Errorf("convert DHIS2 %s objects to the canonical shape: %w", v, err)
	}
	return rep.Warnings, nil
}

// conversion is the result of bringing the canonical source payload into
// the destination's shape.
type conversion struct {
	destShape transform.Payload // what would be sent, in the destination's wire shape
	expected  transform.Payload // destShape lifted back to canonical: what the destination can hold
	warnings  []Warning
}

// convertForDest lowers the canonical payload for the destination (a copy:
// baseline is not modified), drops the types and properties the
// destination does not know, and lifts the result back to canonical, so
// that planning and verification compare like with like.
func convertForDest(baseline transform.Payload, dest *Instance) (*conversion, error) {
	v := dest.Version()
	c := &conversion{destShape: transform.Clone(baseline)}
	rep, err := transform.FromCanonical(c.destShape, v)
	if err != nil {
		return nil, fmt.Errorf("convert to the shape of DHIS2 %s: %w", v, err)
	}
	c.warnings = append(c.warnings, summarizeTransformWarnings(rep.Warnings, "to the destination's shape")...)
	c.warnings = append(c.warnings, dropUnknown(c.destShape, dest.Schemas)...)
	c.expected = transform.Clone(c.destShape)
	if _, err := transform.ToCanonical(c.expected, v); err != nil {
		return nil, fmt.Errorf("convert DHIS2 %s objects to the canonical shape: %w", v, err)
	}
	return c, nil
}

// dropUnknown removes from p (destination shape) the types and the
// top-level properties the destination's schemas do not know, and returns
// one warning per type listing what was dropped and how often.
func dropUnknown(p transform.Payload, ss *Schemas) []Warning {
	known := ss.KnownProperties()
	var out []Warning
	for _, typ := range sortedTypes(p) {
		props, ok := known[typ]
		if !ok {
			out = append(out, Warning{Scope: "metadata", Code: "metadata.type.unknown",
				Message: fmt.Sprintf("the destination does not know the type %s: %d objects not sent", typ, len(p[typ]))})
			delete(p, typ)
			continue
		}
		dropped := map[string]int{}
		for _, o := range p[typ] {
			for k := range o {
				if !props[k] {
					dropped[k]++
					delete(o, k)
				}
			}
		}
		if len(dropped) > 0 {
			out = append(out, Warning{Scope: "metadata", Code: "metadata.property.unknown",
				Message: fmt.Sprintf("%s: properties unknown to the destination's DHIS2 version dropped: %s", typ, countList(dropped))})
		}
	}
	return out
}

// summarizeTransformWarnings folds per-object transform warnings into one
// report warning per (transform, type, property) with a count and a few
// UIDs.
func summarizeTransformWarnings(ws []transform.Warning, where string) []Warning {
	type key struct{ tr, typ, prop, msg string }
	counts := map[key][]string{}
	var order []key
	for _, w := range ws {
		k := key{w.Transform, w.Type, w.Property, w.Message}
		if _, ok := counts[k]; !ok {
			order = append(order, k)
		}
		counts[k] = append(counts[k], w.ID)
	}
	var out []Warning
	for _, k := range order {
		ids := counts[k]
		sample := ids
		if len(sample) > 3 {
			sample = sample[:3]
		}
		prop := ""
		if k.prop != "" {
			prop = " " + k.prop
		}
		out = append(out, Warning{Scope: "metadata", Code: "metadata.transform." + k.tr,
			Message: fmt.Sprintf("conversion %s (%s): %s%s: %s (%d objects, e.g. %s)", where, k.tr, k.typ, prop, k.msg, len(ids), strings.Join(sample, ", "))})
	}
	return out
}

func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s (%d)", k, m[k])
	}
	return strings.Join(parts, ", ")
}
