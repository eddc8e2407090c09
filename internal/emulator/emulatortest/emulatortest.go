// Package emulatortest starts d2sync's DHIS2 emulator on an
// httptest.Server for the tests of other packages.
//
//	srv := emulatortest.Start(t, emulator.Options{Version: "2.39"})
//	client := dhis2.New(dhis2.Config{BaseURL: srv.URL, Username: srv.Username, Password: srv.Password})
//	…
//	if n := srv.WriteCounts().Total(); n != 0 { t.Fatalf("dry run wrote %d times", n) }
package emulatortest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// Server is a running emulator.
type Server struct {
	// Emulator gives access to the request log, write counters and faults.
	*emulator.Emulator
	// URL is the base URL, e.g. http://127.0.0.1:40123 (no trailing
	// slash; the API is under URL + "/api").
	URL string
	// Username and Password are the superuser's credentials.
	Username string
	Password string
	// HTTP is the underlying test server.
	HTTP *httptest.Server
}

// Start builds an emulator from opts and serves it on a loopback
// httptest.Server. Both are closed when the test ends. A bad option
// fails the test.
func Start(t testing.TB, opts emulator.Options) *Server {
	t.Helper()
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	return Serve(t, e)
}

// Serve serves an existing emulator on a loopback httptest.Server; both
// are closed when the test ends (Close is idempotent, so the test may
// close the emulator earlier, e.g. to check persistence).
func Serve(t testing.TB, e *emulator.Emulator) *Server {
	t.Helper()
	hs := httptest.NewServer(e)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		if err := e.Close(); err != nil {
			t.Errorf("emulatortest: close: %v", err)
		}
	})
	user, pass := e.AdminCredentials()
	return &Server{Emulator: e, URL: hs.URL, Username: user, Password: pass, HTTP: hs}
}

// Request builds a request to path (e.g. "/api/system/info") with the
// superuser's Basic credentials.
func (s *Server) Request(t testing.TB, method, path string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	req.SetBasicAuth(s.Username, s.Password)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// Do sends a request built by Request with the test server's client and
// returns the response; the caller closes its body.
func (s *Server) Do(t testing.TB, method, path string, body io.Reader) *http.Response {
	t.Helper()
	resp, err := s.HTTP.Client().Do(s.Request(t, method, path, body))
	if err != nil {
		t.Fatalf("emulatortest: %s %s: %v", method, path, err)
	}
	return resp
}
