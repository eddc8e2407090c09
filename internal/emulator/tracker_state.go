package emulator

import (
	"fmt"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/seed"
	"github.com/d2sync/d2sync/internal/emulator/tracker"
)

// trackerState is the tracker store plus the tracker view of the
// metadata, rebuilt when the metadata store changes.
type trackerState struct {
	store *tracker.Store
	meta  *metadata.Store

	mu    sync.Mutex
	gen   uint64
	index *tracker.Index
}

func newTrackerState(meta *metadata.Store, loc *time.Location, clock func() time.Time, modernMessages bool) *trackerState {
	return &trackerState{store: tracker.New(tracker.Options{Clock: clock, Location: loc, ModernMessages: modernMessages}), meta: meta}
}

// trackerFields are the metadata types the tracker validates against,
// with the properties it reads.
var trackerFields = map[string]string{
	"organisationUnits":       "id,path,parent",
	"trackedEntityAttributes": "id,valueType,optionSet,unique",
	"dataElements":            "id,valueType,optionSet",
	"categoryOptionCombos":    "id",
	"options":                 "id,code,optionSet",
	"optionSets":              "id,options[id,code]",
	"trackedEntityTypes":      "id,trackedEntityTypeAttributes[trackedEntityAttribute[id]]",
	"programStages":           "id,program,repeatable,programStageDataElements[dataElement[id]]",
	"programs": "id,programType,trackedEntityType,categoryCombo,onlyEnrollOnce,displayIncidentDate,selectEnrollmentDatesInFuture," +
		"selectIncidentDatesInFuture,programStages[id],organisationUnits[id],programTrackedEntityAttributes[trackedEntityAttribute[id]]",
	"relationshipTypes": "id,bidirectional,fromConstraint[relationshipEntity,trackedEntityType,program,programStage]," +
		"toConstraint[relationshipEntity,trackedEntityType,program,programStage]",
}

// catalog returns the tracker's metadata index, rebuilt from the metadata
// store when it changed since the last call.
func (t *trackerState) catalog() tracker.Catalog {
	t.mu.Lock()
	defer t.mu.Unlock()
	gen := t.meta.Generation()
	if t.index != nil && gen == t.gen {
		return t.index
	}
	payload := map[string][]map[string]any{}
	for plural, fields := range trackerFields {
		res, err := t.meta.List(plural, metadata.ListParams{Fields: fields, Paging: false})
		if err != nil {
			continue // the type does not exist in this version
		}
		payload[plural] = res.Objects
	}
	t.index, t.gen = tracker.NewIndex(payload), gen
	return t.index
}

// TrackerStats counts the stored tracker objects (soft-deleted included).
type TrackerStats struct {
	TrackedEntities int `json:"trackedEntities"`
	Enrollments     int `json:"enrollments"`
	Events          int `json:"events"`
	Relationships   int `json:"relationships"`
}

func (t *trackerState) stats() TrackerStats {
	c := t.store.Count()
	return TrackerStats{c.TrackedEntities, c.Enrollments, c.Events, c.Relationships}
}

// TrackerCounts counts committed tracker writes per object type.
type TrackerCounts struct {
	TrackedEntities ObjectCounts `json:"trackedEntities"`
	Enrollments     ObjectCounts `json:"enrollments"`
	Events          ObjectCounts `json:"events"`
	Relationships   ObjectCounts `json:"relationships"`
}

func (c TrackerCounts) writes() int64 {
	var n int64
	for _, o := range []ObjectCounts{c.TrackedEntities, c.Enrollments, c.Events, c.Relationships} {
		n += o.Created + o.Updated + o.Deleted
	}
	return n
}

// countTracker adds a committed import's persistence counts.
func (e *Emulator) countTracker(r *tracker.Report) {
	if r.BundleReport == nil {
		return
	}
	add := func(o *ObjectCounts, s tracker.Stats) {
		o.Created += int64(s.Created)
		o.Updated += int64(s.Updated)
		o.Deleted += int64(s.Deleted)
	}
	e.counts.update(func(c *WriteCounts) {
		add(&c.Tracker.TrackedEntities, r.TypeStats(tracker.KindTrackedEntity))
		add(&c.Tracker.Enrollments, r.TypeStats(tracker.KindEnrollment))
		add(&c.Tracker.Events, r.TypeStats(tracker.KindEvent))
		add(&c.Tracker.Relationships, r.TypeStats(tracker.KindRelationship))
	})
	if r.Stats.Created+r.Stats.Updated+r.Stats.Deleted > 0 {
		e.markDirty()
	}
}

// trackerImport validates and commits a bundle as the given user and
// counts the writes.
func (e *Emulator) trackerImport(b *tracker.Bundle, p tracker.ImportParams) *tracker.Report {
	r := e.state.tracker.store.Import(b, e.state.tracker.catalog(), p)
	e.countTracker(r)
	return r
}

// loadSeedTracker imports the seed's tracked entities (with enrollments
// and events), event-program events and relationships, in the 2.42 wire
// shape, with full validation: a seed that DHIS2 would reject is a bug.
// It imports in chunks of seedChunk objects, in dependency order (tracked
// entities first, relationships last).
func (e *Emulator) loadSeedTracker(inst *seed.Instance) error {
	start := time.Now()
	n := 0
	flush := func(key string, chunk []map[string]any) error {
		if len(chunk) == 0 {
			return nil
		}
		b, err := tracker.BundleFromMaps(map[string][]map[string]any{key: chunk}, e.loc)
		if err != nil {
			return fmt.Errorf("seed tracker data: %w", err)
		}
		n += b.Total()
		r := e.trackerImport(b, tracker.ImportParams{User: e.adminUserInfo(), CascadeDeleteTE: true, CascadeDeleteEnrollment: true})
		if r.HasErrors() {
			first := r.ValidationReport.ErrorReports[0]
			return fmt.Errorf("seed tracker data rejected: %d errors, first %s %s (%s %s)",
				len(r.ValidationReport.ErrorReports), first.ErrorCode, first.Message, first.TrackerType, first.UID)
		}
		return nil
	}
	for _, part := range []struct {
		key string
		seq func(func(map[string]any) bool)
	}{{"trackedEntities", inst.TrackedEntities}, {"events", inst.Events}, {"relationships", inst.Relationships}} {
		var chunk []map[string]any
		for obj := range part.seq {
			if chunk = append(chunk, obj); len(chunk) == seedChunk {
				if err := flush(part.key, chunk); err != nil {
					return err
				}
				chunk = chunk[:0]
			}
		}
		if err := flush(part.key, chunk); err != nil {
			return err
		}
	}
	e.log.Debug("seed tracker data loaded", "objects", n, "duration", time.Since(start))
	return nil
}

// seedChunk is the number of top-level seed objects imported at once.
const seedChunk = 2000

// adminUserInfo is the superuser as a tracker user snapshot.
func (e *Emulator) adminUserInfo() tracker.User {
	return tracker.User{UID: metadata.AdminUserUID, Username: e.opts.AdminUsername, FirstName: "admin", Surname: "admin"}
}
