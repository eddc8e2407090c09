package dhis2

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
)

// Response is a buffered answer to Do, Post, Put, Patch or Delete.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte // the whole body, at most Config.MaxResponseBytes
	Attempts   int    // attempts made, 1 when there was no retry
}

// DecodeJSON decodes the body into out.
func (r *Response) DecodeJSON(out any) error { return json.Unmarshal(r.Body, out) }

// Do sends a request with an optional body and returns the buffered
// answer. A non-2xx answer is an *Error (the body's WebMessage message and
// errorCode are copied into it). Writes are retried on transient failures
// only when body.Idempotent is set (or when the request never left this
// machine); a write whose answer was lost is an *Error matching
// ErrUnknownOutcome.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body *Body) (*Response, error) {
	op := method + " " + opPath(path)
	cl := &call{op: op, method: method, path: path, query: query, body: body}
	var out *Response
	attempts, err := c.sendBuffered(ctx, cl, func(resp *http.Response, data []byte) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return c.statusErrorFromBody(op, resp, data)
		}
		if len(data) > 0 && looksHTML(resp.Header, data) {
			return c.htmlError(op, resp.StatusCode, data)
		}
		out = &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Attempts = attempts
	return out, nil
}

// Post sends body to path with POST; see Do.
func (c *Client) Post(ctx context.Context, path string, query url.Values, body *Body) (*Response, error) {
	return c.Do(ctx, http.MethodPost, path, query, body)
}

// Put sends body to path with PUT; see Do.
func (c *Client) Put(ctx context.Context, path string, query url.Values, body *Body) (*Response, error) {
	return c.Do(ctx, http.MethodPut, path, query, body)
}

// Patch sends body to path with PATCH (e.g. a JSON Patch with ContentType
// "application/json-patch+json"); see Do.
func (c *Client) Patch(ctx context.Context, path string, query url.Values, body *Body) (*Response, error) {
	return c.Do(ctx, http.MethodPatch, path, query, body)
}

// Delete sends DELETE to path; see Do. It is not retried.
func (c *Client) Delete(ctx context.Context, path string, query url.Values) (*Response, error) {
	return c.Do(ctx, http.MethodDelete, path, query, nil)
}

// sendBuffered performs cl, reads each answer's whole body and hands it
// to handle. A body that cannot be read completely is a transient
// *Error; for a write it also makes the outcome unknown.
func (c *Client) sendBuffered(ctx context.Context, cl *call, handle func(*http.Response, []byte) error) (int, error) {
	_, attempts, err := c.send(ctx, cl, func(resp *http.Response) error {
		data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes))
		if err != nil {
			e := c.bodyError(cl.op, resp.StatusCode, err)
			if cl.write() && (resp.StatusCode < 300 || resp.StatusCode == http.StatusConflict) {
				// The server answered with a result we could not read.
				e.UnknownOutcome = true
			}
			return e
		}
		return handle(resp, data)
	})
	return attempts, err
}

// statusErrorFromBody is statusError for an already-read body.
func (c *Client) statusErrorFromBody(op string, resp *http.Response, data []byte) *Error {
	r := *resp
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.Header = resp.Header.Clone()
	r.Header.Del("Content-Encoding")
	return c.statusError(op, &r)
}
