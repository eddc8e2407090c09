package dhis2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// GetJSON reads path (relative to the API root, e.g. "dataElements" or
// "/api/system/info") with query and decodes the JSON answer into out.
// Transient failures, including a body cut mid-way, are retried. A non-2xx
// answer, an HTML page or malformed JSON is an *Error.
func (c *Client) GetJSON(ctx context.Context, path string, query url.Values, out any) error {
	cl := &call{op: "read " + opPath(path), method: http.MethodGet, path: path, query: query}
	_, _, err := c.send(ctx, cl, func(resp *http.Response) error {
		return c.decodeJSONResponse(cl.op, resp, out)
	})
	return err
}

// decodeJSONResponse checks the status and content of resp and decodes its
// body into out.
func (c *Client) decodeJSONResponse(op string, resp *http.Response, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.statusError(op, resp)
	}
	r, err := c.checkJSONResponse(op, resp)
	if err != nil {
		return c.bodyError(op, resp.StatusCode, err)
	}
	dec := json.NewDecoder(io.LimitReader(r, c.cfg.MaxResponseBytes))
	if err := dec.Decode(out); err != nil {
		return c.bodyError(op, resp.StatusCode, err)
	}
	return nil
}

// bodyError classifies an error met while reading or decoding a body:
// read failures keep their kind, an early end is KindTruncated and
// anything else is KindBadResponse.
func (c *Client) bodyError(op string, status int, err error) *Error {
	if e := asError(err); e != nil {
		return e
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return c.newError(op, KindTruncated, status, errors.New("the JSON body ended before it was complete"))
	case errors.Is(err, io.EOF):
		return c.newError(op, KindTruncated, status, errors.New("the body was empty"))
	}
	return c.newError(op, KindBadResponse, status, fmt.Errorf("invalid JSON: %w", redactedError{err, c.red}))
}

// Stream reads path with query and returns the body as a stream (gzip is
// requested and decoded transparently; a gzip body cut short is an error).
// There is no total deadline: each read must make progress within
// Config.IdleTimeout. Read errors are *Error values; the caller must Close
// the stream, which also frees the concurrency slot it holds. Failures
// before the body starts are retried; a stream failing mid-way is not.
func (c *Client) Stream(ctx context.Context, path string, query url.Values) (io.ReadCloser, error) {
	op := "read " + opPath(path)
	resp, err := c.openStream(ctx, op, path, query)
	if err != nil {
		return nil, err
	}
	r, err := c.checkJSONResponseOrAny(op, resp)
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	return readCloser{r, resp.Body}, nil
}

// openStream sends a streaming GET and checks its status.
func (c *Client) openStream(ctx context.Context, op, path string, query url.Values) (*http.Response, error) {
	cl := &call{op: op, method: http.MethodGet, path: path, query: query, stream: true}
	resp, attempts, err := c.send(ctx, cl, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := c.statusError(op, resp)
		e.Attempts = attempts
		resp.Body.Close()
		c.failures.Add(1)
		return nil, e
	}
	return resp, nil
}

// checkJSONResponseOrAny refuses HTML pages but accepts any other content
// (JSON, CSV, XML, binary).
func (c *Client) checkJSONResponseOrAny(op string, resp *http.Response) (io.Reader, error) {
	r, err := c.checkJSONResponse(op, resp)
	if err != nil {
		return nil, c.bodyError(op, resp.StatusCode, err)
	}
	return r, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// opPath shortens a path for operation names in messages.
func opPath(path string) string {
	return truncate(Redact(path), 120)
}

// decodeStreamJSON opens a streaming GET and hands a JSON decoder over its
// body to fn, mapping decode errors to *Error values.
func (c *Client) decodeStreamJSON(ctx context.Context, op, path string, query url.Values, fn func(*json.Decoder) error) error {
	resp, err := c.openStream(ctx, op, path, query)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	r, err := c.checkJSONResponseOrAny(op, resp)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(r)
	if err := fn(dec); err != nil {
		var cb callbackError
		if errors.As(err, &cb) {
			return cb.err
		}
		return c.bodyError(op, resp.StatusCode, err)
	}
	return nil
}

// callbackError marks an error returned by a caller's callback, which is
// passed through unchanged.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }
func (e callbackError) Unwrap() error { return e.err }
