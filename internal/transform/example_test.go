package transform_test

import (
	"fmt"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// Lowering a canonical payload (as the seed generator builds it) for an
// older destination: sharing{} becomes the legacy fields and user
// credentials move into userCredentials.
func ExampleFromCanonical() {
	p := transform.Payload{
		"users": {{"id": "xE7jOejl9FI", "username": "admin", "userRoles": []any{map[string]any{"id": "yrB6vc5Ip3r"}}}},
		"dataElements": {{"id": "fbfJHSPpUQD", "name": "ANC 1st visit",
			"sharing": map[string]any{"owner": "xE7jOejl9FI", "public": "rw------", "users": map[string]any{}, "userGroups": map[string]any{}}}},
	}
	rep, err := transform.FromCanonical(p, dhis2.MustParseVersion("2.35"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Applied)
	fmt.Println(p["dataElements"][0]["publicAccess"], p["dataElements"][0]["user"])
	fmt.Println(p["users"][0]["userCredentials"].(map[string]any)["username"])
	// Output:
	// [down:relative-periods down:event-visualizations down:user-credentials down:visualization-legend down:sharing-object]
	// rw------ map[id:xE7jOejl9FI]
	// admin
}

// Comparing a source object with its copy on the destination: the
// destination's rewrites (lastUpdated, href, display names, reference
// names) are ignored, a real change is reported with its path, and a
// change explained by a documented loss of the versions involved is told
// apart from an error.
func ExampleDiffObjects() {
	src := map[string]any{"id": "fbfJHSPpUQD", "name": "ANC 1st visit", "lastUpdated": "2024-01-01T00:00:00.000",
		"sharing": map[string]any{"public": "rw------", "external": true}}
	dst := map[string]any{"id": "fbfJHSPpUQD", "name": "ANC first visit", "lastUpdated": "2026-05-05T10:00:00.000",
		"href": "https://dest/api/dataElements/fbfJHSPpUQD", "sharing": map[string]any{"public": "rw------"}}
	losses := transform.LossesBetween(dhis2.MustParseVersion("2.40"), dhis2.MustParseVersion("2.42"))
	for _, d := range transform.DiffObjects("dataElements", src, dst) {
		_, documented := transform.Documented(d, losses)
		fmt.Println(d, "documented:", documented)
	}
	// Output:
	// name changed: "ANC 1st visit" → "ANC first visit" documented: false
	// sharing.external missing: true → null documented: true
}
