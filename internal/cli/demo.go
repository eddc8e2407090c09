package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/d2sync/d2sync/internal/config"
	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/syncer"
)

const demoHelp = `
See d2sync work with nothing to install and no DHIS2 of your own. The
demo starts two built-in DHIS2 emulators in this process: a source at one
DHIS2 version holding a small demo country (--seed demo: ~1,000 org units,
~250,000 data values, tracker data, settings, dataStore, documents and
files, custom icons, an installed app, interpretations) and a blank
destination at another version. It replicates everything from the first to
the second with the same engine as 'd2sync sync', verifies the copy and
prints the report: the time and volume of each stage, the verification
table (missing / extra / differ per scope and type) and what the DHIS2 API
cannot carry.

Usage:
  d2sync demo [--from 2.39] [--to 2.41] [--keep] [flags]

With --keep both emulators stay up after the report, and their URLs and
credentials are printed so that you can explore them with curl or with
other d2sync commands (probe, sync, verify); Ctrl-C stops them. When the
web UI is part of d2sync, demo will start it on the same run.

Environment:
  D2SYNC_DATABASE_URL   where the run, its ID mappings and events are
                        recorded (default: a temporary SQLite database,
                        removed at the end)
  D2SYNC_CONFIG_FILE    KEY=VALUE file that may set D2SYNC_DATABASE_URL

Exit codes: 0 replicated and verified equal, 3 partial or differences,
1 failed, 2 usage error.

Examples:
  go run ./cmd/d2sync demo
  d2sync demo --from 2.38 --to 2.41
  d2sync demo --from 2.35 --to 2.42 --report demo.json
  d2sync demo --keep
      then, in another terminal (the URLs are printed):
      curl -u admin:district http://127.0.0.1:<port>/api/system/info
`

// demoFlags are the parsed flags of d2sync demo.
type demoFlags struct {
	from, to, seed, scope  string
	sourceAddr, destAddr   string
	report                 string
	keep, verbose          bool
	includePrivateSettings bool
}

func runDemo(ctx context.Context, env *Env, args []string) int {
	var f demoFlags
	fs := newFlagSet(env, "demo", demoHelp)
	fs.StringVar(&f.from, "from", "2.39", "DHIS2 `version` of the source emulator (2.30 to 2.42)")
	fs.StringVar(&f.to, "to", "2.41", "DHIS2 `version` of the destination emulator (2.30 to 2.42)")
	fs.StringVar(&f.seed, "seed", "demo", "content of the source: `demo` or national (national takes much longer)")
	fs.StringVar(&f.scope, "scope", demoScope, "what to replicate, comma-separated: metadata, data, tracker, system or `all`")
	fs.StringVar(&f.sourceAddr, "source-addr", "127.0.0.1:0", "listen `address` of the source emulator (port 0 picks a free one)")
	fs.StringVar(&f.destAddr, "dest-addr", "127.0.0.1:0", "listen `address` of the destination emulator")
	fs.StringVar(&f.report, "report", "", "also write the full report as JSON to this `file` (created 0600)")
	fs.BoolVar(&f.keep, "keep", false, "leave both emulators running after the report (Ctrl-C stops them)")
	fs.BoolVar(&f.verbose, "verbose", false, "show debug events")
	fs.BoolVar(&f.includePrivateSettings, "include-private-settings", false, "also copy the server-specific system settings left out by default")
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "d2sync demo: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	code, err := demo(ctx, env, f)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync demo: %v\n", err)
	}
	return code
}

// demoScope is what the demo replicates by default.
const demoScope = syncer.ScopeAll

// demoInstance is one running emulator of the demo.
type demoInstance struct {
	role     string
	emu      *emulator.Emulator
	srv      *http.Server
	url      string
	user     string
	password string
	client   *dhis2.Client
}

// demoSetup is everything the demo started; the web UI, once it exists,
// is started from it by uiStarter.
type demoSetup struct {
	source, dest *demoInstance
	pe           *pairEnv
	cleanup      []func()
}

