package dhis2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// File is the content of a file read with Download.
type File struct {
	// ContentType is the Content-Type the server sent (may be empty).
	ContentType string
	// Data is the whole (decompressed) body.
	Data []byte
}

// Download reads a file — a file resource's content
// (fileResources/{uid}/data), a document, an icon, one file of an
// installed app (apps/{key}/index.html) — and returns its bytes whatever
// their type, HTML pages included (the JSON-only checks of GetJSON and
// Stream do not apply). At most maxBytes are read (0 means
// Config.MaxResponseBytes); a larger body is a KindTooLarge *Error. Like
// every read it is retried on transient failures, and a non-2xx answer is
// an *Error carrying the server's message.
func (c *Client) Download(ctx context.Context, path string, query url.Values, maxBytes int64) (*File, error) {
	if maxBytes <= 0 {
		maxBytes = c.cfg.MaxResponseBytes
	}
	op := "download " + opPath(path)
	cl := &call{op: op, method: http.MethodGet, path: path, query: query, accept: "*/*"}
	var out *File
	_, _, err := c.send(ctx, cl, func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return c.statusError(op, resp)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
		if err != nil {
			return c.bodyError(op, resp.StatusCode, err)
		}
		if int64(len(data)) > maxBytes {
			return c.newError(op, KindTooLarge, resp.StatusCode, fmt.Errorf("the file is larger than %d bytes", maxBytes))
		}
		out = &File{ContentType: resp.Header.Get("Content-Type"), Data: data}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, c.newError(op, KindBadResponse, 0, errors.New("no answer"))
	}
	return out, nil
}
