package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
)

// ScopeSystem replicates what is neither metadata nor data: system
// settings, the dataStore, files (documents, org unit images, user
// avatars), custom icons, installed apps, interpretations and their
// comments. See docs/not-replicable.md for what the DHIS2 API cannot
// carry.
const ScopeSystem = "system"

// Parts of the system scope, as they appear in the stage counts and the
// verification table.
const (
	partSettings        = "systemSettings"
	partDataStore       = "dataStore"
	partDataStoreShares = "dataStore sharing"
	partFiles           = "fileResources"
	partIcons           = "icons"
	partApps            = "apps"
	partInterpretations = "interpretations"
	partComments        = "interpretation comments"
)

// DataStorePolicy says what to do with a dataStore key that exists on
// both sides with different values.
type DataStorePolicy string

// dataStore collision policies.
const (
	// DataStoreReplace writes the source value over the destination's
	// (the default: the destination mirrors the source).
	DataStoreReplace DataStorePolicy = "replace"
	// DataStoreKeep leaves the destination's value alone.
	DataStoreKeep DataStorePolicy = "keep"
	// DataStoreMerge merges two JSON objects shallowly: every top-level
	// field of the source value is written (the source wins on fields
	// both have) and fields only the destination has are kept. Values
	// that are not both objects are replaced as with DataStoreReplace.
	DataStoreMerge DataStorePolicy = "merge"
)

// ParseDataStorePolicy parses --datastore-policy; empty means replace.
func ParseDataStorePolicy(s string) (DataStorePolicy, error) {
	switch p := DataStorePolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return DataStoreReplace, nil
	case DataStoreReplace, DataStoreKeep, DataStoreMerge:
		return p, nil
	}
	return "", fmt.Errorf("unknown dataStore policy %q: use replace, keep or merge", s)
}

// SystemOptions configure the system scope.
type SystemOptions struct {
	// IncludePrivateSettings also copies the system settings that are not
	// copied by default (PrivateSettingReason lists them: server URLs,
	// e-mail and SMS credentials, API keys, instance state).
	IncludePrivateSettings bool
	// DataStorePolicy handles keys present on both sides with different
	// values; default DataStoreReplace.
	DataStorePolicy DataStorePolicy
	// ExcludeNamespaces are dataStore namespaces never copied (e.g. a
	// tool's own configuration that holds credentials of the source).
	ExcludeNamespaces []string
}

// systemState is what the system stage keeps between its two phases
// (files before the metadata import, the rest after the other stages) and
// what other stages share with it (the file resource copier).
type systemState struct {
	mu       sync.Mutex
	files    *fileCopier
	sys      *sysRun
	prepared bool
}

// preparer is a stage with work that must happen before any stage of the
// run writes (the system stage uploads the files that metadata objects
// refer to, so that documents, org units and users import cleanly).
type preparer interface {
	prepare(ctx context.Context, r *Run) error
}

// systemStage replicates the system scope.
type systemStage struct{}

// Name implements Stage.
func (systemStage) Name() string { return ScopeSystem }

// prepare implements preparer: it copies the files metadata refers to and
// the custom icons, before the other stages import the objects that point
// at them. In a run with the metadata scope it only opens the files stage:
// the metadata stage copies the files (and custom icons) of each chunk
// just before sending it and counts them there, so that nothing is
// written before the destination accepted an import and only the files of
// objects that change are touched; Run then copies what is left.
func (systemStage) prepare(ctx context.Context, r *Run) error {
	s := r.systemRun()
	if s.r.systemState().prepared {
		return nil
	}
	s.r.systemState().prepared = true
	if r.VerifyOnly {
		return nil
	}
	st := &StageReport{Name: ScopeSystem + " (files)", StartedAt: r.Opts.Now(), Counts: map[string]Counts{}}
	r.Report.Stages = append(r.Report.Stages, st)
	s.stage = st
	if slices.Contains(r.Opts.Scopes, ScopeMetadata) {
		s.filesPending = st
		return nil
	}
	err := s.runParts(ctx, []sysPart{
		{partFiles, s.prepareFiles},
		{partIcons, s.syncIcons},
	})
	s.finish(st, err)
	return err
}

// Run implements Stage.
func (stg systemStage) Run(ctx context.Context, r *Run) error {
	if err := stg.prepare(ctx, r); err != nil {
		return err
	}
	s := r.systemRun()
	if st := s.filesPending; st != nil {
		// The files and icons no metadata chunk needed: those of
		// unchanged objects (normally there already) and icons no object
		// uses.
		s.filesPending = nil
		s.stage = st
		// Its time is that of this pass: the copies the metadata chunks
		// needed were made (and timed) within the metadata stage, and the
		// stages in between are not this one's.
		st.StartedAt = r.Opts.Now()
		err := s.runParts(ctx, []sysPart{
			{partFiles, s.prepareFiles},
			{partIcons, s.syncIcons},
		})
		s.finish(st, err)
		if err != nil {
			return err
		}
	}
	st := &StageReport{Name: ScopeSystem, StartedAt: r.Opts.Now(), Counts: map[string]Counts{}}
	r.Report.Stages = append(r.Report.Stages, st)
	s.stage = st
	err := s.runParts(ctx, []sysPart{
		{partSettings, s.syncSettings},
		{partDataStore, s.syncDataStore},
		{partApps, s.syncApps},
		{partInterpretations, s.syncInterpretations},
		{partFiles, s.verifyFiles},
		{partIcons, s.verifyIcons},
	})
	if err == nil {
		err = s.notReplicable(ctx)
	}
	s.finish(st, err)
	return err
}

