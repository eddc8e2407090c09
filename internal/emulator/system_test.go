package emulator_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestSystemInfoVersion(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.30", "2.36", "2.37", "2.38", "2.39", "2.40.3.1", "2.41", "2.42", "2.39-SNAPSHOT"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			clock := func() time.Time { return time.Date(2024, 2, 12, 9, 50, 11, 794e6, time.UTC) }
			srv := start(t, emulator.Options{Version: v, TimeZone: "Africa/Nairobi", Clock: clock})
			code, body := getJSON(t, srv, "/api/system/info")
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			info := body.(map[string]any)
			if info["version"] != v {
				t.Errorf("version = %v, want %s", info["version"], v)
			}
			if info["serverDate"] != "2024-02-12T12:50:11.794" {
				t.Errorf("serverDate = %v, want the server-zone time without offset", info["serverDate"])
			}
			if info["serverTimeZoneId"] != "Africa/Nairobi" || info["serverTimeZoneDisplayName"] != "East Africa Time" {
				t.Errorf("time zone = %v / %v", info["serverTimeZoneId"], info["serverTimeZoneDisplayName"])
			}
			for k, val := range info {
				if val == nil {
					t.Errorf("%s is null; DHIS2 omits null fields", k)
				}
			}
		})
	}
}

func TestSystemInfoShapeMatchesRecordings(t *testing.T) {
	t.Parallel()
	// State-dependent fields absent from a fresh server (no analytics run,
	// no monitoring) may be missing.
	stateful := []string{"lastAnalyticsTableSuccess", "intervalSinceLastAnalyticsTableSuccess", "lastAnalyticsTableRuntime", "lastSystemMonitoringSuccess"}
	cases := []struct {
		name, version, fixture string
		optional               []string
	}{
		{"dashboard-app 2.36 recording", "2.36", "", nil},
		{"android SDK 2.41", "2.41", "dhis2__dhis2-android-sdk/core/src/sharedTest/resources/systeminfo/system_info.json", []string{"isMetadataSyncEnabled"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var want any
			if c.fixture == "" {
				want = recordedResponse(t, "/api/system/info")
			} else {
				want = readFixture(t, c.fixture)
			}
			srv := start(t, emulator.Options{Version: c.version})
			_, got := getJSON(t, srv, "/api/system/info")
			opt := append(append([]string{}, stateful...), c.optional...)
			if c.version == "2.41" {
				// The SDK file was hand-edited with the pre-2.40 spelling.
				opt = append(opt, "isMetadataSyncEnabled")
			}
			for _, d := range shapeDiff(want, got, opt...) {
				t.Error(d)
			}
		})
	}
}

// recordedResponse returns the decoded body of the dashboard-app
// recording for path (the bodies are JSON strings inside JSON).
func recordedResponse(t *testing.T, path string) any {
	t.Helper()
	rec := readFixture(t, "dhis2__dashboard-app/cypress/fixtures/network/requests.json").(map[string]any)
	for _, r := range rec["requests"].([]any) {
		m := r.(map[string]any)
		if m["path"] == path {
			var v any
			if err := json.Unmarshal([]byte(m["response"].(string)), &v); err != nil {
				t.Fatalf("recorded %s: %v", path, err)
			}
			return v
		}
	}
	t.Fatalf("no recorded response for %s", path)
	return nil
}

func TestSystemID(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{})
	uidRE := regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{10}$`)
	cases := []struct {
		path string
		want int
	}{
		{"/api/system/id", 1},
		{"/api/system/id?limit=25", 25},
		{"/api/system/uid?limit=3", 3},
		{"/api/system/id?limit=20000", 10000},
		{"/api/41/system/id?limit=2", 2},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			code, body := getJSON(t, srv, c.path)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			codes := body.(map[string]any)["codes"].([]any)
			if len(codes) != c.want {
				t.Fatalf("%d codes, want %d", len(codes), c.want)
			}
			seen := map[string]bool{}
			for _, c := range codes {
				s := c.(string)
				if !uidRE.MatchString(s) || seen[s] {
					t.Fatalf("bad or duplicate uid %q", s)
				}
				seen[s] = true
			}
		})
	}
}

func TestPingAndUnknownPaths(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.39"})
	resp := srv.Do(t, http.MethodGet, "/api/system/ping", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ping: %d", resp.StatusCode)
	}
	cases := []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/noSuchThing", 404},
		{"GET", "/api/39/noSuchThing", 404},
		{"GET", "/api/99/system/info", 404},
		{"GET", "/api/27/system/info", 404},
		{"GET", "/api/39/system/info", 200},
		{"GET", "/api/28/system/info", 200},
		{"POST", "/api/system/info", 405},
		{"GET", "/api/tracker/trackedEntities", 409}, // 2.39: needs a program or tracked entity type (IllegalQueryException)
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			t.Parallel()
			resp := srv.Do(t, c.method, c.path, nil)
			body := decode(t, resp)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, c.want, body)
			}
			if c.want != 200 {
				m := body.(map[string]any)
				if m["httpStatusCode"] != float64(c.want) || m["status"] != "ERROR" || m["httpStatus"] != http.StatusText(c.want) {
					t.Errorf("not a DHIS2 WebMessage: %v", m)
				}
			}
		})
	}
}

func TestMeShapePerVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		version                  string
		topUsername, credentials bool
	}{
		{"2.30", false, true},
		{"2.37", false, true},
		{"2.38", true, true},
		{"2.41", true, true},
		{"2.42", true, false},
	}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: c.version})
			_, body := getJSON(t, srv, "/api/me")
			me := body.(map[string]any)
			if me["id"] != "M5zQapPyTZI" {
				t.Errorf("admin id = %v", me["id"])
			}
			_, hasTop := me["username"]
			creds, hasCreds := me["userCredentials"].(map[string]any)
			if hasTop != c.topUsername || hasCreds != c.credentials {
				t.Fatalf("username on user %v (want %v), userCredentials %v (want %v)", hasTop, c.topUsername, hasCreds, c.credentials)
			}
			if hasCreds && creds["username"] != "admin" {
				t.Errorf("userCredentials.username = %v", creds["username"])
			}
			if c.version == "2.30" {
				for _, d := range shapeDiff(map[string]any{"id": "", "firstName": "", "surname": "", "authorities": []any{""}, "organisationUnits": []any{},
					"userCredentials": map[string]any{"id": "", "username": "", "userRoles": []any{map[string]any{"id": ""}}, "userInfo": map[string]any{"id": ""}}}, me) {
					t.Error(d)
				}
			}
			_, auths := getJSON(t, srv, "/api/me/authorization")
			if a := auths.([]any); len(a) != 1 || a[0] != "ALL" {
				t.Errorf("authorities = %v", a)
			}
		})
	}
}
