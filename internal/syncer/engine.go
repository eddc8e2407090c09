package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/store"
)

// Scopes a run can replicate: metadata here; data, tracker and all in
// scopes.go, system in system.go. Each stage registers in stageFor.
const (
	ScopeMetadata = "metadata"
)

// DefaultOverlap is the default overlap window of incremental runs: the
// lower bound is the cursor minus this, absorbing late commits and clock
// skew on the source.
const DefaultOverlap = 10 * time.Minute

// Default max-delete guard: a run that would delete more objects than this,
// or more than this share of the destination's objects of the types
// concerned, stops before deleting anything.
const (
	DefaultMaxDelete        = 100
	DefaultMaxDeletePercent = 10.0
)

// ObjectRef names one object: plural type and UID ("dataSets:abcdefghijk").
type ObjectRef struct {
	Type string
	UID  string
}

// ParseObjectRefs parses a comma-separated list of type:uid.
func ParseObjectRefs(s string) ([]ObjectRef, error) {
	var out []ObjectRef
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		typ, uid, ok := strings.Cut(part, ":")
		if !ok || typ == "" || !validUID(uid) {
			return nil, fmt.Errorf("invalid object %q: write it as <plural type>:<uid>, e.g. dataSets:BfMAe6Itzgt", part)
		}
		out = append(out, ObjectRef{Type: typ, UID: uid})
	}
	return out, nil
}

