package dhis2

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestNormalizeBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		insecure bool
		want     string
		err      string
	}{
		{in: "https://play.dhis2.org/40", want: "https://play.dhis2.org/40"},
		{in: "https://play.dhis2.org/40/", want: "https://play.dhis2.org/40"},
		{in: "https://play.dhis2.org/40/api", want: "https://play.dhis2.org/40"},
		{in: "https://play.dhis2.org/40/api/", want: "https://play.dhis2.org/40"},
		{in: "  https://DHIS.Example.org  ", want: "https://dhis.example.org"},
		{in: "https://dhis.example.org:8443/dhis", want: "https://dhis.example.org:8443/dhis"},
		{in: "http://localhost:8080", want: "http://localhost:8080"},
		{in: "http://127.0.0.1:8080/api", want: "http://127.0.0.1:8080"},
		{in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{in: "http://dhis.example.org", insecure: true, want: "http://dhis.example.org"},
		{in: "http://dhis.example.org", err: "plain http to a remote host"},
		{in: "https://admin:district@dhis.example.org", err: "contains credentials"},
		{in: "dhis.example.org", err: "no scheme"},
		{in: "ftp://dhis.example.org", err: `scheme "ftp"`},
		{in: "https://dhis.example.org/?x=1", err: "query"},
		{in: "", err: "empty"},
		{in: "https://", err: "no host"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			u, err := NormalizeBaseURL(tt.in, tt.insecure)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "district") {
					t.Errorf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", u, err, tt.want)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"remote http", Config{Name: "src", BaseURL: "http://dhis.example.org"}, `DHIS2 instance "src"`},
		{"skip verify", Config{BaseURL: "https://dhis.example.org", HTTPClient: insecure}, "verifies certificates"},
		{"token with newline", Config{BaseURL: "https://dhis.example.org", Token: "d2p_abc\n"}, "line breaks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.cfg)
			if !errors.Is(err, KindConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a config error with %q", err, tt.want)
			}
		})
	}
	// The client's transport keeps TLS ≥ 1.2 even if the caller's allows less.
	weak := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}}
	c, err := New(Config{BaseURL: "https://dhis.example.org", HTTPClient: weak})
	if err != nil {
		t.Fatal(err)
	}
	tr := c.http.Transport.(*authTransport).base.(*http.Transport)
	if tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || weak.Transport.(*http.Transport).TLSClientConfig.MinVersion != tls.VersionTLS10 {
		t.Errorf("TLS min version not enforced on a copy")
	}
	// Every timeout of the default transport is set.
	c, _ = New(Config{BaseURL: "https://dhis.example.org"})
	tr = c.http.Transport.(*authTransport).base.(*http.Transport)
	if tr.TLSHandshakeTimeout == 0 || tr.ResponseHeaderTimeout == 0 || tr.IdleConnTimeout == 0 || c.cfg.IdleTimeout == 0 || c.cfg.Timeout == 0 {
		t.Errorf("a zero timeout: %+v", tr)
	}
}

func TestResolvePaths(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://h.org/dhis/api/"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  string
		query url.Values
		want  string
	}{
		{"system/info", nil, "https://h.org/dhis/api/system/info"},
		{"/api/system/info", nil, "https://h.org/dhis/api/system/info"},
		{"/dhis/api/system/tasks/METADATA_IMPORT/x", nil, "https://h.org/dhis/api/system/tasks/METADATA_IMPORT/x"},
		{"37/metadata", url.Values{"importMode": {"VALIDATE"}}, "https://h.org/dhis/api/37/metadata?importMode=VALIDATE"},
		{"dataElements?fields=id", url.Values{"page": {"2"}}, "https://h.org/dhis/api/dataElements?fields=id&page=2"},
		{"https://h.org/dhis/api/tracker/jobs/x", nil, "https://h.org/dhis/api/tracker/jobs/x"},
	}
	for _, tt := range tests {
		u, err := c.resolve(tt.path, tt.query)
		if err != nil || u.String() != tt.want {
			t.Errorf("resolve(%q) = %v, %v; want %s", tt.path, u, err, tt.want)
		}
	}
	if _, err := c.resolve("https://evil.example/api/x", nil); err == nil {
		t.Error("resolved a URL on another host")
	}
}

func v1Token(code string) string {
	return fmt.Sprintf("d2pat_%s%010d", code, PATChecksum(code))
}

func v2Token(code string) string { return "d2p_" + code + base62(PATChecksum(code), 6) }

