package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestIconsPerVersionHTTP(t *testing.T) {
	t.Parallel()
	old := start(t, emulator.Options{Version: "2.40"})
	code, list := getJSON(t, old, "/api/icons?keywords=soap")
	if arr, ok := list.([]any); code != 200 || !ok || len(arr) != 3 || !strings.HasSuffix(arr[0].(map[string]any)["href"].(string), "/icon.svg") {
		t.Errorf("2.40 icons = %d %v", code, list)
	}
	if code, b := sysCall(t, old, "GET", "/api/icons/wash_hands_positive/icon.svg", "", ""); code != 200 || !strings.Contains(string(b), "<svg") {
		t.Errorf("2.40 svg = %d", code)
	}
	if code, _ := sysCall(t, old, "POST", "/api/icons", "application/json", `{"key":"x"}`); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		t.Errorf("2.40 icon POST = %d, want 404/405", code)
	}

	srv := start(t, emulator.Options{Version: "2.41", FileStoreDelay: -1})
	code, b := upload(t, srv, "/api/fileResources?domain=ICON", "clinic.png", "image/png", []byte("\x89PNG\r\n\x1a\nclinic"))
	if code != http.StatusAccepted {
		t.Fatalf("icon upload = %d %s", code, b)
	}
	var up map[string]any
	jsonUnmarshal(b, &up)
	frID := up["response"].(map[string]any)["fileResource"].(map[string]any)["id"].(string)
	code, m := callJSON(t, srv, "POST", "/api/icons", "application/json", `{"key":"clinic","description":"Clinic","keywords":["health"],"fileResourceId":"`+frID+`"}`)
	if code != http.StatusCreated || message(m) != "Icon created with key clinic" {
		t.Fatalf("create icon = %d %v", code, m)
	}
	code, list = getJSON(t, srv, "/api/icons?type=CUSTOM")
	page := list.(map[string]any)
	icons := page["icons"].([]any)
	if code != 200 || len(icons) != 1 || page["pager"] == nil || icons[0].(map[string]any)["fileResource"].(map[string]any)["id"] != frID {
		t.Errorf("custom icons = %d %v", code, list)
	}
	if code, b := sysCall(t, srv, "GET", "/api/icons/clinic/icon", "", ""); code != 200 || !strings.HasSuffix(string(b), "clinic") {
		t.Errorf("icon image = %d %q", code, b)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/icons/clinic/icon.svg", "", ""); code != http.StatusFound {
		t.Errorf("icon.svg on 2.41 = %d, want a redirect", code)
	}
	code, m = callJSON(t, srv, "PUT", "/api/icons/clinic", "application/json", `{"description":"Clinique","keywords":["santé"]}`)
	if code != 200 || message(m) != "Icon with key clinic updated" {
		t.Errorf("update = %d %v", code, m)
	}
	code, m = callJSON(t, srv, "DELETE", "/api/icons/woman_positive", "", "")
	if code != http.StatusBadRequest || message(m) != "Not allowed to delete default icon" {
		t.Errorf("delete default = %d %v", code, m)
	}
	code, m = callJSON(t, srv, "DELETE", "/api/icons/clinic", "", "")
	if code != 200 || message(m) != "Icon with key clinic deleted" {
		t.Errorf("delete = %d %v", code, m)
	}
	if c := srv.WriteCounts().System; c.IconsCreated != 1 || c.IconsUpdated != 1 || c.IconsDeleted != 1 {
		t.Errorf("counts = %+v", c)
	}
}
