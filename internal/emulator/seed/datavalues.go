package seed

import (
	"strconv"
	"time"
)

// cell is one generated aggregate value before rendering.
type cell struct {
	de, coc  int32 // index into world.des, index into the element's option combos
	value    int32 // count, 0/1 for booleans, option or text index
	offset   int32 // seconds after the report submission
	edit     int32 // seconds between creation and last update (0: never edited)
	comment  int8  // index into valueComments, -1 for none
	followUp bool
}

// block is one (data set, period, facility) report.
type block struct {
	reported, completed, incomplete bool
	submit                          time.Time
	regDelay                        int32
}

var (
	malariaSeason    = [12]float64{0.6, 0.5, 0.5, 0.55, 0.7, 0.9, 1.3, 1.7, 1.9, 1.6, 1.1, 0.8}
	meningitisSeason = [12]float64{1.3, 2.0, 2.4, 2.0, 1.0, 0.5, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9}
	valueComments    = []string{
		"Chiffre vérifié dans le registre de consultation.",
		"Saisie tardive : rapport papier reçu en retard au district.",
		"Hausse liée à une campagne de dépistage dans l'aire de santé.",
		"Données partielles : registre du mois incomplet.",
		"Valeur corrigée après la supervision du district.",
		"Valeur inhabituelle signalée pour vérification.",
	}
	headComments = []string{
		"Rupture de TDR pendant deux semaines, commande en cours auprès du district.",
		"Panne du réfrigérateur, vaccins transférés au dépôt du district.",
		"Supervision intégrée du district réalisée au cours du mois.",
		"Forte affluence liée à la saison des pluies.",
		"Infirmier chef de poste en formation, intérim assuré par la sage-femme.",
		"Campagne de distribution de moustiquaires imprégnées dans l'aire de santé.",
		"Route impraticable, rapport transmis par téléphone.",
	}
)

const outlierComment = 5

// genBlock generates the report of facility units[u] for period p of data
// set ds into buf. Everything is drawn from a PRNG seeded by the block
// coordinates, so any block can be regenerated alone.
func (w *world) genBlock(ds, p, u int, buf []cell, totals []int) (block, []cell) {
	set := &w.dataSets[ds]
	fi := set.units[u]
	f := &w.facilities[fi]
	per := set.periods[p]
	buf = buf[:0]
	var h block
	if per.start.Before(f.opened) {
		return h, buf
	}
	r := newRNG(seedOf(w.ns, 20, ds, p, fi))
	trend := float64(p) / float64(len(set.periods))
	h.reported = r.chance(f.completeness + set.def.reportRate - 0.9 + 0.04*trend - 0.02)
	if !h.reported {
		return h, buf
	}
	h.submit = w.submitTime(&r, set.def.periodType, per)
	h.completed = r.chance(0.93)
	h.incomplete = r.chance(0.03)
	h.regDelay = int32(r.between(60, 900))
	var offset int32
	for k, di := range set.des {
		d := &w.des[di]
		totals[k] = 0
		g := d.def.gen
		if !g.types.has(f.typ) || (g.quarter && per.month%3 != 0) {
			continue
		}
		fr := newRNG(seedOf(w.ns, 30, fi, di))
		totals[k] = w.total(&r, &fr, set, k, f, per, trend, totals)
		fill := g.fill
		if fill == 0 {
			fill = 0.97
		}
		if !r.chance(fill) {
			continue
		}
		buf = w.emit(&r, buf, int32(di), totals[k], &offset)
	}
	return h, buf
}

func (w *world) submitTime(r *rng, periodType string, per period) time.Time {
	days := r.between(0, 9)
	switch periodType {
	case "Weekly":
		days = r.between(0, 2)
	case "Quarterly":
		days = r.between(3, 25)
	}
	return per.end.AddDate(0, 0, days).Add(time.Duration(7*3600+r.intn(10*3600)) * time.Second)
}

// total draws the total of element k of a report (before disaggregation).
// fr is the facility-and-element PRNG (stable traits); r the report PRNG.
func (w *world) total(r, fr *rng, set *dsRT, k int, f *facility, per period, trend float64, totals []int) int {
	d := &w.des[set.des[k]]
	g := d.def.gen
	switch g.kind {
	case genCount:
		season := 1.0
		if g.season {
			season = malariaSeason[per.month-1]
			if d.def.code == "MDO_MEN_CAS" {
				season = meningitisSeason[per.month-1]
			}
		}
		mean := f.pop / 1000 * g.rate * per.months * season * (1 + 0.08*trend) * fr.uniform(0.6, 1.4)
		return r.poisson(mean)
	case genDerived:
		parent := 0
		for j := 0; j < k; j++ {
			if set.des[j] == d.parent {
				parent = totals[j]
			}
		}
		base := fr.uniform(g.lo, g.hi)
		ratio := min(1, max(0, base+r.uniform(-0.03, 0.03)*(g.hi-g.lo)))
		return r.binomial(parent, ratio)
	case genStockout:
		if r.chance(0.78) {
			return 0
		}
		return r.between(1, 20)
	case genBool:
		if r.chance(f.elec) {
			return 1
		}
		return 0
	case genOption:
		if r.chance(0.04) {
			return r.intn(len(d.options))
		}
		return f.water
	case genText:
		return r.intn(len(headComments))
	case genStaff:
		if r.chance(0.1) {
			return max(1, f.staff+r.between(-1, 1))
		}
		return f.staff
	}
	return 0
}

