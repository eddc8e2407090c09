package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/syncer"
)

const syncHelp = `
Replicate a DHIS2 instance into another. Every metadata type the source's
/api/schemas lists is copied with all its owned properties (sharing,
translations, attribute values), in DHIS2's own import order, in chunks
under a size limit, converted between DHIS2 versions (2.30 to 2.42), and
the result is verified: counts, missing/extra objects and content, per
type. The first run copies everything; later runs only what changed since
the last successful run (the source's clock, an inclusive bound and an
overlap window), and propagate deletions under a max-delete guard.

Usage:
  d2sync sync --source URL --dest URL [--scope metadata|data|tracker|system|all] [--dry-run]
              [--since TIME | --full] [--report FILE] [flags]

Scopes (--scope, comma-separated, run in this order): metadata; data
(aggregate data values, complete data set registrations, min-max values,
lock exceptions, approvals where both sides allow); tracker (tracked
entities, enrollments, events, relationships); system (system settings
except the server-specific ones, the dataStore with per-key sharing, the
files documents, org units, users and data values refer to, custom icons,
installed apps, interpretations and their comments); all = the four. Data is
read in streams (data set × org unit subtree), in chunks of about
--chunk-values values: each chunk is compared with the destination's copy,
only missing or changed values are sent, then the chunk is read back and
verified, and only then is the stream's checkpoint committed. A run that
stops (crash, kill -9, network loss) resumes at the last acknowledged chunk
of each stream. Values deleted on the source are deleted on the
destination only after a transfer without failures, under the max-delete
guard. Data needs the metadata on the destination: use --scope
metadata,data or all.

System: settings that describe the source server (mail and SMS servers,
API keys, URLs, remote-instance sync, job state) are not copied unless
--include-private-settings is given. Apps are downloaded file by file,
re-packaged and installed when the destination lacks them or has an older
version; bundled apps are skipped. What the DHIS2 API cannot carry
(passwords, audit history, interpretation authors and dates, likes…) is
listed with counts at the end of the report (docs/not-replicable.md).

Users: DHIS2 never exports passwords. With --users create-disabled (the
default) users missing on the destination are created disabled with a
random password that is written only to the --report file; existing
destination users keep their password. --users skip sends no user and
removes references to users the destination lacks.

Credentials are never given as flags. They come from the environment (or
the config file), or from a prompt when none is set and the input is a
terminal. Plain http:// is only allowed to this machine unless
--allow-insecure-http is given.

Environment:
  D2SYNC_SOURCE_USERNAME, D2SYNC_SOURCE_PASSWORD   source basic auth
  D2SYNC_SOURCE_TOKEN                              source personal access token (instead)
  D2SYNC_DEST_USERNAME, D2SYNC_DEST_PASSWORD       destination basic auth
  D2SYNC_DEST_TOKEN                                destination personal access token
  (each also as *_FILE: read the value from a file)
  D2SYNC_DATABASE_URL   run history, cursors and ID mappings (default
                        ./d2sync-data/d2sync.db; a postgres:// URL works too)
  D2SYNC_CONFIG_FILE    KEY=VALUE file with any of the above

Exit codes: 0 success (written and verified), 3 partial (some objects
failed, or verification found differences), 1 failed, 2 usage error.

Examples:
  D2SYNC_SOURCE_TOKEN=d2pat_… D2SYNC_DEST_TOKEN=d2pat_… \
      d2sync sync --source https://national.example.org --dest https://mirror.example.org --report run.json
  d2sync sync --source https://a.example.org --dest https://b.example.org --dry-run
  d2sync sync --source … --dest … --types dataSets,programs --users skip
  d2sync sync --source … --dest … --since 2026-01-01T00:00:00+00:00
  d2sync sync --source … --dest … --scope all
  d2sync sync --source … --dest … --scope system --datastore-policy merge --datastore-exclude metadata-synchronization
  d2sync sync --source … --dest … --scope data --data-sets BfMAe6Itzgt --org-units ImspTQPwCqd --start-date 2024-01-01 --end-date 2024-12-31
`

// syncFlags are the flags of d2sync sync beyond the shared ones.
type syncFlags struct {
	pairFlags
	dryRun, validate, full bool
	since                  string
	overlap                time.Duration
	maxRequestBytes        int
	atomic, users          string
	maxDelete              int
	maxDeletePercent       float64
	types, objects         string
	orgUnit                string
	system                 systemFlags
}