// closeFiles closes the files stage the metadata stage counted its copies
// in, in case the run stops before the system stage (Run reopens it).
func (s *sysRun) closeFiles() {
	if st := s.filesPending; st != nil {
		s.finish(st, nil)
	}
}

// systemState returns the run's system state, creating it.
func (r *Run) systemState() *systemState {
	r.sysOnce.Do(func() { r.sys = &systemState{} })
	return r.sys
}

// systemRun returns the system stage's state for this run.
func (r *Run) systemRun() *sysRun {
	st := r.systemState()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sys == nil {
		st.sys = &sysRun{r: r, opts: r.Opts.System}
		if st.sys.opts.DataStorePolicy == "" {
			st.sys.opts.DataStorePolicy = DataStoreReplace
		}
	}
	return st.sys
}

// sysRun is the state of the system stage of one run.
type sysRun struct {
	r     *Run
	opts  SystemOptions
	stage *StageReport

	idmap    IDMap
	idmapErr error
	idOnce   sync.Once

	// filesPending is the files stage while the metadata stage copies
	// into it (runs with both scopes); Run completes it.
	filesPending *StageReport

	mu        sync.Mutex
	fileRefs  []fileRef // files metadata refers to (prepare), for verification
	nr        map[string]NotReplicable
	iconsDone map[string]bool // custom icons already handled in this run
}

// sysPart is one part of the system scope.
type sysPart struct {
	name string
	run  func(ctx context.Context) error
}

// runParts runs each part. A part that fails is reported (status PARTIAL)
// and the next part still runs; a canceled context stops everything.
func (s *sysRun) runParts(ctx context.Context, parts []sysPart) error {
	for _, p := range parts {
		err := p.run(ctx)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return err
		}
		s.fail(p.name, "", "", "", fmt.Sprintf("%s: %v", p.name, err))
		s.log(slog.LevelError, "system."+strings.ReplaceAll(p.name, " ", "_")+".failed", err.Error())
	}
	return nil
}

func (s *sysRun) finish(st *StageReport, err error) {
	st.FinishedAt = s.r.Opts.Now()
	switch {
	case err != nil:
		st.Status = StatusFailed
		st.Note = err.Error()
	case st.Status == "":
		st.Status = StatusSuccess
	}
	if s.r.Opts.DryRun && err == nil {
		st.Note = "dry run: nothing was written; counts are what a real run would do"
	}
}

func (s *sysRun) log(level slog.Level, code, msg string) { s.r.Opts.Progress.Log(level, code, msg) }

// writes reports whether this run may write to the destination.
func (s *sysRun) writes() bool { return !s.r.Opts.DryRun && !s.r.VerifyOnly }

// count adds to the stage counters of a part.
func (s *sysRun) count(part string, f func(*Counts)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.stage.Counts[part]
	f(&c)
	s.stage.Counts[part] = c
}

// request counts one request of the stage.
func (s *sysRun) request(n int) {
	s.mu.Lock()
	s.stage.Requests += n
	s.mu.Unlock()
}

// fail records a failure of one object (the stage becomes PARTIAL).
func (s *sysRun) fail(part, id, name, code, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.Report.Failures = append(s.r.Report.Failures, Failure{Scope: ScopeSystem, Type: part, UID: id, Name: name, Code: code, Message: msg})
	s.stage.Status = Worse(s.stage.Status, StatusPartial)
	c := s.stage.Counts[part]
	c.Failed++
	s.stage.Counts[part] = c
}

// warn records a warning of the system scope.
func (s *sysRun) warn(code, msg string) {
	s.mu.Lock()
	s.r.Report.Warnings = append(s.r.Report.Warnings, Warning{Scope: ScopeSystem, Code: code, Message: msg})
	s.mu.Unlock()
	s.log(slog.LevelWarn, code, msg)
}

// claimIcon reports whether the custom icon key is still to be handled in
// this run, and marks it handled.
func (s *sysRun) claimIcon(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.iconsDone[key] {
		return false
	}
	if s.iconsDone == nil {
		s.iconsDone = map[string]bool{}
	}
	s.iconsDone[key] = true
	return true
}

// verified adds verification items of the system scope.
func (s *sysRun) verified(items ...VerifyItem) {
	for i := range items {
		items[i].Scope = ScopeSystem
		sort.SliceStable(items[i].Details, func(a, b int) bool { return items[i].Details[a].UID < items[i].Details[b].UID })
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.addVerification(items)
}

// ids returns the pair's ID mappings (read once per run).
func (s *sysRun) ids(ctx context.Context) (IDMap, error) {
	s.idOnce.Do(func() {
		s.idmap, s.idmapErr = s.r.Opts.State.IDMap(ctx, s.r.PairKey)
		if s.idmapErr != nil {
			s.idmapErr = fmt.Errorf("read the ID mappings: %w", s.idmapErr)
		}
		if s.idmap == nil {
			s.idmap = IDMap{}
		}
	})
	return s.idmap, s.idmapErr
}

// mapped returns the destination UID of a source UID of a type.
func (s *sysRun) mapped(ctx context.Context, typ, uid string) string {
	m, err := s.ids(ctx)
	if err != nil {
		return uid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := m[typ][uid]; ok {
		return d
	}
	return uid
}

// remember records and stores a new mapping.
func (s *sysRun) remember(ctx context.Context, typ, src, dst string) error {
	if src == dst || src == "" || dst == "" {
		return nil
	}
	m, err := s.ids(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	m.Set(typ, src, dst)
	s.mu.Unlock()
	one := IDMap{}
	one.Set(typ, src, dst)
	if err := s.r.Opts.State.SaveIDMap(ctx, s.r.PairKey, one); err != nil {
		return fmt.Errorf("save the ID mapping of %s %s: %w", typ, src, err)
	}
	return nil
}