// uiStarter starts the web UI on a demo setup and returns its URL. It is
// nil until d2sync has a web UI; the demo then starts it and prints its URL.
type uiStarter func(ctx context.Context, env *Env, d *demoSetup) (string, error)

func (d *demoSetup) close() {
	for i := len(d.cleanup) - 1; i >= 0; i-- {
		d.cleanup[i]()
	}
}

func demo(ctx context.Context, env *Env, f demoFlags) (int, error) {
	var startUI uiStarter // the web UI hooks in here
	began := time.Now()
	d := &demoSetup{}
	defer d.close()
	fmt.Fprintf(env.Stdout, "d2sync demo: starting a DHIS2 %s source (seed %s) and a blank DHIS2 %s destination…\n", f.from, f.seed, f.to)
	var err error
	if d.source, err = startDemoEmulator(d, "source", f.from, f.seed, f.sourceAddr); err != nil {
		return ExitUsage, err
	}
	if d.dest, err = startDemoEmulator(d, "destination", f.to, "none", f.destAddr); err != nil {
		return ExitUsage, err
	}
	fmt.Fprintf(env.Stdout, "  source       %s  DHIS2 %s  %s\n", d.source.url, d.source.emu.Version(), d.source.emu.SeedSummary())
	fmt.Fprintf(env.Stdout, "  destination  %s  DHIS2 %s  (empty)\n", d.dest.url, d.dest.emu.Version())
	fmt.Fprintf(env.Stdout, "  started in %s\n\n", time.Since(began).Round(time.Millisecond))
	if d.pe, err = openDemoStore(ctx, env, d, f.verbose); err != nil {
		return ExitFailed, err
	}
	rep, err := runDemoSync(ctx, env, d, f)
	if err != nil {
		return ExitFailed, err
	}
	printDemoReport(env.Stdout, rep, time.Since(began))
	code := exitCode(rep.Status)
	if f.report != "" {
		if err := writeReportFile(f.report, rep); err != nil {
			return max(code, ExitFailed), err
		}
	}
	if startUI != nil {
		u, err := startUI(ctx, env, d)
		if err != nil {
			return max(code, ExitFailed), fmt.Errorf("start the web UI: %w", err)
		}
		fmt.Fprintf(env.Stdout, "Web UI: %s\n", u)
	}
	if f.keep {
		printKeep(env.Stdout, d)
		<-ctx.Done()
		fmt.Fprintln(env.Stdout, "Stopping the emulators…")
	}
	return code, nil
}

