package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/config"
	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/syncer"
)

// pairFlags are the flags sync and verify share: the two instances, their
// transport, the database and the report file.
type pairFlags struct {
	source, dest  string
	allowInsecure bool
	timeout       time.Duration
	scope         string
	data          dataFlags // sync_data.go
	report        string
	configFile    string
	databaseURL   string
	noStore       bool
	verbose       bool
}

func (f *pairFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.source, "source", "", "source DHIS2 base `URL` (with its context path, e.g. https://host/dhis)")
	fs.StringVar(&f.dest, "dest", "", "destination DHIS2 base `URL`")
	fs.StringVar(&f.scope, "scope", syncer.ScopeMetadata, "what to replicate, comma-separated: `metadata`, data, tracker, system, or all (metadata, data, tracker and system)")
	f.data.register(fs)
	fs.StringVar(&f.report, "report", "", "write the full report as JSON to this `file` (created 0600; it lists generated passwords)")
	fs.BoolVar(&f.allowInsecure, "allow-insecure-http", false, "allow plain http:// to hosts other than this machine (test servers only)")
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up on a request after this `duration` without an answer")
	fs.StringVar(&f.configFile, "config", "", "configuration `file` (overrides D2SYNC_CONFIG_FILE)")
	fs.StringVar(&f.databaseURL, "database-url", "", "database `URL` or SQLite path for run history, cursors and ID mappings (overrides D2SYNC_DATABASE_URL)")
	fs.BoolVar(&f.noStore, "no-store", false, "keep no run history, cursor or mapping (every sync is then a full one)")
	fs.BoolVar(&f.verbose, "verbose", false, "show debug events")
}

// check validates the shared flags (exit 2 on error).
func (f *pairFlags) check(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		// The argument is not repeated: it may be a password typed by mistake.
		return fmt.Errorf("%d unexpected argument(s) after the flags: flags are written --name value, and credentials go in environment variables (see --help)", fs.NArg())
	}
	if f.timeout <= 0 {
		return fmt.Errorf("--timeout must be a positive duration such as 30s or 5m, got %s", f.timeout)
	}
	if strings.TrimSpace(f.source) == "" || strings.TrimSpace(f.dest) == "" {
		return errors.New("--source and --dest are both required, e.g. --source https://a.example.org --dest https://b.example.org")
	}
	for _, s := range strings.Split(f.scope, ",") {
		if !syncer.ValidScope(s) {
			return fmt.Errorf("unknown --scope %q: the scopes are metadata, data, tracker, system and all", s)
		}
	}
	if err := f.data.check(); err != nil {
		return err
	}
	return nil
}

