package seed

import (
	"fmt"
	"time"
)

var ouLevels = []struct{ fr, en string }{
	{"Pays", "Country"}, {"Région", "Region"}, {"District sanitaire", "Health district"}, {"Formation sanitaire", "Health facility"},
}

func (b *builder) levelUID(level int) string {
	return b.uid("organisationUnitLevel", fmt.Sprint(level))
}

// apportion splits total into n integer parts proportional to random
// weights in [lo, hi] (largest remainder, deterministic).
func apportion(r *rng, total, n int, lo, hi float64) []int {
	weights := make([]float64, n)
	sum := 0.0
	for i := range weights {
		weights[i] = r.uniform(lo, hi)
		sum += weights[i]
	}
	parts := make([]int, n)
	given := 0
	for i, w := range weights {
		parts[i] = int(float64(total) * w / sum)
		given += parts[i]
	}
	for i := 0; given < total; i = (i + 1) % n {
		parts[i]++
		given++
	}
	return parts
}

func (b *builder) buildOrgUnits() {
	cfg, w := b.cfg, b.w
	r := newRNG(seedOf(w.ns, 1))
	names := newPlaceNames(seedOf(w.ns, 2))
	country := rect{cfg.lonLo, cfg.latLo, cfg.lonLo + cfg.lonW, cfg.latLo + cfg.latH}
	countryUID := b.uid("organisationUnit", "country")
	b.add("organisationUnits", obj{
		"id": countryUID, "name": "Yamoro", "shortName": "Yamoro", "code": cfg.countryCode,
		"description":     cfg.country + " - niveau national",
		"openingDate":     "1960-08-05T00:00:00.000",
		"geometry":        polygon(country, 24),
		"attributeValues": b.attrValue("PAYS-" + cfg.countryCode),
	})
	regionCells := splitGrid(country, cfg.regions)
	perRegion := apportion(&r, cfg.districts, cfg.regions, 0.8, 1.2)
	perDistrict := apportion(&r, cfg.facilities, cfg.districts, 0.6, 1.5)
	d := 0
	for ri := range cfg.regions {
		reg := area{uid: b.uid("organisationUnit", fmt.Sprintf("r%d", ri)), name: regionNames[ri].name,
			code: fmt.Sprintf("%s%02d", cfg.countryCode, ri+1), cell: regionCells[ri]}
		b.add("organisationUnits", obj{
			"id": reg.uid, "name": reg.name, "shortName": reg.name, "code": reg.code,
			"openingDate":     "1994-01-01T00:00:00.000",
			"parent":          ref(countryUID),
			"geometry":        polygon(reg.cell, 10),
			"attributeValues": b.attrValue("RG-" + reg.code),
		})
		w.regions = append(w.regions, reg)
		for di, cell := range splitGrid(reg.cell, perRegion[ri]) {
			b.addDistrict(&r, names, ri, di, cell, perDistrict[d])
			d++
		}
	}
	b.addLevels()
	b.addOrgUnitGroups()
}

func (b *builder) addDistrict(r *rng, names *placeNames, ri, di int, cell rect, nFac int) {
	w := b.w
	town := names.next()
	dist := area{uid: b.uid("organisationUnit", fmt.Sprintf("d%d", len(w.districts))), town: town,
		name: "District sanitaire de " + town, code: fmt.Sprintf("%s%02d", w.regions[ri].code, di+1), parent: ri, cell: cell}
	b.add("organisationUnits", obj{
		"id": dist.uid, "name": dist.name, "shortName": "DS " + town, "code": dist.code,
		"openingDate":     fmt.Sprintf("%d-01-01T00:00:00.000", 1994+r.intn(20)),
		"parent":          ref(w.regions[ri].uid),
		"geometry":        polygon(cell, 4),
		"attributeValues": b.attrValue("DS-" + dist.code),
	})
	dIdx := len(w.districts)
	w.districts = append(w.districts, dist)
	special := []facType{ftHD}
	if di == 0 {
		special = append(special, ftCHR)
		if ri == 0 {
			special = append(special, ftCHU)
		}
	}
	sector := 0
	for i := range max(nFac, len(special)) {
		typ := ftCS
		if i < len(special) {
			typ = special[i]
		} else {
			typ = pickFacType(r)
		}
		f := facility{typ: typ, region: ri, dist: dIdx, code: fmt.Sprintf("%s%03d", dist.code, i+1)}
		f.uid = b.uid("organisationUnit", "f"+f.code)
		def := facTypes[typ]
		place, short := "", ""
		switch {
		case i < len(special):
			f.urban, place, short = true, town, town
		case typ != ftCase && typ != ftPS && r.chance(0.15):
			sector++
			f.urban = true
			place = fmt.Sprintf("%s - secteur %d", town, sector)
			short = fmt.Sprintf("%s S%d", town, sector)
		default:
			place = names.next()
			short = place
		}
		f.name = def.prefix + " " + place
		b.addFacility(r, &f, def.short+" "+short)
	}
}

func pickFacType(r *rng) facType {
	x := r.float()
	for t := ftCM; t < numFacTypes; t++ {
		x -= facTypes[t].weight
		if x < 0 {
			return t
		}
	}
	return ftCS
}

