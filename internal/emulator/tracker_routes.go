package emulator

// trackerRoutes registers the tracker endpoints: the old ones
// (/api/trackedEntityInstances, /api/enrollments, /api/events,
// /api/relationships) only while the version has them (≤2.41, 404 on
// 2.42 like unknown paths), /api/tracker only from 2.36.
func (e *Emulator) trackerRoutes() {
	p := e.prof
	e.handleIf(p.NewTracker, "POST /api/tracker", e.postTracker)
	e.handleIf(p.NewTracker, "GET /api/tracker/jobs/{id}", e.getTrackerJob)
	e.handleIf(p.NewTracker, "GET /api/tracker/jobs/{id}/report", e.getTrackerJobReport)
	for _, k := range newTrackerKinds {
		e.handleIf(p.NewTracker, "GET /api/tracker/"+k.path, e.listTracker(k))
		e.handleIf(p.NewTracker, "GET /api/tracker/"+k.path+"/{uid}", e.getTracker(k))
	}

	for _, k := range oldTrackerKinds {
		for _, suffix := range []string{"", ".json"} {
			e.handleIf(p.OldTracker, "GET /api/"+k.path+suffix, e.listOldTracker(k))
			e.handleIf(p.OldTracker, "POST /api/"+k.path+suffix, e.postOldTracker(k))
		}
		e.handleIf(p.OldTracker, "GET /api/"+k.path+"/{uid}", e.getOldTracker(k))
		e.handleIf(p.OldTracker, "PUT /api/"+k.path+"/{uid}", e.putOldTracker(k))
		e.handleIf(p.OldTracker, "DELETE /api/"+k.path+"/{uid}", e.deleteOldTracker(k))
	}
}
