package datavalue

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// Query selects data values. An empty list means "any"; a non-empty list
// of identifiers none of which is stored selects nothing. The HTTP layer
// checks DHIS2's required parameters and expands data sets, groups and
// org unit children into these lists.
type Query struct {
	DataElements []string
	// Periods are explicit period identifiers (any accepted spelling).
	Periods []string
	// StartDate and EndDate, when both set, select the periods that lie
	// within the dates (DHIS2: pe.startdate >= startDate and pe.enddate <=
	// endDate), in addition to Periods.
	StartDate, EndDate    time.Time
	OrgUnits              []string
	AttributeOptionCombos []string
	// LastUpdated, when set, selects values with lastUpdated >= it.
	LastUpdated time.Time
	// IncludeDeleted also returns soft-deleted values.
	IncludeDeleted bool
	// Limit caps the number of values; 0 means no limit.
	Limit int
}

// Scan calls fn for each value matching q, in a deterministic order:
// period start, period type, then data element, org unit, category option
// combo and attribute option combo UIDs. The matching keys are fixed when
// Scan starts; each value is read as it is when delivered. fn runs without
// the store's lock held and may not retain dv after returning. An error
// from fn stops the scan and is returned.
func (s *Store) Scan(q Query, fn func(dv *DataValue) error) error {
	order := s.match(q)
	var buf [256]DataValue
	for len(order) > 0 {
		n := min(len(order), len(buf))
		s.mu.RLock()
		for i := 0; i < n; i++ {
			s.fill(&buf[i], s.recs.at(order[i]))
		}
		s.mu.RUnlock()
		for i := 0; i < n; i++ {
			if err := fn(&buf[i]); err != nil {
				return err
			}
		}
		order = order[n:]
	}
	return nil
}

// Count returns the number of values matching q.
func (s *Store) Count(q Query) int { return len(s.match(q)) }

// filter is a set of interned numbers; nil means "any".
type filter []bool

func (f filter) has(n uint32) bool { return f == nil || (int(n) < len(f) && f[n]) }

func (s *Store) uidFilter(ids []string) filter {
	if len(ids) == 0 {
		return nil
	}
	f := make(filter, len(s.uids.strs))
	for _, id := range ids {
		if n, ok := s.uids.lookup(id); ok {
			f[n] = true
		}
	}
	return f
}

func (s *Store) periodFilter(q Query) filter {
	byDate := !q.StartDate.IsZero() && !q.EndDate.IsZero()
	if len(q.Periods) == 0 && !byDate {
		return nil
	}
	f := make(filter, len(s.pes.pers))
	for _, id := range q.Periods {
		if n, ok := s.pes.resolve(id); ok {
			f[n] = true
		}
	}
	if byDate {
		for n, p := range s.pes.pers {
			if n > 0 && p.Within(q.StartDate, q.EndDate) {
				f[n] = true
			}
		}
	}
	return f
}

// match returns the record numbers matching q, sorted and limited.
func (s *Store) match(q Query) []uint32 {
	s.mu.RLock()
	des, pes := s.uidFilter(q.DataElements), s.periodFilter(q)
	ous, aocs := s.uidFilter(q.OrgUnits), s.uidFilter(q.AttributeOptionCombos)
	since := int64(-1 << 63)
	if !q.LastUpdated.IsZero() {
		since = q.LastUpdated.UnixMilli()
	}
	keep := func(r *record) bool {
		return !(r.deleted() && !q.IncludeDeleted) && r.lastUpdated >= since &&
			des.has(r.de) && pes.has(r.pe) && ous.has(r.ou) && aocs.has(r.aoc)
	}
	var out []uint32
	if lists := s.candidates(q); lists != nil {
		for _, list := range lists {
			for _, n := range list {
				if keep(s.recs.at(n)) {
					out = append(out, n)
				}
			}
		}
	} else {
		for c, chunk := range s.recs.chunks {
			base := c << recShift
			for j := range chunk {
				if base+j >= s.recs.n {
					break
				}
				if keep(&chunk[j]) {
					out = append(out, uint32(base+j))
				}
			}
		}
	}
	uidRank, peRank := s.ranks.get(s)
	keys := make([]sortKey, len(out))
	for i, n := range out {
		r := s.recs.at(n)
		keys[i] = sortKey{
			hi:  uint64(peRank[r.pe])<<32 | uint64(uidRank[r.de]),
			mid: uint64(uidRank[r.ou])<<32 | uint64(uidRank[r.coc]),
			lo:  uint64(uidRank[r.aoc])<<32 | uint64(n),
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(keys, func(a, b sortKey) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.mid, b.mid); c != 0 {
			return c
		}
		return cmp.Compare(a.lo, b.lo)
	})
	if q.Limit > 0 && len(keys) > q.Limit {
		keys = keys[:q.Limit]
	}
	out = out[:len(keys)]
	for i, k := range keys {
		out[i] = uint32(k.lo)
	}
	return out
}

type sortKey struct{ hi, mid, lo uint64 }

// candidates returns the posting lists holding every record that q can
// match, from its data element or org unit filter, whichever lists fewer
// records; nil means every record (no filter on either). Each record
// holds one data element and one org unit, so the lists are disjoint.
// The caller holds the read lock.
func (s *Store) candidates(q Query) [][]uint32 {
	var best [][]uint32
	bestSize := -1
	for _, dim := range [...]struct {
		ids []string
		p   postings
	}{{q.DataElements, s.byDE}, {q.OrgUnits, s.byOU}} {
		if len(dim.ids) == 0 {
			continue
		}
		var lists [][]uint32
		size := 0
		seen := make(map[uint32]bool, len(dim.ids))
		for _, id := range dim.ids {
			n, ok := s.uids.lookup(id)
			if !ok || seen[n] {
				continue
			}
			seen[n] = true
			list := dim.p.of(n)
			lists = append(lists, list)
			size += len(list)
		}
		if bestSize < 0 || size < bestSize {
			best, bestSize = lists, size
		}
	}
	if bestSize >= 0 && best == nil {
		best = [][]uint32{} // a filter that no record matches
	}
	return best
}

// rankCache holds the sort rank of every interned UID and period, rebuilt
// when new identifiers appear.
type rankCache struct {
	mu     sync.Mutex
	uid    []uint32
	period []uint32
}

// get returns the ranks; the caller holds at least the store's read lock.
func (rc *rankCache) get(s *Store) (uid, per []uint32) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.uid) != len(s.uids.strs) {
		rc.uid = ranks(len(s.uids.strs), func(a, b int) int { return cmp.Compare(s.uids.strs[a], s.uids.strs[b]) })
	}
	if len(rc.period) != len(s.pes.pers) {
		pers := s.pes.pers
		rc.period = ranks(len(pers), func(a, b int) int { return comparePeriods(pers[a], pers[b]) })
	}
	return rc.uid, rc.period
}

func comparePeriods(a, b period.Period) int {
	if c := cmp.Compare(a.StartDay(), b.StartDay()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Type(), b.Type()); c != 0 {
		return c
	}
	return cmp.Compare(a.EndDay(), b.EndDay())
}

// ranks returns, for each of n items, its position in sorted order.
func ranks(n int, compare func(a, b int) int) []uint32 {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, compare)
	rank := make([]uint32, n)
	for pos, i := range order {
		rank[i] = uint32(pos)
	}
	return rank
}
