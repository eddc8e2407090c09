package seed

// dsRT is the runtime view of a data set.
type dsRT struct {
	def     dataSetDef
	uid     string
	periods []period
	units   []int    // facility indexes, in org unit order
	aocs    []string // attribute option combo per unit
	des     []int    // indexes into world.des, parents before children
}

var dataSetIndicators = map[string][]string{
	"rma":   {"palu", "morb"},
	"sr":    {"sr"},
	"pev":   {"pev"},
	"mdo":   {"surv"},
	"vihtb": {"vihtb"},
}

func (b *builder) buildDataSets() {
	w := b.w
	for di, def := range dataSetCatalog {
		rt := b.dataSetRuntime(di, def)
		var elements []any
		for _, d := range rt.des {
			elements = append(elements, obj{"dataSet": ref(rt.uid), "dataElement": ref(w.des[d].uid)})
		}
		var units, sections, inds []string
		for _, u := range rt.units {
			units = append(units, w.facilities[u].uid)
		}
		for si, s := range def.sections {
			id := b.uid("section", def.key+":"+s[0])
			sections = append(sections, id)
			var des []string
			for _, code := range def.sectionDEs[si] {
				des = append(des, b.deUID(code))
			}
			b.add("sections", obj{
				"id": id, "name": s[1], "code": "SEC_" + def.code[3:] + "_" + upper(s[0]), "sortOrder": si + 1,
				"dataSet": ref(rt.uid), "dataElements": refList(des), "indicators": []any{}, "greyedFields": []any{},
				"showRowTotals": false, "showColumnTotals": false,
				"translations": tr("NAME", s[1], s[2]),
			})
		}
		for _, g := range dataSetIndicators[def.key] {
			for _, ind := range indicatorCatalog {
				if ind.group == g {
					inds = append(inds, b.uid("indicator", ind.code))
				}
			}
		}
		b.add("dataSets", obj{
			"id": rt.uid, "name": def.fr, "shortName": def.frShort, "code": def.code,
			"periodType": def.periodType, "categoryCombo": ref(b.comboUID(def.attrCombo)),
			"dataSetElements": elements, "organisationUnits": refList(units), "sections": refList(sections),
			"indicators": refList(inds), "compulsoryDataElementOperands": []any{},
			"openFuturePeriods": 0, "expiryDays": def.expiryDays, "timelyDays": def.timelyDays,
			"renderAsTabs": true, "version": 1,
			"validCompleteOnly": false, "noValueRequiresComment": false, "compulsoryFieldsCompleteOnly": false,
			"fieldCombinationRequired": false, "mobile": false, "skipOffline": false, "dataElementDecoration": false,
			"notifyCompletingUser": false, "renderHorizontally": false,
			"attributeValues": b.attrValue("DS-" + def.code[3:]),
			"translations":    tr("NAME", def.fr, def.en, "SHORT_NAME", def.frShort, def.en),
			"sharing":         b.sharing("r-r-----", "national", "rwrw----", "gestionnaires", "rwrw----", "analystes", "r-r-----"),
		})
		w.dataSets = append(w.dataSets, rt)
	}
}

func (b *builder) dataSetRuntime(di int, def dataSetDef) dsRT {
	w := b.w
	rt := dsRT{def: def, uid: b.uid("dataSet", def.key), periods: periodsFor(def.periodType, b.cfg.start, b.cfg.months)}
	for fi, f := range w.facilities {
		if !def.types.has(f.typ) {
			continue
		}
		r := newRNG(seedOf(w.ns, 10, di, fi))
		if !maskHospital.has(f.typ) && !r.chance(def.siteShare) {
			continue
		}
		rt.units = append(rt.units, fi)
		aoc := DefaultCategoryOptionCombo
		if def.attrCombo != "" {
			c := w.combos[def.attrCombo]
			aoc = c.cocs[map[bool]int{false: 0, true: 1}[f.partner]]
		}
		rt.aocs = append(rt.aocs, aoc)
	}
	for i, d := range w.des {
		if d.def.ds == def.key {
			rt.des = append(rt.des, i)
		}
	}
	return rt
}

func upper(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c >= 'a' && c <= 'z' {
			out[i] = c - 'a' + 'A'
		}
	}
	return string(out)
}
