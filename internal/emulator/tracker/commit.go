package tracker

import "time"

// commit applies the valid objects and builds the bundle report.
func (im *importer) commit() *BundleReport {
	br := emptyBundleReport()
	record := func(k Kind, uid string, a action) {
		tr := br.TypeReportMap[k]
		tr.ObjectReports = append(tr.ObjectReports, ObjectReport{TrackerType: k, UID: uid, Index: im.index[key(k, uid)], ErrorReports: []ErrorReport{}, act: a})
		switch a {
		case actCreate:
			tr.Stats.Created++
		case actUpdate:
			tr.Stats.Updated++
		case actDelete:
			tr.Stats.Deleted++
		case actIgnore:
			tr.Stats.Ignored++
		}
		tr.Stats.Total++
	}
	if im.p.Strategy == StrategyDelete {
		im.commitDeletes(record)
	} else {
		im.commitWrites(record)
	}
	for _, k := range Kinds {
		br.Stats.add(br.TypeReportMap[k].Stats)
	}
	return br
}

func (im *importer) live(k Kind, uid string) (action, bool) {
	if im.isBad(k, uid) {
		return 0, false
	}
	a, ok := im.acts[key(k, uid)]
	return a, ok
}

func (im *importer) commitWrites(record func(Kind, string, action)) {
	for _, te := range im.b.TrackedEntities {
		if a, ok := im.live(KindTrackedEntity, te.UID); ok {
			im.writeTE(te, a)
			record(KindTrackedEntity, te.UID, a)
		}
	}
	for _, en := range im.b.Enrollments {
		if a, ok := im.live(KindEnrollment, en.UID); ok {
			im.writeEnrollment(en, a)
			record(KindEnrollment, en.UID, a)
		}
	}
	for _, ev := range im.b.Events {
		if a, ok := im.live(KindEvent, ev.UID); ok {
			im.writeEvent(ev, a)
			record(KindEvent, ev.UID, a)
		}
	}
	for _, r := range im.b.Relationships {
		if a, ok := im.live(KindRelationship, r.UID); ok {
			if a != actIgnore {
				im.writeRel(r)
			}
			record(KindRelationship, r.UID, a)
		}
	}
}

func (im *importer) stamp(st *Stamps, in Stamps, create bool) {
	u := im.p.User
	if create {
		st.CreatedAt = im.now
		st.CreatedBy = &u
		st.CreatedAtClient = in.CreatedAtClient
		if st.CreatedAtClient == nil {
			st.CreatedAtClient = in.UpdatedAtClient
		}
		if in.StoredBy == "" {
			st.StoredBy = u.Username
		}
	}
	st.UpdatedAt = im.now
	st.UpdatedBy = &u
	if in.UpdatedAtClient != nil {
		st.UpdatedAtClient = in.UpdatedAtClient
	}
	if in.StoredBy != "" {
		st.StoredBy = in.StoredBy
	}
}

func (im *importer) writeTE(in *TrackedEntity, a action) {
	te := im.s.tes[in.UID]
	if a == actCreate {
		te = &TrackedEntity{UID: in.UID}
	}
	te.TrackedEntityType, te.OrgUnit, te.Inactive = in.TrackedEntityType, in.OrgUnit, in.Inactive
	te.PotentialDuplicate, te.Geometry = in.PotentialDuplicate, in.Geometry
	im.stamp(&te.Stamps, in.Stamps, a == actCreate)
	te.Attributes = mergeAttributes(te.Attributes, im.b.teAttrs[in], im.now, im.p.User.Username)
	if a == actCreate {
		im.s.insertTE(te)
	}
}

