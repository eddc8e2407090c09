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
// baseline is not modified; the transforms also fill the properties the
// destination's version requires and an older source lacks, as DHIS2's
// upgrade migrations do), drops the types and properties the destination
// does not store, and lifts the result back to canonical, so that planning
// and verification compare like with like.
func convertForDest(baseline transform.Payload, dest *Instance) (*conversion, error) {
	v := dest.Version()
	c := &conversion{destShape: transform.Clone(baseline)}
	rep, err := transform.FromCanonical(c.destShape, v)
	if err != nil {
		return nil, fmt.Errorf("convert to the shape of DHIS2 %s: %w", v, err)
	}
	c.warnings = append(c.warnings, summarizeTransformWarnings(rep.Warnings, "to the destination's shape")...)
	c.warnings = append(c.warnings, dropUnknown(c.destShape, dest.Schemas, v)...)
	c.expected = transform.Clone(c.destShape)
	if _, err := transform.ToCanonical(c.expected, v); err != nil {
		return nil, fmt.Errorf("convert DHIS2 %s objects to the canonical shape: %w", v, err)
	}
	return c, nil
}

// dropUnknown removes from p (destination shape) the types and the
// top-level properties the destination does not store
// (transform.DropUnknown over Schemas.KnownProperties) and returns one
// warning per type listing what was dropped.
func dropUnknown(p transform.Payload, ss *Schemas, v dhis2.Version) []Warning {
	known := ss.KnownProperties()
	for typ, props := range known {
		for _, k := range transform.UnownedStoredProperties(v, typ) {
			if props != nil {
				props[k] = true
			}
		}
	}
	for typ, objs := range p {
		if len(objs) == 0 {
			delete(p, typ)
			continue
		}
		props := known[typ]
		for _, o := range objs {
			for k := range silentKeys {
				if _, has := o[k]; has && props != nil && !props[k] {
					delete(o, k)
				}
			}
		}
	}
	var out []Warning
	for _, w := range transform.DropUnknown(p, known) {
		out = append(out, Warning{Scope: "metadata", Code: "metadata.property.unknown",
			Message: fmt.Sprintf("%s: %s (the destination's DHIS2 version does not store them)", w.Type, w.Message)})
	}
	return out
}

// silentKeys are properties the destination sets itself (creator, audit
// fields, links, computed names): when it does not store them they are
// removed without a warning.
var silentKeys = map[string]bool{
	"user": true, "createdBy": true, "lastUpdatedBy": true, "lastUpdated": true, "href": true,
	"access": true, "displayName": true, "displayShortName": true, "displayDescription": true,
	"displayFormName": true, "favorites": true, "favorite": true,
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

// sourceKnown returns, per canonical type, the properties the source's
// version stores. Canonical keys that replace older ones count as known
// when the older key is (sharing for publicAccess, geometry for
// coordinates, user credential fields for userCredentials).
func sourceKnown(ss *Schemas) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, s := range ss.All() {
		typ := canonicalType(s.Plural)
		m := out[typ]
		if m == nil {
			m = map[string]bool{}
			out[typ] = m
		}
		for k := range s.StoredKeys() {
			m[k] = true
			for _, alias := range canonicalKeyAliases[k] {
				m[alias] = true
			}
		}
	}
	return out
}

// canonicalKeyAliases maps older wire keys to the canonical keys that
// carry the same information.
var canonicalKeyAliases = map[string][]string{
	"publicAccess":    {"sharing"},
	"coordinates":     {"geometry"},
	"userCredentials": {"username", "userRoles", "disabled", "externalAuth", "openId", "ldapId", "twoFA", "accountExpiry", "catDimensionConstraints", "cogsDimensionConstraints"},
}
