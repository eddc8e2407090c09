package datavalue

import (
	"fmt"
	"sync"
	"time"
)

// DataValue is one stored aggregate data value as the export sees it.
// Empty Value or Comment means none (DHIS2 stores them as null).
type DataValue struct {
	DataElement          string
	Period               string // canonical ISO identifier
	OrgUnit              string
	CategoryOptionCombo  string
	AttributeOptionCombo string
	Value                string
	StoredBy             string
	Comment              string
	Created              time.Time
	LastUpdated          time.Time
	FollowUp             bool
	Deleted              bool
}

// Store holds data values and the other aggregate data stores of one
// emulated instance. All methods are safe for concurrent use. The zero
// Store is not usable; call New.
type Store struct {
	mu    sync.RWMutex
	uids  interner // data elements, org units, option combos
	users interner // storedBy
	pes   periodTable
	recs  records
	idx   index
	byDE  postings // records by data element
	byOU  postings // records by org unit
	txt   text
	live  int
	ranks rankCache

	// Registrations are the complete data set registrations.
	Registrations *Registrations
	// MinMax are the min-max values of data elements per org unit.
	MinMax *MinMax
	// LockExceptions are the data set lock exceptions.
	LockExceptions *LockExceptions
	// Approvals are the data approval states.
	Approvals *Approvals
}

// New returns an empty store.
func New() *Store {
	return &Store{
		uids:           newInterner(),
		users:          newInterner(),
		pes:            newPeriodTable(),
		Registrations:  newRegistrations(),
		MinMax:         newMinMax(),
		LockExceptions: newLockExceptions(),
		Approvals:      newApprovals(),
	}
}

// Len returns the number of stored data values, with and without the soft
// deleted ones.
func (s *Store) Len() (total, live int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.recs.n, s.live
}

// Stats describes the store's size.
type Stats struct {
	Values      int // stored data values, soft-deleted ones included
	Live        int // data values that are not soft-deleted
	Identifiers int // interned UIDs
	Periods     int // interned periods
	TextBytes   int // bytes reserved for values and comments
	WastedBytes int // text bytes of replaced values (reclaimed by Snapshot then Restore)
}

// Stats returns the store's size.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Stats{Values: s.recs.n, Live: s.live, Identifiers: len(s.uids.strs) - 1, Periods: len(s.pes.pers) - 1,
		TextBytes: s.txt.size(), WastedBytes: s.txt.wasted}
}

// lookupKey resolves five identifiers to a key without interning; ok is
// false when one is unknown (so no value can exist).
func (s *Store) lookupKey(de, pe, ou, coc, aoc string) (key, bool) {
	var k key
	var ok1, ok2, ok3, ok4, ok5 bool
	k.de, ok1 = s.uids.lookup(de)
	k.pe, ok2 = s.pes.resolve(pe)
	k.ou, ok3 = s.uids.lookup(ou)
	k.coc, ok4 = s.uids.lookup(coc)
	k.aoc, ok5 = s.uids.lookup(aoc)
	return k, ok1 && ok2 && ok3 && ok4 && ok5
}

// Get returns the value stored under the five identifiers, soft-deleted or
// not. The period may be given in any spelling Parse accepts.
func (s *Store) Get(dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo string) (DataValue, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.lookupKey(dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo)
	if !ok {
		return DataValue{}, false
	}
	i, ok := s.idx.find(&s.recs, k)
	if !ok {
		return DataValue{}, false
	}
	var dv DataValue
	s.fill(&dv, s.recs.at(i))
	return dv, true
}

