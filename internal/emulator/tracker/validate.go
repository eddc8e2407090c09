package tracker

import (
	"strings"
	"time"
)

var (
	teCodes  = [3]Code{"E1002", "E1063", "E1114"}
	enCodes  = [3]Code{"E1080", "E1081", "E1113"}
	evCodes  = [3]Code{"E1030", "E1032", "E1082"}
	relCodes = [3]Code{"E4015", "E4016", "E4017"}
)

func (im *importer) full() bool { return im.p.ValidationMode != ValidationSkip }

func (im *importer) validateTE(te *TrackedEntity) {
	old := im.s.tes[te.UID]
	a, ok := im.resolve(KindTrackedEntity, te.UID, old != nil, old != nil && old.Deleted, teCodes)
	if !ok || !im.full() {
		return
	}
	if a == actDelete {
		if !im.p.CascadeDeleteTE && im.hasLive(im.s.enByTE[te.UID]) {
			im.fail(KindTrackedEntity, te.UID, "E1100", im.p.User.Username, te.UID)
		}
		return
	}
	n := len(im.errs)
	switch {
	case te.TrackedEntityType == "":
		im.fail(KindTrackedEntity, te.UID, "E1121", "trackedEntityType")
	case a == actUpdate && te.TrackedEntityType != old.TrackedEntityType:
		im.fail(KindTrackedEntity, te.UID, "E1126", "trackedEntityType")
	default:
		if _, ok := im.cat.TrackedEntityType(te.TrackedEntityType); !ok {
			im.fail(KindTrackedEntity, te.UID, "E1005", te.TrackedEntityType)
		}
	}
	if te.OrgUnit == "" {
		im.fail(KindTrackedEntity, te.UID, "E1121", "orgUnit")
	} else if _, ok := im.cat.OrgUnit(te.OrgUnit); !ok {
		im.fail(KindTrackedEntity, te.UID, "E1049", te.OrgUnit)
	} else {
		im.checkScope(KindTrackedEntity, te.UID, te.OrgUnit)
	}
	if len(im.errs) == n {
		im.checkAttributes(KindTrackedEntity, te.UID, te.UID, im.b.teAttrs[te], nil)
	}
}

// checkAttributes validates attribute values; allowed, when not nil,
// restricts them to a program's attributes (E1019).
func (im *importer) checkAttributes(k Kind, uid, teUID string, attrs []attrIn, allowed []string) {
	for _, av := range attrs {
		a, ok := im.cat.Attribute(av.Attribute)
		if !ok {
			im.fail(k, uid, "E1006", av.Attribute)
			continue
		}
		if allowed != nil && !contains(allowed, av.Attribute) {
			im.fail(k, uid, "E1019", av.Attribute+"="+av.Value)
			continue
		}
		if av.Null {
			continue
		}
		if a.OptionSet != "" && !im.cat.OptionExists(a.OptionSet, av.Value) {
			im.fail(k, uid, "E1125", av.Value, a.OptionSet)
			continue
		}
		if msg := checkValue(a.ValueType, av.Value, im.cat); msg != "" {
			im.fail(k, uid, "E1007", a.ValueType, msg)
			continue
		}
		if a.Unique && im.valueTaken(av.Attribute, av.Value, teUID) {
			im.fail(k, uid, "E1064", av.Value, av.Attribute)
		}
	}
}

// valueTaken reports whether another tracked entity (stored or in the
// payload) has value for a unique attribute.
func (im *importer) valueTaken(attr, value, teUID string) bool {
	if im.uniq == nil {
		im.buildUnique()
	}
	vals := im.uniq[attr]
	if vals == nil {
		vals = map[string]string{}
		im.uniq[attr] = vals
	}
	if owner, ok := vals[value]; ok && owner != teUID {
		return true
	}
	vals[value] = teUID
	return false
}