func mergeAttributes(cur []AttributeValue, in []attrIn, now time.Time, user string) []AttributeValue {
	for _, av := range in {
		i := -1
		for j := range cur {
			if cur[j].Attribute == av.Attribute {
				i = j
				break
			}
		}
		switch {
		case av.Null && i >= 0:
			cur = append(cur[:i], cur[i+1:]...)
		case av.Null:
		case i >= 0:
			if cur[i].Value != av.Value {
				cur[i].Value, cur[i].UpdatedAt = av.Value, now
			}
		default:
			cur = append(cur, AttributeValue{Attribute: av.Attribute, Value: av.Value, StoredBy: orDefault(av.StoredBy, user), CreatedAt: now, UpdatedAt: now})
		}
	}
	return cur
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (im *importer) writeEnrollment(in *Enrollment, a action) {
	en := im.s.enrollments[in.UID]
	if a == actCreate {
		en = &Enrollment{UID: in.UID, TrackedEntity: in.TrackedEntity}
	}
	en.Program, en.OrgUnit, en.Status = in.Program, in.OrgUnit, statusOr(in.Status, "ACTIVE")
	en.EnrolledAt, en.OccurredAt, en.FollowUp, en.Geometry = in.EnrolledAt, in.OccurredAt, in.FollowUp, in.Geometry
	if en.OccurredAt == nil {
		en.OccurredAt = en.EnrolledAt
	}
	en.CompletedAt, en.CompletedBy = in.CompletedAt, in.CompletedBy
	if en.Status == "COMPLETED" && en.CompletedAt == nil {
		t := im.now
		en.CompletedAt, en.CompletedBy = &t, orDefault(en.CompletedBy, im.p.User.Username)
	}
	im.stamp(&en.Stamps, in.Stamps, a == actCreate)
	en.Notes = im.appendNotes(en.Notes, im.b.notes[in])
	if te := im.s.tes[en.TrackedEntity]; te != nil {
		te.Attributes = mergeAttributes(te.Attributes, im.b.enrAttrs[in], im.now, im.p.User.Username)
	}
	if a == actCreate {
		im.s.insertEnrollment(en)
		im.s.setOwner(en.TrackedEntity, en.Program, en.OrgUnit)
	}
	im.s.touchTE(en.TrackedEntity, im.now)
}

func (im *importer) appendNotes(cur []Note, in []noteIn) []Note {
	for _, n := range in {
		uid := n.UID
		if uid == "" {
			uid = NewUID()
		}
		if im.s.notes[uid] || n.Value == "" {
			continue
		}
		at := im.now
		if n.StoredAt != nil {
			at = *n.StoredAt
		}
		u := im.p.User
		cur = append(cur, Note{Note: uid, Value: n.Value, StoredBy: orDefault(n.StoredBy, u.Username), StoredAt: at, CreatedBy: &u})
		im.s.notes[uid] = true
	}
	return cur
}

func (im *importer) writeEvent(in *Event, a action) {
	ev := im.s.events[in.UID]
	if a == actCreate {
		ev = &Event{UID: in.UID}
	}
	prog, _ := im.cat.Program(in.Program)
	ev.Program, ev.ProgramStage, ev.OrgUnit, ev.Status = in.Program, in.ProgramStage, in.OrgUnit, statusOr(in.Status, "ACTIVE")
	if prog.WithRegistration || im.p.ValidationMode == ValidationSkip {
		ev.Enrollment = in.Enrollment
	}
	if en := im.s.enrollments[ev.Enrollment]; en != nil {
		ev.TrackedEntity = en.TrackedEntity
	}
	ev.OccurredAt, ev.ScheduledAt, ev.FollowUp, ev.Geometry = in.OccurredAt, in.ScheduledAt, in.FollowUp, in.Geometry
	ev.AttributeOptionCombo, ev.AttributeCategoryOptions, ev.AssignedUser = in.AttributeOptionCombo, in.AttributeCategoryOptions, in.AssignedUser
	if ev.AttributeOptionCombo == "" && (prog.CategoryCombo == "" || prog.CategoryCombo == DefaultCategoryCombo) {
		// DHIS2 stores the default attribute option combo on events of
		// programs with the default category combo.
		ev.AttributeOptionCombo, ev.AttributeCategoryOptions = DefaultAttributeOptionCombo, DefaultCategoryOption
	}
	ev.CompletedAt, ev.CompletedBy = in.CompletedAt, in.CompletedBy
	if ev.Status == "COMPLETED" && ev.CompletedAt == nil {
		t := im.now
		ev.CompletedAt, ev.CompletedBy = &t, orDefault(ev.CompletedBy, im.p.User.Username)
	}
	im.stamp(&ev.Stamps, in.Stamps, a == actCreate)
	ev.DataValues = im.mergeDataValues(ev.DataValues, im.b.dvs[in])
	ev.Notes = im.appendNotes(ev.Notes, im.b.notes[in])
	if a == actCreate {
		im.s.insertEvent(ev)
	}
	im.s.touchTE(ev.TrackedEntity, im.now)
}

func (im *importer) mergeDataValues(cur []DataValue, in []dvIn) []DataValue {
	u := im.p.User
	for _, dv := range in {
		i := -1
		for j := range cur {
			if cur[j].DataElement == dv.DataElement {
				i = j
				break
			}
		}
		switch {
		case dv.Null && i >= 0:
			cur = append(cur[:i], cur[i+1:]...)
		case dv.Null:
		case i >= 0:
			if cur[i].Value != dv.Value || cur[i].ProvidedElsewhere != dv.ProvidedElsewhere {
				cur[i].Value, cur[i].ProvidedElsewhere, cur[i].UpdatedAt, cur[i].UpdatedBy = dv.Value, dv.ProvidedElsewhere, im.now, &u
			}
		default:
			cur = append(cur, DataValue{DataElement: dv.DataElement, Value: dv.Value, ProvidedElsewhere: dv.ProvidedElsewhere,
				StoredBy: orDefault(dv.StoredBy, u.Username), CreatedAt: im.now, UpdatedAt: im.now, CreatedBy: &u, UpdatedBy: &u})
		}
	}
	return cur
}

func (im *importer) writeRel(in *Relationship) {
	r := &Relationship{UID: in.UID, RelationshipType: in.RelationshipType, From: in.From, To: in.To}
	if rt, ok := im.cat.RelationshipType(in.RelationshipType); ok {
		r.Bidirectional = rt.Bidirectional
	}
	im.stamp(&r.Stamps, in.Stamps, true)
	im.s.insertRel(r)
	for _, it := range []Item{r.From, r.To} {
		im.touchItem(it)
	}
}

// touchItem bubbles a relationship change up to the tracked entity of a
// relationship item.
func (im *importer) touchItem(it Item) {
	switch k, uid := it.kind(); k {
	case KindTrackedEntity:
		im.s.touchTE(uid, im.now)
	case KindEnrollment:
		if en := im.s.enrollments[uid]; en != nil {
			im.s.touchTE(en.TrackedEntity, im.now)
		}
	case KindEvent:
		if ev := im.s.events[uid]; ev != nil {
			im.s.touchTE(ev.TrackedEntity, im.now)
		}
	}
}
