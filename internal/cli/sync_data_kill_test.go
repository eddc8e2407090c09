package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/syncer"
)

// childEnv marks a re-executed test binary that runs d2sync itself.
const childEnv = "D2SYNC_TEST_CHILD_ARGS"

// TestMainChild is not a test: when the test binary is started with
// childEnv set, it runs d2sync with those arguments and exits, so that
// tests can run (and kill) the real CLI as a separate process.
func TestMainChild(t *testing.T) {
	args := os.Getenv(childEnv)
	if args == "" {
		t.Skip("helper process for the kill -9 tests")
	}
	os.Exit(Main(context.Background(), append([]string{"d2sync"}, strings.Split(args, "\x1f")...), os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// postLog records the keys of every data value posted to an emulator, so
// that a test can tell which chunks were sent more than once.
type postLog struct {
	mu    sync.Mutex
	posts [][]string // keys de/pe/ou/coc/aoc per POST, in order
}

func (l *postLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/dataValueSets") {
			h.ServeHTTP(w, r)
			return
		}
		data, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
			if plain, err := io.ReadAll(zr); err == nil {
				data = plain
			}
		}
		var body struct {
			DataValues []struct {
				DataElement, Period, OrgUnit, CategoryOptionCombo, AttributeOptionCombo string
			} `json:"dataValues"`
		}
		_ = json.Unmarshal(data, &body)
		keys := make([]string, len(body.DataValues))
		for i, v := range body.DataValues {
			keys[i] = strings.Join([]string{v.DataElement, v.Period, v.OrgUnit, v.CategoryOptionCombo, v.AttributeOptionCombo}, "/")
		}
		l.mu.Lock()
		l.posts = append(l.posts, keys)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *postLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.posts)
}

// resent returns, per stream (as named by streamOf a value key), how many
// POSTs carried a value an earlier POST had already carried.
func (l *postLog) resent(streamOf func(key string) string) map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[string]bool{}
	out := map[string]int{}
	for _, keys := range l.posts {
		again := ""
		for _, k := range keys {
			if seen[k] {
				again = streamOf(k)
			}
		}
		for _, k := range keys {
			seen[k] = true
		}
		if again != "" {
			out[again]++
		}
	}
	return out
}

