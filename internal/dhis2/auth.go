package dhis2

import (
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// authTransport adds credentials and the User-Agent to requests whose
// scheme, host and port are exactly those of the configured instance.
// Requests to any other origin (a redirect target, an absolute URL taken
// from a response) go out without Authorization, whatever hop they are.
type authTransport struct {
	base      http.RoundTripper
	origin    string // scheme://host:port, lowercase
	authz     string // full Authorization header value; empty = anonymous
	userAgent string
}

// RoundTrip sends req with credentials only when it targets the instance.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	if r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	if t.authz != "" && originOf(r.URL) == t.origin {
		r.Header.Set("Authorization", t.authz)
	}
	return t.base.RoundTrip(r)
}

// originOf returns scheme://host:port with the default port made explicit.
func originOf(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// hostJar is a cookie jar that only stores and returns cookies for the
// DHIS2 origin, so that the session cookie (JSESSIONID) can never reach
// another host.
type hostJar struct {
	origin string
	jar    http.CookieJar
}

func newHostJar(origin string) *hostJar {
	j, _ := cookiejar.New(nil) // cookiejar.New never fails without options
	return &hostJar{origin: origin, jar: j}
}

// SetCookies stores cookies set by the DHIS2 origin only.
func (j *hostJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if originOf(u) == j.origin {
		j.jar.SetCookies(u, cookies)
	}
}

// Cookies returns the session cookies for requests to the DHIS2 origin.
func (j *hostJar) Cookies(u *url.URL) []*http.Cookie {
	if originOf(u) != j.origin {
		return nil
	}
	return j.jar.Cookies(u)
}

func authorizationHeader(cfg *Config) string {
	if cfg.Token != "" {
		return "ApiToken " + cfg.Token
	}
	if cfg.Username != "" || cfg.Password != "" {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password))
	}
	return ""
}

// CleanToken undoes the usual paste mistakes that CheckToken reports:
// surrounding spaces and quotes, and a leading "ApiToken", "Bearer" or
// "Basic" scheme.
func CleanToken(token string) string {
	t := strings.TrimSpace(token)
	for _, p := range []string{"ApiToken ", "Bearer ", "Basic "} {
		if len(t) > len(p) && strings.EqualFold(t[:len(p)], p) {
			t = strings.TrimSpace(t[len(p):])
		}
	}
	return strings.Trim(t, `"'`)
}

var (
	patV1RE = regexp.MustCompile(`^d2pat_([A-Za-z0-9]{32})([0-9]{10})$`)
	patV2RE = regexp.MustCompile(`^d2p_([A-Za-z0-9]{44})([A-Za-z0-9]{6})$`)
)

// PATChecksum returns the CRC32 checksum DHIS2 appends to the random code
// of a personal access token: V1 tokens (d2pat_) carry it as 10 decimal
// digits, V2 tokens (d2p_) as 6 base-62 digits (0-9A-Za-z). DHIS2 computes
// it over the code's UTF-8 bytes as left in Java's encoder buffer, whose
// capacity is the length × 1.1 rounded down: the code followed by
// ⌊len×1.1⌋−len NUL bytes (3 for a V1 code, 4 for a V2 code). Checked
// against dhis2-core's ApiKeyTokenGeneratorTest token fixtures.
func PATChecksum(code string) uint32 {
	b := make([]byte, len(code)*11/10)
	copy(b, code)
	return crc32.ChecksumIEEE(b)
}

// base62 renders v in width digits of 0-9A-Za-z, most significant first.
func base62(v uint32, width int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	out := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		out[i] = digits[v%62]
		v /= 62
	}
	return string(out)
}

// CheckToken looks for obvious mistakes in a pasted personal access token
// and returns human-readable warnings (none for a well-formed token). It
// accepts V1 tokens (d2pat_ + 32 characters + 10-digit CRC32) and V2
// tokens (d2p_ + 44 characters + 6-digit base-62 CRC32) and verifies both
// checksums (see PATChecksum). The warnings never repeat the token.
func CheckToken(token string) []string {
	var warns []string
	t := token
	if strings.TrimSpace(t) != t {
		warns = append(warns, "the token has leading or trailing spaces or line breaks; they were probably pasted by mistake")
		t = strings.TrimSpace(t)
	}
	for _, p := range []string{"ApiToken ", "Bearer ", "Basic "} {
		if strings.HasPrefix(strings.ToLower(t), strings.ToLower(p)) {
			warns = append(warns, fmt.Sprintf("the token starts with %q: give only the token itself (d2sync adds the header)", strings.TrimSpace(p)))
			t = strings.TrimSpace(t[len(p):])
		}
	}
	if strings.Trim(t, `"'`) != t {
		warns = append(warns, "the token is wrapped in quotes; remove them")
		t = strings.Trim(t, `"'`)
	}
	switch {
	case strings.HasPrefix(t, "d2pat_"):
		m := patV1RE.FindStringSubmatch(t)
		if m == nil {
			warns = append(warns, fmt.Sprintf("the token has %d characters where a DHIS2 V1 token (d2pat_…) has 48 letters and digits: it is probably cut or mistyped", len(t)))
		} else if fmt.Sprintf("%010d", PATChecksum(m[1])) != m[2] {
			warns = append(warns, "the token's checksum does not match: it is probably mistyped")
		}
	case strings.HasPrefix(t, "d2p_"):
		m := patV2RE.FindStringSubmatch(t)
		if m == nil {
			warns = append(warns, "the token does not have the shape of a DHIS2 V2 token (d2p_ followed by 50 letters and digits): it is probably cut or mistyped")
		} else if base62(PATChecksum(m[1]), 6) != m[2] {
			warns = append(warns, "the token's checksum does not match: it is probably mistyped")
		}
	default:
		warns = append(warns, "the token does not start with d2pat_ or d2p_: DHIS2 personal access tokens always do (is it a password?)")
	}
	return warns
}
