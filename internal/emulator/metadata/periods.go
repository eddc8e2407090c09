package metadata

import (
	"slices"

	"github.com/d2sync/d2sync/internal/transform"
)

// Relative periods of analytical objects (visualizations, event
// visualizations, event charts and reports, map views, charts, report
// tables, reports), per version:
//
//   - ≤2.38: relativePeriods is an owned RelativePeriods row. Jackson
//     fills the flags the payload leaves out with false and writes every
//     flag back, so the stored object holds every flag of the version.
//   - 2.39: the flags live in a rawRelativePeriods column (not serialised)
//     behind relativePeriods, which the schema no longer marks owned or
//     persisted; DefaultAnalyticalObjectImportHandler.handleRelativePeriods
//     adds the relative periods named in rows, columns and filters.
//     Reports (2.39+) keep the same arrangement.
//   - 2.40+: rawPeriods, an owned list of RelativePeriodEnum names and ISO
//     periods. On import it becomes the relative and ISO periods named in
//     rows, columns and filters, then the true flags of relativePeriods or,
//     without it, the relative entries of the payload's rawPeriods
//     (getRelatives() derives the flags from rawPeriods when relativePeriods
//     is absent, so ISO entries of a payload's rawPeriods are not kept).
//     relativePeriods is computed from rawPeriods on output.

// normalizePeriods applies those rules to an object being stored: in is the
// payload object, out its normalised form.
func (s *Store) normalizePeriods(sc *Schema, in, out Object) {
	rp, ok := sc.Property("relativePeriods")
	if !ok {
		return
	}
	minor := s.schemas.minor
	if raw, ok := sc.Property("rawPeriods"); ok && raw.Persisted {
		list := dimensionPeriods(in, true)
		if flags, ok := in["relativePeriods"].(map[string]any); ok {
			list = appendNew(list, enumsOf(flags, minor)...)
		} else {
			for _, e := range asList(in["rawPeriods"]) {
				if p, _ := e.(string); transform.IsRelativePeriod(p) {
					list = appendNew(list, p)
				}
			}
		}
		out["rawPeriods"] = toAnyList(list)
		delete(out, "relativePeriods")
		return
	}
	flags, has := in["relativePeriods"].(map[string]any)
	var list []string
	if !rp.Persisted && minor >= 39 {
		list = dimensionPeriods(in, false)
	}
	if !has && len(list) == 0 {
		return
	}
	out["relativePeriods"] = flagsObject(appendNew(list, enumsOf(flags, minor)...), minor)
}

// relativePeriodsValue is relativePeriods as DHIS2 2.39+ writes it: derived
// from the stored list (2.40+ rawPeriods) or the stored flags, every flag
// present (all false when none is set). ok is false where DHIS2 stores the
// flags as they are (≤2.38).
func (s *Store) relativePeriodsValue(sc *Schema, o Object) (any, bool) {
	rp, ok := sc.Property("relativePeriods")
	if !ok || rp.Persisted {
		return nil, false
	}
	minor := s.schemas.minor
	if raw, ok := sc.Property("rawPeriods"); ok && raw.Persisted {
		var list []string
		for _, e := range asList(o["rawPeriods"]) {
			if p, _ := e.(string); transform.IsRelativePeriod(p) {
				list = append(list, p)
			}
		}
		return flagsObject(list, minor), true
	}
	flags, _ := o["relativePeriods"].(map[string]any)
	return flagsObject(enumsOf(flags, minor), minor), true
}

// dimensionPeriods returns the period items named in the rows, columns and
// filters of a payload object: relative periods, and ISO periods when iso
// is set (addRawPeriods, 2.40+; 2.39 kept relative periods only).
func dimensionPeriods(in Object, iso bool) []string {
	var out []string
	for _, key := range []string{"rows", "columns", "filters"} {
		for _, d := range asList(in[key]) {
			dim, _ := d.(map[string]any)
			for _, it := range asList(dim["items"]) {
				id := refID(it)
				if transform.IsRelativePeriod(id) || iso && transform.IsISOPeriod(id) {
					out = appendNew(out, id)
				}
			}
		}
	}
	return out
}

// enumsOf lists the RelativePeriodEnum names of the true flags the version
// has, in DHIS2's order.
func enumsOf(flags map[string]any, minor int) []string {
	var out []string
	for _, r := range transform.RelativePeriods(minor) {
		if b, _ := flags[r.Flag].(bool); b {
			out = append(out, r.Enum)
		}
	}
	return out
}

// flagsObject is a RelativePeriods object: every flag of the version, true
// for the listed relative periods.
func flagsObject(enums []string, minor int) map[string]any {
	out := map[string]any{}
	for _, r := range transform.RelativePeriods(minor) {
		out[r.Flag] = slices.Contains(enums, r.Enum)
	}
	return out
}

// appendNew appends the values list does not hold yet.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func toAnyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
