package tracker

import (
	"time"
)

// action is what the importer does with one object.
type action int

const (
	actCreate action = iota + 1
	actUpdate
	actDelete
	actIgnore // valid but nothing to do (existing relationship)
)

// importer holds the state of one import.
type importer struct {
	s   *Store
	cat Catalog
	p   ImportParams
	b   *Bundle
	now time.Time

	errs, warns []ErrorReport
	bad         map[string]bool   // kind+uid of objects with errors (or dependent on one)
	acts        map[string]action // kind+uid → action
	stop        bool              // FAIL_FAST after the first error

	enSeen map[string][]*Enrollment     // TE|program → valid enrollments earlier in the payload
	evSeen map[string]bool              // enrollment|stage → a valid event earlier in the payload
	uniq   map[string]map[string]string // unique attribute → value → TE (stored and earlier in the payload)

	teIn  map[string]*TrackedEntity
	enIn  map[string]*Enrollment
	evIn  map[string]*Event
	index map[string]int // kind+uid → position among the payload objects of its kind
}

func key(k Kind, uid string) string { return string(k) + ":" + uid }

// Import validates and, unless VALIDATE or rejected, commits a bundle.
// It never fails: problems are in the report, whose Status is ERROR when
// nothing was committed because of errors (atomicMode ALL).
func (s *Store) Import(b *Bundle, cat Catalog, p ImportParams) *Report {
	p = p.withDefaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	start := time.Now()
	im := &importer{s: s, cat: cat, p: p, b: b, now: s.now(), bad: map[string]bool{}, acts: map[string]action{},
		enSeen: map[string][]*Enrollment{}, evSeen: map[string]bool{},
		teIn: map[string]*TrackedEntity{}, enIn: map[string]*Enrollment{}, evIn: map[string]*Event{}, index: map[string]int{}}
	im.indexBundle()
	im.validate()
	validated := time.Since(start)
	report := &Report{Status: "OK", ValidationReport: ValidationReport{ErrorReports: orEmpty(im.errs), WarningReports: orEmpty(im.warns)}}
	total := b.Total()
	if len(im.errs) > 0 && p.AtomicMode == AtomicAll {
		report.Status = "ERROR"
		report.Stats = Stats{Ignored: total, Total: total}
		report.TimingsStats = timings(validated, 0)
		return report
	}
	if p.ImportMode == ModeValidate {
		report.Stats = Stats{}
		report.TimingsStats = timings(validated, 0)
		return report
	}
	br := im.commit()
	report.BundleReport = br
	report.Stats = br.Stats
	report.Stats.Ignored += len(im.errs)
	report.Stats.Total += len(im.errs)
	report.TimingsStats = timings(validated, time.Since(start)-validated)
	return report
}

func orEmpty(e []ErrorReport) []ErrorReport {
	if e == nil {
		return []ErrorReport{}
	}
	return e
}

func timings(validation, commit time.Duration) *TimingsStats {
	f := func(d time.Duration) string { return d.Round(time.Microsecond).String() }
	return &TimingsStats{Timers: map[string]string{"validation": f(validation), "commit": f(commit), "totalImport": f(validation + commit)}}
}

func (im *importer) indexBundle() {
	for i, te := range im.b.TrackedEntities {
		im.teIn[te.UID] = te
		im.index[key(KindTrackedEntity, te.UID)] = i
	}
	for i, en := range im.b.Enrollments {
		im.enIn[en.UID] = en
		im.index[key(KindEnrollment, en.UID)] = i
	}
	for i, ev := range im.b.Events {
		im.evIn[ev.UID] = ev
		im.index[key(KindEvent, ev.UID)] = i
	}
	for i, r := range im.b.Relationships {
		im.index[key(KindRelationship, r.UID)] = i
	}
}

// fail records an error on an object.
func (im *importer) fail(k Kind, uid string, code Code, args ...string) {
	im.errs = append(im.errs, newError(im.s.opts.ModernMessages, k, uid, code, args...))
	im.bad[key(k, uid)] = true
	if im.p.ValidationMode == ValidationFailFast {
		im.stop = true
	}
}