// startDemoEmulator starts one emulator on addr.
func startDemoEmulator(d *demoSetup, role, version, seed, addr string) (*demoInstance, error) {
	e, err := emulator.New(emulator.Options{Version: version, Seed: seed, SystemName: "d2sync demo " + role})
	if err != nil {
		return nil, fmt.Errorf("%s emulator: %w", role, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("%s emulator: listen on %s: %w", role, addr, err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go func() { _ = srv.Serve(ln) }()
	in := &demoInstance{role: role, emu: e, srv: srv, url: "http://" + ln.Addr().String()}
	d.cleanup = append(d.cleanup, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = e.Close()
	})
	in.user, in.password = e.AdminCredentials()
	in.client, err = dhis2.New(dhis2.Config{Name: role, BaseURL: in.url, Username: in.user, Password: in.password,
		Timeout: 5 * time.Minute, UserAgent: "d2sync/" + Version + " (demo)"})
	if err != nil {
		return nil, fmt.Errorf("%s client: %w", role, err)
	}
	return in, nil
}

// openDemoStore opens D2SYNC_DATABASE_URL, or a temporary SQLite
// database removed at the end.
func openDemoStore(ctx context.Context, env *Env, d *demoSetup, verbose bool) (*pairEnv, error) {
	tmp := ""
	cfg, err := loadConfig(env, "", func(c *config.Config) {
		if env.Getenv("D2SYNC_DATABASE_URL") != "" || env.Getenv("D2SYNC_DATABASE_URL_FILE") != "" {
			return
		}
		dir, err := os.MkdirTemp("", "d2sync-demo-")
		if err != nil {
			return
		}
		tmp = dir
		c.SetDatabaseURL(filepath.Join(dir, "d2sync.db"))
	})
	if tmp != "" {
		d.cleanup = append(d.cleanup, func() { os.RemoveAll(tmp) })
	}
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d.cleanup = append(d.cleanup, func() { st.Close() })
	if err := st.WithMigrationLock(ctx, func(ctx context.Context) error { _, err := st.Migrate(ctx); return err }); err != nil {
		return nil, fmt.Errorf("prepare the database %s: %w", st.Target(), err)
	}
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return &pairEnv{source: d.source.client, dest: d.dest.client, store: st, state: syncer.StoreState{Store: st},
		progress: newProgress(env.Stderr, level)}, nil
}

// runDemoSync runs the sync (which ends with its verification) and
// records it like d2sync sync does.
func runDemoSync(ctx context.Context, env *Env, d *demoSetup, f demoFlags) (*syncer.Report, error) {
	pf := &pairFlags{scope: f.scope}
	runID, err := d.pe.recordRun(ctx, pf, false, "demo")
	if err != nil {
		return nil, err
	}
	var scopes []string
	for _, s := range strings.Split(f.scope, ",") {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	opts := syncer.Options{
		Source: d.pe.source, Dest: d.pe.dest, State: d.pe.state, Progress: d.pe.progress, RunID: runID, Scopes: scopes,
		MaxDelete: syncer.DefaultMaxDelete, MaxDeletePercent: syncer.DefaultMaxDeletePercent,
		System: syncer.SystemOptions{IncludePrivateSettings: f.includePrivateSettings},
	}
	rep, err := syncer.Sync(ctx, opts)
	if rep == nil {
		return nil, err
	}
	if err := d.pe.finishRun(ctx, runID, rep); err != nil {
		fmt.Fprintf(env.Stderr, "warning: %v\n", err)
	}
	return rep, nil
}

// printDemoReport writes the demo's readable report.
func printDemoReport(w io.Writer, rep *syncer.Report, total time.Duration) {
	fmt.Fprintf(w, "\nReplicated %s → %s\n\n", describeEndpoint(rep.Source), describeEndpoint(rep.Dest))
	fmt.Fprintf(w, "%-18s %-8s %9s %9s %9s %9s %7s %9s\n", "stage", "status", "time", "created", "updated", "unchanged", "failed", "requests")
	for _, s := range rep.Stages {
		t := s.Total()
		fmt.Fprintf(w, "%-18s %-8s %9s %9d %9d %9d %7d %9d\n", s.Name, s.Status, s.FinishedAt.Sub(s.StartedAt).Round(time.Millisecond),
			t.Created, t.Updated, t.Unchanged, t.Failed, s.Requests)
	}
	printList(w, "Failures", len(rep.Failures), 20, func(i int) string {
		f := rep.Failures[i]
		return strings.TrimSpace(fmt.Sprintf("%s %s %s %s: %s", f.Scope, f.Type, f.UID, f.Code, f.Message))
	})
	printList(w, "Warnings", len(rep.Warnings), 10, func(i int) string { return rep.Warnings[i].Message })
	if v := rep.Verification; v != nil {
		fmt.Fprintln(w, "\nVerification (source vs destination, after the copy; every type is in the --report file):")
		writeScopeTable(w, v)
		writeDemoDetails(w, v)
		t := v.Totals()
		fmt.Fprintf(w, "\n%d missing / %d extra / %d differ across every scope (%d objects compared, %d documented differences).\n",
			t.Missing, t.Extra, t.Differ, t.Source, t.Documented)
	}
	printSystemReport(w, rep, 20)
	if rep.Error != "" {
		fmt.Fprintf(w, "\nError: %s\n", rep.Error)
	}
	fmt.Fprintf(w, "\nStatus: %s in %s\n", rep.Status, total.Round(100*time.Millisecond))
}

// writeScopeTable writes the verification per scope: one line per scope
// (summing its types), the types with a difference, then the totals.
func writeScopeTable(w io.Writer, v *syncer.Verification) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scope\ttypes\tsource\tdest\tmatch\tdiffer\tmissing\textra\tdocumented\t")
	var order []string
	sums := map[string]*syncer.VerifyItem{}
	types := map[string]int{}
	for _, it := range v.Items {
		if sums[it.Scope] == nil {
			sums[it.Scope] = &syncer.VerifyItem{Scope: it.Scope}
			order = append(order, it.Scope)
		}
		s := sums[it.Scope]
		s.Source, s.Dest, s.Match, s.Differ = s.Source+it.Source, s.Dest+it.Dest, s.Match+it.Match, s.Differ+it.Differ
		s.Missing, s.Extra, s.Documented = s.Missing+it.Missing, s.Extra+it.Extra, s.Documented+it.Documented
		types[it.Scope]++
	}
	for _, sc := range order {
		s := sums[sc]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", sc, types[sc], s.Source, s.Dest, s.Match, s.Differ, s.Missing, s.Extra, s.Documented)
	}
	t := v.Totals()
	fmt.Fprintf(tw, "TOTAL\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", len(v.Items), t.Source, t.Dest, t.Match, t.Differ, t.Missing, t.Extra, t.Documented)
	_ = tw.Flush()
	var bad []syncer.VerifyItem
	for _, it := range v.Items {
		if it.Missing+it.Extra+it.Differ > 0 {
			bad = append(bad, it)
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, "\nTypes with differences:")
		_ = (&syncer.Verification{Items: bad}).WriteTable(w)
	}
}

// writeDemoDetails lists the differences (up to 15) and groups the
// documented ones by reason.
func writeDemoDetails(w io.Writer, v *syncer.Verification) {
	var bad []syncer.VerifyItem
	type group struct {
		key string
		n   int
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, it := range v.Items {
		cp := it
		cp.Details = nil
		for _, d := range it.Details {
			if d.Kind != "documented" {
				cp.Details = append(cp.Details, d)
				continue
			}
			k := it.Scope + "/" + it.Type + ": " + d.Note
			if byKey[k] == nil {
				byKey[k] = &group{key: k}
				groups = append(groups, byKey[k])
			}
			byKey[k].n++
		}
		if len(cp.Details) > 0 {
			bad = append(bad, cp)
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, "\nDifferences (* differ, + missing on the destination, - extra on the destination):")
		(&syncer.Verification{Items: bad}).WriteDetails(w, 15)
	}
	if len(groups) > 0 {
		fmt.Fprintln(w, "\nDocumented differences (explained, not errors):")
		for _, g := range groups {
			fmt.Fprintf(w, "  %4d × %s\n", g.n, g.key)
		}
	}
}

// printKeep tells the user how to explore the running emulators.
func printKeep(w io.Writer, d *demoSetup) {
	fmt.Fprintln(w, "\nBoth emulators keep running (Ctrl-C stops them):")
	for _, in := range []*demoInstance{d.source, d.dest} {
		fmt.Fprintf(w, "  %-12s %s  (DHIS2 %s)  user %s, password %s\n", in.role, in.url, in.emu.Version(), in.user, in.password)
	}
	fmt.Fprintf(w, "\nTry:\n  curl -u %s:%s %s/api/system/info\n", d.source.user, d.source.password, d.dest.url)
	fmt.Fprintf(w, "  curl -u %s:%s '%s/api/dataStore'\n", d.dest.user, d.dest.password, d.dest.url)
	fmt.Fprintf(w, "  D2SYNC_SOURCE_USERNAME=%s D2SYNC_SOURCE_PASSWORD=%s D2SYNC_DEST_USERNAME=%s D2SYNC_DEST_PASSWORD=%s \\\n      d2sync verify --source %s --dest %s --scope %s --no-store\n",
		d.source.user, d.source.password, d.dest.user, d.dest.password, d.source.url, d.dest.url, demoScope)
}
