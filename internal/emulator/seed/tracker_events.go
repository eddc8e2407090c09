package seed

import (
	"strconv"
	"time"
)

// caseEventTime draws a consultation date with malaria seasonality.
func (w *world) caseEventTime(r *rng) time.Time {
	days := int(w.dataEnd().Sub(w.cfg.start).Hours() / 24)
	for {
		at := w.cfg.start.AddDate(0, 0, r.intn(days))
		if r.float()*2 < malariaSeason[at.Month()-1] {
			return at
		}
	}
}

// caseEvent builds malaria case notification j of the event program.
func (w *world) caseEvent(j int) map[string]any {
	t := &w.trk
	r := newRNG(seedOf(w.ns, 50, j))
	unit := t.caseUnits[pickWeighted(&r, t.cumCase)]
	at := w.caseEventTime(&r)
	age := r.between(15, 70)
	if r.chance(0.38) {
		age = r.between(0, 4)
	} else if r.chance(0.3) {
		age = r.between(5, 14)
	}
	sex := pickCode(&r, []string{"M", "F"}, []float64{0.48, 0.52})
	values := [][2]string{{"EVT_AGE", strconv.Itoa(age)}, {"EVT_SEXE", sex}}
	if sex == "F" && age >= 15 && age <= 45 {
		values = append(values, [2]string{"EVT_ENCEINTE", strconv.FormatBool(r.chance(0.1))})
	}
	values = append(values, [2]string{"EVT_DEBUT", at.AddDate(0, 0, -r.between(1, 5)).Format("2006-01-02")})
	tdr := pickCode(&r, []string{"PF", "PNF", "NEG"}, []float64{0.6, 0.05, 0.35})
	values = append(values, [2]string{"EVT_TDR", tdr})
	grave := tdr != "NEG" && r.chance(0.07)
	values = append(values, [2]string{"EVT_GRAVE", strconv.FormatBool(grave)})
	switch {
	case grave:
		values = append(values, [2]string{"EVT_TRAIT", "ARTESUNATE"},
			[2]string{"EVT_ISSUE", pickCode(&r, []string{"REFERE", "GUERI", "DECEDE"}, []float64{0.55, 0.37, 0.08})})
	case tdr == "NEG":
		values = append(values, [2]string{"EVT_TRAIT", pickCode(&r, []string{"AUCUN", "CTA"}, []float64{0.93, 0.07})},
			[2]string{"EVT_ISSUE", pickCode(&r, []string{"GUERI", "PERDU"}, []float64{0.9, 0.1})})
	default:
		values = append(values, [2]string{"EVT_TRAIT", pickCode(&r, []string{"CTA", "QUININE"}, []float64{0.95, 0.05})},
			[2]string{"EVT_ISSUE", pickCode(&r, []string{"GUERI", "REFERE", "PERDU"}, []float64{0.88, 0.04, 0.08})})
	}
	values = append(values, [2]string{"EVT_MILDA", strconv.FormatBool(r.chance(0.55))})
	created := workTime(&r, at.AddDate(0, 0, r.between(0, 3)))
	updated := created
	if r.chance(0.05) {
		updated = created.Add(time.Duration(r.between(3600, 10*86400)) * time.Second)
	}
	status := "COMPLETED"
	if r.chance(0.04) {
		status = "ACTIVE"
	}
	var notes []string
	if r.chance(0.03) {
		notes = []string{pick(&r, caseNotes)}
	}
	ev := map[string]any{
		"event": uidSeq(w.trkNS("case"), j), "program": t.eventProgram, "programStage": t.stages["E1"],
		"orgUnit": w.facilities[unit].uid, "status": status,
		"occurredAt": day(at).Format(timeLayout), "createdAt": created.Format(timeLayout), "updatedAt": updated.Format(timeLayout),
		"dataValues": w.renderValues(values), "notes": w.renderNotes(notes, w.trkNS("case-note"), j, created),
	}
	if status == "COMPLETED" {
		ev["completedAt"] = created.Format(timeLayout)
	}
	return ev
}

func (w *world) events(yield func(map[string]any) bool) {
	for j := range w.cfg.caseEvents {
		if !yield(w.caseEvent(j)) {
			return
		}
	}
}
