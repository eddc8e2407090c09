package datavalue

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"

	"github.com/d2sync/d2sync/internal/period"
)

// snapshotMagic starts every snapshot; the last byte is the format version.
var snapshotMagic = []byte("D2SYNC-DATAVALUE\x00\x01")

// smallStores is the gob-encoded tail of a snapshot.
type smallStores struct {
	Registrations  []Registration
	MinMax         []MinMaxValue
	LockExceptions []LockException
	Approvals      []Approval
}

// Snapshot writes the whole store (data values, soft-deleted ones too,
// and the other aggregate stores) to w in a compact binary form for
// Restore. It holds the read lock while writing.
func (s *Store) Snapshot(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := s.writeValues(bw); err != nil {
		return fmt.Errorf("datavalue snapshot: %w", err)
	}
	small := smallStores{
		Registrations:  s.Registrations.List(RegistrationQuery{}),
		MinMax:         s.MinMax.List(),
		LockExceptions: s.LockExceptions.List(),
		Approvals:      s.Approvals.List(),
	}
	var tail bytes.Buffer
	if err := gob.NewEncoder(&tail).Encode(&small); err != nil {
		return fmt.Errorf("datavalue snapshot: %w", err)
	}
	bw.Write(binary.AppendUvarint(nil, uint64(tail.Len())))
	bw.Write(tail.Bytes())
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datavalue snapshot: %w", err)
	}
	return nil
}

