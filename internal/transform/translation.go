package transform

import "fmt"

// Translations: DHIS2 2.36+ rejects an object whose translations hold two
// entries for the same (property, locale); older versions stored such
// duplicates. The canonical form keeps the first entry of each pair, from
// every source.

func translationsUnique() Transform {
	return Transform{
		Name:   "translations-unique",
		Gate:   36,
		Always: true,
		Doc:    "Duplicate translations (same property and locale) are reduced to the first one, anywhere in the payload.",
		Up: func(c *Context, p Payload) error {
			eachTyped(p, func(typ string, obj map[string]any) { c.dedupeTranslations(typ, obj, obj, "") })
			return nil
		},
		Lossy: []Loss{{Type: "*", Property: "translations",
			Reason: "duplicate translations (same property and locale) stored by ≤2.35 keep only their first value"}},
	}
}

// dedupeTranslations walks v (part of top-level object owner) and
// deduplicates every translations array it finds.
func (c *Context) dedupeTranslations(typ string, owner map[string]any, v any, path string) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			child := x[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if k == "translations" {
				if kept, changed := c.uniqueTranslations(typ, owner, asSlice(child), p); changed {
					x[k] = kept
				}
				continue
			}
			c.dedupeTranslations(typ, owner, child, p)
		}
	case []any:
		for i, e := range x {
			c.dedupeTranslations(typ, owner, e, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func (c *Context) uniqueTranslations(typ string, owner map[string]any, ts []any, path string) ([]any, bool) {
	seen := map[[2]string]bool{}
	kept := make([]any, 0, len(ts))
	for _, e := range ts {
		m := asMap(e)
		key := [2]string{str(m, "property"), str(m, "locale")}
		if m != nil && seen[key] {
			c.Warn(typ, owner, path, "duplicate %s translation for locale %q dropped (value %q)", key[0], key[1], str(m, "value"))
			continue
		}
		seen[key] = true
		kept = append(kept, e)
	}
	return kept, len(kept) != len(ts)
}
