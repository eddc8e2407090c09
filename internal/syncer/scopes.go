package syncer

import (
	"slices"
	"strings"
)

// Scopes of the data stages. ScopeAll stands for metadata, data, tracker
// and system, in that order.
const (
	ScopeData    = "data"
	ScopeTracker = "tracker"
	ScopeAll     = "all"
)

// scopeOrder is the order stages run in (system last: interpretations
// need the analytics objects, and its not-replicable counts the other
// scopes' verification): data needs the metadata, tracker
// data needs both (org units, programs, category option combos).
var scopeOrder = []string{ScopeMetadata, ScopeData, ScopeTracker, ScopeSystem}

// expandScopes replaces "all", removes duplicates and puts the known
// scopes in their run order; unknown scopes are kept (at the end) for
// the validation to name them.
func expandScopes(in []string) []string {
	set := map[string]bool{}
	var unknown []string
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case s == "":
		case s == ScopeAll:
			for _, k := range scopeOrder {
				set[k] = true
			}
		case slices.Contains(scopeOrder, s):
			set[s] = true
		default:
			unknown = append(unknown, s)
		}
	}
	var out []string
	for _, k := range scopeOrder {
		if set[k] {
			out = append(out, k)
		}
	}
	return append(out, unknown...)
}

// ValidScope reports whether s names a scope (metadata, data, tracker,
// system or all).
func ValidScope(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == ScopeAll || slices.Contains(scopeOrder, s)
}

// ValidUID reports whether s is a DHIS2 UID: 11 characters, a letter then
// letters or digits.
func ValidUID(s string) bool { return validUID(s) }
