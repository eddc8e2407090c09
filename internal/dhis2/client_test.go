package dhis2

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryTransientThenSuccess(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			writeJSON(w, http.StatusServiceUnavailable, `{"httpStatus":"Service Unavailable","httpStatusCode":503,"status":"ERROR","message":"maintenance"}`)
			return
		}
		writeJSON(w, 200, systemInfoBody)
	}, nil)
	si, err := b.client.SystemInfo(context.Background())
	if err != nil {
		t.Fatalf("SystemInfo after two 503: %v", err)
	}
	if si.Version.String() != "2.40.3.1" || si.ServerTimeZoneID != "Africa/Freetown" {
		t.Errorf("system info = %+v", si)
	}
	if got := b.hits.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}
	// Full jitter with rand 0.5: half of 1 s, then half of 2 s.
	if s := b.clock.Sleeps(); len(s) != 2 || s[0] != 500*time.Millisecond || s[1] != time.Second {
		t.Errorf("sleeps = %v, want [500ms 1s]", s)
	}
	if c := b.client.Counters(); c.Requests != 3 || c.Retries != 2 || c.Failures != 0 {
		t.Errorf("counters = %+v", c)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		value func(now time.Time) string
		min   time.Duration
	}{
		{"seconds", func(time.Time) string { return "2" }, 2 * time.Second},
		{"http-date", func(now time.Time) string { return now.Add(5 * time.Second).UTC().Format(http.TimeFormat) }, 5 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			var b *testBundle
			b = setup(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.value(b.clock.Now()))
					writeJSON(w, http.StatusTooManyRequests, `{}`)
					return
				}
				writeJSON(w, 200, systemInfoBody)
			}, nil)
			start := b.clock.Now()
			if _, err := b.client.SystemInfo(context.Background()); err != nil {
				t.Fatal(err)
			}
			s := b.clock.Sleeps()
			if len(s) != 1 || s[0] < tt.min {
				t.Fatalf("sleeps = %v, want one wait ≥ %s", s, tt.min)
			}
			if waited := b.clock.Now().Sub(start); waited < tt.min {
				t.Errorf("fake clock advanced %s, want ≥ %s", waited, tt.min)
			}
		})
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		kind   ErrorKind
		want   []string
	}{
		{401, `{"httpStatus":"Unauthorized","httpStatusCode":401,"status":"ERROR","message":"Unauthorized"}`, KindUnauthorized,
			[]string{`DHIS2 instance "test-src"`, "rejected the credentials (HTTP 401)", "check the username/password or token"}},
		{403, `{"httpStatus":"Forbidden","httpStatusCode":403,"status":"ERROR","message":"Access denied"}`, KindForbidden,
			[]string{"refused to read dataElements (HTTP 403)", "lacks the authority", `"Access denied"`}},
		{404, `{"httpStatus":"Not Found","httpStatusCode":404,"status":"ERROR","errorCode":"E1005","message":"DataElement with id x could not be found."}`, KindNotFound,
			[]string{"E1005", "could not be found"}},
		{400, `{"httpStatus":"Bad Request","httpStatusCode":400,"status":"ERROR","message":"bad filter"}`, KindBadRequest, []string{"bad filter"}},
		{409, `{"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR","message":"Key 'k' already exists"}`, KindConflict, []string{"already exists"}},
		{413, `<html>413 Request Entity Too Large</html>`, KindTooLarge, []string{"client_max_body_size"}},
		{500, `{"httpStatus":"Internal Server Error","httpStatusCode":500,"status":"ERROR","message":"NPE"}`, KindServer, []string{"server error (HTTP 500)"}},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) }, nil)
			var out any
			err := b.client.GetJSON(context.Background(), "dataElements", nil, &out)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want kind %s", err, tt.kind)
			}
			if got := b.hits.Load(); got != 1 {
				t.Errorf("attempts = %d, want exactly 1", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if errors.Is(err, ErrUnknownOutcome) {
				t.Error("a read can never have an unknown outcome")
			}
		})
	}
}

func TestRetriesGiveUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusBadGateway, `bad gateway`) }, nil)
	_, err := b.client.SystemInfo(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindUnavailable || e.Attempts != DefaultRetryMaxAttempts {
		t.Fatalf("err = %v (%+v), want KindUnavailable after %d attempts", err, e, DefaultRetryMaxAttempts)
	}
	if got := b.hits.Load(); got != DefaultRetryMaxAttempts {
		t.Errorf("hits = %d", got)
	}
	// Jitter ceilings 1,2,4,8,16 s at rand 0.5.
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	if s := b.clock.Sleeps(); len(s) != len(want) {
		t.Fatalf("sleeps = %v, want %v", s, want)
	} else {
		for i := range want {
			if s[i] != want[i] {
				t.Errorf("sleep %d = %s, want %s", i, s[i], want[i])
			}
		}
	}
}

func TestLoginPageIsRecognised(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"redirect to login.action", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/dhis-web-commons/security/login.action", http.StatusFound)
		}},
		{"redirect to dhis-web-login", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/dhis-web-login/", http.StatusFound)
		}},
		{"login form with 200", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, `<html><head><title>DHIS 2</title></head><body><form action="/dhis-web-commons-security/login.action" method="post">`+
				`<input name="j_username"><input type="password" name="j_password"></form></body></html>`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.handler, nil)
			_, err := b.client.SystemInfo(context.Background())
			if !errors.Is(err, KindLoginPage) {
				t.Fatalf("err = %v, want a login page error", err)
			}
			if !strings.Contains(err.Error(), "answered with a login page") || !strings.Contains(err.Error(), `"test-src"`) {
				t.Errorf("message = %q", err)
			}
		})
	}
}

func TestNotDHIS2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "does not exist"},
		{"html page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html><head><title>Welcome to nginx!</title></head></html>")
		}, `"Welcome to nginx!"`},
		{"json without version", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"systemName":"x"}`) }, "no version"},
		{"not json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `hello`) }, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.handler, nil)
			_, err := b.client.SystemInfo(context.Background())
			if !errors.Is(err, KindNotDHIS2) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "check the URL") {
				t.Fatalf("err = %v, want not-DHIS2 mentioning %q", err, tt.want)
			}
		})
	}
}

// hijackCut answers with a Content-Length larger than what it sends, then
// closes the connection.
func hijackCut(w http.ResponseWriter, partial string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + partial)
	_ = buf.Flush()
}

func TestTruncatedBodyIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"content-length cut", func(w http.ResponseWriter, r *http.Request) { hijackCut(w, `{"version":"2.40","serv`) }},
		{"chunked abort", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"version":"2.40","serverDate":"2024-`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}},
		{"close-delimited cut", func(w http.ResponseWriter, r *http.Request) {
			conn, buf, _ := w.(http.Hijacker).Hijack()
			defer conn.Close()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"version\":\"2.40\",\"rev")
			_ = buf.Flush()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.handler, func(c *Config) { c.Retry.MaxAttempts = 2 })
			_, err := b.client.SystemInfo(context.Background())
			if !errors.Is(err, KindTruncated) {
				t.Fatalf("err = %v, want KindTruncated", err)
			}
			if got := b.hits.Load(); got != 2 {
				t.Errorf("hits = %d, want 2 (a cut GET body is retried)", got)
			}
		})
	}
}