func (im *importer) warn(k Kind, uid string, code Code, args ...string) {
	im.warns = append(im.warns, newError(im.s.opts.ModernMessages, k, uid, code, args...))
}

func (im *importer) isBad(k Kind, uid string) bool { return im.bad[key(k, uid)] }

// validate resolves the action of every object, then checks references
// kind by kind so that children of rejected parents are rejected too.
func (im *importer) validate() {
	for _, te := range im.b.TrackedEntities {
		if !im.stop {
			im.validateTE(te)
		}
	}
	for _, en := range im.b.Enrollments {
		if !im.stop {
			im.validateEnrollment(en)
		}
	}
	for _, ev := range im.b.Events {
		if !im.stop {
			im.validateEvent(ev)
		}
	}
	for _, r := range im.b.Relationships {
		if !im.stop {
			im.validateRelationship(r)
		}
	}
	if im.stop {
		im.markUnvalidated()
	}
}

// markUnvalidated leaves the objects FAIL_FAST did not reach out of the
// commit.
func (im *importer) markUnvalidated() {
	for _, te := range im.b.TrackedEntities {
		if _, ok := im.acts[key(KindTrackedEntity, te.UID)]; !ok {
			im.bad[key(KindTrackedEntity, te.UID)] = true
		}
	}
	for _, en := range im.b.Enrollments {
		if _, ok := im.acts[key(KindEnrollment, en.UID)]; !ok {
			im.bad[key(KindEnrollment, en.UID)] = true
		}
	}
	for _, ev := range im.b.Events {
		if _, ok := im.acts[key(KindEvent, ev.UID)]; !ok {
			im.bad[key(KindEvent, ev.UID)] = true
		}
	}
	for _, r := range im.b.Relationships {
		if _, ok := im.acts[key(KindRelationship, r.UID)]; !ok {
			im.bad[key(KindRelationship, r.UID)] = true
		}
	}
}

// resolve decides create/update/delete from the strategy and the stored
// object, or records the existence error. exists/deleted describe the
// stored object.
func (im *importer) resolve(k Kind, uid string, exists, deleted bool, codes [3]Code) (action, bool) {
	if im.p.ValidationMode != ValidationSkip && !ValidUID(uid) {
		im.fail(k, uid, "E1048", string(k), uid)
		return 0, false
	}
	exist, missing, gone := codes[0], codes[1], codes[2]
	if deleted && im.p.ValidationMode != ValidationSkip {
		im.fail(k, uid, gone, uid)
		return 0, false
	}
	var a action
	switch im.p.Strategy {
	case StrategyCreate:
		if exists {
			im.fail(k, uid, exist, uid)
			return 0, false
		}
		a = actCreate
	case StrategyUpdate, StrategyDelete:
		if !exists {
			im.fail(k, uid, missing, uid)
			return 0, false
		}
		a = actUpdate
		if im.p.Strategy == StrategyDelete {
			a = actDelete
		}
	default:
		a = actCreate
		if exists {
			a = actUpdate
		}
	}
	im.acts[key(k, uid)] = a
	return a, true
}

// dependsOnBad rejects an object whose parent in the payload was rejected
// (E5000, or E5001 on DELETE).
func (im *importer) dependsOnBad(k Kind, uid string, pk Kind, puid string) bool {
	if puid == "" || !im.isBad(pk, puid) {
		return false
	}
	code := Code("E5000")
	if im.p.Strategy == StrategyDelete {
		code = "E5001"
	}
	im.fail(k, uid, code, kindName(k), uid, kindName(pk), puid)
	return true
}

// kindName is TrackerType.getName().
func kindName(k Kind) string {
	switch k {
	case KindTrackedEntity:
		return "trackedEntity"
	case KindEnrollment:
		return "enrollment"
	case KindEvent:
		return "event"
	}
	return "relationship"
}
