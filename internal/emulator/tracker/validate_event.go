package tracker

func (im *importer) validateEvent(ev *Event) {
	old := im.s.events[ev.UID]
	a, ok := im.resolve(KindEvent, ev.UID, old != nil, old != nil && old.Deleted, evCodes)
	if !ok {
		return
	}
	if im.dependsOnBad(KindEvent, ev.UID, KindEnrollment, ev.Enrollment) || a == actDelete || !im.full() {
		return
	}
	n := len(im.errs)
	stage, prog, ok := im.eventProgram(ev, old, a)
	switch {
	case ev.OrgUnit == "":
		im.fail(KindEvent, ev.UID, "E1123", "orgUnit")
	case !im.ouExists(ev.OrgUnit):
		im.fail(KindEvent, ev.UID, "E1011", ev.OrgUnit)
	case ok && !prog.OrgUnits[ev.OrgUnit]:
		im.fail(KindEvent, ev.UID, "E1029", ev.OrgUnit, prog.UID)
	default:
		im.checkScope(KindEvent, ev.UID, ev.OrgUnit)
	}
	if ok && prog.WithRegistration {
		im.eventEnrollment(ev, prog, stage, a)
	}
	im.eventDates(ev, prog, ok)
	if ev.AttributeOptionCombo != "" && !im.cat.CategoryOptionCombo(ev.AttributeOptionCombo) {
		im.fail(KindEvent, ev.UID, "E1115", ev.AttributeOptionCombo)
	}
	if ok && len(im.errs) == n {
		im.checkDataValues(ev, stage)
	}
	im.checkNotes(KindEvent, ev.UID, im.b.notes[ev])
}

// eventProgram resolves the stage and program of an event: the program
// may be left out and taken from the stage.
func (im *importer) eventProgram(ev *Event, old *Event, a action) (ProgramStage, Program, bool) {
	if ev.ProgramStage == "" {
		im.fail(KindEvent, ev.UID, "E1123", "programStage")
		return ProgramStage{}, Program{}, false
	}
	stage, ok := im.cat.ProgramStage(ev.ProgramStage)
	if !ok {
		im.fail(KindEvent, ev.UID, "E1013", ev.ProgramStage)
		return ProgramStage{}, Program{}, false
	}
	if ev.Program == "" {
		ev.Program = stage.Program
	}
	prog, ok := im.cat.Program(ev.Program)
	if !ok {
		im.fail(KindEvent, ev.UID, "E1010", ev.Program)
		return stage, Program{}, false
	}
	if stage.Program != ev.Program {
		im.fail(KindEvent, ev.UID, "E1089", ev.UID, ev.ProgramStage, ev.Program)
		return stage, prog, false
	}
	if a == actUpdate && old.Program != ev.Program {
		im.fail(KindEvent, ev.UID, "E1110", ev.UID, old.Program)
		return stage, prog, false
	}
	return stage, prog, true
}

// eventEnrollment checks the enrollment of a tracker-program event and
// the stage's repeatability (E1039).
func (im *importer) eventEnrollment(ev *Event, prog Program, stage ProgramStage, a action) {
	if ev.Enrollment == "" {
		im.fail(KindEvent, ev.UID, "E1033", ev.UID)
		return
	}
	enProg, ok := im.enrollmentKnown(ev.Enrollment)
	if !ok {
		im.fail(KindEvent, ev.UID, "E1033", ev.UID)
		return
	}
	if enProg != prog.UID {
		im.fail(KindEvent, ev.UID, "E1079", ev.UID, prog.UID, ev.Enrollment)
		return
	}
	if a == actCreate && !stage.Repeatable && im.stageHasEvent(ev) {
		im.fail(KindEvent, ev.UID, "E1039", ev.ProgramStage)
	}
}

// enrollmentKnown returns the program of an enrollment that exists or is
// valid in the payload.
func (im *importer) enrollmentKnown(uid string) (string, bool) {
	if en, ok := im.enIn[uid]; ok && !im.isBad(KindEnrollment, uid) {
		return en.Program, true
	}
	if en := im.s.enrollments[uid]; en != nil && !en.Deleted {
		return en.Program, true
	}
	return "", false
}

// stageHasEvent reports whether the event's enrollment already has a
// live event in its stage (stored or earlier in the payload).
func (im *importer) stageHasEvent(ev *Event) bool {
	for _, o := range im.s.evByEn[ev.Enrollment] {
		if o.UID != ev.UID && o.ProgramStage == ev.ProgramStage && !o.Deleted {
			return true
		}
	}
	k := ev.Enrollment + "|" + ev.ProgramStage
	seen := im.evSeen[k]
	im.evSeen[k] = true
	return seen
}

// eventDates: occurredAt is needed for ACTIVE and COMPLETED events and
// for every event-program event (E1031); scheduledAt for SCHEDULE (E1050).
func (im *importer) eventDates(ev *Event, prog Program, progOK bool) {
	status := statusOr(ev.Status, "ACTIVE")
	needOccurred := status == "ACTIVE" || status == "COMPLETED" || (progOK && !prog.WithRegistration)
	if ev.OccurredAt == nil && needOccurred {
		im.fail(KindEvent, ev.UID, "E1031")
	}
	if ev.ScheduledAt == nil && status == "SCHEDULE" {
		im.fail(KindEvent, ev.UID, "E1050")
	}
}

