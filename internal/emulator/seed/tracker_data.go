package seed

// trackerCounts holds the sizes of the tracker collections.
type trackerCounts struct {
	trackedEntities, enrollments, trackerEvents, events, relationships int
}

// countTracker counts the tracker data (phase 2: none yet).
func (w *world) countTracker() trackerCounts { return trackerCounts{} }

func (w *world) trackedEntities(func(map[string]any) bool) {}
func (w *world) events(func(map[string]any) bool)          {}
func (w *world) relationships(func(map[string]any) bool)   {}
