package emulator

import (
	"errors"

	"fmt"
	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"log/slog"
	"os"
)

// state holds the emulated instance's content stores.
type state struct {
	values *datavalue.Store
	cat    catalog
}

func (s *state) fillStats(st *Stats) {
	_, st.DataValues = s.values.Len()
	st.Registrations = len(s.values.Registrations.List(datavalue.RegistrationQuery{}))
}

// catalog returns the metadata lookups of the data endpoints.
func (e *Emulator) catalog() catalog { return e.state.cat }

// sections lists the snapshot sections, the emulator's own first.
func (e *Emulator) sections() []section {
	return []section{
		e.emulatorSection(),
		{name: "datavalues.bin", save: e.values.Snapshot, load: e.values.Restore},
	}
}

// initState creates the accounts and stores, then loads the data dir's
// snapshot or, without one, the seed.
func (e *Emulator) initState() error {
	e.accounts.put(newAdminAccount(e.opts.AdminUsername, e.opts.AdminPassword))
	for _, u := range e.opts.Users {
		e.accounts.put(newSpecAccount(u))
	}
	e.state = &state{values: datavalue.New(), cat: emptyCatalog{}}
	e.values = e.state.values
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

// loadSeed loads the configured seed into the empty stores.
func (e *Emulator) loadSeed() error {
	switch e.opts.Seed {
	case "none":
		e.seedSummary = "none (empty instance)"
		return nil
	case "demo", "national":
		return fmt.Errorf("emulator seed %q is not available yet; use --seed none", e.opts.Seed)
	}
	return fmt.Errorf("unknown emulator seed %q: choose none, demo or national", e.opts.Seed)
}

// SeedSummary describes the initial content: the seed and its counts, or
// the data dir the state was loaded from.
func (e *Emulator) SeedSummary() string { return e.seedSummary }
