package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// errFaultCut is returned to handlers whose response a fault cut short,
// so that streaming handlers stop early.
var errFaultCut = errors.New("response cut by an injected fault")

// applyFault runs next under fault f. It returns the fault's log label.
func (e *Emulator) applyFault(w *recorder, r *http.Request, next http.Handler, f *FaultRule) {
	// Waits end when the client goes away or the emulator closes.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-e.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	if f.Latency > 0 && !sleepCtx(ctx, f.Latency) {
		return
	}
	switch {
	case f.Status != 0:
		writeFaultStatus(w, f)
	case f.Reset:
		abortConn(w, true)
	case f.Stall > 0 && !f.CommitThenStall:
		sleepCtx(ctx, f.Stall)
		abortConn(w, false)
	case f.ResetMidBody:
		cw := &cutWriter{header: w.Header(), limit: f.Bytes}
		if cw.limit <= 0 {
			cw.limit = defaultMidBodyBytes
		}
		next.ServeHTTP(cw, r)
		cw.finish(w)
		abortConn(w, true)
	case f.Truncate > 0:
		tw := &truncWriter{header: w.Header(), keep: f.Truncate}
		next.ServeHTTP(tw, r)
		tw.finish(w)
		abortConn(w, false)
	case f.CommitThenReset:
		next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
		abortConn(w, true)
	case f.CommitThenStall:
		next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
		d := f.Stall
		if d <= 0 {
			d = 24 * time.Hour // until the client gives up
		}
		sleepCtx(ctx, d)
		abortConn(w, false)
	default:
		next.ServeHTTP(w, r)
	}
}

// faultLabel is the text recorded in the request log for f.
func faultLabel(f *FaultRule) string {
	label := f.action()
	if f.Latency > 0 {
		if label != "" {
			label += " "
		}
		label += "latency=" + f.Latency.String()
	}
	return label
}

// sleepCtx waits d or until ctx is done; it reports whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeFaultStatus answers an injected error status with a DHIS2-like
// body: a WebMessage, or an nginx page for gateway errors.
func writeFaultStatus(w http.ResponseWriter, f *FaultRule) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	body := f.Body
	if body == "" {
		body = "json"
		if f.Status == http.StatusBadGateway || f.Status == http.StatusGatewayTimeout {
			body = "html"
		}
	}
	switch body {
	case "html":
		text := strconv.Itoa(f.Status) + " " + http.StatusText(f.Status)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		w.Write([]byte("<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
			"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
	case "empty":
		w.WriteHeader(f.Status)
	default:
		status := "ERROR"
		if f.Status < 400 {
			status = "OK"
		}
		writeWebMessage(w, newWebMessage(f.Status, status, "Injected fault: "+http.StatusText(f.Status)))
	}
}

// abortConn flushes what was written and closes the connection; with rst
// the close is abortive (TCP RST, "connection reset by peer"). Without a
// hijackable connection (HTTP/2) it aborts the handler instead.
func abortConn(w *recorder, rst bool) {
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok && rst {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// cutWriter keeps the handler's response until limit bytes of body are
// known, then forwards the headers and those bytes; the rest is refused.
type cutWriter struct {
	header http.Header
	status int
	buf    []byte
	limit  int
	cut    bool
	w      http.ResponseWriter
}

func (c *cutWriter) Header() http.Header { return c.header }
func (c *cutWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errFaultCut
	}
	room := c.limit - len(c.buf)
	if len(p) <= room {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	c.buf = append(c.buf, p[:room]...)
	c.cut = true
	return room, errFaultCut
}

// finish sends the kept part: everything kept when the body overflowed
// the limit, else its first half.
func (c *cutWriter) finish(w http.ResponseWriter) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	part := c.buf
	if !c.cut {
		part = c.buf[:len(c.buf)/2]
	}
	w.WriteHeader(c.status)
	w.Write(part)
}

// truncWriter counts the full body while keeping its first keep bytes.
type truncWriter struct {
	header http.Header
	status int
	buf    []byte
	keep   int
	total  int64
}

func (t *truncWriter) Header() http.Header { return t.header }
func (t *truncWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
}

func (t *truncWriter) Write(p []byte) (int, error) {
	if room := t.keep - len(t.buf); room > 0 {
		t.buf = append(t.buf, p[:min(room, len(p))]...)
	}
	t.total += int64(len(p))
	return len(p), nil
}

// finish announces the full length and sends the kept prefix.
func (t *truncWriter) finish(w http.ResponseWriter) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	w.Header().Del("Transfer-Encoding")
	w.Header().Set("Content-Length", strconv.FormatInt(t.total, 10))
	w.WriteHeader(t.status)
	w.Write(t.buf)
}

// discardWriter accepts and drops a response.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
