package seed

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// trackerCounts holds the sizes of the tracker collections.
type trackerCounts struct {
	trackedEntities, enrollments, trackerEvents, events, relationships int
}

// visit is one planned event of a woman's enrollment.
type visit struct {
	stage     string
	at        time.Time // occurredAt (zero for scheduled events)
	due       time.Time // scheduledAt
	status    string
	unit      int         // facility index
	values    [][2]string // data element code, value
	notes     []string
	created   time.Time
	updated   time.Time
	completed bool
}

// womanPlan is everything drawn for one enrolled woman.
type womanPlan struct {
	i                         int
	unit, owner               int
	first, last, niu, village string
	phone                     string
	birth, lmp, enrolled      time.Time
	status                    string
	completedAt, created      time.Time
	followUp                  bool
	notes                     []string
	visits                    []visit
	child                     *childPlan
}

type childPlan struct {
	first, sex string
	born       time.Time
	unit       int
}

var (
	ancNotes = []string{
		"Patiente informée des signes de danger et du plan d'accouchement.",
		"Rendez-vous manqué : relance par l'agent de santé communautaire.",
		"Référée au district pour échographie.",
		"Prise en charge de l'anémie : fer et acide folique prescrits.",
		"Patiente transférée dans une autre formation sanitaire.",
	}
	caseNotes = []string{
		"Patient référé au centre médical pour prise en charge du paludisme grave.",
		"Rupture de TDR : diagnostic par goutte épaisse au laboratoire du district.",
		"Contrôle à J3 effectué, évolution favorable.",
	}
	bloodGroups = []struct {
		code  string
		share float64
	}{{"O_POS", 0.46}, {"A_POS", 0.22}, {"B_POS", 0.2}, {"AB_POS", 0.04}, {"O_NEG", 0.04}, {"A_NEG", 0.02}, {"B_NEG", 0.015}, {"AB_NEG", 0.005}}
)

// dataEnd is the first instant after the seeded period.
func (w *world) dataEnd() time.Time { return w.cfg.start.AddDate(0, w.cfg.months, 0) }

