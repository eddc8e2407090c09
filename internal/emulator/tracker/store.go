package tracker

import (
	"sync"
	"time"
)

// Options configure a Store.
type Options struct {
	// Clock returns the server time used for createdAt and updatedAt
	// (default time.Now).
	Clock func() time.Time
	// Location is the server time zone: dates without a zone are read in
	// it, and every date is written in it without offset (default UTC).
	Location *time.Location
	// ModernMessages selects the reworded validation messages of newer
	// DHIS2 versions ("TrackedEntity: `x`, does not exist." rather than
	// "TrackedEntityInstance: `x`, does not exist."); set from 2.41.
	ModernMessages bool
}

// Store is the in-memory tracker database. It is safe for concurrent use:
// imports are serialised, queries run in parallel with each other.
type Store struct {
	opts Options

	mu          sync.RWMutex
	gen         uint64 // moves on every write (under mu), invalidating qcache
	qcache      queryCache
	scanOnly    bool // tests: every query scans the store, uncached
	seq         uint64
	tes         map[string]*TrackedEntity
	enrollments map[string]*Enrollment
	events      map[string]*Event
	rels        map[string]*Relationship
	notes       map[string]bool
	owners      map[string]map[string]string // TE → program → owning org unit

	teOrder  []*TrackedEntity // insertion order (DHIS2's internal id order)
	enOrder  []*Enrollment
	evOrder  []*Event
	relOrder []*Relationship

	enByTE  map[string][]*Enrollment   // TE → its enrollments
	evByEn  map[string][]*Event        // enrollment → its events
	relByID map[string][]*Relationship // any object UID → relationships linking it
}

// New returns an empty store.
func New(opts Options) *Store {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &Store{opts: opts}
	s.reset()
	return s
}

func (s *Store) reset() {
	s.seq = 0
	s.tes, s.enrollments = map[string]*TrackedEntity{}, map[string]*Enrollment{}
	s.events, s.rels = map[string]*Event{}, map[string]*Relationship{}
	s.notes, s.owners = map[string]bool{}, map[string]map[string]string{}
	s.teOrder, s.enOrder, s.evOrder, s.relOrder = nil, nil, nil, nil
	s.enByTE, s.evByEn, s.relByID = map[string][]*Enrollment{}, map[string][]*Event{}, map[string][]*Relationship{}
}

// Location is the server time zone of the store.
func (s *Store) Location() *time.Location { return s.opts.Location }

// Counts are the numbers of stored objects (deleted ones included).
type Counts struct {
	TrackedEntities, Enrollments, Events, Relationships int
}

// Count returns the numbers of stored objects, soft-deleted included.
func (s *Store) Count() Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Counts{len(s.tes), len(s.enrollments), len(s.events), len(s.rels)}
}

func (s *Store) now() time.Time { return s.opts.Clock().Truncate(time.Millisecond) }

func (s *Store) nextSeq() uint64 {
	s.seq++
	return s.seq
}

// insert* add new objects to the maps, order lists and indexes.
func (s *Store) insertTE(te *TrackedEntity) {
	te.seq = s.nextSeq()
	s.tes[te.UID] = te
	s.teOrder = append(s.teOrder, te)
}

func (s *Store) insertEnrollment(en *Enrollment) {
	en.seq = s.nextSeq()
	s.enrollments[en.UID] = en
	s.enOrder = append(s.enOrder, en)
	s.enByTE[en.TrackedEntity] = append(s.enByTE[en.TrackedEntity], en)
}

func (s *Store) insertEvent(ev *Event) {
	ev.seq = s.nextSeq()
	s.events[ev.UID] = ev
	s.evOrder = append(s.evOrder, ev)
	if ev.Enrollment != "" {
		s.evByEn[ev.Enrollment] = append(s.evByEn[ev.Enrollment], ev)
	}
}

func (s *Store) insertRel(r *Relationship) {
	r.seq = s.nextSeq()
	s.rels[r.UID] = r
	s.relOrder = append(s.relOrder, r)
	for _, it := range []Item{r.From, r.To} {
		if _, uid := it.kind(); uid != "" {
			s.relByID[uid] = append(s.relByID[uid], r)
		}
	}
}

// setOwner records the owning org unit of te in program unless set.
func (s *Store) setOwner(te, program, orgUnit string) {
	m := s.owners[te]
	if m == nil {
		m = map[string]string{}
		s.owners[te] = m
	}
	if _, ok := m[program]; !ok {
		m[program] = orgUnit
	}
}

// ownersOf returns the program owners of a tracked entity.
func (s *Store) ownersOf(te string) []ProgramOwner {
	var out []ProgramOwner
	for _, en := range s.enByTE[te] {
		if ou, ok := s.owners[te][en.Program]; ok && !containsOwner(out, en.Program) {
			out = append(out, ProgramOwner{OrgUnit: ou, TrackedEntity: te, Program: en.Program})
		}
	}
	return out
}

func containsOwner(os []ProgramOwner, program string) bool {
	for _, o := range os {
		if o.Program == program {
			return true
		}
	}
	return false
}

// touchTE moves a tracked entity's updatedAt (DHIS2 bubbles child changes
// up to the tracked entity).
func (s *Store) touchTE(uid string, now time.Time) {
	if te := s.tes[uid]; te != nil {
		te.UpdatedAt = now
	}
}
