package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

func TestShapeDiffCanFail(t *testing.T) {
	t.Parallel()
	want := map[string]any{"a": "x", "b": map[string]any{"c": 1.0}, "d": []any{map[string]any{"e": true}}}
	got := map[string]any{"a": 1.0, "b": map[string]any{}, "d": []any{map[string]any{"e": true}}}
	if d := shapeDiff(want, got); len(d) != 2 {
		t.Fatalf("diffs = %v, want a kind mismatch and a missing key", d)
	}
	if d := shapeDiff(want, got, "b.c", "a"); len(d) != 1 {
		t.Fatalf("optional keys: diffs = %v", d)
	}
}

// noRedirect is a client that reports redirects instead of following them.
func noRedirect(srv *emulatortest.Server) *http.Client {
	c := *srv.HTTP.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.39"})
	cases := []struct {
		name     string
		setup    func(r *http.Request)
		want     int
		location string
	}{
		{"good basic", func(r *http.Request) { r.SetBasicAuth("admin", "district") }, 200, ""},
		{"username is case-insensitive", func(r *http.Request) { r.SetBasicAuth("ADMIN", "district") }, 200, ""},
		{"bad password", func(r *http.Request) { r.SetBasicAuth("admin", "wrong") }, 401, ""},
		{"unknown user", func(r *http.Request) { r.SetBasicAuth("nobody", "district") }, 401, ""},
		{"garbage header", func(r *http.Request) { r.Header.Set("Authorization", "Basic !!!") }, 401, ""},
		{"unknown scheme", func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, 401, ""},
		{"api client without credentials", func(r *http.Request) { r.Header.Set("Accept", "application/json") }, 401, ""},
		{"browser without credentials", func(r *http.Request) { r.Header.Set("Accept", "text/html,application/xhtml+xml") }, 302, "/dhis-web-commons/security/login.action"},
		{"xhr without credentials", func(r *http.Request) {
			r.Header.Set("Accept", "text/html")
			r.Header.Set("X-Requested-With", "XMLHttpRequest")
		}, 401, ""},
		{"browser with bad credentials", func(r *http.Request) {
			r.Header.Set("Accept", "text/html")
			r.SetBasicAuth("admin", "nope")
		}, 401, ""},
	}
	for _, path := range []string{"/api/system/info", "/api/39/me", "/api/noSuchEndpoint", "/api/dataValueSets"} {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				c.setup(req)
				resp, err := noRedirect(srv).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				want := c.want
				if want == 200 && path == "/api/noSuchEndpoint" {
					want = 404
				}
				if want == 200 && path == "/api/dataValueSets" {
					want = resp.StatusCode // depends on the data endpoints; only auth matters here
				}
				if resp.StatusCode != want {
					t.Fatalf("status %d, want %d", resp.StatusCode, want)
				}
				if c.location != "" && resp.Header.Get("Location") != c.location {
					t.Errorf("Location = %q, want %q", resp.Header.Get("Location"), c.location)
				}
				if want == 401 {
					var m map[string]any
					json.NewDecoder(resp.Body).Decode(&m)
					if m["httpStatus"] != "Unauthorized" || m["httpStatusCode"] != 401.0 || m["status"] != "ERROR" {
						t.Errorf("401 body = %v", m)
					}
				}
			})
		}
	}
}

func TestLoginPathPerVersion(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{"2.40": "/dhis-web-commons/security/login.action", "2.41": "/dhis-web-login/", "2.42": "/dhis-web-login/"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: v})
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
			req.Header.Set("Accept", "text/html")
			resp, err := noRedirect(srv).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 302 || resp.Header.Get("Location") != want {
				t.Fatalf("got %d to %q, want 302 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
			}
			page, err := srv.HTTP.Client().Get(srv.URL + want)
			if err != nil {
				t.Fatal(err)
			}
			page.Body.Close()
			if page.StatusCode != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("login page: %d %s", page.StatusCode, page.Header.Get("Content-Type"))
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{})
	resp := srv.Do(t, http.MethodGet, "/api/me", nil)
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "JSESSIONID" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no JSESSIONID cookie after a Basic login")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
	req.AddCookie(session)
	resp2, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 200 {
		t.Fatalf("session reuse: %d", resp2.StatusCode)
	}
	req3, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
	req3.AddCookie(&http.Cookie{Name: "JSESSIONID", Value: "FORGED"})
	resp3, err := srv.HTTP.Client().Do(req3)
	if err != nil {
		t.Fatal(err)
	}
	resp3.Body.Close()
	if resp3.StatusCode != 401 {
		t.Fatalf("forged session: %d, want 401", resp3.StatusCode)
	}
}