func (s *Store) writeValues(bw *bufio.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	bw.Write(snapshotMagic)
	var b []byte
	for _, table := range [][]string{s.uids.strs, s.users.strs, s.pes.ids} {
		b = binary.AppendUvarint(b[:0], uint64(len(table)))
		for _, str := range table {
			b = binary.AppendUvarint(b, uint64(len(str)))
			b = append(b, str...)
		}
		bw.Write(b)
	}
	bw.Write(binary.AppendUvarint(b[:0], uint64(s.recs.n)))
	for i := 0; i < s.recs.n; i++ {
		r := s.recs.at(uint32(i))
		b = b[:0]
		for _, n := range []uint32{r.de, r.pe, r.ou, r.coc, r.aoc, r.storedBy} {
			b = binary.AppendUvarint(b, uint64(n))
		}
		b = binary.AppendVarint(b, r.created)
		b = binary.AppendVarint(b, r.lastUpdated)
		b = append(b, r.flags)
		for _, sp := range []span{r.value, r.comment} {
			t := s.txt.get(sp)
			b = binary.AppendUvarint(b, uint64(len(t)))
			b = append(b, t...)
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// Restore replaces the store's content with a snapshot read from r. On
// error the store is left unchanged.
func (s *Store) Restore(r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	fresh := New()
	if err := fresh.readValues(br); err != nil {
		return fmt.Errorf("datavalue restore: %w", err)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > 1<<34 {
		return fmt.Errorf("datavalue restore: reading the aggregate stores: %w", errors.Join(err, io.ErrUnexpectedEOF))
	}
	var small smallStores
	if err := gob.NewDecoder(io.LimitReader(br, int64(n))).Decode(&small); err != nil {
		return fmt.Errorf("datavalue restore: aggregate stores: %w", err)
	}
	for _, reg := range small.Registrations {
		if err := fresh.Registrations.Put(reg); err != nil {
			return fmt.Errorf("datavalue restore: %w", err)
		}
	}
	for _, v := range small.MinMax {
		fresh.MinMax.Put(v)
	}
	for _, e := range small.LockExceptions {
		if err := fresh.LockExceptions.Add(e); err != nil {
			return fmt.Errorf("datavalue restore: %w", err)
		}
	}
	for _, a := range small.Approvals {
		if err := fresh.Approvals.Put(a); err != nil {
			return fmt.Errorf("datavalue restore: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uids, s.users, s.pes = fresh.uids, fresh.users, fresh.pes
	s.recs, s.idx, s.txt, s.live = fresh.recs, fresh.idx, fresh.txt, fresh.live
	s.byDE, s.byOU = fresh.byDE, fresh.byOU
	s.ranks.mu.Lock()
	s.ranks.uid, s.ranks.period = nil, nil
	s.ranks.mu.Unlock()
	s.Registrations, s.MinMax, s.LockExceptions, s.Approvals = fresh.Registrations, fresh.MinMax, fresh.LockExceptions, fresh.Approvals
	return nil
}

// snapReader reads snapshot primitives, remembering the first error.
type snapReader struct {
	br  *bufio.Reader
	err error
	buf []byte
}

func (sr *snapReader) uvarint(limit uint64, what string) uint64 {
	if sr.err != nil {
		return 0
	}
	n, err := binary.ReadUvarint(sr.br)
	if err == nil && n > limit {
		err = fmt.Errorf("%s %d out of range", what, n)
	}
	if err != nil {
		sr.err = fmt.Errorf("reading %s: %w", what, err)
	}
	return n
}

func (sr *snapReader) bytes(what string) []byte {
	n := sr.uvarint(textChunk, what+" length")
	if sr.err != nil {
		return nil
	}
	if cap(sr.buf) < int(n) {
		sr.buf = make([]byte, n)
	}
	sr.buf = sr.buf[:n]
	if _, err := io.ReadFull(sr.br, sr.buf); err != nil {
		sr.err = fmt.Errorf("reading %s: %w", what, err)
	}
	return sr.buf
}

func (s *Store) readValues(br *bufio.Reader) error {
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(br, magic); err != nil || !bytes.Equal(magic, snapshotMagic) {
		return fmt.Errorf("not a data value snapshot (or an unsupported version)")
	}
	sr := &snapReader{br: br}
	var tables [3][]string
	for t := range tables {
		n := sr.uvarint(1<<32, "table size")
		for i := uint64(0); i < n && sr.err == nil; i++ {
			tables[t] = append(tables[t], string(sr.bytes("identifier")))
		}
	}
	if sr.err != nil {
		return sr.err
	}
	pes := make([]period.Period, len(tables[2]))
	for i, id := range tables[2] {
		if i == 0 {
			continue
		}
		p, err := period.Parse(id)
		if err != nil {
			return fmt.Errorf("period table: %w", err)
		}
		pes[i] = p
	}
	return s.readRecords(sr, tables, pes)
}

func (s *Store) readRecords(sr *snapReader, tables [3][]string, pes []period.Period) error {
	uids, users := tables[0], tables[1]
	n := sr.uvarint(1<<32, "value count")
	for i := uint64(0); i < n && sr.err == nil; i++ {
		var ids [6]uint64
		limits := [6]int{len(uids), len(pes), len(uids), len(uids), len(uids), len(users)}
		for j := range ids {
			ids[j] = sr.uvarint(uint64(max(limits[j]-1, 0)), "identifier number")
		}
		created, err1 := binary.ReadVarint(sr.br)
		updated, err2 := binary.ReadVarint(sr.br)
		flags, err3 := sr.br.ReadByte()
		if err := errors.Join(err1, err2, err3); err != nil && sr.err == nil {
			sr.err = fmt.Errorf("reading value %d: %w", i, err)
		}
		value := string(sr.bytes("value"))
		comment := string(sr.bytes("comment"))
		if sr.err != nil {
			break
		}
		if pes[ids[1]].IsZero() {
			return fmt.Errorf("value %d has no period", i)
		}
		k := key{de: s.uids.add(uids[ids[0]]), pe: s.pes.addPeriod(pes[ids[1]]), ou: s.uids.add(uids[ids[2]]),
			coc: s.uids.add(uids[ids[3]]), aoc: s.uids.add(uids[ids[4]])}
		r := record{key: k, storedBy: s.users.add(users[ids[5]]), created: created, lastUpdated: updated, flags: flags & (flagDeleted | flagFollowUp)}
		if err := s.write(r, value, comment); err != nil {
			return err
		}
	}
	return sr.err
}