// emit splits a total over the element's option combos and appends the
// stored cells (zeros only for zero-significant elements).
func (w *world) emit(r *rng, buf []cell, di int32, total int, offset *int32) []cell {
	d := &w.des[di]
	counted := d.def.gen.kind == genCount || d.def.gen.kind == genDerived
	remaining, share := total, 1.0
	for c := range d.cocs {
		v := remaining
		if counted && c < len(d.cocs)-1 {
			v = r.binomial(remaining, d.shares[c]/share)
			share -= d.shares[c]
			remaining -= v
		} else if !counted && c > 0 {
			break
		}
		if v == 0 && counted && !d.def.zeroSig {
			continue
		}
		*offset += int32(r.between(4, 40))
		x := cell{de: di, coc: int32(c), value: int32(v), offset: *offset, comment: -1}
		if r.chance(0.03) {
			x.edit = int32(r.between(86400, 20*86400))
		}
		switch {
		case counted && v > 3 && r.chance(0.0008):
			x.value = int32(v*10 + r.between(1, 9))
			x.followUp, x.comment = true, outlierComment
		case counted && r.chance(0.0015):
			x.comment = int8(r.intn(outlierComment))
		}
		buf = append(buf, x)
	}
	return buf
}

// render turns a cell into a DataValue.
func (w *world) render(set *dsRT, u int, per period, h block, x cell) DataValue {
	d := &w.des[x.de]
	f := &w.facilities[set.units[u]]
	var value string
	switch d.def.gen.kind {
	case genBool:
		value = strconv.FormatBool(x.value == 1)
	case genOption:
		value = d.options[x.value]
	case genText:
		value = headComments[x.value]
	default:
		value = strconv.Itoa(int(x.value))
	}
	created := h.submit.Add(time.Duration(x.offset) * time.Second)
	dv := DataValue{
		DataElement: d.uid, Period: per.id, OrgUnit: f.uid, CategoryOptionCombo: d.cocs[x.coc],
		AttributeOptionCombo: set.aocs[u], Value: value, StoredBy: w.managers[f.region],
		Created: created, LastUpdated: created.Add(time.Duration(x.edit) * time.Second), FollowUp: x.followUp,
	}
	if x.comment >= 0 {
		dv.Comment = valueComments[x.comment]
	}
	return dv
}

// eachBlock calls fn for every report in iteration order (data set,
// period, facility) until fn returns false.
func (w *world) eachBlock(fn func(ds, p, u int, h block, cells []cell) bool) {
	buf := make([]cell, 0, 256)
	totals := make([]int, 64)
	for ds := range w.dataSets {
		set := &w.dataSets[ds]
		for p := range set.periods {
			for u := range set.units {
				h, cells := w.genBlock(ds, p, u, buf, totals)
				if !fn(ds, p, u, h, cells) {
					return
				}
				buf = cells
			}
		}
	}
}

func (w *world) dataValues(yield func(DataValue) bool) {
	w.eachBlock(func(ds, p, u int, h block, cells []cell) bool {
		set := &w.dataSets[ds]
		for _, x := range cells {
			if !yield(w.render(set, u, set.periods[p], h, x)) {
				return false
			}
		}
		return true
	})
}

func (w *world) registrations(yield func(Registration) bool) {
	w.eachBlock(func(ds, p, u int, h block, cells []cell) bool {
		if len(cells) == 0 || !h.completed {
			return true
		}
		set := &w.dataSets[ds]
		f := &w.facilities[set.units[u]]
		last := cells[len(cells)-1].offset
		return yield(Registration{
			DataSet: set.uid, Period: set.periods[p].id, OrgUnit: f.uid, AttributeOptionCombo: set.aocs[u],
			StoredBy: w.managers[f.region], Date: h.submit.Add(time.Duration(last+h.regDelay) * time.Second),
			Completed: !h.incomplete,
		})
	})
}

// dataCounts holds the sizes of the lazy collections.
type dataCounts struct {
	values, registrations int
	tracker               trackerCounts
}

func (w *world) countAggregate() dataCounts {
	var c dataCounts
	w.eachBlock(func(_, _, _ int, h block, cells []cell) bool {
		c.values += len(cells)
		if len(cells) > 0 && h.completed {
			c.registrations++
		}
		return true
	})
	return c
}
