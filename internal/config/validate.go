package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// SecretKeySize is the length in bytes of the decoded D2SYNC_SECRET_KEY.
const SecretKeySize = 32

// keyHint tells the user how to produce a valid secret key.
const keyHint = "generate one with: head -c32 /dev/urandom | base64"

// Validate checks every rule and returns all violations joined (nil when the
// configuration is usable). Messages name the variable (or flag) at fault
// and never contain secret values.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(c.validateDatabaseURL())
	add(c.validateSecretKey())
	add(c.validateDataDir())
	add(c.validateLogging())
	add(c.validateListenAddr())
	add(c.validateCredentials("D2SYNC_SOURCE_", c.Source))
	add(c.validateCredentials("D2SYNC_DEST_", c.Dest))
	return errors.Join(errs...)
}

func (c *Config) validateDatabaseURL() error {
	n := c.name(keyDatabaseURL)
	u := c.DatabaseURL
	switch {
	case strings.TrimSpace(u) == "":
		return fmt.Errorf("%s must not be empty; use a SQLite file path such as %s or a postgres:// URL", n, DefaultDatabaseURL)
	case IsPostgresURL(u):
		if _, err := url.Parse(u); err != nil {
			return fmt.Errorf("%s is not a valid PostgreSQL URL; check the host, the port and that special characters in the password are percent-encoded", n)
		}
	case strings.Contains(u, "://"):
		scheme, _, _ := strings.Cut(u, "://")
		return fmt.Errorf("%s must be a SQLite file path or a postgres:// URL (got scheme %q)", n, scheme)
	case strings.ContainsAny(u, "?#"):
		return fmt.Errorf("%s: a SQLite file path must not contain '?' or '#' (d2sync sets the connection options itself)", n)
	}
	return nil
}

func (c *Config) validateSecretKey() error {
	if c.SecretKey == "" {
		return nil // the key file in the data directory is used
	}
	n := c.name(keySecretKey)
	raw, err := DecodeSecretKey(c.SecretKey)
	if err != nil {
		return fmt.Errorf("%s must be the base64 encoding of %d bytes (it is not valid base64); %s", n, SecretKeySize, keyHint)
	}
	if len(raw) != SecretKeySize {
		return fmt.Errorf("%s must be the base64 encoding of %d bytes (got %d bytes); %s", n, SecretKeySize, len(raw), keyHint)
	}
	return nil
}

// DecodeSecretKey decodes a base64 secret key, accepting standard and URL
// alphabets with or without padding, and surrounding whitespace. It does
// not check the length.
func DecodeSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("decode secret key: %w", firstErr)
}

func (c *Config) validateDataDir() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return fmt.Errorf("%s must not be empty", c.name(keyDataDir))
	}
	return nil
}

func (c *Config) validateLogging() error {
	var errs []error
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("%s must be one of debug, info, warn, error (got %q)", c.name(keyLogLevel), c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("%s must be text or json (got %q)", c.name(keyLogFormat), c.LogFormat))
	}
	return errors.Join(errs...)
}

func (c *Config) validateListenAddr() error {
	n := c.name(keyListenAddr)
	_, port, err := net.SplitHostPort(c.ListenAddr)
	if err != nil {
		return fmt.Errorf("%s must be host:port, such as %s (got %q)", n, DefaultListenAddr, c.ListenAddr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%s has an invalid port %q; use a number from 0 to 65535", n, port)
	}
	return nil
}

func (c *Config) validateCredentials(prefix string, cr Credentials) error {
	user, pass, token := c.name(prefix+"USERNAME"), c.name(prefix+"PASSWORD"), c.name(prefix+"TOKEN")
	switch {
	case cr.Password != "" && cr.Token != "":
		return fmt.Errorf("%s and %s are both set; use either basic auth (username and password) or a personal access token, not both", pass, token)
	case cr.Token != "" && cr.Username != "":
		return fmt.Errorf("%s is set together with %s; a personal access token identifies the user by itself, so unset %s", user, token, user)
	case cr.Password != "" && cr.Username == "":
		return fmt.Errorf("%s is set but %s is empty; basic auth needs both", pass, user)
	case strings.ContainsAny(cr.Token, " \t\r\n"):
		return fmt.Errorf("%s contains whitespace; check for a stray space or line break", token)
	}
	return nil
}

// Kind returns the authentication kind the credentials select: "token",
// "basic" (a username, with or without a password yet), or "" when empty.
func (c Credentials) Kind() string {
	switch {
	case c.Token != "":
		return "token"
	case c.Username != "":
		return "basic"
	}
	return ""
}

// RedactURL returns u with any password removed, for logs and messages.
// A postgres:// URL keeps its user, host, port, database and options
// except password=; anything that does not parse as a URL but contains
// "user:pass@" has the part before '@' masked.
func RedactURL(u string) string {
	if !strings.Contains(u, "://") {
		return u
	}
	parsed, err := url.Parse(u)
	if err != nil {
		scheme, rest, _ := strings.Cut(u, "://")
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			rest = "xxxxx" + rest[i:]
		}
		if i := strings.Index(rest, "password="); i >= 0 {
			end := strings.IndexByte(rest[i:], '&')
			tail := ""
			if end >= 0 {
				tail = rest[i+end:]
			}
			rest = rest[:i] + "password=xxxxx" + tail
		}
		return scheme + "://" + rest
	}
	q := parsed.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		parsed.RawQuery = q.Encode()
	}
	return parsed.Redacted()
}