func validUID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i, r := range s {
		isLetter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !isLetter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// State is the durable state a run reads and writes: incremental cursors
// and ID mappings per source→destination pair. internal/store implements
// it (see StoreState); MemoryState keeps it in memory for tests.
type State interface {
	// Cursor returns the high-water mark of the last successful run of the
	// pair for a scope (source time, RFC 3339), false when there is none.
	Cursor(ctx context.Context, pairKey, scope string) (string, bool, error)
	// SetCursor records the high-water mark after a successful run.
	SetCursor(ctx context.Context, pairKey, scope, highWater string, runID int64) error
	// IDMap returns the pair's ID mappings (discovered and configured).
	IDMap(ctx context.Context, pairKey string) (IDMap, error)
	// SaveIDMap stores mappings (upsert).
	SaveIDMap(ctx context.Context, pairKey string, m IDMap) error
}

// Options configure a run. Source and Dest are required.
type Options struct {
	Source, Dest *dhis2.Client
	// Scopes lists what to replicate; empty means metadata.
	Scopes []string
	// DryRun reads both sides and reports the plan without any write.
	DryRun bool
	// Validate sends the plan with importMode=VALIDATE in a dry run (a
	// second-stage dry run done by the destination; it writes nothing).
	Validate bool
	// Since forces an incremental run from this time (source clock); zero
	// means "from the pair's cursor", or a full run when there is none.
	Since time.Time
	// Full ignores the cursor: full export and comparison.
	Full bool
	// Overlap is subtracted from the cursor; default DefaultOverlap.
	Overlap time.Duration
	// MaxRequestBytes bounds each import request; default 10 MB.
	MaxRequestBytes int
	// AtomicMode is DHIS2's atomicMode; default ALL.
	AtomicMode AtomicMode
	// Users is the users policy; default create-disabled.
	Users UsersPolicy
	// MaxDelete and MaxDeletePercent guard deletions: a run that would
	// delete more objects, or a larger share (percent) of the destination's
	// metadata objects in the run's scope, stops before writing anything. A negative
	// value disables that check; the zero values forbid any deletion (the
	// CLI passes DefaultMaxDelete and DefaultMaxDeletePercent).
	MaxDelete        int
	MaxDeletePercent float64
	// SinceText is --since as typed: read on the source's clock (in its
	// time zone when it carries no offset). Since wins when both are set.
	SinceText string
	// Types restricts the run to these plural types (their dependencies
	// are pulled in).
	Types []string
	// Objects restricts the run to these objects (with dependencies).
	Objects []ObjectRef
	// OrgUnit restricts the run to an org unit subtree and the objects
	// assigned to it.
	OrgUnit string
	// State holds cursors and ID mappings; nil keeps them in memory.
	State State
	// RunID is recorded with the cursor.
	RunID int64
	// Progress receives events and progress; nil discards.
	Progress Progress
	// Now is the local clock for report timestamps; default time.Now.
	Now func() time.Time
	// Data configures the data scope (data.go); Tracker the tracker scope.
	Data    DataOptions
	Tracker TrackerOptions
	// System configures the system scope (system.go).
	System SystemOptions
}

func (o *Options) withDefaults() {
	if len(o.Scopes) == 0 {
		o.Scopes = []string{ScopeMetadata}
	}
	o.Scopes = expandScopes(o.Scopes)
	if o.Overlap <= 0 {
		o.Overlap = DefaultOverlap
	}
	if o.MaxRequestBytes <= 0 {
		o.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if o.AtomicMode == "" {
		o.AtomicMode = AtomicAll
	}
	if o.Users == "" {
		o.Users = UsersCreateDisabled
	}
	if o.State == nil {
		o.State = NewMemoryState()
	}
	if o.Progress == nil {
		o.Progress = NopProgress{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

func (o *Options) validate() error {
	if o.Source == nil || o.Dest == nil {
		return errors.New("a run needs a source and a destination")
	}
	if o.Source.BaseURL() == o.Dest.BaseURL() {
		return fmt.Errorf("the source and the destination are the same instance (%s)", o.Source.BaseURL())
	}
	for _, s := range o.Scopes {
		if stageFor(s) == nil {
			return fmt.Errorf("unknown scope %q: the scopes are %s", s, strings.Join(knownScopes(), ", "))
		}
	}
	if o.MaxDeletePercent > 100 {
		return fmt.Errorf("--max-delete-percent must be at most 100, got %g", o.MaxDeletePercent)
	}
	return nil
}

// Stage is one step of a run (metadata, data, tracker …). A stage adds its
// StageReport, failures, warnings and verification items to the run's
// report. It returns an error only when the run cannot go on.
type Stage interface {
	Name() string
	Run(ctx context.Context, r *Run) error
}

// stageFor returns the stage of a scope, nil when unknown.
func stageFor(scope string) Stage {
	switch scope {
	case ScopeMetadata:
		return metadataStage{}
	case ScopeData:
		return dataStage{}
	case ScopeTracker:
		return trackerStage{}
	case ScopeSystem:
		return systemStage{}
	}
	return nil
}

func knownScopes() []string {
	return []string{ScopeMetadata, ScopeData, ScopeTracker, ScopeSystem, ScopeAll}
}

// Run is the shared context of one run's stages.
type Run struct {
	Opts    Options
	Source  *Instance
	Dest    *Instance
	PairKey string
	Report  *Report
	// VerifyOnly makes stages compare without writing (d2sync verify).
	VerifyOnly bool
	// Start is the source's server time when the run began: the next
	// cursor once the run succeeded.
	Start time.Time

	memCheckpoints *MemoryState // checkpoints when State keeps none

	sysOnce  sync.Once
	sys      *systemState // the system stage's state (system.go)
	prepared bool         // runPreparers ran
}

// runPreparers runs, once per run, what stages must do before the first
// import: the system stage copies the files other stages' objects refer
// to (in a run without the metadata scope; with it, the metadata stage
// copies the files of each chunk just before sending it, see
// metadata_files.go). The metadata stage calls it once it has read both
// sides, so that a source that refuses its exports stops the run before
// any write; without the metadata scope it runs before the first stage.
func (r *Run) runPreparers(ctx context.Context) error {
	if r.prepared {
		return nil
	}
	r.prepared = true
	for _, s := range r.Opts.Scopes {
		if p, ok := stageFor(s).(preparer); ok {
			if err := p.prepare(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// Sync runs a synchronisation and returns its report. The report is
// returned even on failure, with Status FAILED and Error set; the error
// is also returned for callers that only branch on it.
func Sync(ctx context.Context, opts Options) (*Report, error) {
	return execute(ctx, opts, false)
}

// Verify compares source and destination without writing anything and
// returns the verification report: Status SUCCESS when they agree (only
// documented differences), PARTIAL when something is missing, extra or
// different, FAILED when the comparison could not be made.
func Verify(ctx context.Context, opts Options) (*Report, error) {
	opts.DryRun = false
	opts.Full = true
	return execute(ctx, opts, true)
}

func execute(ctx context.Context, opts Options, verifyOnly bool) (*Report, error) {
	opts.withDefaults()
	rep := &Report{Scopes: opts.Scopes, DryRun: opts.DryRun, StartedAt: opts.Now()}
	r := &Run{Opts: opts, Report: rep, VerifyOnly: verifyOnly}
	err := r.execute(ctx)
	rep.FinishedAt = opts.Now()
	if err != nil {
		rep.Status = StatusFailed
		rep.Error = err.Error()
		opts.Progress.Log(slog.LevelError, "run.failed", err.Error())
		return rep, err
	}
	rep.Status = r.status()
	return rep, nil
}

func (r *Run) execute(ctx context.Context) error {
	if err := r.Opts.validate(); err != nil {
		return err
	}
	if r.Opts.Source != nil {
		r.Report.Source = Endpoint{Name: r.Opts.Source.Name(), URL: r.Opts.Source.BaseURL()}
	}
	if r.Opts.Dest != nil {
		r.Report.Dest = Endpoint{Name: r.Opts.Dest.Name(), URL: r.Opts.Dest.BaseURL()}
	}
	// Both instances are contacted at once (a few reads each, schemas
	// included when the metadata scope needs them); a source failure is
	// reported first. The metadata import authority is checked up front
	// only for runs that import metadata: the other stages check their
	// own (a data run needs F_DATAVALUE_ADD, not F_METADATA_IMPORT).
	withMetadata := slices.Contains(r.Opts.Scopes, ScopeMetadata)
	needImport := !r.VerifyOnly && !r.Opts.DryRun && withMetadata
	var dest *Instance
	var destErr error
	destDone := make(chan struct{})
	go func() {
		defer close(destDone)
		dest, destErr = Connect(ctx, RoleDest, r.Opts.Dest, needImport, withMetadata)
	}()
	source, err := Connect(ctx, RoleSource, r.Opts.Source, false, withMetadata)
	<-destDone
	if err != nil {
		return err
	}
	r.Source = source
	r.Report.Source = r.Source.Endpoint()
	if destErr != nil {
		return destErr
	}
	r.Dest = dest
	r.Report.Dest = r.Dest.Endpoint()
	r.Start = r.Source.Info.ServerDate
	if r.Start.IsZero() {
		return fmt.Errorf("source: DHIS2 instance %q (%s) did not report its server date in /api/system/info; it is needed for incremental runs", r.Source.Client.Name(), r.Source.Client.BaseURL())
	}
	r.PairKey = store.PairKey(r.Source.Client.BaseURL(), r.Dest.Client.BaseURL())
	r.Opts.Progress.Log(slog.LevelInfo, "run.connected", fmt.Sprintf("source %s (DHIS2 %s) → destination %s (DHIS2 %s)",
		r.Report.Source.URL, r.Report.Source.Version, r.Report.Dest.URL, r.Report.Dest.Version))
	if !slices.Contains(r.Opts.Scopes, ScopeMetadata) {
		if err := r.runPreparers(ctx); err != nil {
			return err
		}
	}
	for _, s := range r.Opts.Scopes {
		if err := stageFor(s).Run(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// status derives the run's status from its stages and verification. A
// dry run's verification compares the destination as it was, before the
// plan: what it finds missing or different is what the run would write,
// not a shortcoming of the run.
func (r *Run) status() Status {
	st := StatusSuccess
	for _, s := range r.Report.Stages {
		st = Worse(st, s.Status)
	}
	if v := r.Report.Verification; v != nil && !v.Clean() && !r.Opts.DryRun {
		st = Worse(st, StatusPartial)
	}
	return st
}

// addVerification appends items to the run's verification.
func (r *Run) addVerification(items []VerifyItem) {
	if r.Report.Verification == nil {
		r.Report.Verification = &Verification{At: r.Opts.Now()}
	}
	r.Report.Verification.Items = append(r.Report.Verification.Items, items...)
	slices.SortStableFunc(r.Report.Verification.Items, func(a, b VerifyItem) int {
		if c := strings.Compare(a.Scope, b.Scope); c != 0 {
			return c
		}
		return strings.Compare(a.Type, b.Type)
	})
}

// warn records a warning in the report and the progress log.
func (r *Run) warn(code, msg string) {
	r.Report.Warnings = append(r.Report.Warnings, Warning{Scope: "metadata", Code: code, Message: msg})
	r.Opts.Progress.Log(slog.LevelWarn, code, msg)
}
