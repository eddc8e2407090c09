package datavalue

// key identifies a data value by interned numbers.
type key struct {
	de, pe, ou, coc, aoc uint32
}

func (k key) hash() uint64 {
	h := uint64(k.de)*0x9E3779B97F4A7C15 ^ uint64(k.pe)<<32 ^ uint64(k.ou)
	h = (h ^ h>>29) * 0xBF58476D1CE4E5B9
	h ^= uint64(k.coc)<<32 | uint64(k.aoc)
	h = (h ^ h>>32) * 0x94D049BB133111EB
	return h ^ h>>29
}

const (
	flagFollowUp = 1 << iota
	flagDeleted
)

// record is the stored state of one data value. It holds no pointers, so
// the garbage collector never scans the record chunks.
type record struct {
	key
	storedBy    uint32
	value       span
	comment     span
	created     int64 // Unix milliseconds
	lastUpdated int64 // Unix milliseconds
	flags       uint8
}

func (r *record) deleted() bool  { return r.flags&flagDeleted != 0 }
func (r *record) followUp() bool { return r.flags&flagFollowUp != 0 }

const (
	recShift = 14
	recChunk = 1 << recShift
	recMask  = recChunk - 1
)

// records is a growable array of records in fixed-size chunks, so that
// growth never copies what is stored.
type records struct {
	chunks [][]record
	n      int
}

func (rs *records) at(i uint32) *record { return &rs.chunks[i>>recShift][i&recMask] }

func (rs *records) add(r record) uint32 {
	if rs.n>>recShift == len(rs.chunks) {
		rs.chunks = append(rs.chunks, make([]record, recChunk))
	}
	i := uint32(rs.n)
	*rs.at(i) = r
	rs.n++
	return i
}

// index is an open-addressing hash table from keys to record numbers
// (stored +1; 0 marks an empty slot). Records are never removed.
type index struct {
	slots []uint32
	n     int
}

func (ix *index) find(rs *records, k key) (uint32, bool) {
	if len(ix.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(ix.slots) - 1)
	for i := k.hash() & mask; ; i = (i + 1) & mask {
		s := ix.slots[i]
		if s == 0 {
			return 0, false
		}
		if rs.at(s-1).key == k {
			return s - 1, true
		}
	}
}

// insert adds a record number for a key known to be absent. Call it
// before adding the record itself: growth rehashes records [0, rs.n).
func (ix *index) insert(rs *records, k key, rec uint32) {
	if (ix.n+1)*2 > len(ix.slots) {
		ix.grow(rs)
	}
	ix.place(k, rec)
	ix.n++
}

func (ix *index) place(k key, rec uint32) {
	mask := uint64(len(ix.slots) - 1)
	i := k.hash() & mask
	for ix.slots[i] != 0 {
		i = (i + 1) & mask
	}
	ix.slots[i] = rec + 1
}

func (ix *index) grow(rs *records) {
	size := 1024
	for size < (ix.n+1)*2 {
		size *= 2
	}
	if size < 2*len(ix.slots) {
		size = 2 * len(ix.slots)
	}
	ix.slots = make([]uint32, size)
	for i := 0; i < rs.n; i++ {
		ix.place(rs.at(uint32(i)).key, uint32(i))
	}
}

// postings lists, per interned identifier (data element or org unit),
// the numbers of the records that hold it, in ascending order (records
// are only ever appended). A query filtered on a few data elements or
// org units visits their records only, as DHIS2's SQL uses its indexes,
// instead of every record of the store.
type postings [][]uint32

func (p *postings) add(id, rec uint32) {
	if int(id) >= len(*p) {
		*p = append(*p, make([][]uint32, int(id)+1-len(*p))...)
	}
	(*p)[id] = append((*p)[id], rec)
}

// of returns the records holding id.
func (p postings) of(id uint32) []uint32 {
	if int(id) < len(p) {
		return p[id]
	}
	return nil
}
