package emulator

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// snapshotFile is the state file inside Options.DataDir: a zip archive
// with one entry per section, replaced atomically (temp file + rename).
const snapshotFile = "emulator-state.zip"

// section is one part of a snapshot.
type section struct {
	name string
	save func(w io.Writer) error
	load func(r io.Reader) error
	// optional sections may be missing from snapshots written before they
	// existed; the store then stays empty.
	optional bool
}

// persister saves snapshots of an emulator: debounced after writes and on
// close.
type persister struct {
	dir      string
	interval time.Duration
	save     func() error
	log      func(error)

	mu     sync.Mutex
	dirty  bool
	timer  *time.Timer
	closed bool
	saving sync.Mutex
}

func (p *persister) markDirty() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.dirty = true
	if p.timer == nil {
		p.timer = time.AfterFunc(p.interval, p.flush)
	}
}

func (p *persister) flush() {
	p.mu.Lock()
	p.timer = nil
	dirty := p.dirty
	p.dirty = false
	p.mu.Unlock()
	if dirty {
		if err := p.saveNow(); err != nil {
			p.log(err)
		}
	}
}

func (p *persister) saveNow() error {
	p.saving.Lock()
	defer p.saving.Unlock()
	return p.save()
}

// close stops the debounce timer and writes a final snapshot.
func (p *persister) close() error {
	p.mu.Lock()
	p.closed = true
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.mu.Unlock()
	return p.saveNow()
}

// markDirty schedules a snapshot when the emulator persists.
func (e *Emulator) markDirty() {
	if e.persist != nil {
		e.persist.markDirty()
	}
}

// writeSnapshot writes every section to dir/snapshotFile atomically.
func writeSnapshot(dir string, sections []section) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("emulator snapshot to %s: %w", dir, err)
		}
	}()
	tmp, err := os.CreateTemp(dir, snapshotFile+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	for _, s := range sections {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: s.name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if err := s.save(w); err != nil {
			return fmt.Errorf("section %s: %w", s.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, snapshotFile))
}

// errNoSnapshot means the data dir holds no snapshot yet.
var errNoSnapshot = errors.New("no snapshot")

// readSnapshot loads the sections found in dir/snapshotFile. A missing
// file is errNoSnapshot; a damaged one is a clear error, never a crash.
func readSnapshot(dir string, sections []section) error {
	path := filepath.Join(dir, snapshotFile)
	zr, err := zip.OpenReader(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errNoSnapshot
	}
	if err != nil {
		return corruptSnapshot(path, err)
	}
	defer zr.Close()
	for _, s := range sections {
		f, err := zr.Open(s.name)
		if err != nil && s.optional && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return corruptSnapshot(path, fmt.Errorf("section %s missing: %w", s.name, err))
		}
		err = loadSection(s, f)
		f.Close()
		if errors.Is(err, errVersionMismatch) {
			return fmt.Errorf("emulator state %s: %w", path, err)
		}
		if err != nil {
			return corruptSnapshot(path, fmt.Errorf("section %s: %w", s.name, err))
		}
	}
	return nil
}

func loadSection(s section, r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("unreadable data: %v", p)
		}
	}()
	return s.load(r)
}

func corruptSnapshot(path string, err error) error {
	return fmt.Errorf("emulator state %s is damaged (%w); move it away or delete it to start from the seed", path, err)
}

// emulatorSection is the emulator's own state: identity and tokens.
type emulatorSection struct {
	Format   int         `json:"format"`
	Version  string      `json:"version"`
	SystemID string      `json:"systemId"`
	Tokens   []*apiToken `json:"tokens"`
	SavedAt  time.Time   `json:"savedAt"`
}

func (e *Emulator) emulatorSection() section {
	return section{
		name: "emulator.json",
		save: func(w io.Writer) error {
			return json.NewEncoder(w).Encode(emulatorSection{Format: 1, Version: e.opts.Version, SystemID: e.systemID, Tokens: e.tokens.list(), SavedAt: e.now()})
		},
		load: func(r io.Reader) error {
			var s emulatorSection
			if err := json.NewDecoder(r).Decode(&s); err != nil {
				return err
			}
			if s.Format != 1 {
				return fmt.Errorf("unknown format %d", s.Format)
			}
			v, err := dhis2.ParseVersion(s.Version)
			if err != nil {
				return err
			}
			if v.Minor != e.version.Minor {
				return fmt.Errorf("%w: it holds a DHIS2 %s instance; start with --version %s or use another --data-dir", errVersionMismatch, s.Version, s.Version)
			}
			e.systemID = s.SystemID
			for _, t := range s.Tokens {
				e.tokens.byHash[t.Hash] = t
			}
			return nil
		},
	}
}

// errVersionMismatch is reported when a data dir holds another version.
var errVersionMismatch = errors.New("version mismatch")
