package datavalue

import (
	"fmt"
	"unsafe"

	"github.com/d2sync/d2sync/internal/period"
)

// interner maps strings to dense 32-bit numbers and back. Number 0 is the
// empty string.
type interner struct {
	ids  map[string]uint32
	strs []string
}

func newInterner() interner {
	return interner{ids: map[string]uint32{"": 0}, strs: []string{""}}
}

// lookup returns the number of s without adding it.
func (in *interner) lookup(s string) (uint32, bool) {
	id, ok := in.ids[s]
	return id, ok
}

// add returns the number of s, adding it when new.
func (in *interner) add(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.strs))
	in.strs = append(in.strs, s)
	in.ids[s] = id
	return id
}

func (in *interner) str(id uint32) string { return in.strs[id] }

// periodTable interns periods. Lookups accept every spelling DHIS2 accepts
// ("2024-01" and "202401"); numbers are shared per canonical identifier.
type periodTable struct {
	byRaw  map[string]uint32
	byCan  map[period.Period]uint32
	pers   []period.Period
	ids    []string
	raw    int // entries in byRaw that are not canonical, bounded
	maxRaw int
}

func newPeriodTable() periodTable {
	return periodTable{byRaw: map[string]uint32{}, byCan: map[period.Period]uint32{}, pers: []period.Period{{}}, ids: []string{""}, maxRaw: 1 << 16}
}

// lookup returns the number of an already known identifier.
func (pt *periodTable) lookup(id string) (uint32, bool) {
	n, ok := pt.byRaw[id]
	return n, ok
}

// resolve returns the number of an identifier in any accepted spelling
// without interning it.
func (pt *periodTable) resolve(id string) (uint32, bool) {
	if n, ok := pt.byRaw[id]; ok {
		return n, true
	}
	p, err := period.Parse(id)
	if err != nil {
		return 0, false
	}
	n, ok := pt.byCan[p]
	return n, ok
}

// addPeriod interns p.
func (pt *periodTable) addPeriod(p period.Period) uint32 {
	if n, ok := pt.byCan[p]; ok {
		return n
	}
	n := uint32(len(pt.pers))
	pt.pers = append(pt.pers, p)
	s := p.String()
	pt.ids = append(pt.ids, s)
	pt.byCan[p] = n
	pt.byRaw[s] = n
	return n
}

// add parses and interns an identifier.
func (pt *periodTable) add(id string) (uint32, error) {
	if n, ok := pt.byRaw[id]; ok {
		return n, nil
	}
	p, err := period.Parse(id)
	if err != nil {
		return 0, err
	}
	n := pt.addPeriod(p)
	if pt.ids[n] != id && pt.raw < pt.maxRaw {
		pt.byRaw[id] = n
		pt.raw++
	}
	return n, nil
}

// text is an append-only store of value and comment strings in fixed-size
// chunks. Bytes are never overwritten, so strings handed out by get stay
// valid and unchanged for the life of the process.
type text struct {
	chunks [][]byte
	wasted int // bytes no longer referenced (replaced values)
}

const textChunk = 1 << 20

// span locates a string in text: chunk<<20 | offset, and a length. The
// zero span is the empty string.
type span struct {
	off uint32
	n   uint32
}

func (t *text) put(s string) (span, error) {
	if s == "" {
		return span{}, nil
	}
	if len(s) > textChunk {
		return span{}, fmt.Errorf("text of %d bytes exceeds the %d-byte limit", len(s), textChunk)
	}
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last])+len(s) > textChunk {
		if len(t.chunks) >= 1<<12 {
			return span{}, fmt.Errorf("text store full (%d chunks)", len(t.chunks))
		}
		t.chunks = append(t.chunks, make([]byte, 0, textChunk))
		last++
	}
	c := t.chunks[last]
	off := uint32(last)<<20 | uint32(len(c))
	t.chunks[last] = append(c, s...)
	return span{off: off, n: uint32(len(s))}, nil
}

// get returns the string at sp without copying.
func (t *text) get(sp span) string {
	if sp.n == 0 {
		return ""
	}
	c := t.chunks[sp.off>>20]
	o := sp.off & (textChunk - 1)
	return unsafe.String(&c[o], int(sp.n))
}

func (t *text) size() int {
	n := 0
	for _, c := range t.chunks {
		n += cap(c)
	}
	return n
}
