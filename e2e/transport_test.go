package e2e

import (
	"crypto/tls"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestPlainHTTPNeedsExplicitOptIn is S-05's first half: plain http:// to
// a host that is not this machine is refused by sync, verify and probe
// with a clear message unless --allow-insecure-http is given; with the
// flag (and a server on a non-loopback address of this machine) it works.
func TestPlainHTTPNeedsExplicitOptIn(t *testing.T) {
	t.Parallel()
	dst := blankDest(t, "2.41")
	r := newRunner(t)
	r.env["D2SYNC_SOURCE_USERNAME"], r.env["D2SYNC_SOURCE_PASSWORD"] = "admin", "district"
	r.env["D2SYNC_DEST_USERNAME"], r.env["D2SYNC_DEST_PASSWORD"] = "admin", "district"
	r.env["D2SYNC_DATABASE_URL"] = filepath.Join(r.dir, "data", "d2sync.db")
	remote := "http://dhis2.example.org"
	for _, args := range [][]string{
		{"sync", "--source", remote, "--dest", dst.URL},
		{"sync", "--source", dst.URL, "--dest", remote + "/dhis"},
		{"verify", "--source", remote, "--dest", dst.URL},
		{"probe", "--url", remote},
	} {
		res := r.run(t, args...)
		if res.code != 2 || !strings.Contains(res.stderr, "plain http") || !strings.Contains(res.stderr, "https") {
			t.Errorf("want exit 2 and a message about plain http:\n%s", res)
		}
	}
	if n := len(dst.Requests()); n != 0 {
		t.Errorf("the destination received %d requests although the other side was refused", n)
	}

	ip := nonLoopbackIP(t)
	e, err := emulator.New(emulator.Options{Version: "2.41"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(e)
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() { hs.Close(); e.Close() })
	if res := r.run(t, "probe", "--url", hs.URL); res.code != 2 {
		t.Errorf("plain http to %s without the flag: want exit 2\n%s", ip, res)
	}
	if res := r.run(t, "probe", "--url", hs.URL, "--allow-insecure-http"); res.code != 0 {
		t.Errorf("plain http to %s with --allow-insecure-http: want exit 0\n%s", ip, res)
	}
}

// nonLoopbackIP returns an IPv4 address of this machine that is not
// loopback, or skips the test.
func nonLoopbackIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("interface addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address on this machine")
	return ""
}

// TestTLSIsVerified is S-05's second half: an HTTPS server whose
// certificate this machine does not trust is refused with a certificate
// error before any request reaches it; the same server is used once its
// CA is trusted (SSL_CERT_FILE), proving the refusal was about trust; and
// a trusted server offering only TLS 1.1 is refused.
func TestTLSIsVerified(t *testing.T) {
	t.Parallel()
	e, err := emulator.New(emulator.Options{Version: "2.41"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	var hits atomic.Int64
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		e.ServeHTTP(w, r)
	})
	quiet := log.New(io.Discard, "", 0) // refused handshakes are expected
	modern := httptest.NewUnstartedServer(counted)
	modern.Config.ErrorLog = quiet
	modern.StartTLS()
	t.Cleanup(modern.Close)
	old := httptest.NewUnstartedServer(counted)
	old.Config.ErrorLog = quiet
	old.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	old.StartTLS()
	t.Cleanup(old.Close)

	r := newRunner(t)
	r.env["D2SYNC_SOURCE_USERNAME"], r.env["D2SYNC_SOURCE_PASSWORD"] = "admin", "district"
	res := r.run(t, "probe", "--url", modern.URL)
	if res.code != 1 || !strings.Contains(strings.ToLower(res.stderr), "certificate") {
		t.Errorf("untrusted certificate: want exit 1 and a certificate message\n%s", res)
	}
	dst := blankDest(t, "2.41")
	r.env["D2SYNC_DEST_USERNAME"], r.env["D2SYNC_DEST_PASSWORD"] = dst.Username, dst.Password
	r.env["D2SYNC_DATABASE_URL"] = filepath.Join(r.dir, "data", "d2sync.db")
	res = r.run(t, "sync", "--source", modern.URL, "--dest", dst.URL, "--scope", scopes)
	if res.code != 1 || !strings.Contains(strings.ToLower(res.stderr), "certificate") {
		t.Errorf("sync from an untrusted certificate: want exit 1 and a certificate message\n%s", res)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the server with the untrusted certificate", n)
	}
	if n := dst.WriteCounts().Total(); n != 0 {
		t.Errorf("%d writes on the destination although the source was refused", n)
	}

	// Trusting the test CA (as an administrator would) makes it work.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: modern.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	trust := map[string]string{"SSL_CERT_FILE": ca}
	if res := r.runEnv(t, trust, "probe", "--url", modern.URL); res.code != 0 {
		t.Fatalf("trusted certificate: want exit 0\n%s", res)
	}
	before := hits.Load()
	res = r.runEnv(t, trust, "probe", "--url", old.URL)
	if res.code != 1 || !strings.Contains(strings.ToLower(res.stderr), "tls") {
		t.Errorf("a server offering only TLS 1.1: want exit 1 and a TLS message\n%s", res)
	}
	if hits.Load() != before {
		t.Error("a request reached the TLS 1.1 server")
	}
}

// TestRedirectsNeverCarryCredentials is S-06: a source (or destination)
// that redirects to another host — at the first request, during the
// export, or on an import — never gets d2sync to send that host the
// Authorization header or the session cookie, with basic auth or a token.
func TestRedirectsNeverCarryCredentials(t *testing.T) {
	t.Parallel()
	other := &headerRecorder{}
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	// The same machine under another name is another host too.
	otherByName := strings.Replace(otherSrv.URL, "127.0.0.1", "localhost", 1)

	e, err := emulator.New(demoOptions(emulator.Options{Version: "2.40"}))
	if err != nil {
		t.Fatal(err)
	}
	var redirect atomic.Pointer[redirectRule]
	src := serveWrapped(t, e, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if rule := redirect.Load(); rule != nil && rule.matches(r) {
				http.Redirect(w, r, rule.target+r.URL.RequestURI(), rule.status)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	token := createToken(t, src, src.Username, src.Password)
	rules := []redirectRule{
		{"first request", http.MethodGet, "/api/system/info", otherSrv.URL, http.StatusFound},
		{"during the export", http.MethodGet, "/api/metadata", otherSrv.URL, http.StatusMovedPermanently},
		{"to another name", http.MethodGet, "/api/metadata", otherByName, http.StatusTemporaryRedirect},
		{"to plain http", http.MethodGet, "/api/metadata", "http://127.0.0.1:1", http.StatusFound},
	}
	for _, auth := range []string{"basic", "token"} {
		for _, rule := range rules {
			t.Run(auth+" "+rule.name, func(t *testing.T) {
				p := newPair(t, src, blankDest(t, "2.41"))
				if auth == "token" {
					delete(p.env, "D2SYNC_SOURCE_USERNAME")
					delete(p.env, "D2SYNC_SOURCE_PASSWORD")
					p.env["D2SYNC_SOURCE_TOKEN"] = token
				}
				redirect.Store(&rule)
				res, rep := p.sync(t)
				redirect.Store(nil)
				requireNotSuccess(t, res, rep, "redirect")
				other.requireClean(t)
			})
		}
	}
	t.Run("import redirected", func(t *testing.T) {
		de, err := emulator.New(emulator.Options{Version: "2.41"})
		if err != nil {
			t.Fatal(err)
		}
		dst := serveWrapped(t, de, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					http.Redirect(w, r, otherSrv.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		p := newPair(t, demoSource(t, "2.40"), dst)
		res, rep := p.sync(t)
		requireNotSuccess(t, res, rep, "redirect")
		other.requireClean(t)
	})
	if other.count() == 0 {
		t.Log("no request reached the other host: every redirect was refused before following it")
	}
}

// redirectRule redirects one method and path suffix to target.
type redirectRule struct {
	name, method, path, target string
	status                     int
}

func (r *redirectRule) matches(req *http.Request) bool {
	return req.Method == r.method && strings.HasSuffix(req.URL.Path, r.path)
}

// headerRecorder is "another host": it records whether any request
// carried credentials, and answers 404.
type headerRecorder struct {
	mu       sync.Mutex
	requests int
	leaks    []string
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.requests++
	if v := r.Header.Get("Authorization"); v != "" {
		h.leaks = append(h.leaks, r.Method+" "+r.URL.Path+": Authorization header")
	}
	for _, c := range r.Cookies() {
		h.leaks = append(h.leaks, r.Method+" "+r.URL.Path+": cookie "+c.Name)
	}
	h.mu.Unlock()
	http.NotFound(w, r)
}

func (h *headerRecorder) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests
}

func (h *headerRecorder) requireClean(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.leaks {
		t.Errorf("credentials reached another host: %s", l)
	}
	h.leaks = nil
}