// TestPATChecksumMatchesDHIS2 pins PATChecksum to tokens made by DHIS2
// itself (dhis2-core's ApiKeyTokenGeneratorTest fixtures, one per format).
func TestPATChecksumMatchesDHIS2(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{
		"d2pat_e0b5Y9bXWtUcfEY8BMHHj9aJZkXCQ7O50174669582",
		"d2pat_rxIbXljF8Pj5oFRTos4bDmPTnnRu8f4M2723141895",
		"d2p_iKrAY7sR6rPea1rub181baRzyyui2AW07ymXPRExAgwa051Mei",
		"d2p_z9T7lpwaWUcvi8yBWt5zvB0LMUfUayHChm7SWGeNrYOJ38vtdY",
	} {
		if w := CheckToken(tok); len(w) != 0 {
			t.Errorf("a token made by DHIS2 warns: %v", w)
		}
		// One changed character of the code breaks the checksum.
		i := strings.IndexByte(tok, '_') + 3
		bad := tok[:i] + string(rune(tok[i]^1)) + tok[i+1:]
		if w := strings.Join(CheckToken(bad), "; "); !strings.Contains(w, "checksum") {
			t.Errorf("a mistyped token does not warn about its checksum: %q", w)
		}
	}
}

func TestCheckToken(t *testing.T) {
	t.Parallel()
	good := v1Token("abcdefghijklmnopqrstuvwxyzABCDEF")
	tests := []struct {
		token string
		warn  string // "" = no warning
	}{
		{good, ""},
		{v2Token(strings.Repeat("a1B", 14) + "xy"), ""},
		{"d2p_" + strings.Repeat("a1B", 14) + "xy" + "3kQ9zA", "checksum"},
		{good[:len(good)-1] + "9", "checksum"},
		{good[:30], "cut or mistyped"},
		{"ApiToken " + good, `starts with "ApiToken"`},
		{" " + good + "\n", "spaces"},
		{`"` + good + `"`, "quotes"},
		{"district", "does not start with d2pat_"},
		{"d2p_short", "V2 token"},
	}
	for _, tt := range tests {
		warns := CheckToken(tt.token)
		all := strings.Join(warns, "; ")
		if tt.warn == "" && len(warns) > 0 || tt.warn != "" && !strings.Contains(all, tt.warn) {
			t.Errorf("CheckToken(%q) = %q, want %q", tt.token, all, tt.warn)
		}
		if len(tt.token) > 12 && strings.Contains(all, strings.TrimSpace(tt.token)) {
			t.Errorf("warning repeats the token: %q", all)
		}
	}
}

func TestCleanToken(t *testing.T) {
	t.Parallel()
	good := v1Token("abcdefghijklmnopqrstuvwxyzABCDEF")
	for _, in := range []string{good, " " + good + "\n", "ApiToken " + good, "bearer " + good, `"` + good + `"`, "ApiToken '" + good + "'"} {
		if got := CleanToken(in); got != good {
			t.Errorf("CleanToken(%q) = %q", in, got)
		}
		if w := CheckToken(CleanToken(in)); len(w) != 0 {
			t.Errorf("cleaned token still warns: %v", w)
		}
	}
}

// authHeaderRE is S-04's "Authorization:" check.
var authHeaderRE = regexp.MustCompile(`(?i)authorization"?\s*:`)

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, leak string }{
		{"Authorization: Basic YWRtaW46ZGlzdHJpY3Q=", "YWRtaW46ZGlzdHJpY3Q="},
		{`{"authorization":"ApiToken d2pat_abc123456789"}`, "abc123456789"},
		{"token d2p_ABCDEFGHIJKLMNOP1234 expired", "ABCDEFGHIJKLMNOP1234"},
		{"Cookie: JSESSIONID=F00BA4; Path=/", "F00BA4"},
		{"https://admin:district@dhis.example.org/api", "district"},
		{"password=district&user=admin", "district"},
		{`{"password":"district"}`, "district"},
		{"Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi"},
	}
	for _, tt := range tests {
		got := Redact(tt.in)
		if strings.Contains(got, tt.leak) {
			t.Errorf("Redact(%q) = %q still contains %q", tt.in, got, tt.leak)
		}
		if authHeaderRE.MatchString(got) {
			t.Errorf("Redact(%q) = %q keeps an Authorization header (S-04)", tt.in, got)
		}
	}
	if got := Redact("DataElement with id fbfJHSPpUQD could not be found."); got != "DataElement with id fbfJHSPpUQD could not be found." {
		t.Errorf("Redact changed an innocent message: %q", got)
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0, 0.25, 0.999999} {
		p := RetryPolicy{Base: time.Second, Cap: 60 * time.Second, Rand: func() float64 { return r }}
		for n := 1; n <= 40; n++ {
			c := p.Ceiling(n)
			d := p.Backoff(n)
			want := min(60*time.Second, time.Second<<min(n-1, 20))
			if c != want || d < 0 || d >= c && c > 0 {
				t.Fatalf("retry %d rand %v: ceiling %s backoff %s, want ceiling %s", n, r, c, d, want)
			}
		}
	}
	if d, ok := ParseRetryAfter("-3", time.Now()); !ok || d != 0 {
		t.Errorf("negative Retry-After = %s %v", d, ok)
	}
	if _, ok := ParseRetryAfter("soon", time.Now()); ok {
		t.Error("accepted an invalid Retry-After")
	}
}
