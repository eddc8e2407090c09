package dhis2

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultTimeout             = 5 * time.Minute
	DefaultIdleTimeout         = 2 * time.Minute
	DefaultDialTimeout         = 15 * time.Second
	DefaultTLSHandshakeTimeout = 15 * time.Second
	DefaultMaxConcurrent       = 4
	DefaultPollInterval        = time.Second
	DefaultPollMaxInterval     = 15 * time.Second
	DefaultMaxResponseBytes    = 256 << 20
	DefaultUserAgent           = "d2sync"
)

// Config configures a Client. Only BaseURL is required; credentials are
// either Username+Password (basic auth) or Token (personal access token).
type Config struct {
	// Name labels the instance in messages, e.g. "source" or "national";
	// it defaults to the URL host.
	Name string
	// BaseURL is the DHIS2 server, with or without context path and
	// trailing slash ("https://host", "https://host/dhis/"). A trailing
	// "/api" is tolerated. Plain http:// is refused except for loopback
	// hosts or with AllowInsecureHTTP. User info in the URL is refused.
	BaseURL string
	// Username and Password select basic authentication.
	Username, Password string
	// Token is a DHIS2 personal access token (d2pat_… from 2.37, d2p_…
	// from 2.41), sent as "Authorization: ApiToken <token>". It wins over
	// Username/Password when both are set.
	Token string
	// Timeout bounds the wait for response headers and the whole exchange
	// of buffered calls (GetJSON, imports, writes). Default 5 min.
	Timeout time.Duration
	// IdleTimeout bounds the time between two successful reads of a
	// streamed body (Stream, pagers, export readers), which have no total
	// deadline so that big exports are not cut. Default 2 min.
	IdleTimeout time.Duration
	// DialTimeout and TLSHandshakeTimeout bound connection set-up; defaults
	// 15 s each.
	DialTimeout, TLSHandshakeTimeout time.Duration
	// MaxConcurrent limits in-flight requests to this instance; default 4.
	MaxConcurrent int
	// Retry is the retry policy for transient failures.
	Retry RetryPolicy
	// PollInterval and PollMaxInterval pace the polling of async jobs: the
	// interval grows by half each poll up to the maximum. Defaults 1 s, 15 s.
	PollInterval, PollMaxInterval time.Duration
	// MaxResponseBytes caps buffered (non-streamed) response bodies;
	// default 256 MiB.
	MaxResponseBytes int64
	// HTTPClient optionally supplies the transport (e.g. custom CA roots).
	// The client copies it: its Jar, CheckRedirect and Timeout are replaced
	// and its transport is wrapped. A transport that skips TLS
	// verification is refused.
	HTTPClient *http.Client
	// AllowInsecureHTTP permits plain http:// to non-loopback hosts.
	AllowInsecureHTTP bool
	// UserAgent is sent on every request; default "d2sync".
	UserAgent string
	// Logger receives debug lines per request and warnings per retry;
	// default discards.
	Logger *slog.Logger
	// Now and Sleep replace the clock in tests. Sleep must return ctx.Err()
	// when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// withDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) withDefaults() Config {
	setDur := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	setDur(&c.Timeout, DefaultTimeout)
	setDur(&c.IdleTimeout, DefaultIdleTimeout)
	setDur(&c.DialTimeout, DefaultDialTimeout)
	setDur(&c.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	setDur(&c.PollInterval, DefaultPollInterval)
	setDur(&c.PollMaxInterval, DefaultPollMaxInterval)
	if c.PollMaxInterval < c.PollInterval {
		c.PollMaxInterval = c.PollInterval
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleepContext
	}
	c.Retry = c.Retry.withDefaults()
	return c
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NormalizeBaseURL validates a DHIS2 base URL and returns it without
// trailing slash and without a trailing "/api" (e.g. "https://host/dhis").
// allowInsecure permits http:// for hosts that are not loopback.
func NormalizeBaseURL(raw string, allowInsecure bool) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("the DHIS2 URL is empty: give the server address, e.g. https://dhis2.example.org")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("invalid DHIS2 URL %q: %w", Redact(s), err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("the DHIS2 URL %q contains credentials: remove them and use the username/password or token settings instead", Redact(s))
	}
	switch u.Scheme {
	case "https", "http":
	case "":
		return nil, fmt.Errorf("the DHIS2 URL %q has no scheme: write it as https://%s", s, s)
	default:
		return nil, fmt.Errorf("the DHIS2 URL %q uses scheme %q: only https (or http on this machine) is supported", s, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("the DHIS2 URL %q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the DHIS2 URL %q must not carry a query or fragment: give only the server address and context path", s)
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("the DHIS2 URL %q uses plain http to a remote host: credentials and health data would travel unencrypted; use https (or allow insecure http explicitly for a test server)", s)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api")
	p = strings.TrimRight(p, "/")
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: p}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