func TestRedirectToAnotherHostNeverCarriesCredentials(t *testing.T) {
	t.Parallel()
	var seenAuth, seenCookie atomic.Value
	seenAuth.Store("")
	seenCookie.Store("")
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		seenAuth.Store(r.Header.Get("Authorization"))
		seenCookie.Store(r.Header.Get("Cookie"))
		writeJSON(w, 200, systemInfoBody)
	}))
	t.Cleanup(other.Close)
	// "localhost" resolves to the same server but is another origin.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	for _, tok := range []string{"", "d2pat_abcdefghijklmnopqrstuvwxyz0123451234567890"} {
		name := "basic"
		if tok != "" {
			name = "token"
		}
		t.Run(name, func(t *testing.T) {
			var mainAuth atomic.Value
			b := setup(t, func(w http.ResponseWriter, r *http.Request) {
				mainAuth.Store(r.Header.Get("Authorization"))
				http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "s3cr3t-session", Path: "/"})
				if r.URL.Path == "/api/me" {
					writeJSON(w, 200, `{"id":"u1","username":"admin","authorities":["ALL"]}`)
					return
				}
				http.Redirect(w, r, otherURL+"/api/system/info", http.StatusFound)
			}, func(c *Config) { c.Token = tok })
			// Prime the session cookie on the DHIS2 host.
			if _, err := b.client.Me(context.Background()); err != nil {
				t.Fatal(err)
			}
			_, err := b.client.SystemInfo(context.Background())
			if !errors.Is(err, KindRedirect) || !strings.Contains(err.Error(), "never sends credentials to another host") {
				t.Fatalf("err = %v, want a refused cross-host redirect", err)
			}
			if a, _ := mainAuth.Load().(string); a == "" {
				t.Error("the DHIS2 host itself did not receive credentials")
			}
			// Even a direct request through the client's transport to the
			// other host goes out without credentials or the session cookie.
			resp, err := b.client.http.Get(otherURL + "/api/system/info")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if a := seenAuth.Load().(string); a != "" {
				t.Errorf("other host received Authorization %q", a)
			}
			if c := seenCookie.Load().(string); c != "" {
				t.Errorf("other host received cookies %q", c)
			}
		})
	}
	if otherHits.Load() != 2 {
		t.Errorf("other host hits = %d, want only the 2 direct probes", otherHits.Load())
	}
}

func TestSameOriginRedirectIsFollowed(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/system/info" {
			http.Redirect(w, r, "/dhis/api/system/info", http.StatusMovedPermanently)
			return
		}
		if r.Header.Get("Authorization") == "" {
			writeJSON(w, 401, `{}`)
			return
		}
		writeJSON(w, 200, systemInfoBody)
	}, nil)
	if _, err := b.client.SystemInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestPostTimeoutAfterBodySentIsUnknownOutcome(t *testing.T) {
	t.Parallel()
	for _, idempotent := range []bool{false, true} {
		name := "not idempotent"
		if idempotent {
			name = "idempotent"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var bodies atomic.Int64
			b := setup(t, func(w http.ResponseWriter, r *http.Request) {
				data, _ := io.ReadAll(r.Body)
				if len(data) > 0 {
					bodies.Add(1)
				}
				<-r.Context().Done() // "applied", then the answer never comes
			}, func(c *Config) {
				c.Timeout = 150 * time.Millisecond
				c.Retry.MaxAttempts = 2
			})
			body := JSONBody(map[string]any{"dataElements": []any{map[string]string{"id": "fbfJHSPpUQD"}}})
			body.Idempotent = idempotent
			res, err := b.client.ImportMetadata(context.Background(), body, nil)
			if res != nil || !errors.Is(err, ErrUnknownOutcome) || !errors.Is(err, KindTimeout) {
				t.Fatalf("res %+v err %v, want an unknown outcome after a timeout", res, err)
			}
			want := int64(1)
			if idempotent {
				want = 2
			}
			if bodies.Load() != want {
				t.Errorf("complete bodies received = %d, want %d", bodies.Load(), want)
			}
			if !strings.Contains(err.Error(), "outcome") {
				t.Errorf("message %q does not say the outcome is unknown", err)
			}
		})
	}
}

