package seed

import "time"

// area is a region or a district.
type area struct {
	uid, name, code, town string
	parent                int // region index of a district
	cell                  rect
}

// facility is a health facility (level 4) and the traits that drive its data.
type facility struct {
	uid, name, code string
	typ             facType
	region, dist    int
	pop             float64   // catchment population
	completeness    float64   // probability of reporting a due report
	opened          time.Time // no data before this date
	urban           bool
	partner         bool // supported by partners (VIH/TB attribute option)
	staff           int
	water           int // option index of the water source
	elec            float64
	point           [2]float64
}

// world is the runtime model behind the data iterators. It is read-only
// once build returns, so iterators may run concurrently.
type world struct {
	cfg        config
	ns         uint64
	regions    []area
	districts  []area
	facilities []facility
	managers   []string // data manager username per region (storedBy)
	des        []deRT
	deIndex    map[string]int
	dataSets   []dsRT
	trk        trackerModel
	combos     map[string]comboRT
	options    map[string][]string // option codes per option set key

	counts dataCounts
}

func newWorld(cfg config) *world {
	return &world{cfg: cfg, ns: fnv64("seed|" + cfg.name), deIndex: map[string]int{}}
}

// finish computes the data counts once the model is complete.
func (w *world) finish() {
	w.counts = w.countAggregate()
	w.counts.tracker = w.countTracker()
}

// stats summarises the instance for the emulator's start-up log.
func (w *world) stats(md map[string][]map[string]any) Stats {
	s := Stats{Metadata: map[string]int{}}
	for typ, objs := range md {
		s.Metadata[typ] = len(objs)
		s.MetadataObjects += len(objs)
	}
	s.OrganisationUnits = s.Metadata["organisationUnits"]
	s.DataElements = s.Metadata["dataElements"]
	s.DataValues = w.counts.values
	s.CompleteRegistrations = w.counts.registrations
	t := w.counts.tracker
	s.TrackedEntities, s.Enrollments, s.TrackerEvents = t.trackedEntities, t.enrollments, t.trackerEvents
	s.Events, s.Relationships = t.events, t.relationships
	return s
}