// createToken posts to /api/apiToken and returns the status and key.
func createToken(t *testing.T, srv *emulatortest.Server, body string) (int, string) {
	t.Helper()
	resp := srv.Do(t, http.MethodPost, "/api/apiToken", strings.NewReader(body))
	m := decode(t, resp).(map[string]any)
	if resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, ""
	}
	r := m["response"].(map[string]any)
	if r["responseType"] != "ApiTokenCreationResponse" || m["httpStatus"] != "Created" || m["status"] != "OK" {
		t.Errorf("creation response = %v", m)
	}
	return resp.StatusCode, r["key"].(string)
}

func tokenStatus(t *testing.T, srv *emulatortest.Server, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
	req.Header.Set("Authorization", "ApiToken "+key)
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestPersonalAccessTokens(t *testing.T) {
	t.Parallel()
	cases := []struct {
		version, body string
		create        int
		prefix        string
	}{
		{"2.36", "{}", 404, ""},
		{"2.37", "{}", 201, "d2pat_"},
		{"2.40", `{"attributes":[]}`, 201, "d2pat_"},
		{"2.41", "{}", 201, "d2p_"},
		{"2.41", `{"type":"PERSONAL_ACCESS_TOKEN_V1"}`, 201, "d2pat_"},
		{"2.42", `{"type":"PERSONAL_ACCESS_TOKEN_V2"}`, 201, "d2p_"},
	}
	for _, c := range cases {
		t.Run(c.version+c.body, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: c.version})
			code, key := createToken(t, srv, c.body)
			if code != c.create {
				t.Fatalf("create: %d, want %d", code, c.create)
			}
			if c.create != 201 {
				// A version without PATs rejects any ApiToken header.
				if got := tokenStatus(t, srv, "d2pat_abcdefghijabcdefghijabcdefghij0123456789"); got != 401 {
					t.Fatalf("token on %s: %d, want 401", c.version, got)
				}
				return
			}
			if !strings.HasPrefix(key, c.prefix) {
				t.Fatalf("key %q lacks prefix %q", key, c.prefix)
			}
			if got := tokenStatus(t, srv, key); got != 200 {
				t.Fatalf("valid token: %d", got)
			}
			bad := key[:len(key)-1] + string(rune('0'+(key[len(key)-1]-'0'+1)%10))
			if got := tokenStatus(t, srv, bad); got != 401 {
				t.Fatalf("token with a bad checksum: %d, want 401", got)
			}
		})
	}
}

func TestV2TokenRejectedBefore241(t *testing.T) {
	t.Parallel()
	// A well-formed V2 key minted by a 2.41 server is unknown to a 2.40 one.
	newer := start(t, emulator.Options{Version: "2.41"})
	_, key := createToken(t, newer, "{}")
	older := start(t, emulator.Options{Version: "2.40"})
	if got := tokenStatus(t, older, key); got != 401 {
		t.Fatalf("V2 token on 2.40: %d, want 401", got)
	}
}

func TestForbiddenWithoutAuthority(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Users: []emulator.UserSpec{{Username: "reader", Password: "Reader123!", Authorities: []string{"F_METADATA_EXPORT"}}}})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/__emulator/stats", nil)
	req.SetBasicAuth("reader", "Reader123!")
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, resp).(map[string]any)
	if resp.StatusCode != 403 || m["httpStatus"] != "Forbidden" {
		t.Fatalf("admin endpoint as reader: %d %v", resp.StatusCode, m)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/api/me/authorization", nil)
	req.SetBasicAuth("reader", "Reader123!")
	resp, err = srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if a := decode(t, resp).([]any); len(a) != 1 || a[0] != "F_METADATA_EXPORT" {
		t.Fatalf("reader authorities = %v", a)
	}
}