func TestPostNeverSentIsRetriedAndKnown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	clock := newFakeClock()
	c, err := New(Config{Name: "dest", BaseURL: "http://" + addr, Username: "u", Password: "p",
		Retry: RetryPolicy{MaxAttempts: 3, Rand: func() float64 { return 0 }}, Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ImportDataValues(context.Background(), JSONBody(map[string]any{"dataValues": []any{}}), nil)
	if !errors.Is(err, KindConnRefused) || errors.Is(err, ErrUnknownOutcome) {
		t.Fatalf("err = %v, want connection refused with a known outcome", err)
	}
	if !strings.Contains(err.Error(), "refused the connection") || !strings.Contains(err.Error(), `"dest"`) {
		t.Errorf("message = %q", err)
	}
	if n := c.Counters().Requests; n != 3 {
		t.Errorf("requests = %d, want 3: a request that never left is safe to retry", n)
	}
}

func TestWrappedImportReportOn409IsAResult(t *testing.T) {
	t.Parallel()
	report := `{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","message":"One or more errors occurred, please see full details in import report.",
	"response":{"responseType":"ImportReport","status":"ERROR","stats":{"created":0,"updated":0,"deleted":0,"ignored":1,"total":1},
	"typeReports":[{"klass":"org.hisp.dhis.dataset.DataSet","stats":{"created":0,"updated":0,"deleted":0,"ignored":1,"total":1},
	"objectReports":[{"klass":"org.hisp.dhis.dataset.DataSet","index":0,"uid":"abcdefghijk","errorReports":[{"message":"Invalid reference [xyz12345678] (DataElement) on object ANC [abcdefghijk] (DataSet) for association ` + "`dataElement`" + `",
	"mainKlass":"org.hisp.dhis.dataset.DataSet","mainId":"abcdefghijk","errorKlass":"org.hisp.dhis.dataelement.DataElement","errorProperty":"dataElement","errorCode":"E5002"}]}]}]}}`
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/metadata" || r.URL.Query().Get("atomicMode") != "ALL" {
			writeJSON(w, 400, `{}`)
			return
		}
		writeJSON(w, http.StatusConflict, report)
	}, nil)
	body := JSONBody(map[string]any{"dataSets": []any{}})
	body.Idempotent = true
	res, err := b.client.ImportMetadata(context.Background(), body, map[string][]string{"atomicMode": {"ALL"}})
	if err != nil {
		t.Fatalf("a 409 carrying a report must be a result: %v", err)
	}
	if b.hits.Load() != 1 || res.Attempts != 1 {
		t.Errorf("hits = %d attempts = %d, want 1", b.hits.Load(), res.Attempts)
	}
	if res.Status != StatusError || res.HTTPStatus != 409 || !res.Wrapped || res.Stats.Ignored != 1 || res.Stats.Total != 1 {
		t.Errorf("result = %+v", res)
	}
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %+v", res.Errors)
	}
	e := res.Errors[0]
	if e.Type != "DataSet" || e.UID != "abcdefghijk" || e.Index != 0 || e.Code != "E5002" || e.Property != "dataElement" {
		t.Errorf("error = %+v", e)
	}
	if !strings.HasPrefix(res.Summary(), "ERROR: 0 created, 0 updated, 0 deleted, 1 ignored (1 error)") {
		t.Errorf("summary = %q", res.Summary())
	}
}

func TestUntrustedCertificateIsATLSError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, systemInfoBody) }))
	t.Cleanup(srv.Close)
	c, err := New(Config{Name: "tls", BaseURL: srv.URL, Token: "d2p_x"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SystemInfo(context.Background())
	if !errors.Is(err, KindTLS) || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), "trust") {
		t.Fatalf("err = %v, want a TLS certificate error", err)
	}
	// With the server's CA trusted (custom HTTP client) it works.
	c, err = New(Config{Name: "tls", BaseURL: srv.URL, Token: "d2p_x", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SystemInfo(context.Background()); err != nil {
		t.Fatalf("trusted CA: %v", err)
	}
}

func TestUnknownHostIsADNSError(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Name: "nowhere", BaseURL: "https://d2sync-test.invalid/dhis", Token: "d2p_x",
		Retry: RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SystemInfo(context.Background())
	if !errors.Is(err, KindDNS) || !strings.Contains(err.Error(), "could not be resolved") || !strings.Contains(err.Error(), "check the host name") {
		t.Fatalf("err = %v, want a DNS error", err)
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	token := "d2pat_CANARYtokenABCDEFGHIJKLMNOPQRSTUV1234567890"
	for _, useToken := range []bool{false, true} {
		var b *testBundle
		b = setup(t, func(w http.ResponseWriter, r *http.Request) {
			// A broken proxy echoing the request headers in its error page.
			writeJSON(w, 500, `{"message":"failed for `+r.Header.Get("Authorization")+` password=`+testPassword+` token `+token+`"}`)
		}, func(c *Config) {
			if useToken {
				c.Token = token
			}
		})
		var out any
		err := b.client.GetJSON(context.Background(), "dataElements", nil, &out)
		if err == nil {
			t.Fatal("expected an error")
		}
		basic := base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPassword))
		for _, secret := range []string{testPassword, token, basic, "CANARY"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks %q: %s", secret, err)
			}
			if strings.Contains(b.logs.String(), secret) {
				t.Errorf("log leaks %q", secret)
			}
		}
	}
}

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	var cur, peak atomic.Int64
	release := make(chan struct{})
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		cur.Add(-1)
		writeJSON(w, 200, `{}`)
	}, func(c *Config) { c.MaxConcurrent = 2 })
	errs := make(chan error, 6)
	for range 6 {
		go func() {
			var out any
			errs <- b.client.GetJSON(context.Background(), "system/ping", nil, &out)
		}()
	}
	deadline := time.After(5 * time.Second)
	for b.hits.Load() < 2 {
		select {
		case <-deadline:
			t.Fatal("requests did not start")
		default:
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency = %d, want 2", p)
	}
}

func TestStreamIdleTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"pager":{"page":1},"dataElements":[{"id":"a"},`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}, func(c *Config) { c.IdleTimeout = 100 * time.Millisecond })
	rc, err := b.client.Stream(context.Background(), "dataElements", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = io.ReadAll(rc)
	if !errors.Is(err, KindTimeout) || !strings.Contains(err.Error(), "idle timeout") {
		t.Fatalf("err = %v, want an idle timeout", err)
	}
}

func TestSessionCookieReused(t *testing.T) {
	t.Parallel()
	var withCookie atomic.Int64
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("JSESSIONID"); err == nil && c.Value == "abc" {
			withCookie.Add(1)
		}
		http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "abc", Path: "/", HttpOnly: true})
		writeJSON(w, 200, systemInfoBody)
	}, nil)
	for range 3 {
		if _, err := b.client.SystemInfo(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if withCookie.Load() != 2 {
		t.Errorf("requests with the session cookie = %d, want 2", withCookie.Load())
	}
}

func TestContextCancel(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := b.client.SystemInfo(ctx)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, KindCanceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
}

func TestStreamAcceptsNonJSONBodies(t *testing.T) {
	t.Parallel()
	bodies := map[string][2]string{
		"adx": {"application/adx+xml", `<?xml version="1.0"?><adx xmlns="urn:ihe:qrph:adx:2015"></adx>`},
		"xml": {"", `<?xml version="1.0"?><dataValueSet/>`},
		"csv": {"application/csv", "dataelement,period,orgunit\n"},
	}
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		v := bodies[r.URL.Query().Get("format")]
		if v[0] != "" {
			w.Header().Set("Content-Type", v[0])
		}
		_, _ = io.WriteString(w, v[1])
	}, nil)
	for name, v := range bodies {
		rc, err := b.client.Stream(context.Background(), "dataValueSets", map[string][]string{"format": {name}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != v[1] {
			t.Errorf("%s: got %q, %v", name, got, err)
		}
	}
}

// TestCancelCauseErrorIsNotModified: a caller (the sync engine) cancels
// the context of all its requests with the *Error that stopped one of
// them. The calls in flight fail with that cause and must not write their
// own details (attempts, unknown outcome) into the shared error.
func TestCancelCauseErrorIsNotModified(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices the client leaving only once the body is read
		<-r.Context().Done()
	}, nil)
	cause := &Error{Instance: "other", Op: "import data values", Kind: KindServer, HTTPStatus: 503, Attempts: 4}
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel(cause) }()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			body := JSONBody(map[string]any{"dataValues": []any{}})
			if _, err := b.client.ImportDataValues(ctx, body, nil); err == nil {
				t.Error("import succeeded on a canceled context")
			}
		})
	}
	wg.Wait()
	if cause.Attempts != 4 || cause.UnknownOutcome {
		t.Errorf("the cancel cause was modified by the calls it stopped: %+v", *cause)
	}
}
