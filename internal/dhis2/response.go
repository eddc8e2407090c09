package dhis2

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// respBody wraps a response body: it decompresses gzip (announced by
// Content-Encoding or sniffed from the magic bytes), enforces the idle
// timeout of streams, maps read errors to *Error and gives the concurrency
// slot back on Close.
type respBody struct {
	c       *Client
	op      string
	rc      io.ReadCloser
	ctx     context.Context
	finish  func()
	gzipped bool

	idle      time.Duration
	idleTimer *time.Timer

	r         io.Reader
	closeOnce sync.Once
	err       error
}

func isGzipEncoded(h http.Header) bool {
	return strings.EqualFold(strings.TrimSpace(h.Get("Content-Encoding")), "gzip")
}

func (b *respBody) init() error {
	br := bufio.NewReaderSize(b.rc, 32<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 0 {
		b.r = br // empty body, even if announced as gzip
		return nil
	}
	if b.gzipped || (len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		b.r = zr
		return nil
	}
	b.r = br
	return nil
}

// Read reads the decoded body; errors are *Error values.
func (b *respBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.idleTimer != nil {
		// Only time spent waiting for the server counts, not the time
		// the caller spends between reads.
		b.idleTimer.Reset(b.idle)
		defer b.idleTimer.Stop()
	}
	if b.r == nil {
		if err := b.init(); err != nil {
			b.err = b.mapErr(err)
			return 0, b.err
		}
	}
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = b.mapErr(err)
		return n, b.err
	}
	return n, err
}

func (b *respBody) mapErr(err error) error {
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return b.c.newError(b.op, KindTruncated, 0, fmt.Errorf("corrupt gzip body: %w", err))
	}
	return b.c.transportError(b.op, b.ctx, err)
}

// Close releases the connection and the concurrency slot. It is safe to
// call more than once.
func (b *respBody) Close() error {
	var err error
	b.closeOnce.Do(func() {
		if b.idleTimer != nil {
			b.idleTimer.Stop()
		}
		err = b.rc.Close()
		b.finish()
	})
	return err
}

// webMessage is the DHIS2 WebMessage envelope (also used for errors).
type webMessage struct {
	HTTPStatus     string          `json:"httpStatus"`
	HTTPStatusCode int             `json:"httpStatusCode"`
	Status         string          `json:"status"`
	Code           json.RawMessage `json:"code"`
	ErrorCode      string          `json:"errorCode"`
	Message        string          `json:"message"`
	DevMessage     string          `json:"devMessage"`
	Response       json.RawMessage `json:"response"`
}

// statusError turns a non-success response into an *Error. It reads at most
// 64 KiB of the body for the server's message; the caller closes the body.
func (c *Client) statusError(op string, resp *http.Response) *Error {
	var r io.Reader = resp.Body
	if isGzipEncoded(resp.Header) {
		if zr, err := gzip.NewReader(resp.Body); err == nil {
			r = zr
		}
	}
	snippet, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	kind := kindForStatus(resp.StatusCode)
	e := c.newError(op, kind, resp.StatusCode, nil)
	var wm webMessage
	if json.Unmarshal(snippet, &wm) == nil && (wm.Message != "" || wm.HTTPStatusCode != 0) {
		e.Message = c.red.redact(wm.Message)
		e.Code = wm.ErrorCode
	} else if looksHTML(resp.Header, snippet) {
		if kind != KindUnauthorized && isLoginHTML(snippet) {
			e.Kind = KindLoginPage
		}
	} else if t := strings.TrimSpace(string(snippet)); t != "" {
		e.Message = c.red.redact(truncate(t, 300))
	}
	if kind == KindRateLimited || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now()); ok {
			e.Err = &retryAfterError{d: d, msg: "the server asked to wait"}
		}
	}
	return e
}

func kindForStatus(code int) ErrorKind {
	switch {
	case code == http.StatusUnauthorized:
		return KindUnauthorized
	case code == http.StatusForbidden:
		return KindForbidden
	case code == http.StatusNotFound:
		return KindNotFound
	case code == http.StatusConflict:
		return KindConflict
	case code == http.StatusRequestEntityTooLarge:
		return KindTooLarge
	case code == http.StatusTooManyRequests:
		return KindRateLimited
	case code == http.StatusBadGateway, code == http.StatusServiceUnavailable, code == http.StatusGatewayTimeout:
		return KindUnavailable
	case code >= 500:
		return KindServer
	case code >= 400:
		return KindBadRequest
	}
	return KindBadResponse
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// looksHTML reports whether a response is an HTML page rather than JSON.
func looksHTML(h http.Header, head []byte) bool {
	ct := strings.ToLower(h.Get("Content-Type"))
	if strings.Contains(ct, "html") {
		return true
	}
	if strings.Contains(ct, "xml") {
		return false // ADX and other XML exports
	}
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '<' && !bytes.HasPrefix(t, []byte("<?xml"))
}

// isLoginHTML recognises DHIS2 (and generic) login forms.
func isLoginHTML(body []byte) bool {
	s := strings.ToLower(string(body))
	for _, m := range []string{"j_username", "j_password", "login.action", "dhis-web-login", "security/login", `type="password"`, `name="password"`, "/login"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// htmlError explains an HTML answer where JSON was expected.
func (c *Client) htmlError(op string, status int, head []byte) *Error {
	if isLoginHTML(head) {
		return c.newError(op, KindLoginPage, status, errors.New("an HTML login form came back instead of JSON"))
	}
	title := ""
	if i := bytes.Index(bytes.ToLower(head), []byte("<title>")); i >= 0 {
		rest := head[i+len("<title>"):]
		if j := bytes.Index(bytes.ToLower(rest), []byte("</title>")); j >= 0 {
			title = strings.TrimSpace(string(rest[:j]))
		}
	}
	msg := "it answered with an HTML page instead of JSON"
	if title != "" {
		msg += fmt.Sprintf(" (titled %q)", c.red.redact(truncate(title, 80)))
	}
	return c.newError(op, KindNotDHIS2, status, errors.New(msg))
}

// checkJSONResponse verifies that a 2xx response carries JSON (and not an
// HTML page) by peeking at its first bytes. It returns a reader that
// replays them.
func (c *Client) checkJSONResponse(op string, resp *http.Response) (io.Reader, error) {
	br := bufio.NewReaderSize(resp.Body, 4096)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) && len(head) == 0 {
		return nil, err
	}
	if looksHTML(resp.Header, head) {
		all := head
		if !isLoginHTML(all) {
			more, _ := io.ReadAll(io.LimitReader(br, 16<<10))
			all = append(append([]byte{}, head...), more...)
		}
		return nil, c.htmlError(op, resp.StatusCode, all)
	}
	return br, nil
}
