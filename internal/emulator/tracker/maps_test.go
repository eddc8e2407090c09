package tracker

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestBundleFromMapsMatchesDecode builds the same bundle from JSON and
// from generic maps and compares the committed results.
func TestBundleFromMapsMatchesDecode(t *testing.T) {
	t.Parallel()
	payload := basePayload[:len(basePayload)-1] + `,"relationships":[{"relationship":"RelAB000001","relationshipType":"RelTeTe0001",
		"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":"TeBob000001"}}]}`
	var maps map[string][]map[string]any
	if err := json.Unmarshal([]byte(payload), &maps); err != nil {
		t.Fatal(err)
	}
	fromJSON, err := DecodeBundle(strings.NewReader(payload), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	fromMaps, err := BundleFromMaps(maps, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	render := func(b *Bundle) string {
		tb := setup(t)
		r := tb.s.Import(b, tb.cat, ImportParams{User: User{Username: "admin"}})
		if r.Status != "OK" || r.HasErrors() {
			t.Fatalf("import: %s %v", r.Status, codes(r))
		}
		var sb strings.Builder
		tb.s.Snapshot(&sb)
		return sb.String()
	}
	if a, b := render(fromJSON), render(fromMaps); a != b {
		t.Errorf("bundles differ:\n%s\n%s", a, b)
	}
}
