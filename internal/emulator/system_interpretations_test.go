package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// vizPayload is a minimal visualization and map to interpret.
const vizPayload = `{"visualizations":[{"id":"VizAnc00001","name":"ANC coverage","type":"COLUMN"}],
"maps":[{"id":"MapAnc00001","name":"ANC map","mapViews":[]}]}`

func TestInterpretationsHTTP(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.41", Users: []emulator.UserSpec{{Username: "bob", Password: "Bob12345!"}}})
	if code, b := sysCall(t, srv, "POST", "/api/metadata", "application/json", vizPayload); code != 200 {
		t.Fatalf("metadata = %d %s", code, b)
	}
	req := srv.Request(t, "POST", "/api/interpretations/visualization/VizAnc00001", strings.NewReader("Coverage is improving"))
	req.Header.Set("Content-Type", "text/plain")
	code, b := send(t, srv, req)
	if code != http.StatusCreated || !strings.Contains(string(b), "Interpretation created") {
		t.Fatalf("create = %d %s", code, b)
	}
	code, m := callJSON(t, srv, "POST", "/api/interpretations/visualization/Missing0001", "text/plain", "x")
	if code != http.StatusConflict || message(m) != "Visualization does not exist or is not accessible: Missing0001" {
		t.Errorf("missing target = %d %v", code, m)
	}
	if code, _ := sysCall(t, srv, "POST", "/api/interpretations/chart/VizAnc00001", "text/plain", "x"); code != http.StatusNotFound {
		t.Errorf("chart target on 2.41 = %d, want 404", code)
	}
	sysCall(t, srv, "POST", "/api/interpretations/map/MapAnc00001", "text/plain", "Map looks right")
	code, list := getJSON(t, srv, "/api/interpretations?fields=id,text,type,createdBy[id],comments[id,text]&filter=type:eq:VISUALIZATION")
	items := list.(map[string]any)["interpretations"].([]any)
	if code != 200 || len(items) != 1 {
		t.Fatalf("list = %d %v", code, list)
	}
	it := items[0].(map[string]any)
	id := it["id"].(string)
	if it["text"] != "Coverage is improving" || it["createdBy"].(map[string]any)["id"] != "M5zQapPyTZI" {
		t.Errorf("interpretation = %v", it)
	}
	req = srv.Request(t, "POST", "/api/interpretations/"+id+"/comments", strings.NewReader("Agreed"))
	req.Header.Set("Content-Type", "text/plain")
	req.SetBasicAuth("bob", "Bob12345!")
	if code, b := send(t, srv, req); code != http.StatusCreated {
		t.Fatalf("comment = %d %s", code, b)
	}
	code, m = callJSON(t, srv, "POST", "/api/interpretations/"+id+"/like", "", "")
	if code != http.StatusCreated || message(m) != "Like added to interpretation" {
		t.Errorf("like = %d %v", code, m)
	}
	if code, _ := sysCall(t, srv, "POST", "/api/interpretations/"+id+"/like", "", ""); code != http.StatusConflict {
		t.Errorf("second like = %d", code)
	}
	_, full := callJSON(t, srv, "GET", "/api/interpretations/"+id, "", "")
	comments := full["comments"].([]any)
	if len(comments) != 1 || full["likes"] != 1.0 || comments[0].(map[string]any)["createdBy"].(map[string]any)["username"] != "bob" {
		t.Errorf("full = %v", full)
	}
	req = srv.Request(t, "PUT", "/api/interpretations/"+id, strings.NewReader("edited"))
	req.Header.Set("Content-Type", "text/plain")
	req.SetBasicAuth("bob", "Bob12345!")
	if code, _ := send(t, srv, req); code != http.StatusForbidden {
		t.Errorf("edit by non-author = %d", code)
	}
	if code, _ := sysCall(t, srv, "DELETE", "/api/interpretations/"+id, "", ""); code != http.StatusNoContent {
		t.Errorf("delete = %d", code)
	}
	c := srv.WriteCounts().System
	if c.InterpretationsCreated != 2 || c.CommentsCreated != 1 || c.InterpretationChanges != 2 {
		t.Errorf("counts = %+v", c)
	}
}

func TestInterpretationTargetsPerVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version, kind string
		exists        bool
	}{{"2.33", "visualization", false}, {"2.33", "chart", true}, {"2.37", "eventVisualization", false}, {"2.38", "eventVisualization", true}} {
		srv := start(t, emulator.Options{Version: tt.version})
		code, _ := sysCall(t, srv, "POST", "/api/interpretations/"+tt.kind+"/Missing0001", "text/plain", "x")
		// An existing route answers 409 for the missing target; an absent one 404.
		if got := code == http.StatusConflict; got != tt.exists {
			t.Errorf("%s %s: %d", tt.version, tt.kind, code)
		}
	}
}