// pickWeighted returns an index of cum (cumulative weights) drawn by r.
func pickWeighted(r *rng, cum []float64) int {
	x := r.float() * cum[len(cum)-1]
	return sort.SearchFloat64s(cum, x)
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// workTime returns a working-hours instant on the day of t.
func workTime(r *rng, t time.Time) time.Time {
	return day(t).Add(time.Duration(7*3600+r.intn(10*3600)) * time.Second)
}

func itoa(n int) string { return strconv.Itoa(n) }

func fmtNumber(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// planWoman draws the pregnancy follow-up of woman i.
func (w *world) planWoman(i int) womanPlan {
	t := &w.trk
	r := newRNG(seedOf(w.ns, 40, i))
	end := w.dataEnd()
	p := womanPlan{i: i, niu: fmt.Sprintf("%s-%07d", w.cfg.countryCode, i+1)}
	p.unit = t.units[pickWeighted(&r, t.cumUnits)]
	p.owner = p.unit
	p.first, p.last = pick(&r, femaleFirst), pick(&r, surnames)
	p.village = pick(&r, nameStarts) + pick(&r, nameMiddles) + pick(&r, nameEnds)
	if r.chance(0.7) {
		p.phone = fmt.Sprintf("+226 7%d %02d %02d %02d", r.intn(10), r.intn(100), r.intn(100), r.intn(100))
	}
	span := int(end.Sub(w.cfg.start).Hours()/24) - 14
	p.enrolled = w.cfg.start.AddDate(0, 0, r.intn(span))
	gaWeeks := r.between(8, 30)
	p.lmp = p.enrolled.AddDate(0, 0, -7*gaWeeks-r.intn(7))
	age := r.between(15, 44)
	p.birth = p.lmp.AddDate(-age, 0, -r.intn(365))
	p.created = workTime(&r, p.enrolled)
	p.followUp = r.chance(0.04)
	if r.chance(0.04) {
		p.notes = append(p.notes, pick(&r, ancNotes))
	}
	w.planVisits(&r, &p, gaWeeks, end)
	if r.chance(0.02) {
		p.owner = t.units[pickWeighted(&r, t.cumUnits)] // transferred: another facility owns the enrollment
	}
	return p
}

// planVisits adds the ANC1, follow-up, delivery and postnatal events.
func (w *world) planVisits(r *rng, p *womanPlan, gaWeeks int, end time.Time) {
	gravidity := r.between(1, 7)
	hb := r.uniform(8.5, 13.5)
	weight := r.uniform(48, 85)
	sys := r.between(100, 135)
	p.visits = append(p.visits, w.newVisit(r, "S1", p.enrolled, p.unit, [][2]string{
		{"TRK_AGE_GEST", itoa(gaWeeks)}, {"TRK_GRAVIDITE", itoa(gravidity)}, {"TRK_PARITE", itoa(r.between(0, gravidity-1))},
		{"TRK_POIDS", fmtNumber(weight)}, {"TRK_TAILLE", fmtNumber(r.uniform(148, 178))},
		{"TRK_TAS", itoa(sys)}, {"TRK_TAD", itoa(sys - r.between(30, 50))},
		{"TRK_HB", fmtNumber(hb)}, {"TRK_VIH", pickCode(r, []string{"NEG", "POS", "NON_FAIT", "IND"}, []float64{0.94, 0.02, 0.035, 0.005})},
		{"TRK_GS", bloodGroup(r)},
	}))
	delivery := p.lmp.AddDate(0, 0, r.between(259, 290))
	dropOut := r.chance(0.15)
	tpi := 0
	for at := p.enrolled.AddDate(0, 0, r.between(24, 35)); at.Before(delivery.AddDate(0, 0, -7)); at = at.AddDate(0, 0, r.between(24, 35)) {
		if !at.Before(end) {
			prev := p.visits[len(p.visits)-1].created.Add(time.Duration(r.between(60, 900)) * time.Second)
			p.visits = append(p.visits, visit{stage: "S2", due: at, status: "SCHEDULE", unit: p.unit, created: prev, updated: prev})
			p.status = "ACTIVE"
			return
		}
		ga := int(at.Sub(p.lmp).Hours() / 24 / 7)
		values := [][2]string{{"TRK_AGE_GEST", itoa(ga)}, {"TRK_POIDS", fmtNumber(weight + float64(ga-gaWeeks)*0.4)}}
		sys = min(170, max(90, sys+r.between(-6, 8)))
		values = append(values, [2]string{"TRK_TAS", itoa(sys)}, [2]string{"TRK_TAD", itoa(sys - r.between(30, 50))})
		if r.chance(0.5) {
			hb = min(15, max(6, hb+r.uniform(-0.8, 0.6)))
			values = append(values, [2]string{"TRK_HB", fmtNumber(hb)})
		}
		if ga >= 13 && tpi < 4 {
			tpi++
			values = append(values, [2]string{"TRK_TPI", "TPI" + itoa(tpi)})
		}
		values = append(values, [2]string{"TRK_MILDA", strconv.FormatBool(tpi == 1)})
		if r.chance(0.05) {
			values = append(values, [2]string{"TRK_DANGER", "true"})
		}
		p.visits = append(p.visits, w.newVisit(r, "S2", at, p.unit, values))
		if dropOut && r.chance(0.4) {
			break
		}
	}
	w.planDelivery(r, p, delivery, end, dropOut)
}

func (w *world) planDelivery(r *rng, p *womanPlan, delivery, end time.Time, dropOut bool) {
	switch {
	case dropOut:
		if end.Sub(delivery) > 60*24*time.Hour {
			p.status = "CANCELLED"
		} else {
			p.status = "ACTIVE"
		}
		return
	case !delivery.Before(end):
		p.status = "ACTIVE"
		return
	}
	unit := p.unit
	if hd, ok := w.trk.districtHD[w.facilities[p.unit].dist]; ok && r.chance(0.3) {
		unit = hd
	}
	mode := pickCode(r, []string{"VOIE_BASSE", "CESARIENNE", "INSTRUMENTAL"}, []float64{0.86, 0.11, 0.03})
	issue := pickCode(r, []string{"NV", "MNF", "MNM"}, []float64{0.97, 0.015, 0.015})
	values := [][2]string{{"TRK_MODE_ACC", mode}, {"TRK_ISSUE", issue}}
	if issue == "NV" {
		sex := pickCode(r, []string{"M", "F"}, []float64{0.51, 0.49})
		values = append(values, [2]string{"TRK_PN", itoa(min(4600, max(1200, int(3050+420*r.normal()))))}, [2]string{"TRK_SEXE_NN", sex})
		if r.chance(0.6) {
			first := pick(r, femaleFirst)
			if sex == "M" {
				first = pick(r, maleFirst)
			}
			p.child = &childPlan{first: first, sex: sex, born: delivery, unit: unit}
		}
	}
	values = append(values, [2]string{"TRK_HPP", strconv.FormatBool(r.chance(0.05))})
	p.visits = append(p.visits, w.newVisit(r, "S3", delivery, unit, values))
	pnc := delivery.AddDate(0, 0, r.between(6, 42))
	if r.chance(0.7) && pnc.Before(end) {
		sys := r.between(100, 135)
		p.visits = append(p.visits, w.newVisit(r, "S4", pnc, p.unit, [][2]string{
			{"TRK_JOUR_CPON", itoa(int(pnc.Sub(delivery).Hours() / 24))}, {"TRK_TAS", itoa(sys)}, {"TRK_TAD", itoa(sys - r.between(30, 50))},
			{"TRK_AME", strconv.FormatBool(r.chance(0.8))}, {"TRK_PF_PP", strconv.FormatBool(r.chance(0.4))},
		}))
	}
	last := p.visits[len(p.visits)-1].at
	if end.Sub(last) > 21*24*time.Hour {
		p.status, p.completedAt = "COMPLETED", workTime(r, last.AddDate(0, 0, r.between(0, 14)))
	} else {
		p.status = "ACTIVE"
	}
}

func (w *world) newVisit(r *rng, stage string, at time.Time, unit int, values [][2]string) visit {
	v := visit{stage: stage, at: at, due: at, status: "COMPLETED", unit: unit, values: values, completed: true}
	v.created = workTime(r, at.AddDate(0, 0, r.between(0, 2)))
	v.updated = v.created
	if r.chance(0.06) {
		v.updated = v.created.Add(time.Duration(r.between(3600, 20*86400)) * time.Second)
	}
	if at.After(w.dataEnd().AddDate(0, 0, -10)) && r.chance(0.5) {
		v.status, v.completed = "ACTIVE", false
	}
	if r.chance(0.05) {
		v.notes = append(v.notes, pick(r, ancNotes))
	}
	return v
}

func pickCode(r *rng, codes []string, shares []float64) string {
	x := r.float()
	for i, s := range shares {
		if x -= s; x < 0 {
			return codes[i]
		}
	}
	return codes[len(codes)-1]
}

func bloodGroup(r *rng) string {
	x := r.float()
	for _, g := range bloodGroups {
		if x -= g.share; x < 0 {
			return g.code
		}
	}
	return "O_POS"
}

// Namespaces of tracker UIDs.
func (w *world) trkNS(kind string) uint64 { return fnv64(w.cfg.name + "|tracker|" + kind) }

const maxVisits = 32 // UID slots per woman for events and notes

func (w *world) renderNotes(notes []string, ns uint64, base int, at time.Time) []any {
	out := make([]any, len(notes))
	for k, n := range notes {
		out[k] = map[string]any{"note": uidSeq(ns, base+k), "value": n, "storedAt": at.Format(timeLayout)}
	}
	return out
}

// renderWoman builds the nested tracked entity of plan p.
func (w *world) renderWoman(p *womanPlan) map[string]any {
	t := &w.trk
	teUID := uidSeq(w.trkNS("te"), p.i)
	enrUID := uidSeq(w.trkNS("enrollment"), p.i)
	evNS, noteNS := w.trkNS("event"), w.trkNS("note")
	updated := p.created
	events := make([]any, 0, len(p.visits))
	for k, v := range p.visits {
		ev := map[string]any{
			"event": uidSeq(evNS, p.i*maxVisits+k), "program": t.program, "programStage": t.stages[v.stage],
			"enrollment": enrUID, "trackedEntity": teUID, "orgUnit": w.facilities[v.unit].uid, "status": v.status,
			"scheduledAt": day(v.due).Format(timeLayout),
			"createdAt":   v.created.Format(timeLayout), "updatedAt": v.updated.Format(timeLayout),
			"dataValues": w.renderValues(v.values), "notes": w.renderNotes(v.notes, noteNS, p.i*maxVisits+k, v.created),
		}
		if !v.at.IsZero() {
			ev["occurredAt"] = day(v.at).Format(timeLayout)
		}
		if v.completed {
			ev["completedAt"] = v.created.Format(timeLayout)
		}
		if v.updated.After(updated) {
			updated = v.updated
		}
		events = append(events, ev)
	}
	enr := map[string]any{
		"enrollment": enrUID, "program": t.program, "trackedEntity": teUID, "orgUnit": w.facilities[p.unit].uid,
		"status": p.status, "enrolledAt": day(p.enrolled).Format(timeLayout), "occurredAt": day(p.lmp).Format(timeLayout),
		"followUp": p.followUp, "createdAt": p.created.Format(timeLayout), "updatedAt": updated.Format(timeLayout),
		"events": events, "notes": w.renderNotes(p.notes, noteNS, p.i*maxVisits+maxVisits-1, p.created),
	}
	if !p.completedAt.IsZero() {
		enr["completedAt"] = p.completedAt.Format(timeLayout)
		if p.completedAt.After(updated) {
			updated = p.completedAt
			enr["updatedAt"] = updated.Format(timeLayout)
		}
	}
	attrs := []any{
		attr(t.teas["NIU"], p.niu), attr(t.teas["PRENOM"], p.first), attr(t.teas["NOM"], p.last),
		attr(t.teas["SEXE"], "F"), attr(t.teas["DDN"], p.birth.Format("2006-01-02")),
	}
	if p.phone != "" {
		attrs = append(attrs, attr(t.teas["TEL"], p.phone))
	}
	attrs = append(attrs, attr(t.teas["VILLAGE"], p.village))
	return map[string]any{
		"trackedEntity": teUID, "trackedEntityType": t.tet, "orgUnit": w.facilities[p.unit].uid,
		"createdAt": p.created.Format(timeLayout), "updatedAt": updated.Format(timeLayout),
		"inactive": false, "potentialDuplicate": false,
		"attributes":    attrs,
		"enrollments":   []any{enr},
		"programOwners": []any{map[string]any{"orgUnit": w.facilities[p.owner].uid, "trackedEntity": teUID, "program": t.program}},
	}
}

// renderChild builds the child tracked entity (registered, not enrolled).
func (w *world) renderChild(p *womanPlan) map[string]any {
	t := &w.trk
	c := p.child
	created := c.born.Add(time.Duration(9*3600+p.i%28800) * time.Second)
	return map[string]any{
		"trackedEntity": uidSeq(w.trkNS("child"), p.i), "trackedEntityType": t.tet, "orgUnit": w.facilities[c.unit].uid,
		"createdAt": created.Format(timeLayout), "updatedAt": created.Format(timeLayout),
		"inactive": false, "potentialDuplicate": false,
		"attributes": []any{
			attr(t.teas["NIU"], fmt.Sprintf("%s-E%07d", w.cfg.countryCode, p.i+1)), attr(t.teas["PRENOM"], c.first),
			attr(t.teas["NOM"], p.last), attr(t.teas["SEXE"], c.sex), attr(t.teas["DDN"], c.born.Format("2006-01-02")),
			attr(t.teas["VILLAGE"], p.village),
		},
		"enrollments":   []any{},
		"programOwners": []any{},
	}
}

func (w *world) renderRelationship(p *womanPlan) map[string]any {
	created := p.child.born.Add(time.Duration(9*3600+p.i%28800+60) * time.Second).Format(timeLayout)
	return map[string]any{
		"relationship": uidSeq(w.trkNS("relationship"), p.i), "relationshipType": w.trk.relType,
		"from":      map[string]any{"trackedEntity": map[string]any{"trackedEntity": uidSeq(w.trkNS("te"), p.i)}},
		"to":        map[string]any{"trackedEntity": map[string]any{"trackedEntity": uidSeq(w.trkNS("child"), p.i)}},
		"createdAt": created, "updatedAt": created,
	}
}

func attr(id, value string) map[string]any { return map[string]any{"attribute": id, "value": value} }

func (w *world) renderValues(values [][2]string) []any {
	out := make([]any, len(values))
	for k, v := range values {
		out[k] = map[string]any{"dataElement": w.des[w.deIndex[v[0]]].uid, "value": v[1]}
	}
	return out
}

func (w *world) trackedEntities(yield func(map[string]any) bool) {
	for i := range w.cfg.women {
		p := w.planWoman(i)
		if !yield(w.renderWoman(&p)) {
			return
		}
		if p.child != nil && !yield(w.renderChild(&p)) {
			return
		}
	}
}

func (w *world) relationships(yield func(map[string]any) bool) {
	for i := range w.cfg.women {
		if p := w.planWoman(i); p.child != nil && !yield(w.renderRelationship(&p)) {
			return
		}
	}
}

// countTracker counts the tracker data by planning every woman.
func (w *world) countTracker() trackerCounts {
	c := trackerCounts{events: w.cfg.caseEvents}
	for i := range w.cfg.women {
		p := w.planWoman(i)
		c.trackedEntities++
		c.enrollments++
		c.trackerEvents += len(p.visits)
		if p.child != nil {
			c.trackedEntities++
			c.relationships++
		}
	}
	return c
}
