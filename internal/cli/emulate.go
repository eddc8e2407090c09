package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

const emulateHelp = `
Run the built-in DHIS2 emulator: a local server that answers the DHIS2
Web API like DHIS2 2.30 to 2.42 do (response envelopes, user and sharing
shapes, authentication, personal access tokens, async jobs). Use it to try
d2sync without a real DHIS2, for demos and for resilience drills with
injected faults.

Usage:
  d2sync emulate [flags]

The server prints its URL, version, seed summary and credentials when it is
ready, and stops cleanly on Ctrl-C or SIGTERM (saving its state when
--data-dir is set).

Seeds:
  none       an empty instance (DHIS2's default category objects and the admin user)
  demo       a small French-speaking country: ~1,000 org units, ~100 data elements,
             5 data sets, ~200,000 data values, programs, dashboards
  national   the same at national scale (>= 10,000 org units, >= 2M data values)

Faults (also changeable at runtime, see below): rules separated by ';',
each "METHOD PATH-GLOB key=value…". Keys: status=N [retry-after=S]
[body=json|html|empty], latency=D, reset, reset-mid-body [bytes=N],
truncate=N, stall=D, commit-then-reset, commit-then-stall[=D], rate=P,
after=N, count=N. '*' in a path matches anything, slashes included.

Admin endpoints (admin credentials; never faulted, never logged):
  GET/PUT/POST/DELETE /__emulator/faults   list, replace, add, clear fault rules
  GET  /__emulator/requests?limit=N         the request log
  GET  /__emulator/stats                    write counters and sizes
  POST /__emulator/reset-log                clear the request log and counters
  POST /__emulator/persist                  save the state now (with --data-dir)

Environment:
  D2SYNC_EMULATOR_ADMIN_PASSWORD   admin password when --admin-password is not given

Examples:
  d2sync emulate --version 2.39 --seed demo --addr 127.0.0.1:8081
  curl -u admin:district http://127.0.0.1:8081/api/system/info
  curl -u admin:district 'http://127.0.0.1:8081/api/dataValueSets?dataSet=<uid>&orgUnit=<uid>&children=true&startDate=2024-01-01&endDate=2024-12-31'
  d2sync emulate --version 2.42 --data-dir ./emu-dest
  d2sync emulate --faults 'POST /api/dataValueSets status=503 count=2; GET /api/metadata* latency=200ms'
  curl -u admin:district -X PUT --data '* /api/* status=429 retry-after=2 rate=0.1' http://127.0.0.1:8080/__emulator/faults
`

// emulateFlags are the parsed flags of d2sync emulate.
type emulateFlags struct {
	version, seed, addr, dataDir, faults, timeZone string
	adminUser, adminPassword, systemName           string
	logRequests                                    bool
	jobDelay                                       time.Duration
}

func runEmulate(ctx context.Context, env *Env, args []string) int {
	var f emulateFlags
	fs := newFlagSet(env, "emulate", emulateHelp)
	fs.StringVar(&f.version, "version", emulator.DefaultVersion, "DHIS2 `version` to emulate, 2.30 to 2.42 (patch and hotfix accepted, e.g. 2.40.3.1)")
	fs.StringVar(&f.seed, "seed", "none", "initial content: none, demo or national (ignored when --data-dir holds a saved state)")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen `address` (host:port; port 0 picks a free one)")
	fs.StringVar(&f.dataDir, "data-dir", "", "`directory` keeping the state across restarts (default: in memory only)")
	fs.StringVar(&f.faults, "faults", "", "fault `rules` to inject, e.g. 'POST /api/dataValueSets status=503 count=2'")
	fs.StringVar(&f.timeZone, "time-zone", emulator.DefaultTimeZone, "server time `zone` (IANA name), used for every date")
	fs.StringVar(&f.adminUser, "admin-user", emulator.DefaultAdminUsername, "superuser `username`")
	fs.StringVar(&f.adminPassword, "admin-password", "", "superuser `password` (default $D2SYNC_EMULATOR_ADMIN_PASSWORD, else \"district\")")
	fs.StringVar(&f.systemName, "system-name", emulator.DefaultSystemName, "systemName reported by /api/system/info")
	fs.BoolVar(&f.logRequests, "log-requests", false, "print one line per request on stderr")
	fs.DurationVar(&f.jobDelay, "job-delay", 0, "how long async imports stay running before they execute (e.g. 2s)")
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "d2sync emulate: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if err := emulate(ctx, env, f); err != nil {
		fmt.Fprintf(env.Stderr, "d2sync emulate: %v\n", err)
		if errors.Is(err, errEmulateUsage) {
			return ExitUsage
		}
		return ExitFailed
	}
	return ExitOK
}

var errEmulateUsage = errors.New("invalid emulator options")

func emulate(ctx context.Context, env *Env, f emulateFlags) error {
	password, fromEnv := f.adminPassword, false
	if password == "" {
		password = env.Getenv("D2SYNC_EMULATOR_ADMIN_PASSWORD")
		fromEnv = password != ""
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	started := time.Now()
	e, err := emulator.New(emulator.Options{
		Version: f.version, Seed: f.seed, AdminUsername: f.adminUser, AdminPassword: password,
		DataDir: f.dataDir, Faults: f.faults, TimeZone: f.timeZone, SystemName: f.systemName,
		Logger: logger, LogRequests: f.logRequests, JobDelay: f.jobDelay,
	})
	if err != nil {
		return fmt.Errorf("%w: %w", errEmulateUsage, err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		e.Close()
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Minute, // large imports
		WriteTimeout:      30 * time.Minute, // streamed exports of millions of values
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	printReady(env, e, ln.Addr().String(), fromEnv, time.Since(started))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		e.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(env.Stdout, "Stopping the emulator…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	if err := e.Close(); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if f.dataDir != "" {
		fmt.Fprintf(env.Stdout, "State saved in %s\n", f.dataDir)
	}
	return nil
}

// printReady tells the user where the emulator listens and how to log in.
// The password is printed only when it is DHIS2's well-known demo one.
func printReady(env *Env, e *emulator.Emulator, addr string, passwordFromEnv bool, took time.Duration) {
	user, pass := e.AdminCredentials()
	shown := pass
	switch {
	case passwordFromEnv:
		shown = "(from D2SYNC_EMULATOR_ADMIN_PASSWORD)"
	case pass != emulator.DefaultAdminPassword:
		shown = "(as given with --admin-password)"
	}
	st := e.Stats()
	w := env.Stdout
	fmt.Fprintf(w, "DHIS2 %s emulator ready in %s\n", e.Version(), took.Round(time.Millisecond))
	fmt.Fprintf(w, "  URL:         http://%s (API under /api)\n", addr)
	fmt.Fprintf(w, "  Credentials: %s / %s\n", user, shown)
	fmt.Fprintf(w, "  Seed:        %s\n", e.SeedSummary())
	fmt.Fprintf(w, "  Content:     %d metadata objects, %d data values, %d complete registrations\n", sum(st.Objects), st.DataValues, st.Registrations)
	fmt.Fprintf(w, "  Try:         curl -u %s:<password> http://%s/api/system/info\n", user, addr)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
