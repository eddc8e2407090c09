package dhis2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// call describes one logical request; send turns it into one or more
// attempts.
type call struct {
	op     string // human-readable operation for messages ("import metadata")
	method string
	path   string
	query  url.Values
	body   *Body
	accept string
	stream bool // the body is consumed as a stream: idle timeout, no total deadline
}

func (cl *call) write() bool { return cl.method != http.MethodGet && cl.method != http.MethodHead }

// safe reports whether repeating the request cannot change the outcome.
func (cl *call) safe() bool {
	return !cl.write() || (cl.body != nil && cl.body.Idempotent)
}

var (
	errAttemptTimeout = errors.New("no complete answer within the request timeout")
	errIdleTimeout    = errors.New("no data received within the idle timeout")
)

// send performs cl with retries. With a nil handle it returns the response
// of the last attempt (status neither 429 nor 502–504), whose body the
// caller must close: this is the streaming mode. With a handle, each
// response is given to handle and closed afterwards; a transient *Error
// from handle (e.g. a body cut mid-way) is retried like a transport error
// when the call is safe to repeat, and send returns a nil response. Bodies
// are decompressed and read errors are *Error values. The int is the number
// of attempts made.
func (c *Client) send(ctx context.Context, cl *call, handle func(*http.Response) error) (*http.Response, int, error) {
	u, err := c.resolve(cl.path, cl.query)
	if err != nil {
		c.failures.Add(1)
		return nil, 0, c.newError(cl.op, KindConfig, 0, err)
	}
	pol := c.cfg.Retry
	start := c.cfg.Now()
	maybeApplied := false
	for attempt := 1; ; attempt++ {
		c.requests.Add(1)
		if attempt > 1 {
			c.retries.Add(1)
		}
		resp, sent, e := c.attempt(ctx, cl, u, attempt)
		if e == nil && handle == nil {
			return resp, attempt, nil
		}
		if e == nil {
			herr := handle(resp)
			drainClose(resp.Body)
			if herr == nil {
				return nil, attempt, nil
			}
			if e = asError(herr); e == nil {
				c.failures.Add(1)
				return nil, attempt, herr
			}
		}
		// e may be shared: a context canceled with another call's *Error
		// as its cause hands that same error to every call in flight.
		// This call's details go on its own copy.
		own := *e
		e = &own
		e.Attempts = attempt
		if cl.write() && ((sent && mayHaveApplied(e)) || e.UnknownOutcome) {
			maybeApplied = true
		}
		retry := e.Kind.Transient() && cl.body.canReplay() && (cl.safe() || !sent)
		delay := time.Duration(0)
		if retry {
			delay = c.retryDelay(pol, attempt, e)
			elapsed := c.cfg.Now().Sub(start)
			retry = attempt < pol.MaxAttempts && elapsed+delay <= pol.MaxElapsed
		}
		if !retry {
			return nil, attempt, c.fail(cl, e, maybeApplied)
		}
		c.log.Warn("dhis2 request failed, retrying",
			slog.String("op", cl.op), slog.String("method", cl.method), slog.String("path", u.Path),
			slog.Int("attempt", attempt), slog.String("kind", e.Kind.String()), slog.Int("status", e.HTTPStatus),
			slog.Duration("delay", delay))
		if err := c.cfg.Sleep(ctx, delay); err != nil {
			e := c.newError(cl.op, KindCanceled, 0, err)
			e.Attempts = attempt
			return nil, attempt, c.fail(cl, e, maybeApplied)
		}
	}
}

func asError(err error) *Error {
	e, _ := errors.AsType[*Error](err)
	return e
}

// mayHaveApplied reports whether a write that was completely sent may have
// taken effect although the attempt failed: no answer at all (timeout,
// reset, cancel), or a proxy's 502/504 that hides what DHIS2 did. Any
// other HTTP answer comes from a server that did not apply the request.
func mayHaveApplied(e *Error) bool {
	switch e.HTTPStatus {
	case 0, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (c *Client) fail(cl *call, e *Error, maybeApplied bool) *Error {
	c.failures.Add(1)
	if cl.write() && maybeApplied {
		e.UnknownOutcome = true
	}
	return e
}

// retryDelay honours Retry-After on 429/503 and otherwise uses full jitter.
func (c *Client) retryDelay(pol RetryPolicy, attempt int, e *Error) time.Duration {
	var ra *retryAfterError
	if errors.As(e.Err, &ra) {
		return ra.d
	}
	return pol.Backoff(attempt)
}

// retryAfterError carries a server-requested wait inside an *Error.
type retryAfterError struct {
	d   time.Duration
	msg string
}

func (r *retryAfterError) Error() string {
	return fmt.Sprintf("%s (Retry-After %s)", r.msg, r.d)
}

// attempt sends one attempt, following same-origin redirects of reads. It
// reports whether the request (headers and body) was completely written.
func (c *Client) attempt(ctx context.Context, cl *call, u *url.URL, n int) (*http.Response, bool, *Error) {
	if err := c.acquire(ctx); err != nil {
		return nil, false, c.newError(cl.op, KindCanceled, 0, err)
	}
	actx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(c.cfg.Timeout, func() { cancel(errAttemptTimeout) })
	finish := func() {
		timer.Stop()
		cancel(nil)
		c.release()
	}
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			sent.Store(true)
		}
	}}
	actx = httptrace.WithClientTrace(actx, trace)
	began := time.Now()
	resp, e := c.roundTrip(actx, cl, u)
	if e == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusBadGateway ||
		resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout) {
		e = c.statusError(cl.op, resp)
		resp.Body.Close()
		resp = nil
	}
	c.logAttempt(cl, u, n, resp, e, time.Since(began))
	if e != nil {
		finish()
		return nil, sent.Load(), e
	}
	body := &respBody{c: c, op: cl.op, rc: resp.Body, ctx: actx, finish: finish, gzipped: isGzipEncoded(resp.Header)}
	if cl.stream {
		timer.Stop()
		body.idle = c.cfg.IdleTimeout
		body.idleTimer = time.AfterFunc(body.idle, func() { cancel(errIdleTimeout) })
		body.idleTimer.Stop() // armed by each Read
	}
	resp.Body = body
	resp.Header.Del("Content-Encoding")
	return resp, sent.Load(), nil
}