func (f *pairFlags) scopes() []string {
	var out []string
	for _, s := range strings.Split(f.scope, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// pairEnv is what a sync or verify command runs with.
type pairEnv struct {
	source, dest *dhis2.Client
	store        *store.Store // nil with --no-store
	state        syncer.State
	progress     syncer.Progress
}

func (p *pairEnv) close() {
	if p.store != nil {
		p.store.Close()
	}
}

// openPair loads the configuration, builds both clients (credentials from
// D2SYNC_SOURCE_* / D2SYNC_DEST_* or a terminal prompt) and opens the
// database. Configuration and credential problems wrap errConfig.
func openPair(ctx context.Context, env *Env, f *pairFlags) (*pairEnv, error) {
	cfg, err := loadConfig(env, f.configFile, func(c *config.Config) {
		if f.databaseURL != "" {
			c.SetDatabaseURL(f.databaseURL)
		}
	})
	if err != nil {
		return nil, err
	}
	pe := &pairEnv{}
	if pe.source, err = newInstanceClient(env, f, syncer.RoleSource, f.source, cfg.Source, "D2SYNC_SOURCE_"); err != nil {
		return nil, err
	}
	if pe.dest, err = newInstanceClient(env, f, syncer.RoleDest, f.dest, cfg.Dest, "D2SYNC_DEST_"); err != nil {
		return nil, err
	}
	if pe.source.BaseURL() == pe.dest.BaseURL() {
		return nil, fmt.Errorf("%w: the source and the destination are the same instance (%s): give two different DHIS2 URLs", errConfig, pe.source.BaseURL())
	}
	if f.report != "" {
		if err := checkReportFile(f.report); err != nil {
			return nil, fmt.Errorf("%w: %w", errConfig, err)
		}
	}
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	pe.progress = newProgress(env.Stderr, level)
	pe.state = syncer.NewMemoryState()
	if f.noStore {
		return pe, nil
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := st.WithMigrationLock(ctx, func(ctx context.Context) error { _, err := st.Migrate(ctx); return err }); err != nil {
		st.Close()
		return nil, fmt.Errorf("prepare the database %s: %w", st.Target(), err)
	}
	pe.store, pe.state = st, syncer.StoreState{Store: st}
	return pe, nil
}

// newInstanceClient builds the client of one side. Credentials come from
// the configuration (environment, *_FILE variants, config file) or, when
// missing and stdin is a terminal, from a prompt; never from flags.
func newInstanceClient(env *Env, f *pairFlags, role, rawURL string, creds config.Credentials, prefix string) (*dhis2.Client, error) {
	c := credentials{username: creds.Username, password: creds.Password, token: creds.Token}
	if c.token != "" {
		c.username, c.password = "", ""
		for _, w := range dhis2.CheckToken(c.token) {
			fmt.Fprintf(env.Stderr, "warning: %s: %s\n", role, w)
		}
		c.token = dhis2.CleanToken(c.token)
	} else if c.username == "" || c.password == "" {
		in, ok := env.Stdin.(*os.File)
		if !ok || !isTerminal(in) {
			return nil, fmt.Errorf("%w: no credentials for the %s (%s): set %sTOKEN, or %sUSERNAME and %sPASSWORD (or their _FILE variants), or run in a terminal to be asked",
				errConfig, role, rawURL, prefix, prefix, prefix)
		}
		fmt.Fprintf(env.Stderr, "Credentials for the %s (%s)\n", role, rawURL)
		var err error
		if c, err = promptCredentials(env, in, c); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errConfig, role, err)
		}
	}
	cl, err := dhis2.New(dhis2.Config{
		Name: role, BaseURL: rawURL, Username: c.username, Password: c.password, Token: c.token,
		Timeout: f.timeout, AllowInsecureHTTP: f.allowInsecure, UserAgent: "d2sync/" + Version,
		Logger: newRetryNotice(env.Stderr, role),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	return cl, nil
}

// recordRun creates the run row in the database (nil store: no row).
func (p *pairEnv) recordRun(ctx context.Context, f *pairFlags, dryRun bool, trigger string) (int64, error) {
	if p.store == nil {
		return 0, nil
	}
	run, err := p.store.CreateRun(ctx, store.NewRun{SourceURL: p.source.BaseURL(), DestURL: p.dest.BaseURL(), DryRun: dryRun, Scope: f.scope, TriggeredBy: trigger})
	if err != nil {
		return 0, fmt.Errorf("record the run: %w", err)
	}
	if err := p.store.StartRun(ctx, run.ID); err != nil {
		return 0, fmt.Errorf("record the run: %w", err)
	}
	p.progress = multiProgress{p.progress, &eventProgress{st: p.store, runID: run.ID}}
	return run.ID, nil
}

// finishRun stores the outcome and the report (without generated
// passwords, which only go to the report file).
func (p *pairEnv) finishRun(ctx context.Context, runID int64, rep *syncer.Report) error {
	if p.store == nil || runID == 0 {
		return nil
	}
	stored := *rep
	stored.Passwords = nil
	stored.RunID = runID
	raw, err := json.Marshal(&stored)
	if err != nil {
		return err
	}
	if err := p.store.SetRunReport(ctx, runID, raw); err != nil {
		return fmt.Errorf("store the run report: %w", err)
	}
	state := map[syncer.Status]string{syncer.StatusSuccess: store.RunSucceeded, syncer.StatusPartial: store.RunPartial}[rep.Status]
	if state == "" {
		state = store.RunFailed
	}
	return p.store.FinishRun(ctx, runID, state, rep.Error)
}

// eventProgress stores run events (warnings and above, and stage
// milestones) in the database for the run history.
type eventProgress struct {
	st    *store.Store
	runID int64
}

// Log implements syncer.Progress.
func (e *eventProgress) Log(level slog.Level, code, message string, _ ...slog.Attr) {
	if level < slog.LevelInfo {
		return
	}
	_, _ = e.st.AppendRunEvent(context.Background(), store.RunEvent{RunID: e.runID, Level: levelName(level), Code: code, Message: message})
}

// Step implements syncer.Progress (steps are not stored).
func (e *eventProgress) Step(string, int64, int64, string) {}

// checkReportFile makes sure the report can be written before the run
// starts (it is the only place generated passwords go): it creates the
// file, empty, with mode 0600.
func checkReportFile(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("--report %s cannot be written (nothing was synced): %w", path, err)
	}
	return f.Close()
}

// writeReportFile writes the JSON report to path with mode 0600.
func writeReportFile(path string, rep *syncer.Report) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	if err := rep.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("write the report %s: %w", path, err)
	}
	return f.Close()
}

