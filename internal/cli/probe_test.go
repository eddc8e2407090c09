package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestProbe(t *testing.T) {
	t.Parallel()
	emu, err := emulator.New(emulator.Options{
		Version: "2.40.3.1", TimeZone: "Africa/Freetown", SystemName: "Probe test",
		Users: []emulator.UserSpec{{Username: "reader", Password: "Reader-pw-1", Authorities: []string{"F_METADATA_EXPORT"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()

	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		stdout  []string
		stderr  []string
		noLeaks []string
	}{
		{name: "admin", args: []string{"--url", srv.URL + "/"},
			env:  map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district"},
			code: ExitOK, stdout: []string{"Version:", "2.40.3.1", "Africa/Freetown", "in step with this machine's clock", "Probe test", "User:", "admin", "Metadata import: yes (ALL)", "Data import: yes (ALL)"}},
		{name: "destination without import authority", args: []string{"--dest", "--url", srv.URL},
			env:  map[string]string{"D2SYNC_DEST_USERNAME": "reader", "D2SYNC_DEST_PASSWORD": "Reader-pw-1", "D2SYNC_SOURCE_TOKEN": "ignored"},
			code: ExitOK, stdout: []string{"(destination)", "reader", "Metadata import: no: the user lacks F_METADATA_IMPORT"}},
		{name: "wrong password", args: []string{"--url", srv.URL},
			env:  map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "CANARY-wrong"},
			code: ExitFailed, stderr: []string{`DHIS2 instance "source"`, "rejected the credentials (HTTP 401)", "check the username/password or token"},
			noLeaks: []string{"CANARY-wrong"}},
		{name: "token with warnings", args: []string{"--url", srv.URL},
			env:  map[string]string{"D2SYNC_SOURCE_TOKEN": "ApiToken d2pat_CANARYabcdefghijklmnopqrstuvwxyz1234567890"},
			code: ExitFailed, stderr: []string{"warning:", `starts with "ApiToken"`, "rejected the credentials"}, noLeaks: []string{"CANARYabc"}},
		{name: "connection refused", args: []string{"--url", refused},
			env:  map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district"},
			code: ExitFailed, stderr: []string{"refused the connection", "check that DHIS2"}},
		{name: "no credentials", args: []string{"--url", srv.URL}, code: ExitUsage,
			stderr: []string{"no credentials", "D2SYNC_SOURCE_TOKEN"}},
		{name: "no url", args: nil, code: ExitUsage, stderr: []string{"--url is required"}},
		{name: "remote http", args: []string{"--url", "http://dhis2.example.org"},
			env:  map[string]string{"D2SYNC_SOURCE_TOKEN": "d2p_x"},
			code: ExitUsage, stderr: []string{"plain http to a remote host"}},
		{name: "password as argument", args: []string{"--url", srv.URL, "district"}, code: ExitUsage,
			stderr: []string{"credentials go in environment variables"}},
		{name: "help", args: []string{"--help"}, code: ExitOK,
			stdout: []string{"D2SYNC_SOURCE_USERNAME", "D2SYNC_DEST_TOKEN", "Examples:", "Exit codes", "-allow-insecure-http"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			env := &Env{Getenv: func(k string) string { return tt.env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}
			code := runProbe(context.Background(), env, tt.args)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
			flat := strings.Join(strings.Fields(out.String()), " ")
			for _, w := range tt.stdout {
				if !strings.Contains(flat, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut.String())
				}
			}
			for _, s := range tt.noLeaks {
				if strings.Contains(out.String()+errOut.String(), s) {
					t.Errorf("output leaks %q", s)
				}
			}
		})
	}
}

func TestProbeViaMain(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<html><form><input name="j_username"><input type="password" name="j_password"></form></html>`))
	}))
	t.Cleanup(srv.Close)
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district"}[k]
	}
	code := Main(context.Background(), []string{"d2sync", "probe", "--url", srv.URL}, getenv, strings.NewReader(""), &out, &errOut)
	if code != ExitFailed || !strings.Contains(errOut.String(), "answered with a login page") {
		t.Fatalf("exit %d stderr %q", code, errOut.String())
	}
}

func TestClockSkew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "in step with this machine's clock"},
		{1400 * time.Millisecond, "in step with this machine's clock"},
		{-1400 * time.Millisecond, "in step with this machine's clock"},
		{3 * time.Minute, "3m0s ahead of this machine's clock"},
		{-10 * time.Minute, "10m0s behind this machine's clock"},
	}
	for _, tt := range tests {
		if got := clockSkew(tt.d); got != tt.want {
			t.Errorf("clockSkew(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