// buildUnique indexes the stored values of the unique attributes, once
// per import.
func (im *importer) buildUnique() {
	im.uniq = map[string]map[string]string{}
	for _, te := range im.s.teOrder {
		if te.Deleted {
			continue
		}
		for _, av := range te.Attributes {
			if a, ok := im.cat.Attribute(av.Attribute); ok && a.Unique {
				if im.uniq[av.Attribute] == nil {
					im.uniq[av.Attribute] = map[string]string{}
				}
				im.uniq[av.Attribute][av.Value] = te.UID
			}
		}
	}
}

// teKnown returns the tracked entity type of a TE that exists (stored and
// not deleted) or is valid in the payload.
func (im *importer) teKnown(uid string) (string, bool) {
	if te, ok := im.teIn[uid]; ok && !im.isBad(KindTrackedEntity, uid) {
		if old := im.s.tes[uid]; old != nil && te.TrackedEntityType == "" {
			return old.TrackedEntityType, true
		}
		return te.TrackedEntityType, true
	}
	if te := im.s.tes[uid]; te != nil && !te.Deleted {
		return te.TrackedEntityType, true
	}
	return "", false
}

func (im *importer) validateEnrollment(en *Enrollment) {
	old := im.s.enrollments[en.UID]
	a, ok := im.resolve(KindEnrollment, en.UID, old != nil, old != nil && old.Deleted, enCodes)
	if !ok {
		return
	}
	if im.dependsOnBad(KindEnrollment, en.UID, KindTrackedEntity, en.TrackedEntity) || !im.full() {
		return
	}
	if a == actDelete {
		if !im.p.CascadeDeleteEnrollment && im.hasLiveEvents(im.s.evByEn[en.UID]) {
			im.fail(KindEnrollment, en.UID, "E1103", im.p.User.Username, en.UID)
		}
		return
	}
	prog, progOK := im.enrollmentProgram(en, old, a)
	im.enrollmentOrgUnit(en, prog, progOK)
	if en.TrackedEntity == "" {
		im.fail(KindEnrollment, en.UID, "E1122", "trackedEntity")
	} else if tet, ok := im.teKnown(en.TrackedEntity); !ok {
		im.fail(KindEnrollment, en.UID, "E1068", en.TrackedEntity)
	} else if progOK && prog.WithRegistration && prog.TrackedEntityType != "" && tet != prog.TrackedEntityType {
		im.fail(KindEnrollment, en.UID, "E1022", en.TrackedEntity, en.Program)
	}
	im.enrollmentDates(en, prog, progOK)
	if progOK && a == actCreate {
		im.enrollmentUniqueness(en, prog)
	}
	k := en.TrackedEntity + "|" + en.Program
	im.enSeen[k] = append(im.enSeen[k], en)
	if progOK {
		allowed := orNil(prog.Attributes)
		if prog.attrsUnknown {
			allowed = nil
		}
		im.checkAttributes(KindEnrollment, en.UID, en.TrackedEntity, im.b.enrAttrs[en], allowed)
	}
	im.checkNotes(KindEnrollment, en.UID, im.b.notes[en])
}

func orNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func (im *importer) enrollmentProgram(en *Enrollment, old *Enrollment, a action) (Program, bool) {
	if en.Program == "" {
		im.fail(KindEnrollment, en.UID, "E1122", "program")
		return Program{}, false
	}
	if a == actUpdate && old.Program != en.Program {
		im.fail(KindEnrollment, en.UID, "E1094", en.UID, old.Program)
		return Program{}, false
	}
	prog, ok := im.cat.Program(en.Program)
	if !ok {
		im.fail(KindEnrollment, en.UID, "E1069", en.Program)
		return Program{}, false
	}
	if !prog.WithRegistration {
		im.fail(KindEnrollment, en.UID, "E1014", en.Program)
		return Program{}, false
	}
	return prog, true
}