func (im *importer) checkDataValues(ev *Event, stage ProgramStage) {
	for _, dv := range im.b.dvs[ev] {
		de, ok := im.cat.DataElement(dv.DataElement)
		if !ok {
			im.fail(KindEvent, ev.UID, "E1304", dv.DataElement)
			continue
		}
		if !stage.DataElements[dv.DataElement] {
			im.fail(KindEvent, ev.UID, "E1305", dv.DataElement, stage.UID)
			continue
		}
		if dv.Null {
			continue
		}
		if de.OptionSet != "" && !im.cat.OptionExists(de.OptionSet, dv.Value) {
			im.fail(KindEvent, ev.UID, "E1125", dv.Value, de.OptionSet)
			continue
		}
		if msg := checkValue(de.ValueType, dv.Value, im.cat); msg != "" {
			im.fail(KindEvent, ev.UID, "E1302", dv.DataElement, msg)
		}
	}
}

func (im *importer) validateRelationship(r *Relationship) {
	old := im.s.rels[r.UID]
	if old != nil && !old.Deleted && (im.p.Strategy == StrategyCreateAndUpdate || im.p.Strategy == StrategyUpdate) {
		// Relationships cannot be updated: DHIS2 ignores them with a
		// warning (ExistenceValidator.validateRelationshipNotUpdated).
		im.acts[key(KindRelationship, r.UID)] = actIgnore
		im.warn(KindRelationship, r.UID, "E4015", r.UID)
		return
	}
	a, ok := im.resolve(KindRelationship, r.UID, old != nil, old != nil && old.Deleted, relCodes)
	if !ok || a == actDelete || !im.full() {
		return
	}
	if r.RelationshipType == "" {
		im.fail(KindRelationship, r.UID, "E1124", "relationshipType")
		return
	}
	rt, ok := im.cat.RelationshipType(r.RelationshipType)
	if !ok {
		im.fail(KindRelationship, r.UID, "E4006", r.RelationshipType)
		return
	}
	fk, fuid := r.From.kind()
	tk, tuid := r.To.kind()
	if fk == "" {
		im.fail(KindRelationship, r.UID, "E4001", "from", r.UID)
	}
	if tk == "" {
		im.fail(KindRelationship, r.UID, "E4001", "to", r.UID)
	}
	if fk == "" || tk == "" {
		return
	}
	if fk == tk && fuid == tuid {
		im.fail(KindRelationship, r.UID, "E4000", r.UID)
		return
	}
	im.checkItem(r, rt.UID, rt.From, fk, fuid)
	im.checkItem(r, rt.UID, rt.To, tk, tuid)
	if !im.isBad(KindRelationship, r.UID) && im.linkExists(r, rt) {
		im.fail(KindRelationship, r.UID, "E4018", r.UID, kindName(fk), fuid, kindName(tk), tuid)
	}
}

// constraintKind maps RelationshipEntity to the item kind.
func constraintKind(entity string) Kind {
	switch entity {
	case "PROGRAM_INSTANCE":
		return KindEnrollment
	case "PROGRAM_STAGE_INSTANCE":
		return KindEvent
	}
	return KindTrackedEntity
}

func (im *importer) checkItem(r *Relationship, rtUID string, c Constraint, k Kind, uid string) {
	if want := constraintKind(c.Entity); want != k {
		im.fail(KindRelationship, r.UID, "E4010", rtUID, kindName(want), kindName(k))
		return
	}
	switch k {
	case KindTrackedEntity:
		tet, ok := im.teKnown(uid)
		if !ok {
			im.fail(KindRelationship, r.UID, "E4012", kindName(k), uid)
		} else if c.TrackedEntityType != "" && tet != c.TrackedEntityType {
			im.fail(KindRelationship, r.UID, "E4014", rtUID, c.TrackedEntityType, tet)
		}
	case KindEnrollment:
		if _, ok := im.enrollmentKnown(uid); !ok {
			im.fail(KindRelationship, r.UID, "E4012", kindName(k), uid)
		}
	case KindEvent:
		if !im.eventKnown(uid) {
			im.fail(KindRelationship, r.UID, "E4012", kindName(k), uid)
		}
	}
}

func (im *importer) eventKnown(uid string) bool {
	if _, ok := im.evIn[uid]; ok && !im.isBad(KindEvent, uid) {
		return true
	}
	ev := im.s.events[uid]
	return ev != nil && !ev.Deleted
}

// linkExists reports whether a live relationship of the same type
// already links the same items (either way round when bidirectional).
func (im *importer) linkExists(r *Relationship, rt RelationshipType) bool {
	_, fuid := r.From.kind()
	for _, o := range im.s.relByID[fuid] {
		if o.UID == r.UID || o.Deleted || o.RelationshipType != r.RelationshipType {
			continue
		}
		if o.From == r.From && o.To == r.To {
			return true
		}
		if rt.Bidirectional && o.From == r.To && o.To == r.From {
			return true
		}
	}
	return false
}
