package emulator

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// RequestRecord is one request seen by the emulator (admin endpoints
// excluded).
type RequestRecord struct {
	Seq      int64         `json:"seq"`
	Time     time.Time     `json:"time"`
	Method   string        `json:"method"`
	Path     string        `json:"path"`  // as received, e.g. /api/40/metadata
	Query    string        `json:"query"` // raw query string
	Status   int           `json:"status"`
	BytesIn  int64         `json:"bytesIn"`
	BytesOut int64         `json:"bytesOut"`
	Duration time.Duration `json:"durationNs"`
	User     string        `json:"user,omitempty"`
	Fault    string        `json:"fault,omitempty"` // the fault applied, e.g. "status=503"
}

// requestLog is a bounded ring buffer of RequestRecords.
type requestLog struct {
	mu    sync.Mutex
	buf   []RequestRecord
	next  int
	full  bool
	seq   int64
	total int64
}

func newRequestLog(size int) *requestLog { return &requestLog{buf: make([]RequestRecord, size)} }

func (l *requestLog) add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.total++
	r.Seq = l.seq
	l.buf[l.next] = r
	l.next++
	if l.next == len(l.buf) {
		l.next = 0
		l.full = true
	}
}

// records returns the kept records, oldest first.
func (l *requestLog) records() []RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]RequestRecord(nil), l.buf[:l.next]...)
	}
	out := make([]RequestRecord, 0, len(l.buf))
	out = append(out, l.buf[l.next:]...)
	return append(out, l.buf[:l.next]...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next, l.full, l.total = 0, false, 0
	clear(l.buf)
}

// recorder wraps a ResponseWriter to observe the status and the bytes
// written. It forwards Flush and Hijack and exposes Unwrap for
// http.ResponseController.
type recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	hijacked bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// countingBody counts the request bytes the handlers read.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}