// exitCode maps a run status to the process exit code.
func exitCode(st syncer.Status) int {
	switch st {
	case syncer.StatusSuccess:
		return ExitOK
	case syncer.StatusPartial:
		return ExitPartial
	}
	return ExitFailed
}

// printSummary writes the human summary of a report: stage counts,
// failures, warnings, the verification table and its drill-down.
func printSummary(w io.Writer, rep *syncer.Report, maxLines int) {
	fmt.Fprintf(w, "%s → %s", describeEndpoint(rep.Source), describeEndpoint(rep.Dest))
	if rep.DryRun {
		fmt.Fprint(w, " (dry run: nothing written)")
	}
	if rep.Incremental {
		fmt.Fprint(w, " (incremental)")
	}
	fmt.Fprintln(w)
	for _, s := range rep.Stages {
		t := s.Total()
		verb := ""
		if rep.DryRun {
			verb = "would be "
		}
		fmt.Fprintf(w, "%s: %s — %d %screated, %d %supdated, %d %sdeleted, %d unchanged, %d failed\n",
			s.Name, s.Status, t.Created, verb, t.Updated, verb, t.Deleted, verb, t.Unchanged, t.Failed)
	}
	printList(w, "Failures", len(rep.Failures), maxLines, func(i int) string {
		f := rep.Failures[i]
		line := fmt.Sprintf("%s %s", f.Type, f.UID)
		if f.Name != "" {
			line += " (" + f.Name + ")"
		}
		if f.Code != "" {
			line += " " + f.Code
		}
		return line + ": " + f.Message
	})
	printList(w, "Warnings", len(rep.Warnings), maxLines, func(i int) string { return rep.Warnings[i].Message })
	if v := rep.Verification; v != nil {
		if rep.DryRun {
			fmt.Fprintln(w, "\nVerification (the destination as it is now, before the writes planned above):")
		} else {
			fmt.Fprintln(w, "\nVerification:")
		}
		_ = v.WriteTable(w)
		v.WriteDetails(w, maxLines)
	}
	printSystemReport(w, rep, maxLines)
	if n := len(rep.Passwords); n > 0 {
		fmt.Fprintf(w, "\n%d users were created disabled with random passwords; they are listed only in the report file.\n", n)
	}
	if rep.Error != "" {
		fmt.Fprintf(w, "\nError: %s\n", rep.Error)
	}
	fmt.Fprintf(w, "\nStatus: %s\n", rep.Status)
}

func describeEndpoint(e syncer.Endpoint) string {
	if e.Version == "" {
		return e.URL
	}
	return fmt.Sprintf("%s (DHIS2 %s)", e.URL, e.Version)
}

func printList(w io.Writer, title string, n, max int, line func(int) string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", title, n)
	for i := range n {
		if i == max {
			fmt.Fprintf(w, "  … %d more in the JSON report (--report FILE)\n", n-i)
			return
		}
		fmt.Fprintf(w, "  %s\n", line(i))
	}
}