// fill copies a record into dv without allocating: identifiers come from
// the interners and text from the append-only chunks.
func (s *Store) fill(dv *DataValue, r *record) {
	dv.DataElement = s.uids.str(r.de)
	dv.Period = s.pes.ids[r.pe]
	dv.OrgUnit = s.uids.str(r.ou)
	dv.CategoryOptionCombo = s.uids.str(r.coc)
	dv.AttributeOptionCombo = s.uids.str(r.aoc)
	dv.Value = s.txt.get(r.value)
	dv.Comment = s.txt.get(r.comment)
	dv.StoredBy = s.users.str(r.storedBy)
	dv.Created = time.UnixMilli(r.created).UTC()
	dv.LastUpdated = time.UnixMilli(r.lastUpdated).UTC()
	dv.FollowUp = r.followUp()
	dv.Deleted = r.deleted()
}

// Put stores dv as given, replacing any value with the same key, without
// validation or import semantics. It is meant for seeding and restoring;
// imports go through Import. Identifiers must be non-empty and the period
// valid. Zero times are stored as the Unix epoch.
func (s *Store) Put(dv DataValue) error {
	if dv.DataElement == "" || dv.OrgUnit == "" || dv.CategoryOptionCombo == "" || dv.AttributeOptionCombo == "" {
		return fmt.Errorf("datavalue.Put: dataElement, orgUnit, categoryOptionCombo and attributeOptionCombo are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pe, err := s.pes.add(dv.Period)
	if err != nil {
		return fmt.Errorf("datavalue.Put: %w", err)
	}
	k := key{de: s.uids.add(dv.DataElement), pe: pe, ou: s.uids.add(dv.OrgUnit), coc: s.uids.add(dv.CategoryOptionCombo), aoc: s.uids.add(dv.AttributeOptionCombo)}
	r := record{key: k, storedBy: s.users.add(dv.StoredBy), created: dv.Created.UnixMilli(), lastUpdated: dv.LastUpdated.UnixMilli()}
	if dv.Created.IsZero() {
		r.created = 0
	}
	if dv.LastUpdated.IsZero() {
		r.lastUpdated = 0
	}
	if dv.FollowUp {
		r.flags |= flagFollowUp
	}
	if dv.Deleted {
		r.flags |= flagDeleted
	}
	return s.write(r, dv.Value, dv.Comment)
}

// write stores r (whose spans are filled from value and comment) under its
// key, inserting or replacing. The caller holds the write lock.
func (s *Store) write(r record, value, comment string) error {
	rec := int64(-1)
	if i, ok := s.idx.find(&s.recs, r.key); ok {
		rec = int64(i)
	}
	return s.writeAt(rec, r, value, comment)
}

// writeAt is write for a key whose record number is known (-1 if new).
func (s *Store) writeAt(rec int64, r record, value, comment string) error {
	var old *record
	if rec >= 0 {
		old = s.recs.at(uint32(rec))
	}
	var err error
	if r.value, err = s.putText(old, value); err != nil {
		return err
	}
	if r.comment, err = s.putText(old, comment); err != nil {
		return err
	}
	if old == nil {
		s.idx.insert(&s.recs, r.key, uint32(s.recs.n))
		n := s.recs.add(r)
		s.byDE.add(r.de, n)
		s.byOU.add(r.ou, n)
		if !r.deleted() {
			s.live++
		}
		return nil
	}
	if r.value != old.value {
		s.txt.wasted += int(old.value.n)
	}
	if r.comment != old.comment {
		s.txt.wasted += int(old.comment.n)
	}
	if old.deleted() && !r.deleted() {
		s.live++
	} else if !old.deleted() && r.deleted() {
		s.live--
	}
	*old = r
	return nil
}

// putText stores a string, reusing the bytes of the old record's value or
// comment when equal (an unchanged re-import does not grow the text).
func (s *Store) putText(old *record, str string) (span, error) {
	if str == "" {
		return span{}, nil
	}
	if old != nil {
		if s.txt.get(old.value) == str {
			return old.value, nil
		}
		if s.txt.get(old.comment) == str {
			return old.comment, nil
		}
	}
	sp, err := s.txt.put(str)
	if err != nil {
		return span{}, fmt.Errorf("datavalue: storing %.20q…: %w", str, err)
	}
	return sp, nil
}
