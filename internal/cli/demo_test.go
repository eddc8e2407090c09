package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/syncer"
)

func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join(dir, "demo.json")
	env := map[string]string{}
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"d2sync", "demo", "--from", "2.38", "--to", "2.41", "--scope", "metadata,system", "--report", report},
		func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	text := out.String()
	for _, want := range []string{"0 missing / 0 extra / 0 differ across every scope", "Not replicable through the DHIS2 API", "user passwords",
		"stock-monitor", "installed", "system (files)", "Status: SUCCESS"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`(?m)^\s+system\s+\d+\s+[1-9]\d*\s`).MatchString(text) {
		t.Errorf("no system row with a source count in the verification table:\n%s", text)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep syncer.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != syncer.StatusSuccess || len(rep.NotReplicable) == 0 || len(rep.Apps) == 0 {
		t.Fatalf("report: status %s, %d not replicable, %d apps", rep.Status, len(rep.NotReplicable), len(rep.Apps))
	}
}

func TestDemoKeep(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"d2sync", "demo", "--seed", "none", "--scope", "metadata,system", "--keep"},
			func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), "Both emulators keep running") {
		if time.Now().After(deadline) {
			t.Fatalf("no keep message:\n%s\n%s", out.String(), errOut.String())
		}
		select {
		case code := <-done:
			t.Fatalf("demo ended (exit %d) before Ctrl-C:\n%s\n%s", code, out.String(), errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	m := regexp.MustCompile(`destination\s+(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no destination URL in:\n%s", out.String())
	}
	req, err := http.NewRequest(http.MethodGet, m[1]+"/api/system/info", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", "district")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the kept destination does not answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the kept destination answers %d", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d after Ctrl-C:\n%s", code, errOut.String())
	}
}
