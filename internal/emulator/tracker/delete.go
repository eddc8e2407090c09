package tracker

// commitDeletes soft-deletes the valid objects, children first, with
// DHIS2's cascade: a tracked entity takes its enrollments, their events
// and every relationship linking any of them; an enrollment takes its
// events. Cascaded objects are not counted in the report.
func (im *importer) commitDeletes(record func(Kind, string, action)) {
	for _, r := range im.b.Relationships {
		if _, ok := im.live(KindRelationship, r.UID); ok {
			if old := im.s.rels[r.UID]; old != nil && !old.Deleted {
				im.deleteRel(old)
				record(KindRelationship, r.UID, actDelete)
			}
		}
	}
	for _, ev := range im.b.Events {
		if _, ok := im.live(KindEvent, ev.UID); ok {
			if old := im.s.events[ev.UID]; old != nil && !old.Deleted {
				im.deleteEvent(old)
				record(KindEvent, ev.UID, actDelete)
			}
		}
	}
	for _, en := range im.b.Enrollments {
		if _, ok := im.live(KindEnrollment, en.UID); ok {
			if old := im.s.enrollments[en.UID]; old != nil && !old.Deleted {
				im.deleteEnrollment(old)
				record(KindEnrollment, en.UID, actDelete)
			}
		}
	}
	for _, te := range im.b.TrackedEntities {
		if _, ok := im.live(KindTrackedEntity, te.UID); ok {
			if old := im.s.tes[te.UID]; old != nil && !old.Deleted {
				im.deleteTE(old)
				record(KindTrackedEntity, te.UID, actDelete)
			}
		}
	}
}

func (im *importer) markDeleted(st *Stamps) {
	u := im.p.User
	st.Deleted, st.UpdatedAt, st.UpdatedBy = true, im.now, &u
}

func (im *importer) deleteRelsOf(uid string) {
	for _, r := range im.s.relByID[uid] {
		if !r.Deleted {
			im.deleteRel(r)
		}
	}
}

func (im *importer) deleteRel(r *Relationship) {
	im.markDeleted(&r.Stamps)
	for _, it := range []Item{r.From, r.To} {
		im.touchItem(it)
	}
}

func (im *importer) deleteEvent(ev *Event) {
	im.markDeleted(&ev.Stamps)
	im.deleteRelsOf(ev.UID)
	im.s.touchTE(ev.TrackedEntity, im.now)
}

func (im *importer) deleteEnrollment(en *Enrollment) {
	im.markDeleted(&en.Stamps)
	for _, ev := range im.s.evByEn[en.UID] {
		if !ev.Deleted {
			im.deleteEvent(ev)
		}
	}
	im.deleteRelsOf(en.UID)
	im.s.touchTE(en.TrackedEntity, im.now)
}

func (im *importer) deleteTE(te *TrackedEntity) {
	for _, en := range im.s.enByTE[te.UID] {
		if !en.Deleted {
			im.deleteEnrollment(en)
		}
	}
	im.deleteRelsOf(te.UID)
	im.markDeleted(&te.Stamps)
}
