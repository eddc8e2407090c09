package emulator

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/emulator/metadata"
)

// state holds the emulated instance's content stores.
type state struct {
	meta    *metadata.Store
	values  *datavalue.Store
	cat     catalog
	tracker *trackerState
}

func (s *state) fillStats(st *Stats) {
	_, st.DataValues = s.values.Len()
	st.Registrations = len(s.values.Registrations.List(datavalue.RegistrationQuery{}))
	st.Tracker = s.tracker.stats()
	st.Objects = map[string]int{}
	for _, sc := range s.meta.Schemas().Metadata() {
		if n := s.meta.Count(sc.Plural); n > 0 {
			st.Objects[sc.Plural] = n
		}
	}
}

// catalog returns the metadata lookups of the data endpoints.
func (e *Emulator) catalog() catalog { return e.state.cat }

// sections lists the snapshot sections, the emulator's own first.
func (e *Emulator) sections() []section {
	return []section{
		e.emulatorSection(),
		{name: "metadata.json", save: e.meta.Snapshot, load: e.meta.Restore},
		{name: "datavalues.bin", save: e.values.Snapshot, load: e.values.Restore},
		{name: "tracker.json", save: e.state.tracker.store.Snapshot, load: e.state.tracker.store.Restore, optional: true},
		e.systemSection(),
	}
}

// initState creates the accounts and stores, then loads the data dir's
// snapshot or, without one, the seed. Writes made while loading are not
// counted.
func (e *Emulator) initState() error {
	e.accounts.put(newAdminAccount(e.opts.AdminUsername, e.opts.AdminPassword))
	for _, u := range e.opts.Users {
		e.accounts.put(newSpecAccount(u))
	}
	e.sys = e.newSystem()
	meta, err := metadata.New(metadata.Options{
		Profile:       e.prof,
		AdminUsername: e.opts.AdminUsername,
		NoAdmin:       e.opts.NoAdmin,
		Location:      e.loc,
		Clock:         e.opts.Clock,
		OnWrite:       e.onMetadataWrite,
		Files:         documentFiles{e.sys.Files},
	})
	if err != nil {
		return fmt.Errorf("emulator metadata store: %w", err)
	}
	e.state = &state{meta: meta, values: datavalue.New(), cat: metaCatalog{m: meta, files: e.sys.Files}, tracker: newTrackerState(meta, e.loc, e.opts.Clock, e.version.Minor >= 41)}
	e.meta, e.values = meta, e.state.values
	defer e.counts.reset()
	if err := e.loadContent(); err != nil {
		return err
	}
	return e.addUserObjects()
}

// loadContent restores the data dir's snapshot or loads the seed, and
// sets up persistence.
func (e *Emulator) loadContent() error {
	if e.opts.DataDir == "" {
		return e.loadSeed()
	}
	if err := os.MkdirAll(e.opts.DataDir, 0o755); err != nil {
		return fmt.Errorf("emulator data dir: %w", err)
	}
	err := readSnapshot(e.opts.DataDir, e.sections())
	switch {
	case errors.Is(err, errNoSnapshot):
		if err := e.loadSeed(); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		e.seedSummary = "state loaded from " + e.opts.DataDir + " (seed not applied)"
	}
	e.persist = &persister{
		dir:      e.opts.DataDir,
		interval: e.opts.PersistInterval,
		save:     func() error { return writeSnapshot(e.opts.DataDir, e.sections()) },
		log: func(err error) {
			e.log.Error("emulator snapshot failed", slog.Any("error", err))
		},
	}
	return nil
}

// onMetadataWrite counts committed metadata writes and schedules a
// snapshot.
func (e *Emulator) onMetadataWrite(ev metadata.WriteEvent) {
	switch ev.Action {
	case "CREATE":
		e.counts.addMetadata(ev.Type, 1, 0, 0)
	case "UPDATE":
		e.counts.addMetadata(ev.Type, 0, 1, 0)
	case "DELETE":
		e.counts.addMetadata(ev.Type, 0, 0, 1)
	}
	e.markDirty()
}

// SeedSummary describes the initial content: the seed and its counts, or
// the data dir the state was loaded from.
func (e *Emulator) SeedSummary() string { return e.seedSummary }
