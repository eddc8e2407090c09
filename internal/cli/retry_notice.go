package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// retryNotice is the slog handler given to the DHIS2 clients of sync and
// verify: it prints one line per retry of a failed request on stderr, so
// that waiting on an unreachable or overloaded instance (up to a minute
// with the default retry policy) is visible instead of silent. Other
// client records are dropped (the commands report them their own way).
type retryNotice struct {
	mu   *sync.Mutex
	w    io.Writer
	role string
	now  func() time.Time
}

func newRetryNotice(w io.Writer, role string) *slog.Logger {
	return slog.New(retryNotice{mu: &sync.Mutex{}, w: w, role: role, now: time.Now})
}

// Enabled implements slog.Handler.
func (h retryNotice) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

// Handle implements slog.Handler: records with an attempt number and a
// delay (the client's retry warnings) become one line.
func (h retryNotice) Handle(_ context.Context, r slog.Record) error {
	var op, kind, attempt, delay, status string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "op":
			op = a.Value.String()
		case "kind":
			kind = a.Value.String()
		case "attempt":
			attempt = a.Value.String()
		case "delay":
			delay = a.Value.Duration().Round(100 * time.Millisecond).String()
		case "status":
			if a.Value.Int64() != 0 {
				status = fmt.Sprintf(", HTTP %d", a.Value.Int64())
			}
		}
		return true
	})
	if attempt == "" || delay == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintf(h.w, "%s %-5s %s: %s failed (%s%s, attempt %s); retrying in %s\n",
		h.now().Format("15:04:05"), "warn", h.role, op, kind, status, attempt, delay)
	return err
}

// WithAttrs implements slog.Handler.
func (h retryNotice) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup implements slog.Handler.
func (h retryNotice) WithGroup(string) slog.Handler { return h }
