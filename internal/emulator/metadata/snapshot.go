package metadata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

const snapshotFormat = "d2sync-emulator-metadata/1"

type snapshotDoc struct {
	Format    string              `json:"format"`
	Minor     int                 `json:"minor"`
	Types     map[string][]Object `json:"types"`
	Deleted   []DeletedObject     `json:"deleted"`
	Passwords map[string]string   `json:"passwords"`
}

// Snapshot writes the whole store (objects, deletions, password hashes) to w
// as JSON, type by type and object by object.
func (s *Store) Snapshot(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, `{"format":%q,"minor":%d,"types":{`, snapshotFormat, s.prof.Version.Minor)
	plurals := make([]string, 0, len(s.types))
	for p, ts := range s.types {
		if len(ts.objs) > 0 {
			plurals = append(plurals, p)
		}
	}
	sort.Strings(plurals)
	for i, p := range plurals {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(strconv.Quote(p) + ":[")
		ts := s.types[p]
		uids := make([]string, 0, len(ts.objs))
		for uid := range ts.objs {
			uids = append(uids, uid)
		}
		sort.Strings(uids)
		for j, uid := range uids {
			if j > 0 {
				bw.WriteByte(',')
			}
			b, err := marshalJSON(ts.objs[uid])
			if err != nil {
				return fmt.Errorf("snapshot %s %s: %w", p, uid, err)
			}
			bw.Write(b)
		}
		bw.WriteByte(']')
	}
	bw.WriteString(`},"deleted":`)
	del, err := marshalJSON(s.deleted)
	if err != nil {
		return fmt.Errorf("snapshot deleted objects: %w", err)
	}
	bw.Write(del)
	bw.WriteString(`,"passwords":`)
	pw, err := marshalJSON(s.passwords)
	if err != nil {
		return fmt.Errorf("snapshot passwords: %w", err)
	}
	bw.Write(pw)
	bw.WriteString("}")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write metadata snapshot: %w", err)
	}
	return nil
}

// Restore replaces the store's content with a snapshot written by Snapshot
// for the same DHIS2 minor version. On error the store is unchanged.
func (s *Store) Restore(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var doc snapshotDoc
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("read metadata snapshot: %w", err)
	}
	if doc.Format != snapshotFormat {
		return fmt.Errorf("read metadata snapshot: unknown format %q (want %q)", doc.Format, snapshotFormat)
	}
	if doc.Minor != s.prof.Version.Minor {
		return fmt.Errorf("read metadata snapshot: it was written by an emulator of DHIS2 2.%d, this one is 2.%d; use a data directory per version", doc.Minor, s.prof.Version.Minor)
	}
	types := map[string]*typeStore{}
	for _, sc := range s.schemas.all {
		if sc.Metadata {
			types[sc.Plural] = newTypeStore(sc)
		}
	}
	for plural, objs := range doc.Types {
		ts := types[plural]
		if ts == nil {
			return fmt.Errorf("read metadata snapshot: unknown type %q", plural)
		}
		for _, o := range objs {
			uid := str(o["id"])
			if uid == "" {
				return fmt.Errorf("read metadata snapshot: %s object without id", plural)
			}
			ts.put(uid, o)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.types = types
	s.deleted = doc.Deleted
	s.passwords = doc.Passwords
	if s.passwords == nil {
		s.passwords = map[string]string{}
	}
	s.afterCommit(map[string]bool{"organisationUnits": true})
	return nil
}

// marshalJSON encodes without HTML escaping, like Jackson.
func marshalJSON(v any) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.b
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	return b, nil
}

// jsonBuffer is a minimal growing byte buffer for marshalJSON.
type jsonBuffer struct{ b []byte }

// Write appends p.
func (j *jsonBuffer) Write(p []byte) (int, error) {
	j.b = append(j.b, p...)
	return len(p), nil
}
