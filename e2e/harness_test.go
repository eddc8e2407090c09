package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/syncer"
)

// defaultRunTimeout bounds one d2sync invocation: a command that takes
// longer is a hang and fails the test.
const defaultRunTimeout = 2 * time.Minute

// result is the outcome of one d2sync invocation.
type result struct {
	args    []string
	code    int
	stdout  string
	stderr  string
	elapsed time.Duration
}

// String renders r for failure messages.
func (r result) String() string {
	return fmt.Sprintf("d2sync %s\nexit %d after %s\n--- stdout\n%s\n--- stderr\n%s", strings.Join(r.args, " "), r.code, r.elapsed.Round(time.Millisecond), tail(r.stdout, 4000), tail(r.stderr, 4000))
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// runner runs the d2sync binary in its own directory, with HOME and TMPDIR
// inside it and no environment beyond PATH and env, so that a test can
// search everything the program left behind.
type runner struct {
	dir     string
	env     map[string]string
	timeout time.Duration
}

func newRunner(t *testing.T) *runner {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"home", "tmp", "data"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return &runner{dir: dir, env: map[string]string{}, timeout: defaultRunTimeout}
}

// environ is the subprocess environment.
func (r *runner) environ(extra map[string]string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(r.dir, "home"),
		"TMPDIR=" + filepath.Join(r.dir, "tmp"),
	}
	for _, m := range []map[string]string{r.env, extra} {
		for k, v := range m {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// run runs d2sync with args and fails the test on a crash or a hang.
func (r *runner) run(t *testing.T, args ...string) result {
	t.Helper()
	return r.runEnv(t, nil, args...)
}

// runEnv is run with extra environment variables for this call only.
func (r *runner) runEnv(t *testing.T, extra map[string]string, args ...string) result {
	t.Helper()
	res := r.start(t, extra, args...).wait(t)
	requireNoCrash(t, res)
	return res
}

// process is a d2sync invocation running in the background.
type process struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc
	out    *bytes.Buffer
	errOut *bytes.Buffer
	args   []string
	begun  time.Time
	ctx    context.Context
}

// start launches d2sync without waiting for it.
func (r *runner) start(t *testing.T, extra map[string]string, args ...string) *process {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = r.dir
	cmd.Env = r.environ(extra)
	cmd.Stdin = strings.NewReader("")
	p := &process{cmd: cmd, cancel: cancel, out: &bytes.Buffer{}, errOut: &bytes.Buffer{}, args: args, begun: time.Now(), ctx: ctx}
	cmd.Stdout, cmd.Stderr = p.out, p.errOut
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start d2sync: %v", err)
	}
	return p
}

// wait waits for the process; a timeout is a hang and fails the test.
func (p *process) wait(t *testing.T) result {
	t.Helper()
	defer p.cancel()
	err := p.cmd.Wait()
	res := result{args: p.args, code: p.cmd.ProcessState.ExitCode(), stdout: p.out.String(), stderr: p.errOut.String(), elapsed: time.Since(p.begun)}
	if errors.Is(p.ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("d2sync hung (killed after %s):\n%s", res.elapsed.Round(time.Second), res)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("d2sync: %v\n%s", err, res)
	}
	return res
}

// crashRE matches what the Go runtime prints on a panic or a fatal error.
var crashRE = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[|\[signal )`)

// requireNoCrash fails the test when d2sync panicked, was killed, or exited
// with a code outside the documented ones (0 ok, 1 failed, 2 usage, 3
// partial).
func requireNoCrash(t *testing.T, r result) {
	t.Helper()
	if crashRE.MatchString(r.stderr) || crashRE.MatchString(r.stdout) {
		t.Fatalf("d2sync crashed:\n%s", r)
	}
	if r.code < 0 || r.code > 3 {
		t.Fatalf("d2sync exited with undocumented code %d:\n%s", r.code, r)
	}
}

// pair is a source, a destination and the d2sync environment that joins
// them (credentials and a SQLite store in the runner's directory).
type pair struct {
	*runner
	src, dst *emulatortest.Server
	reports  atomic.Int64
}

func newPair(t *testing.T, src, dst *emulatortest.Server) *pair {
	t.Helper()
	p := &pair{runner: newRunner(t), src: src, dst: dst}
	p.env["D2SYNC_SOURCE_USERNAME"], p.env["D2SYNC_SOURCE_PASSWORD"] = src.Username, src.Password
	p.env["D2SYNC_DEST_USERNAME"], p.env["D2SYNC_DEST_PASSWORD"] = dst.Username, dst.Password
	p.env["D2SYNC_DATABASE_URL"] = filepath.Join(p.dir, "data", "d2sync.db")
	return p
}

// blankDest starts an empty destination of version v.
func blankDest(t *testing.T, v string) *emulatortest.Server {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{Version: v})
}

// flags returns the pair flags followed by extra.
func (p *pair) flags(extra ...string) []string {
	return append([]string{"--source", p.src.URL, "--dest", p.dst.URL, "--scope", scopes}, extra...)
}

// sync runs d2sync sync with a report file and returns the parsed report
// (nil when none was written).
func (p *pair) sync(t *testing.T, extra ...string) (result, *syncer.Report) {
	t.Helper()
	return p.command(t, "sync", extra...)
}

// verify runs d2sync verify with a report file.
func (p *pair) verify(t *testing.T, extra ...string) (result, *syncer.Report) {
	t.Helper()
	return p.command(t, "verify", extra...)
}

func (p *pair) command(t *testing.T, cmd string, extra ...string) (result, *syncer.Report) {
	t.Helper()
	path := filepath.Join(p.dir, fmt.Sprintf("report-%d.json", p.reports.Add(1)))
	res := p.run(t, append([]string{cmd, "--report", path}, p.flags(extra...)...)...)
	return res, readReport(t, path)
}

// readReport parses a JSON report, nil when the file does not exist.
func readReport(t *testing.T, path string) *syncer.Report {
	t.Helper()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var rep syncer.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("report %s: %v", path, err)
	}
	return &rep
}

// requireSynced fails unless a sync (or verify) succeeded: exit 0, status
// SUCCESS and a clean verification.
func requireSynced(t *testing.T, res result, rep *syncer.Report) {
	t.Helper()
	if res.code != 0 || rep == nil || rep.Status != syncer.StatusSuccess {
		t.Fatalf("want exit 0 and SUCCESS:\n%s", res)
	}
	if rep.Verification == nil || !rep.Verification.Clean() {
		t.Fatalf("SUCCESS without a clean verification:\n%s", res)
	}
}

// api sends one request to an emulator with its admin credentials and
// returns the status and body. PATCH bodies are JSON Patch documents.
func api(t *testing.T, s *emulatortest.Server, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := s.Request(t, method, path, rd)
	if method == http.MethodPatch {
		req.Header.Set("Content-Type", "application/json-patch+json")
	}
	resp, err := s.HTTP.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// apiOK is api that fails the test on a status ≥ 300.
func apiOK(t *testing.T, s *emulatortest.Server, method, path, body string) []byte {
	t.Helper()
	code, b := api(t, s, method, path, body)
	if code >= 300 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, code, tail(string(b), 500))
	}
	return b
}

// writesOf returns the state-changing requests in an emulator's log.
func writesOf(recs []emulator.RequestRecord) []emulator.RequestRecord {
	var out []emulator.RequestRecord
	for _, r := range recs {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			out = append(out, r)
		}
	}
	return out
}
