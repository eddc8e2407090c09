package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
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

func TestEmulateServesAndStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	env := &Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errOut}
	done := make(chan int, 1)
	dir := t.TempDir()
	go func() {
		done <- runEmulate(ctx, env, []string{"--version", "2.39", "--addr", "127.0.0.1:0", "--data-dir", dir})
	}()
	urlRE := regexp.MustCompile(`URL:\s+(http://\S+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("emulator did not print its URL; stdout=%q stderr=%q", out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "admin / district") {
		t.Errorf("credentials not printed: %q", out.String())
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/system/info", nil)
	req.SetBasicAuth("admin", "district")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info["version"] != "2.39" {
		t.Fatalf("version = %v", info["version"])
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d; stderr=%q", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("emulate did not stop after cancellation")
	}
	if !strings.Contains(out.String(), "State saved in "+dir) {
		t.Errorf("no save message: %q", out.String())
	}
}

func TestEmulateFlagsAndHelp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"--help"}, nil, ExitOK, "curl -u admin:district", ""},
		{"bad version", []string{"--version", "2.20", "--addr", "127.0.0.1:0"}, nil, ExitUsage, "", "2.30 to 2.42"},
		{"bad seed", []string{"--seed", "galaxy", "--addr", "127.0.0.1:0"}, nil, ExitUsage, "", "none, demo or national"},
		{"extra argument", []string{"now"}, nil, ExitUsage, "", "unexpected argument"},
		{"bad address", []string{"--addr", "256.1.1.1:99999"}, nil, ExitFailed, "", "listen"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut syncBuffer
			env := &Env{Getenv: func(k string) string { return c.env[k] }, Stdout: &out, Stderr: &errOut}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			code := runEmulate(ctx, env, c.args)
			if code != c.code || !strings.Contains(out.String(), c.stdout) || !strings.Contains(errOut.String(), c.stderr) {
				t.Fatalf("code %d (want %d); stdout %q; stderr %q", code, c.code, out.String(), errOut.String())
			}
		})
	}
}

func TestEmulatePasswordFromEnvIsNotPrinted(t *testing.T) {
	t.Parallel()
	var out, errOut syncBuffer
	env := &Env{Getenv: func(k string) string {
		if k == "D2SYNC_EMULATOR_ADMIN_PASSWORD" {
			return "S3cret-Pa55!"
		}
		return ""
	}, Stdout: &out, Stderr: &errOut}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop right after the ready message
	if code := runEmulate(ctx, env, []string{"--addr", "127.0.0.1:0"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Contains(out.String()+errOut.String(), "S3cret-Pa55!") {
		t.Fatal("the password from the environment was printed")
	}
	if !strings.Contains(out.String(), "D2SYNC_EMULATOR_ADMIN_PASSWORD") {
		t.Fatalf("no hint about where the password comes from: %q", out.String())
	}
}