// TestSyncDataKill9 runs d2sync sync --scope data as a separate process,
// kills it with SIGKILL five times at random points, restarts it each
// time, and checks that every restart resumes from the checkpoints, that
// at most one chunk per stream is sent again per kill, and that the end
// state verifies equal.
func TestSyncDataKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end with a child process: skipped with -short")
	}
	src, err := emulator.New(emulator.Options{Version: "2.40", Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := emulator.New(emulator.Options{Version: "2.40"})
	if err != nil {
		t.Fatal(err)
	}
	var log postLog
	srcSrv, dstSrv := httptest.NewServer(src), httptest.NewServer(log.wrap(dst))
	defer srcSrv.Close()
	defer dstSrv.Close()
	srcCl, dstCl := killTestClient(t, "source", srcSrv.URL), killTestClient(t, "destination", dstSrv.URL)
	// The metadata stage may end PARTIAL (documents wait for the system
	// scope's files); the data sets, elements and org units are there.
	if _, err := syncer.Sync(context.Background(), syncer.Options{Source: srcCl, Dest: dstCl, Scopes: []string{"metadata"}}); err != nil {
		t.Fatalf("metadata: %v", err)
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "d2sync.db")
	args := []string{"sync", "--source", srcSrv.URL, "--dest", dstSrv.URL, "--scope", "data", "--database-url", dbPath,
		"--chunk-values", "2500", "--workers", "3", "--report", filepath.Join(dir, "report.json")}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	const kills = 5
	threshold := 0
	for k := 0; k < kills; k++ {
		// A random point: some posts into the run, then a random delay so
		// that the kill also lands mid-read, mid-post or mid-checkpoint.
		threshold = log.count() + 5 + rng.IntN(40)
		delay := time.Duration(rng.IntN(40)) * time.Millisecond
		var reached time.Time
		code, killed := runChild(t, args, func() bool {
			if reached.IsZero() && log.count() >= threshold {
				reached = time.Now()
			}
			return !reached.IsZero() && time.Since(reached) >= delay
		})
		if !killed {
			t.Fatalf("run %d ended (exit %d) before the kill point (%d posts)", k+1, code, threshold)
		}
		t.Logf("kill %d after %d data value posts (+%s)", k+1, log.count(), delay)
	}
	code, killed := runChild(t, args, func() bool { return false })
	if killed || code != ExitOK {
		t.Fatalf("final run: exit %d", code)
	}

	// Every restart resumed from the checkpoints of the run it followed.
	st, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.ListRuns(context.Background(), store.RunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != kills+1 {
		t.Fatalf("%d runs recorded, want %d", len(runs), kills+1)
	}
	resumedRuns := 0
	for _, run := range runs {
		evs, err := st.ListRunEvents(context.Background(), run.ID, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.Code == "data.stream.resumed" {
				resumedRuns++
				break
			}
		}
	}
	if resumedRuns < kills {
		t.Errorf("%d of the %d restarted runs resumed from checkpoints", resumedRuns, kills)
	}

	// At most one chunk re-sent per stream per kill.
	streamOf := killTestStreams(t, srcCl)
	total := 0
	for s, n := range log.resent(streamOf) {
		total += n
		if n > kills {
			t.Errorf("stream %s: %d chunks sent again after %d kills", s, n, kills)
		}
	}
	t.Logf("%d data value posts in all, %d re-sent chunks over %d kills", log.count(), total, kills)
	if total > kills*3 {
		t.Errorf("%d chunks sent again, more than one per in-flight stream (3 workers) per kill", total)
	}

	// The end state verifies equal.
	rep, err := syncer.Verify(context.Background(), syncer.Options{Source: srcCl, Dest: dstCl, Scopes: []string{"data"}})
	if err != nil || rep.Status != syncer.StatusSuccess {
		t.Fatalf("verify: %v, status %s", err, rep.Status)
	}
	tot := rep.Verification.Totals()
	if tot.Missing+tot.Extra+tot.Differ != 0 || tot.Match < 250_000 {
		t.Errorf("verification %+v", tot)
	}
}

func killTestClient(t *testing.T, name, url string) *dhis2.Client {
	t.Helper()
	c, err := dhis2.New(dhis2.Config{Name: name, BaseURL: url, Username: emulator.DefaultAdminUsername, Password: emulator.DefaultAdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// killTestStreams maps a value key to the stream that carries it: data
// set of its data element and the level-2 org unit above it.
func killTestStreams(t *testing.T, c *dhis2.Client) func(string) string {
	t.Helper()
	var sets struct {
		DataSets []struct {
			ID              string `json:"id"`
			DataSetElements []struct {
				DataElement struct {
					ID string `json:"id"`
				} `json:"dataElement"`
			} `json:"dataSetElements"`
		} `json:"dataSets"`
	}
	var ous struct {
		OrganisationUnits []struct {
			ID   string `json:"id"`
			Path string `json:"path"`
		} `json:"organisationUnits"`
	}
	ctx := context.Background()
	if err := c.GetJSON(ctx, "dataSets", map[string][]string{"fields": {"id,dataSetElements[dataElement[id]]"}, "paging": {"false"}}, &sets); err != nil {
		t.Fatal(err)
	}
	if err := c.GetJSON(ctx, "organisationUnits", map[string][]string{"fields": {"id,path"}, "paging": {"false"}}, &ous); err != nil {
		t.Fatal(err)
	}
	dsOf := map[string]string{}
	for _, ds := range sets.DataSets {
		for _, e := range ds.DataSetElements {
			dsOf[e.DataElement.ID] += ds.ID + "+"
		}
	}
	regionOf := map[string]string{}
	for _, o := range ous.OrganisationUnits {
		parts := strings.Split(strings.Trim(o.Path, "/"), "/")
		regionOf[o.ID] = parts[min(1, len(parts)-1)]
	}
	return func(key string) string {
		p := strings.Split(key, "/")
		return dsOf[p[0]] + ":" + regionOf[p[2]]
	}
}

// runChild runs d2sync in a child process until it exits, or kills it
// with SIGKILL as soon as killNow returns true.
func runChild(t *testing.T, args []string, killNow func() bool) (code int, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainChild$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(args, "\x1f"),
		"D2SYNC_SOURCE_USERNAME=admin", "D2SYNC_SOURCE_PASSWORD=district", "D2SYNC_DEST_USERNAME=admin", "D2SYNC_DEST_PASSWORD=district")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil && cmd.ProcessState == nil {
				t.Fatal(err)
			}
			if cmd.ProcessState.ExitCode() != 0 {
				t.Logf("child output:\n%s", tail(out.String(), 3000))
			}
			return cmd.ProcessState.ExitCode(), false
		case <-tick.C:
			if killNow() {
				_ = cmd.Process.Kill() // SIGKILL
				<-done
				return -1, true
			}
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return fmt.Sprintf("…%s", s[len(s)-n:])
	}
	return s
}

func TestPostLogResent(t *testing.T) {
	t.Parallel()
	l := &postLog{posts: [][]string{{"a/1", "a/2"}, {"b/1"}, {"a/2", "a/3"}, {"b/2"}, {"a/3"}, {"c/1"}}}
	got := l.resent(func(k string) string { return k[:1] })
	if got["a"] != 2 || got["b"] != 0 || got["c"] != 0 || len(got) != 1 {
		t.Errorf("resent = %v, want a:2", got)
	}
}
