package dhis2

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is the clock of test clients: Sleep records the wait and
// advances Now instantly.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 2, 12, 9, 50, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// testBundle is one fake DHIS2 server and a client configured for it.
type testBundle struct {
	srv    *httptest.Server
	client *Client
	clock  *fakeClock
	hits   atomic.Int64
	logs   *syncBuffer
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const (
	testUser     = "admin"
	testPassword = "CANARY-pw-8c1f"
)

// setup starts handler behind an httptest server (TLS when tls is set)
// and returns a client with fake time, a fixed jitter of 0.5 and debug
// logging into a buffer. mod may adjust the configuration.
func setup(t *testing.T, handler http.HandlerFunc, mod func(*Config)) *testBundle {
	t.Helper()
	b := &testBundle{clock: newFakeClock(), logs: &syncBuffer{}}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		handler(w, r)
	}))
	t.Cleanup(b.srv.Close)
	cfg := Config{
		Name:     "test-src",
		BaseURL:  b.srv.URL,
		Username: testUser,
		Password: testPassword,
		Timeout:  5 * time.Second,
		Retry:    RetryPolicy{Rand: func() float64 { return 0.5 }},
		Now:      b.clock.Now,
		Sleep:    b.clock.Sleep,
		Logger:   slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	b.client = c
	return b
}

const systemInfoBody = `{"contextPath":"https://play.dhis2.org/40","serverDate":"2024-02-12T09:50:11.794",` +
	`"serverTimeZoneId":"Africa/Freetown","version":"2.40.3.1","revision":"6f7a1b2","systemName":"Test","systemId":"abc"}`

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
