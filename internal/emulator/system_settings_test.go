package emulator_test

import (
	"net/http"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestSystemSettingsHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version     string
		missingCode int
		missingMsg  string
	}{
		{"2.36", http.StatusOK, ""},
		{"2.41", http.StatusNotFound, "Setting does not exist or is marked as confidential"},
		{"2.42", http.StatusNotFound, "Setting does not exist: keyNope"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: tt.version})
			code, m := callJSON(t, srv, "POST", "/api/systemSettings/applicationTitle?value=SNIS%20Yamoro", "", "")
			if code != 200 || message(m) != "System setting 'applicationTitle' set to value 'SNIS Yamoro'." || m["status"] != "OK" {
				t.Fatalf("set = %d %v", code, m)
			}
			code, m = callJSON(t, srv, "POST", "/api/systemSettings/keyApplicationIntro", "text/plain", "Bienvenue")
			if code != 200 {
				t.Fatalf("text body = %d %v", code, m)
			}
			code, m = callJSON(t, srv, "POST", "/api/systemSettings", "application/json", `{"keyEmailPort":2525,"keyEmailPassword":"secret","keyUiLocale":"fr"}`)
			if code != 200 || message(m) != "System settings imported" {
				t.Fatalf("bulk = %d %v", code, m)
			}
			code, all := getJSON(t, srv, "/api/systemSettings")
			s := all.(map[string]any)
			if code != 200 || s["applicationTitle"] != "SNIS Yamoro" || s["keyEmailPort"] != 2525.0 || s["keyUiLocale"] != "fr" || len(s) < 60 {
				t.Errorf("all settings = %d, %d keys, title %v port %v", code, len(s), s["applicationTitle"], s["keyEmailPort"])
			}
			if _, leaked := s["keyEmailPassword"]; leaked {
				t.Error("confidential setting returned")
			}
			code, one := callJSON(t, srv, "GET", "/api/systemSettings/keyApplicationIntro", "", "")
			if code != 200 || one["keyApplicationIntro"] != "Bienvenue" {
				t.Errorf("one = %d %v", code, one)
			}
			code, sel := callJSON(t, srv, "GET", "/api/systemSettings?key=applicationTitle&key=keyUiLocale", "", "")
			if code != 200 || len(sel) != 2 {
				t.Errorf("selection = %d %v", code, sel)
			}
			code, m = callJSON(t, srv, "GET", "/api/systemSettings/keyNope", "", "")
			if code != tt.missingCode || tt.missingMsg != "" && message(m) != tt.missingMsg {
				t.Errorf("missing key = %d %v", code, m)
			}
			if code, _ := sysCall(t, srv, "DELETE", "/api/systemSettings/keyApplicationIntro", "", ""); code != http.StatusNoContent {
				t.Errorf("delete = %d", code)
			}
			if n := srv.WriteCounts().System.SettingsSet; n != 6 {
				t.Errorf("settings writes counted = %d, want 6", n)
			}
		})
	}
}

func TestSystemSettingsAuthority(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40", Users: []emulator.UserSpec{{Username: "reader", Password: "Reader123!"}}})
	req := srv.Request(t, "POST", "/api/systemSettings/applicationTitle?value=x", nil)
	req.SetBasicAuth("reader", "Reader123!")
	if code, _ := send(t, srv, req); code != http.StatusForbidden {
		t.Errorf("write without F_SYSTEM_SETTING = %d, want 403", code)
	}
	req = srv.Request(t, "GET", "/api/systemSettings/applicationTitle", nil)
	req.SetBasicAuth("reader", "Reader123!")
	req.Header.Set("Accept", "text/plain")
	if code, b := send(t, srv, req); code != 200 || string(b) != "DHIS 2" {
		t.Errorf("text read = %d %q", code, b)
	}
}