func (c *Client) logAttempt(cl *call, u *url.URL, n int, resp *http.Response, e *Error, d time.Duration) {
	attrs := []any{slog.String("method", cl.method), slog.String("path", u.Path), slog.Int("attempt", n), slog.Duration("duration", d)}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if e != nil {
		attrs = append(attrs, slog.String("kind", e.Kind.String()), slog.Int("status", e.HTTPStatus))
	}
	c.log.Debug("dhis2 request", attrs...)
}

// roundTrip sends the request and follows redirects of reads that stay on
// the DHIS2 origin. Login-page redirects and redirects elsewhere are errors.
func (c *Client) roundTrip(ctx context.Context, cl *call, u *url.URL) (*http.Response, *Error) {
	req, err := c.newRequest(ctx, cl, u)
	if err != nil {
		return nil, c.newError(cl.op, KindBadRequest, 0, fmt.Errorf("prepare the request body: %w", err))
	}
	for hops := 0; ; hops++ {
		resp, err := c.http.Do(req)
		if err != nil {
			return nil, c.transportError(cl.op, ctx, err)
		}
		if !isRedirect(resp.StatusCode) {
			return resp, nil
		}
		loc := resp.Header.Get("Location")
		drainClose(resp.Body)
		target, err := req.URL.Parse(loc)
		if err != nil || loc == "" {
			return nil, c.newError(cl.op, KindBadResponse, resp.StatusCode, fmt.Errorf("redirect without a valid Location header"))
		}
		if isLoginURL(target) {
			return nil, c.newError(cl.op, KindLoginPage, resp.StatusCode, fmt.Errorf("redirected to %s", Redact(target.Path)))
		}
		if originOf(target) != c.origin {
			return nil, c.newError(cl.op, KindRedirect, resp.StatusCode, fmt.Errorf(
				"the server sent it to another address, %s; d2sync never sends credentials to another host: if that is where DHIS2 lives, use it as the URL",
				Redact((&url.URL{Scheme: target.Scheme, Host: target.Host, Path: target.Path}).String())))
		}
		if cl.write() {
			return nil, c.newError(cl.op, KindRedirect, resp.StatusCode, fmt.Errorf("a write was redirected to %s and was not sent again", Redact(target.Path)))
		}
		if hops >= 5 {
			return nil, c.newError(cl.op, KindRedirect, resp.StatusCode, errors.New("too many redirects"))
		}
		req = req.Clone(ctx)
		req.URL = target
		req.Host = ""
	}
}

func (c *Client) newRequest(ctx context.Context, cl *call, u *url.URL) (*http.Request, error) {
	var (
		rd   io.ReadCloser
		size int64
	)
	if cl.body != nil {
		var err error
		rd, size, err = cl.body.reader()
		if err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), rd)
	if err != nil {
		if rd != nil {
			rd.Close()
		}
		return nil, err
	}
	if rd != nil {
		req.ContentLength = size
		if size < 0 {
			req.ContentLength = -1
		}
		req.GetBody = nil
		req.Header.Set("Content-Type", cl.body.contentType())
	}
	accept := cl.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Encoding", "gzip")
	return req, nil
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// isLoginURL recognises DHIS2 login pages: /dhis-web-commons/security/
// login.action (≤2.40), /dhis-web-login/ (2.41+), /login/ and variants.
func isLoginURL(u *url.URL) bool {
	p := strings.ToLower(u.Path)
	return strings.Contains(p, "login") || strings.Contains(p, "/security/") || strings.Contains(p, "/oauth2/")
}

func drainClose(rc io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, rc, 64<<10)
	rc.Close()
}