func runSync(ctx context.Context, env *Env, args []string) int {
	var f syncFlags
	fs := newFlagSet(env, "sync", syncHelp)
	f.register(fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "read both sides and print what would be created, updated and deleted; write nothing")
	fs.BoolVar(&f.validate, "validate", false, "with --dry-run: also have the destination validate the payloads (importMode=VALIDATE, writes nothing)")
	fs.BoolVar(&f.full, "full", false, "ignore the last run's cursor: read and compare everything")
	fs.StringVar(&f.since, "since", "", "only objects changed since this `time` on the source's clock (e.g. 2026-01-31T08:00:00+01:00 or 2026-01-31)")
	fs.DurationVar(&f.overlap, "overlap", syncer.DefaultOverlap, "incremental runs re-read this `duration` before the cursor")
	fs.IntVar(&f.maxRequestBytes, "max-request-bytes", syncer.DefaultMaxRequestBytes, "largest import request body, in `bytes` (your proxy's limit)")
	fs.StringVar(&f.atomic, "atomic-mode", "all", "DHIS2 atomicMode per chunk: `all` (reject a chunk with an invalid object, then re-send the rest) or none")
	fs.StringVar(&f.users, "users", string(syncer.UsersCreateDisabled), "users policy: `create-disabled` or skip")
	fs.IntVar(&f.maxDelete, "max-delete", syncer.DefaultMaxDelete, "stop before deleting more than this `number` of objects (0: no deletion, -1: no limit)")
	fs.Float64Var(&f.maxDeletePercent, "max-delete-percent", syncer.DefaultMaxDeletePercent, "stop before deleting more than this `percent` of the destination's metadata objects in scope (-1: no limit)")
	fs.StringVar(&f.types, "types", "", "only these plural `types` (comma-separated, e.g. dataSets,programs) and what they depend on")
	fs.StringVar(&f.objects, "objects", "", "only these `objects` (type:uid,…) and what they depend on")
	fs.StringVar(&f.orgUnit, "org-unit", "", "only the org unit subtree under this `uid` and the objects assigned to it")
	f.system.register(fs)
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	opts, err := f.options(fs)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync sync: %v\n", err)
		return ExitUsage
	}
	pe, err := openPair(ctx, env, &f.pairFlags)
	if err != nil {
		return failOpen(env, "sync", err)
	}
	defer pe.close()
	return runPair(ctx, env, pe, &f.pairFlags, opts, false)
}

// options turns the flags into engine options (exit 2 on error).
func (f *syncFlags) options(fs *flag.FlagSet) (syncer.Options, error) {
	var o syncer.Options
	if err := f.check(fs); err != nil {
		return o, err
	}
	var err error
	if o.AtomicMode, err = syncer.ParseAtomicMode(f.atomic); err != nil {
		return o, err
	}
	if o.Users, err = syncer.ParseUsersPolicy(f.users); err != nil {
		return o, err
	}
	if o.System, err = f.system.options(); err != nil {
		return o, err
	}
	if f.objects != "" {
		if o.Objects, err = syncer.ParseObjectRefs(f.objects); err != nil {
			return o, err
		}
	}
	if f.since != "" && f.full {
		return o, errors.New("--since and --full exclude each other")
	}
	if f.validate && !f.dryRun {
		return o, errors.New("--validate only applies to --dry-run")
	}
	if f.maxRequestBytes < 1024 {
		return o, fmt.Errorf("--max-request-bytes must be at least 1024, got %d", f.maxRequestBytes)
	}
	if f.maxDelete < -1 {
		return o, fmt.Errorf("--max-delete must be -1 (no limit) or more, got %d", f.maxDelete)
	}
	if f.maxDeletePercent > 100 {
		return o, fmt.Errorf("--max-delete-percent must be at most 100, got %g", f.maxDeletePercent)
	}
	if f.since != "" {
		// Only the form is checked here: a time without offset is read in
		// the source's time zone once it is known.
		if _, err := dhis2.ParseTime(f.since, time.UTC); err != nil {
			return o, fmt.Errorf("--since: %w", err)
		}
	}
	for _, t := range strings.Split(f.types, ",") {
		if t = strings.TrimSpace(t); t != "" {
			o.Types = append(o.Types, t)
		}
	}
	o.Scopes, o.DryRun, o.Validate, o.Full = f.scopes(), f.dryRun, f.validate, f.full
	o.SinceText, o.Overlap, o.MaxRequestBytes = f.since, f.overlap, f.maxRequestBytes
	o.MaxDelete, o.MaxDeletePercent, o.OrgUnit = f.maxDelete, f.maxDeletePercent, strings.TrimSpace(f.orgUnit)
	return o, nil
}

// failOpen reports an error met before the run started.
func failOpen(env *Env, cmd string, err error) int {
	fmt.Fprintf(env.Stderr, "d2sync %s: %v\n", cmd, err)
	if errors.Is(err, errConfig) {
		return ExitUsage
	}
	return ExitFailed
}

// runPair runs a sync (or a verify) and renders its report.
func runPair(ctx context.Context, env *Env, pe *pairEnv, f *pairFlags, opts syncer.Options, verify bool) int {
	opts.Source, opts.Dest, opts.State = pe.source, pe.dest, pe.state
	f.data.apply(&opts)
	trigger := "cli"
	runID, err := pe.recordRun(ctx, f, opts.DryRun || verify, trigger)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync: %v\n", err)
		return ExitFailed
	}
	opts.RunID, opts.Progress = runID, pe.progress
	runCtx, release, err := pe.holdPairLease(ctx, runID, opts.DryRun || verify)
	if err != nil {
		return pe.refuseRun(ctx, env, f, runID, err)
	}
	defer release()
	var rep *syncer.Report
	if verify {
		rep, _ = syncer.Verify(runCtx, opts)
	} else {
		rep, _ = syncer.Sync(runCtx, opts)
	}
	if cause := context.Cause(runCtx); errors.Is(cause, errLeaseLost) && rep.Error == "" {
		rep.Status, rep.Error = syncer.StatusFailed, cause.Error()
	}
	code := exitCode(rep.Status)
	if err := pe.finishRun(ctx, runID, rep); err != nil {
		fmt.Fprintf(env.Stderr, "warning: %v\n", err)
	}
	if f.report != "" {
		if err := writeReportFile(f.report, rep); err != nil {
			fmt.Fprintf(env.Stderr, "d2sync: %v\n", err)
			code = max(code, ExitFailed)
		}
	}
	printSummary(env.Stdout, rep, 50)
	if rep.Error != "" {
		fmt.Fprintf(env.Stderr, "d2sync: %s\n", rep.Error)
	}
	return code
}