func (b *builder) addFacility(r *rng, f *facility, shortName string) {
	w := b.w
	def := facTypes[f.typ]
	f.pop = r.uniform(def.popLo, def.popHi)
	base := map[facType]float64{ftCHU: 0.95, ftCHR: 0.94, ftHD: 0.92, ftCM: 0.88, ftCS: 0.86, ftCSC: 0.84, ftCP: 0.68, ftPS: 0.76}[f.typ]
	f.completeness = min(0.99, max(0.4, base+r.uniform(-0.1, 0.06)))
	f.partner = r.chance(0.4)
	f.staff = max(1, int(f.pop/r.uniform(1500, 3500)))
	f.water = []int{0, 1, 1, 1, 2, 2, 3}[r.intn(7)]
	if f.urban {
		f.water = 0
	}
	f.elec = map[bool]float64{true: 0.95, false: 0.7}[f.urban]
	year := 1965 + r.intn(56)
	f.opened = time.Date(year, time.Month(1+r.intn(12)), 1, 0, 0, 0, 0, time.UTC)
	if (f.typ == ftCS || f.typ == ftPS) && r.chance(0.03) {
		f.opened = b.cfg.start.AddDate(0, 2+r.intn(b.cfg.months-4), 0)
	}
	geom, pt := pointIn(w.districts[f.dist].cell, r)
	f.point = pt
	o := obj{
		"id": f.uid, "name": f.name, "shortName": shortName, "code": f.code,
		"openingDate":     f.opened.Format(timeLayout),
		"parent":          ref(w.districts[f.dist].uid),
		"geometry":        geom,
		"attributeValues": b.attrValue("FS-" + f.code),
	}
	if f.typ != ftCase && r.chance(0.6) {
		o["phoneNumber"] = fmt.Sprintf("+226 %02d %02d %02d %02d", 50+r.intn(30), r.intn(100), r.intn(100), r.intn(100))
	}
	b.add("organisationUnits", o)
	w.facilities = append(w.facilities, *f)
}

func (b *builder) addLevels() {
	for i, l := range ouLevels {
		b.add("organisationUnitLevels", obj{
			"id": b.levelUID(i + 1), "name": l.fr, "level": i + 1, "offlineLevels": 2,
			"translations": tr("NAME", l.fr, l.en),
		})
	}
}

var ownershipGroups = []groupDef{
	{"public", "Secteur public", "Public sector", "OWN_PUBLIC"},
	{"prive", "Secteur privé lucratif", "Private for-profit sector", "OWN_PRIVE"},
	{"confessionnel", "Secteur confessionnel", "Faith-based sector", "OWN_CONFESSIONNEL"},
	{"communautaire", "Gestion communautaire", "Community-managed", "OWN_COMMUNAUTAIRE"},
}

var milieuGroups = []groupDef{
	{"urbain", "Milieu urbain", "Urban", "MILIEU_URBAIN"},
	{"rural", "Milieu rural", "Rural", "MILIEU_RURAL"},
}

func (b *builder) addOrgUnitGroups() {
	w := b.w
	byType := make([][]string, numFacTypes)
	byOwner := map[string][]string{}
	byMilieu := map[string][]string{}
	for _, f := range w.facilities {
		byType[f.typ] = append(byType[f.typ], f.uid)
		byOwner[facTypes[f.typ].owner] = append(byOwner[facTypes[f.typ].owner], f.uid)
		m := map[bool]string{true: "urbain", false: "rural"}[f.urban]
		byMilieu[m] = append(byMilieu[m], f.uid)
	}
	var typeGroups, ownGroups, milGroups []string
	for t := range numFacTypes {
		def := facTypes[t]
		typeGroups = append(typeGroups, b.addOUGroup(groupDef{def.key, def.group, def.groupEN, def.code}, def.short, byType[t]))
	}
	for _, g := range ownershipGroups {
		ownGroups = append(ownGroups, b.addOUGroup(g, "", byOwner[g.key]))
	}
	for _, g := range milieuGroups {
		milGroups = append(milGroups, b.addOUGroup(g, "", byMilieu[g.key]))
	}
	sets := []struct {
		key, fr, en, code string
		compulsory        bool
		groups            []string
	}{
		{"type", "Type de formation sanitaire", "Health facility type", "OUGS_TYPE", true, typeGroups},
		{"statut", "Statut juridique", "Ownership", "OUGS_STATUT", true, ownGroups},
		{"milieu", "Milieu", "Setting", "OUGS_MILIEU", false, milGroups},
	}
	for _, s := range sets {
		b.add("organisationUnitGroupSets", obj{
			"id": b.uid("organisationUnitGroupSet", s.key), "name": s.fr, "shortName": s.fr, "code": s.code,
			"compulsory": s.compulsory, "dataDimension": true, "includeSubhierarchyInAnalytics": false,
			"organisationUnitGroups": refList(s.groups),
			"translations":           tr("NAME", s.fr, s.en, "SHORT_NAME", s.fr, s.en),
			"sharing":                b.sharing("rw------"),
		})
	}
}

func (b *builder) addOUGroup(g groupDef, short string, members []string) string {
	id := b.uid("organisationUnitGroup", g.key)
	if short == "" {
		short = g.fr
	}
	b.add("organisationUnitGroups", obj{
		"id": id, "name": g.fr, "shortName": short, "code": g.code,
		"organisationUnits": refList(members),
		"translations":      tr("NAME", g.fr, g.en),
		"sharing":           b.sharing("rw------"),
	})
	return id
}
