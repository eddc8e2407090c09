package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
)

// absentTETs adds to t.absent the tracked entity types of the source the
// destination lacks and the metadata stage of this dry run plans to
// create (looked up only when some program is in that case). A type the
// destination lacks and the metadata stage does not create is left to
// the destination's answers, as before.
func (t *trackerRun) absentTETs(ctx context.Context) error {
	if len(t.absent) == 0 || len(t.tets) == 0 {
		return nil
	}
	ids := make([]string, 0, len(t.tets))
	for id := range t.tets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	have, err := existingIDs(ctx, t.dst.c, "trackedEntityTypes", ids)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var lacked []lackedObject
	for _, id := range ids {
		if !have[id] {
			lacked = append(lacked, lackedObject{id, t.tets[id]})
		}
	}
	planned, _ := t.r.plannedByMetadata("trackedEntityTypes", lacked)
	programs := len(t.absent)
	for id := range planned {
		t.absent[id] = true
	}
	t.log(slog.LevelInfo, "tracker.dest.planned", fmt.Sprintf("%d program(s) and %d tracked entity type(s) are not on the destination yet: the metadata stage of this dry run plans to create them, so all their objects are planned as created",
		programs, len(planned)))
	return nil
}

// absentOnDest reports whether a stream's program (or tracked entity
// type) is one a dry run's metadata stage plans to create: the
// destination holds none of its objects and is not read for them.
func (t *trackerRun) absentOnDest(s *trkStream) bool {
	if t.creates[s.root.ID] {
		return true // a stream rooted at an org unit still to create
	}
	if s.program != nil {
		return t.absent[s.program.ID]
	}
	return s.tet != "" && t.absent[s.tet]
}