func (im *importer) enrollmentOrgUnit(en *Enrollment, prog Program, progOK bool) {
	switch {
	case en.OrgUnit == "":
		im.fail(KindEnrollment, en.UID, "E1122", "orgUnit")
	case !im.ouExists(en.OrgUnit):
		im.fail(KindEnrollment, en.UID, "E1070", en.OrgUnit)
	case progOK && !prog.OrgUnits[en.OrgUnit]:
		im.fail(KindEnrollment, en.UID, "E1041", en.OrgUnit, en.Program)
	default:
		im.checkScope(KindEnrollment, en.UID, en.OrgUnit)
	}
}

// checkScope refuses objects outside the user's capture scope (E1000).
func (im *importer) checkScope(k Kind, uid, orgUnit string) {
	if im.p.CaptureScope == nil {
		return
	}
	ou, ok := im.cat.OrgUnit(orgUnit)
	if !ok {
		return
	}
	for _, s := range im.p.CaptureScope {
		if strings.Contains(ou.Path+"/", "/"+s+"/") {
			return
		}
	}
	im.fail(k, uid, "E1000", im.p.User.Username, orgUnit)
}

func (im *importer) hasLive(ens []*Enrollment) bool {
	for _, en := range ens {
		if !en.Deleted {
			return true
		}
	}
	return false
}

func (im *importer) hasLiveEvents(evs []*Event) bool {
	for _, ev := range evs {
		if !ev.Deleted {
			return true
		}
	}
	return false
}

func (im *importer) ouExists(uid string) bool {
	_, ok := im.cat.OrgUnit(uid)
	return ok
}

func (im *importer) enrollmentDates(en *Enrollment, prog Program, progOK bool) {
	today := endOfDay(im.now, im.s.opts.Location)
	if en.EnrolledAt == nil {
		im.fail(KindEnrollment, en.UID, "E1025", "null")
	} else if progOK && !prog.FutureEnrollmentDates && en.EnrolledAt.After(today) {
		im.fail(KindEnrollment, en.UID, "E1020", im.s.format(*en.EnrolledAt))
	}
	if en.OccurredAt == nil {
		if progOK && prog.DisplayIncidentDate {
			im.fail(KindEnrollment, en.UID, "E1023", "null")
		}
	} else if progOK && !prog.FutureIncidentDates && en.OccurredAt.After(today) {
		im.fail(KindEnrollment, en.UID, "E1021", im.s.format(*en.OccurredAt))
	}
}

func endOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 23, 59, 59, 999e6, loc)
}

// enrollmentUniqueness checks E1015 (another active enrollment in the
// program) and E1016 (program allows one enrollment only).
func (im *importer) enrollmentUniqueness(en *Enrollment, prog Program) {
	status := statusOr(en.Status, "ACTIVE")
	others := im.otherEnrollments(en)
	for _, o := range others {
		if prog.OnlyEnrollOnce {
			im.fail(KindEnrollment, en.UID, "E1016", en.TrackedEntity, en.Program)
			return
		}
		if status == "ACTIVE" && statusOr(o.Status, "ACTIVE") == "ACTIVE" {
			im.fail(KindEnrollment, en.UID, "E1015", en.TrackedEntity, en.Program)
			return
		}
	}
}

// otherEnrollments are the live enrollments of the same TE and program,
// stored or earlier in the payload.
func (im *importer) otherEnrollments(en *Enrollment) []*Enrollment {
	var out []*Enrollment
	for _, o := range im.s.enByTE[en.TrackedEntity] {
		if o.UID != en.UID && o.Program == en.Program && !o.Deleted {
			out = append(out, o)
		}
	}
	for _, o := range im.enSeen[en.TrackedEntity+"|"+en.Program] {
		if o.UID != en.UID && !im.isBad(KindEnrollment, o.UID) {
			out = append(out, o)
		}
	}
	return out
}

func statusOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (im *importer) checkNotes(k Kind, uid string, notes []noteIn) {
	for _, n := range notes {
		if n.UID != "" && im.s.notes[n.UID] {
			im.warn(k, uid, "E1119", n.UID)
		}
	}
}
