package dhis2

import (
	"encoding/base64"
	"regexp"
	"strings"
)

// redactPatterns match credentials in free text: header values, DHIS2
// personal access tokens, session cookies and URL user info.
var redactPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// The header name goes too: "Authorization:" itself must not reach a
	// log (RELIABILITY.md S-04), even with its value removed.
	{regexp.MustCompile(`(?i)authorization["']?\s*[:=]\s*["']?[^"'\r\n,}]+`), "[REDACTED credentials]"},
	{regexp.MustCompile(`(?i)\b(basic|bearer|apitoken)(\s+)[A-Za-z0-9+/=._~-]{4,}`), "${1}${2}[REDACTED]"},
	{regexp.MustCompile(`\bd2pat_[A-Za-z0-9]+`), "d2pat_[REDACTED]"},
	{regexp.MustCompile(`\bd2p_[A-Za-z0-9]+`), "d2p_[REDACTED]"},
	{regexp.MustCompile(`(?i)(jsessionid|session)=[^;,\s"']+`), "${1}=[REDACTED]"},
	{regexp.MustCompile(`(?i)(password|passwd|pwd|token|secret)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+`), "${1}${2}[REDACTED]"},
	{regexp.MustCompile(`(://)[^/@\s:]+:[^/@\s]+@`), "${1}[REDACTED]@"},
}

// Redact removes credentials from s: Authorization header values, Basic /
// Bearer / ApiToken credentials, DHIS2 personal access tokens (d2pat_…,
// d2p_…), session cookies, password-like key/value pairs and user:password
// in URLs. Use it on any text that may echo a request (server error bodies,
// URLs, transport errors) before it reaches a log or an error message.
func Redact(s string) string {
	for _, p := range redactPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// redactor removes the client's own secrets (verbatim, base64 and URL
// encoded forms) and then applies Redact.
type redactor struct {
	secrets []string
}

func newRedactor(cfg *Config) *redactor {
	r := &redactor{}
	add := func(s string) {
		if len(s) >= 3 {
			r.secrets = append(r.secrets, s)
		}
	}
	add(cfg.Password)
	add(cfg.Token)
	if cfg.Username != "" || cfg.Password != "" {
		add(base64.StdEncoding.EncodeToString([]byte(cfg.Username + ":" + cfg.Password)))
	}
	return r
}

func (r *redactor) redact(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "[REDACTED]")
	}
	return Redact(s)
}
