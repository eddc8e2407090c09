package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/store/storetest"
)

// TestNoSecretLeaks is S-01 and S-04 from the outside: DHIS2 credentials
// with canary values (passwords CANARY-pw-…, personal access tokens made
// by the emulators, a well-formed but unknown d2pat_ canary token) go
// through sync, verify and probe runs, including runs refused with 401
// and runs whose 500 answers echo the request headers (Authorization,
// session cookie), with --verbose. Afterwards stdout, stderr, the report
// files, the SQLite store (or a pg_dump of the PostgreSQL schema when
// D2SYNC_TEST_POSTGRES_URL is set), HOME, TMPDIR and the data directory
// hold no canary in raw, base64 (any alignment), hex or URL-encoded form,
// no session cookie value, no "Authorization:" and no "Basic <base64>".
func TestNoSecretLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	c := newCanaries(t)
	srcSpy := &spy{}
	e, err := emulator.New(demoOptions(emulator.Options{Version: "2.40",
		Users: []emulator.UserSpec{{Username: "canary-src", Password: c.srcPassword, Authorities: []string{"ALL"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	src := serveWrapped(t, e, srcSpy.wrap)
	c.srcToken = createToken(t, src, "canary-src", c.srcPassword)
	echoSrc := httptest.NewServer(srcSpy.echoing(e, http.MethodGet, "/api/me"))
	t.Cleanup(echoSrc.Close)

	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := &leakScenario{c: c, src: src, echoSrcURL: echoSrc.URL, spies: []*spy{srcSpy}}
			s.r = newRunner(t)
			s.r.env["D2SYNC_DATABASE_URL"] = filepath.Join(s.r.dir, "data", "d2sync.db")
			if engine == "postgres" {
				s.schemaURL = storetest.NewPostgresSchema(t) // skips without D2SYNC_TEST_POSTGRES_URL
				s.r.env["D2SYNC_DATABASE_URL"] = s.schemaURL
			}
			s.run(t)
			s.scan(t)
		})
	}
}

// canaries are the secrets of TestNoSecretLeaks.
type canaries struct {
	srcPassword, dstPassword, wrongPassword string
	srcToken, dstToken, unknownToken        string
	extra                                   []string // more destination tokens
}

func newCanaries(t *testing.T) *canaries {
	t.Helper()
	return &canaries{
		srcPassword:   "CANARY-pw-src-" + randomHex(t, 6),
		dstPassword:   "CANARY-pw-dst-" + randomHex(t, 6),
		wrongPassword: "CANARY-pw-wrong-" + randomHex(t, 6),
		unknownToken:  canaryPAT(t),
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// canaryPAT returns a well-formed V1 token that no server knows:
// "d2pat_" + 32 letters and digits + the CRC32 checksum as 10 digits, as
// DHIS2 computes it (over the 32 characters followed by three NUL bytes).
func canaryPAT(t *testing.T) string {
	t.Helper()
	code := ("CANARYtok" + strings.ToUpper(randomHex(t, 16)))[:32]
	return fmt.Sprintf("d2pat_%s%010d", code, crc32.ChecksumIEEE(append([]byte(code), 0, 0, 0)))
}

// secrets lists every canary value.
func (c *canaries) secrets() []string {
	return []string{c.srcPassword, c.dstPassword, c.wrongPassword, c.srcToken, c.dstToken, c.unknownToken}
}

// createToken creates a personal access token for a user through the
// emulator's API (POST /api/apiToken, as that user).
func createToken(t *testing.T, s *emulatortest.Server, user, password string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/apiToken", strings.NewReader(`{"type":"PERSONAL_ACCESS_TOKEN"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msg struct {
		Response struct {
			Key string `json:"key"`
		} `json:"response"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil || resp.StatusCode != http.StatusCreated || !strings.HasPrefix(msg.Response.Key, "d2pat_") {
		t.Fatalf("create a token for %s: HTTP %d, %v, key %q", user, resp.StatusCode, err, msg.Response.Key)
	}
	return msg.Response.Key
}

// spy is a test-server wrapper that records the session cookies the
// emulator hands out and, for chosen requests, answers 500 with a body
// that echoes every request header (as a debugging proxy or a verbose
// error page would).
type spy struct {
	mu       sync.Mutex
	sessions []string
}

func (s *spy) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r.Header.Values("Cookie"))
		next.ServeHTTP(&cookieWatcher{ResponseWriter: w, s: s}, r)
	})
}

// echoing serves next but answers method+path with a 500 echoing the
// request's headers, in a DHIS2 WebMessage.
func (s *spy) echoing(next http.Handler, method, path string) http.Handler {
	return s.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method || !strings.HasSuffix(r.URL.Path, path) {
			next.ServeHTTP(w, r)
			return
		}
		var dump strings.Builder
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&dump, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
		}
		if u, p, ok := r.BasicAuth(); ok {
			fmt.Fprintf(&dump, "decoded credentials: %s / %s\n", u, p)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"httpStatus": "Internal Server Error", "httpStatusCode": 500, "status": "ERROR",
			"message": "java.lang.IllegalStateException: request was\n" + dump.String(),
		})
	}))
}

func (s *spy) record(cookies []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, line := range cookies {
		for _, part := range strings.Split(line, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && strings.EqualFold(k, "JSESSIONID") && v != "" {
				s.sessions = append(s.sessions, v)
			}
		}
	}
}

func (s *spy) sessionIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sessions...)
}

// cookieWatcher records the session cookies a response sets.
type cookieWatcher struct {
	http.ResponseWriter
	s *spy
}

func (w *cookieWatcher) WriteHeader(code int) {
	for _, c := range w.Header().Values("Set-Cookie") {
		w.s.record([]string{strings.SplitN(c, ";", 2)[0]})
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *cookieWatcher) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

func (w *cookieWatcher) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// leakScenario is one engine's series of runs in TestNoSecretLeaks.
type leakScenario struct {
	c          *canaries
	src        *emulatortest.Server
	echoSrcURL string
	spies      []*spy
	r          *runner
	schemaURL  string
	outputs    []string
}

// run performs the series of runs: successful sync, verify and probes,
// then 401s and header-echoing 500s, with debug output.
func (s *leakScenario) run(t *testing.T) {
	t.Helper()
	dstSpy := &spy{}
	s.spies = append(s.spies, dstSpy)
	de, err := emulator.New(emulator.Options{Version: "2.40",
		Users: []emulator.UserSpec{{Username: "canary-dst", Password: s.c.dstPassword, Authorities: []string{"ALL"}}}})
	if err != nil {
		t.Fatal(err)
	}
	dst := serveWrapped(t, de, dstSpy.wrap)
	tok := createToken(t, dst, "canary-dst", s.c.dstPassword)
	s.c.dstTokenOnce(tok)
	// A second, empty destination whose imports answer 500 echoing the
	// request headers (the first one is in sync: nothing to import).
	ee, err := emulator.New(emulator.Options{Version: "2.40",
		Users: []emulator.UserSpec{{Username: "canary-dst", Password: s.c.dstPassword, Authorities: []string{"ALL"}}}})
	if err != nil {
		t.Fatal(err)
	}
	echoDst := serveWrapped(t, ee, func(next http.Handler) http.Handler { return dstSpy.echoing(next, http.MethodPost, "/api/metadata") })

	srcBasic := map[string]string{"D2SYNC_SOURCE_USERNAME": "canary-src", "D2SYNC_SOURCE_PASSWORD": s.c.srcPassword}
	srcToken := map[string]string{"D2SYNC_SOURCE_TOKEN": s.c.srcToken}
	dstBasic := map[string]string{"D2SYNC_DEST_USERNAME": "canary-dst", "D2SYNC_DEST_PASSWORD": s.c.dstPassword}
	dstToken := map[string]string{"D2SYNC_DEST_TOKEN": tok}
	env := func(ms ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	pairArgs := func(cmd, src, dst string, extra ...string) []string {
		return append([]string{cmd, "--report", filepath.Join(s.r.dir, cmd+"-"+randomHex(t, 3)+".json"),
			"--source", src, "--dest", dst, "--scope", scopes}, extra...)
	}
	runs := []struct {
		name  string
		env   map[string]string
		args  []string
		codes []int
	}{
		{"sync", env(srcBasic, dstToken), pairArgs("sync", s.src.URL, dst.URL), []int{0}},
		{"verify", env(srcToken, dstBasic), pairArgs("verify", s.src.URL, dst.URL, "--verbose"), []int{0}},
		{"probe source", srcBasic, []string{"probe", "--url", s.src.URL}, []int{0}},
		{"probe destination", dstToken, []string{"probe", "--dest", "--url", dst.URL}, []int{0}},
		{"unknown token 401", env(srcBasic, map[string]string{"D2SYNC_DEST_TOKEN": s.c.unknownToken}), pairArgs("sync", s.src.URL, dst.URL, "--verbose"), []int{1}},
		{"wrong password 401", env(map[string]string{"D2SYNC_SOURCE_USERNAME": "canary-src", "D2SYNC_SOURCE_PASSWORD": s.c.wrongPassword}, dstToken), pairArgs("sync", s.src.URL, dst.URL, "--verbose"), []int{1}},
		{"probe 401", map[string]string{"D2SYNC_DEST_TOKEN": s.c.unknownToken}, []string{"probe", "--dest", "--url", dst.URL}, []int{1}},
		{"destination 500 echo", env(srcToken, dstBasic), pairArgs("sync", s.src.URL, echoDst.URL, "--verbose", "--full"), []int{1, 3}},
		{"source 500 echo", env(srcBasic, dstToken), pairArgs("sync", s.echoSrcURL, dst.URL, "--verbose"), []int{1}},
		{"probe 500 echo", srcToken, []string{"probe", "--url", s.echoSrcURL}, []int{1}},
	}
	for _, run := range runs {
		res := s.r.runEnv(t, run.env, run.args...)
		if !containsInt(run.codes, res.code) {
			t.Errorf("%s: exit %d, want one of %v\n%s", run.name, res.code, run.codes, res)
		}
		if strings.Contains(res.stderr, "checksum does not match") {
			t.Errorf("%s: a genuine DHIS2 token was reported as mistyped:\n%s", run.name, res.stderr)
		}
		s.outputs = append(s.outputs, "== "+run.name+" stdout\n"+res.stdout, "== "+run.name+" stderr\n"+res.stderr)
	}
}

// dstTokenOnce keeps the first destination token (engines run in
// parallel, each with its own destination; every token is searched).
func (c *canaries) dstTokenOnce(tok string) {
	canaryMu.Lock()
	defer canaryMu.Unlock()
	if c.dstToken == "" {
		c.dstToken = tok
		return
	}
	c.extra = append(c.extra, tok)
}

var canaryMu sync.Mutex

// scan searches every output and every file the runs left for secrets.
func (s *leakScenario) scan(t *testing.T) {
	t.Helper()
	canaryMu.Lock()
	secrets := append(s.c.secrets(), s.c.extra...)
	canaryMu.Unlock()
	for _, sp := range s.spies {
		secrets = append(secrets, sp.sessionIDs()...)
	}
	if len(secrets) < 8 {
		t.Fatalf("only %d secrets to look for: no session cookie was handed out?", len(secrets))
	}
	needles := leakNeedles(secrets)
	texts := map[string][]byte{}
	for i, o := range s.outputs {
		texts[fmt.Sprintf("output #%d", i)] = []byte(o)
	}
	files := 0
	err := filepath.WalkDir(s.r.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		texts[path] = b
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.schemaURL != "" {
		texts["pg_dump"] = pgDump(t, s.schemaURL)
	} else if _, ok := texts[filepath.Join(s.r.dir, "data", "d2sync.db")]; !ok {
		t.Fatal("the SQLite store was not created: nothing to scan")
	}
	for name, b := range texts {
		for _, n := range needles {
			if i := bytes.Index(b, []byte(n.text)); i >= 0 {
				t.Errorf("%s holds a secret (%s) at byte %d: …%s…", name, n.form, i, excerpt(b, i))
			}
		}
		for _, re := range leakPatterns {
			if loc := re.FindIndex(b); loc != nil {
				t.Errorf("%s matches %s at byte %d: …%s…", name, re, loc[0], excerpt(b, loc[0]))
			}
		}
	}
	t.Logf("scanned %d outputs and %d files for %d secrets in %d forms", len(s.outputs), files, len(secrets), len(needles))
}

// leakPatterns are credential shapes that must appear nowhere.
var leakPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)authorization:`),
	regexp.MustCompile(`Basic [A-Za-z0-9+/=]{8,}`),
	regexp.MustCompile(`ApiToken [A-Za-z0-9]`),
	regexp.MustCompile(`d2pat_[A-Za-z0-9]+[0-9]{10}`),
	regexp.MustCompile(`d2p_[A-Za-z0-9]{40,}`),
}

// needle is one encoded form of a secret.
type needle struct{ text, form string }

// leakNeedles returns the raw, base64 (standard and URL alphabets, at
// each of the three byte alignments, so a secret inside "user:password"
// is found too), hex and URL-encoded forms of each secret.
func leakNeedles(secrets []string) []needle {
	var out []needle
	add := func(text, form string) {
		if len(text) >= 8 {
			out = append(out, needle{text, form})
		}
	}
	for _, s := range secrets {
		add(s, "raw")
		add(hex.EncodeToString([]byte(s)), "hex")
		add(strings.ToUpper(hex.EncodeToString([]byte(s))), "HEX")
		add(url.QueryEscape(s), "query-escaped")
		add(url.PathEscape(s), "path-escaped")
		for k := range 3 {
			enc := base64.StdEncoding.EncodeToString(append(make([]byte, k), s...))
			first := 0
			if k > 0 {
				first = 4 // the first group mixes prefix and secret bytes
			}
			last := 4 * ((k + len(s)) / 3) // only groups made of secret bytes
			if last > first {
				core := enc[first:last]
				add(core, fmt.Sprintf("base64@%d", k))
				add(strings.NewReplacer("+", "-", "/", "_").Replace(core), fmt.Sprintf("base64url@%d", k))
			}
		}
	}
	return out
}

func excerpt(b []byte, i int) string {
	lo, hi := max(0, i-40), min(len(b), i+60)
	return strings.ToValidUTF8(string(b[lo:hi]), "?")
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// pgDump dumps the schema a storetest URL selects (search_path).
func pgDump(t *testing.T, schemaURL string) []byte {
	t.Helper()
	u, err := url.Parse(schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	out, err := exec.Command("pg_dump", "--no-owner", "--schema="+schema, "--dbname="+u.String()).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(out, []byte("sync_runs")) {
		t.Fatalf("pg_dump of %s has no sync_runs table:\n%s", schema, tail(string(out), 500))
	}
	return out
}

// TestLeakNeedlesFindEncodings checks the scanner itself: each encoded
// form of a secret, including Basic credentials where the password sits
// at any byte offset, is found.
func TestLeakNeedlesFindEncodings(t *testing.T) {
	t.Parallel()
	secret := "CANARY-pw-0123abcd"
	needles := leakNeedles([]string{secret})
	found := func(text string) bool {
		for _, n := range needles {
			if strings.Contains(text, n.text) {
				return true
			}
		}
		return false
	}
	for _, user := range []string{"a", "ab", "abc", "admin"} {
		basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
		if !found("Authorization: Basic " + basic) {
			t.Errorf("Basic credentials of %q not found", user)
		}
	}
	for _, text := range []string{
		"x" + secret + "y",
		hex.EncodeToString([]byte(secret)),
		url.QueryEscape("p=" + secret),
		base64.URLEncoding.EncodeToString([]byte("zz" + secret)),
	} {
		if !found(text) {
			t.Errorf("%q not found", text)
		}
	}
	if found("CANARY-pw-0123abc") || found("an innocent log line") {
		t.Error("false positive")
	}
}
