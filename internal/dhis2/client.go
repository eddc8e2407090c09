package dhis2

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Client talks to one DHIS2 instance. It is safe for concurrent use; at
// most Config.MaxConcurrent requests are in flight at once. Create it with
// New.
type Client struct {
	cfg    Config
	base   *url.URL // scheme://host[:port][/context], no trailing slash
	api    *url.URL // base + "/api"
	origin string
	http   *http.Client
	sem    chan struct{}
	red    *redactor
	log    *slog.Logger

	requests atomic.Int64
	retries  atomic.Int64
	failures atomic.Int64
}

// New validates cfg and returns a Client. It does not contact the server;
// call SystemInfo to check the URL and credentials.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	base, err := NormalizeBaseURL(cfg.BaseURL, cfg.AllowInsecureHTTP)
	if err != nil {
		return nil, &Error{Instance: cfg.Name, URL: Redact(strings.TrimSpace(cfg.BaseURL)), Op: "configure the client", Kind: KindConfig, Err: err}
	}
	if cfg.Name == "" {
		cfg.Name = base.Host
	}
	c := &Client{
		cfg:    cfg,
		base:   base,
		api:    base.JoinPath("api"),
		origin: originOf(base),
		sem:    make(chan struct{}, cfg.MaxConcurrent),
		red:    newRedactor(&cfg),
		log:    cfg.Logger.With(slog.String("instance", cfg.Name)),
	}
	if cfg.Token != "" && strings.ContainsAny(cfg.Token, " \t\r\n") {
		return nil, c.configError(errors.New("the token contains spaces or line breaks: paste only the token (d2pat_… or d2p_…)"))
	}
	if cfg.Token != "" {
		for _, w := range CheckToken(cfg.Token) {
			c.log.Warn("the DHIS2 token looks wrong", slog.String("problem", w))
		}
	}
	rt, err := c.transport()
	if err != nil {
		return nil, c.configError(err)
	}
	c.http = &http.Client{
		Transport: &authTransport{base: rt, origin: c.origin, authz: authorizationHeader(&cfg), userAgent: cfg.UserAgent},
		Jar:       newHostJar(c.origin),
		// Redirects are handled by the client itself (see follow), so that
		// login pages and cross-host redirects are recognised.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

func (c *Client) configError(err error) *Error {
	return &Error{Instance: c.cfg.Name, URL: c.base.String(), Op: "configure the client", Kind: KindConfig, Err: err}
}

// transport returns the round tripper under the auth layer: a copy of the
// caller's (with TLS ≥ 1.2 enforced) or a new one with every timeout set.
func (c *Client) transport() (http.RoundTripper, error) {
	if c.cfg.HTTPClient != nil && c.cfg.HTTPClient.Transport != nil {
		t, ok := c.cfg.HTTPClient.Transport.(*http.Transport)
		if !ok {
			return c.cfg.HTTPClient.Transport, nil
		}
		t = t.Clone()
		if err := hardenTLS(t); err != nil {
			return nil, err
		}
		if t.ResponseHeaderTimeout == 0 {
			t.ResponseHeaderTimeout = c.cfg.Timeout
		}
		if t.TLSHandshakeTimeout == 0 {
			t.TLSHandshakeTimeout = c.cfg.TLSHandshakeTimeout
		}
		return t, nil
	}
	d := &net.Dialer{Timeout: c.cfg.DialTimeout, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   c.cfg.MaxConcurrent,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   c.cfg.TLSHandshakeTimeout,
		ResponseHeaderTimeout: c.cfg.Timeout,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	return t, nil
}

func hardenTLS(t *http.Transport) error {
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		return nil
	}
	if t.TLSClientConfig.InsecureSkipVerify {
		return errors.New("the HTTP client skips TLS certificate verification: d2sync always verifies certificates; add the server's CA to the trust store instead")
	}
	t.TLSClientConfig = t.TLSClientConfig.Clone()
	if t.TLSClientConfig.MinVersion < tls.VersionTLS12 {
		t.TLSClientConfig.MinVersion = tls.VersionTLS12
	}
	return nil
}

// Name returns the instance label used in messages.
func (c *Client) Name() string { return c.cfg.Name }

// BaseURL returns the normalized base URL (scheme, host, context path;
// no "/api", no trailing slash).
func (c *Client) BaseURL() string { return c.base.String() }

// Counters are cumulative request figures of a Client, for run reports.
type Counters struct {
	Requests int64 // HTTP attempts sent (each retry counts)
	Retries  int64 // attempts that were retries of an earlier one
	Failures int64 // calls that ended in an error
}

// Counters returns the cumulative request figures.
func (c *Client) Counters() Counters {
	return Counters{Requests: c.requests.Load(), Retries: c.retries.Load(), Failures: c.failures.Load()}
}

// resolve turns a path relative to the API root ("system/info",
// "/api/system/info", "/api/37/metadata") or an absolute URL on the same
// origin into a URL with the query applied.
func (c *Client) resolve(path string, query url.Values) (*url.URL, error) {
	var u *url.URL
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		p, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("invalid URL %q: %w", Redact(path), err)
		}
		if originOf(p) != c.origin {
			return nil, fmt.Errorf("URL %q is not on the DHIS2 instance %s", Redact(path), c.base)
		}
		u = p
	} else {
		p, q, _ := strings.Cut(path, "?")
		p = strings.TrimPrefix(p, "/")
		if ctxPath := strings.TrimPrefix(c.base.Path, "/"); ctxPath != "" {
			p = strings.TrimPrefix(p, ctxPath+"/")
		}
		p = strings.TrimPrefix(p, "api/")
		if p == "api" {
			p = ""
		}
		u = c.api.JoinPath(p)
		u.RawQuery = q
	}
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// newError builds an *Error for this instance.
func (c *Client) newError(op string, kind ErrorKind, status int, err error) *Error {
	return &Error{Instance: c.cfg.Name, URL: c.base.String(), Op: op, Kind: kind, HTTPStatus: status, Err: err}
}

func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) release() { <-c.sem }
