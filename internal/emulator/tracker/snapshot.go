package tracker

import (
	"encoding/json"
	"fmt"
	"io"
)

// snapshotVersion is the format version of Snapshot.
const snapshotVersion = 1

// snapshot is the serialised store; objects are listed in insertion order.
type snapshot struct {
	Version         int                          `json:"version"`
	TrackedEntities []*TrackedEntity             `json:"trackedEntities"`
	Enrollments     []*Enrollment                `json:"enrollments"`
	Events          []*Event                     `json:"events"`
	Relationships   []*Relationship              `json:"relationships"`
	Owners          map[string]map[string]string `json:"programOwners"`
}

// Snapshot writes the whole store as JSON.
func (s *Store) Snapshot(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := snapshot{Version: snapshotVersion, TrackedEntities: s.teOrder, Enrollments: s.enOrder, Events: s.evOrder,
		Relationships: s.relOrder, Owners: s.owners}
	if err := json.NewEncoder(w).Encode(snap); err != nil {
		return fmt.Errorf("tracker snapshot: %w", err)
	}
	return nil
}

// Restore replaces the store's content with a Snapshot.
func (s *Store) Restore(r io.Reader) error {
	var snap snapshot
	if err := json.NewDecoder(r).Decode(&snap); err != nil {
		return fmt.Errorf("tracker restore: %w", err)
	}
	if snap.Version != snapshotVersion {
		return fmt.Errorf("tracker restore: snapshot format %d is not supported (want %d)", snap.Version, snapshotVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.reset()
	for _, te := range snap.TrackedEntities {
		s.insertTE(te)
	}
	for _, en := range snap.Enrollments {
		s.insertEnrollment(en)
		for _, n := range en.Notes {
			s.notes[n.Note] = true
		}
	}
	for _, ev := range snap.Events {
		s.insertEvent(ev)
		for _, n := range ev.Notes {
			s.notes[n.Note] = true
		}
	}
	for _, rel := range snap.Relationships {
		s.insertRel(rel)
	}
	if snap.Owners != nil {
		s.owners = snap.Owners
	}
	return nil
}
