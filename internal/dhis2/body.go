package dhis2

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"sync"
)

// Body is a request body for writes and imports. Build it with JSONBody,
// BytesBody, ReaderBody or OpenBody, then set the flags:
//
//	b := dhis2.JSONBody(payload)
//	b.Idempotent = true // source UIDs + CREATE_AND_UPDATE: safe to re-send
//	b.Gzip = true       // DHIS2 import endpoints sniff the gzip magic bytes
type Body struct {
	// ContentType defaults to "application/json".
	ContentType string
	// Gzip compresses the body on the fly (no Content-Encoding header is
	// sent: DHIS2's import endpoints detect gzip by its magic bytes).
	Gzip bool
	// Idempotent marks the write as safe to repeat, which allows retries
	// of transient failures. Leave it false unless re-sending cannot
	// create duplicates (e.g. payloads keyed by UID with CREATE_AND_UPDATE).
	Idempotent bool

	open       func() (io.ReadCloser, error)
	size       int64 // -1 when unknown
	replayable bool
	used       bool
	mu         sync.Mutex
}

// JSONBody marshals v once (lazily, on first use) and can be re-sent.
// A marshalling error is reported by the call that sends it.
func JSONBody(v any) *Body {
	var (
		once sync.Once
		data []byte
		err  error
	)
	b := &Body{size: -1, replayable: true}
	b.open = func() (io.ReadCloser, error) {
		once.Do(func() { data, err = json.Marshal(v) })
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return b
}

// BytesBody sends data (not copied) and can be re-sent. An empty
// contentType means application/json.
func BytesBody(data []byte, contentType string) *Body {
	return &Body{
		ContentType: contentType,
		size:        int64(len(data)),
		replayable:  true,
		open:        func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

// ReaderBody streams r once. It cannot be re-sent, so a failed attempt is
// not retried once r has been read, whatever Idempotent says. If r is an
// io.Closer it is closed after the request.
func ReaderBody(r io.Reader, contentType string) *Body {
	return &Body{
		ContentType: contentType,
		size:        -1,
		open: func() (io.ReadCloser, error) {
			if rc, ok := r.(io.ReadCloser); ok {
				return rc, nil
			}
			return io.NopCloser(r), nil
		},
	}
}

// OpenBody streams a body that open can produce again for each attempt
// (e.g. by reopening a file), so that it can be retried.
func OpenBody(open func() (io.ReadCloser, error), contentType string) *Body {
	return &Body{ContentType: contentType, size: -1, replayable: true, open: open}
}

var errBodyUsed = errors.New("the request body was a one-shot stream already consumed by an earlier attempt")

// reader returns a fresh reader of the (possibly gzipped) body and its
// length (-1 when unknown).
func (b *Body) reader() (io.ReadCloser, int64, error) {
	b.mu.Lock()
	if b.used && !b.replayable {
		b.mu.Unlock()
		return nil, 0, errBodyUsed
	}
	b.used = true
	b.mu.Unlock()
	rc, err := b.open()
	if err != nil {
		return nil, 0, err
	}
	if !b.Gzip {
		return rc, b.size, nil
	}
	return gzipStream(rc), -1, nil
}

// canReplay reports whether another attempt can send the body again.
func (b *Body) canReplay() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.replayable || !b.used
}

func (b *Body) contentType() string {
	if b.ContentType == "" {
		return "application/json"
	}
	return b.ContentType
}

// gzipStream compresses src through a pipe, so that big bodies are never
// held in memory.
func gzipStream(src io.ReadCloser) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		zw := gzip.NewWriter(pw)
		_, err := io.Copy(zw, src)
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		src.Close()
		pw.CloseWithError(err)
	}()
	return pr
}
