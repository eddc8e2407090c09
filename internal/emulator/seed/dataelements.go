package seed

// deRT is the runtime view of a data element.
type deRT struct {
	def     deDef
	uid     string
	cocs    []string
	shares  []float64
	parent  int      // index of the parent in world.des, -1 if none
	options []string // option codes for option-set elements
}

func aggregationType(d deDef) string {
	switch {
	case d.code == "RMA_PERS":
		return "AVERAGE_SUM_ORG_UNIT"
	case d.vt == vtBool || d.vt == vtTrue:
		return "COUNT"
	case d.vt == vtText || d.vt == vtLong || d.vt == vtDate:
		return "NONE"
	case d.tracker:
		return "AVERAGE"
	}
	return "SUM"
}

func (b *builder) buildDataElements() {
	groups := map[string][]string{}
	for _, d := range dataElementCatalog {
		id := b.deUID(d.code)
		domain := "AGGREGATE"
		if d.tracker {
			domain = "TRACKER"
		}
		o := obj{
			"id": id, "name": d.fr, "shortName": d.frShort, "code": d.code, "formName": d.fr,
			"valueType": d.vt, "aggregationType": aggregationType(d), "domainType": domain,
			"categoryCombo":     ref(b.comboUID(d.combo)),
			"zeroIsSignificant": d.zeroSig,
			"aggregationLevels": []any{},
			"attributeValues":   b.attrValue("DE-" + d.code),
			"translations":      tr("NAME", d.fr, d.en, "SHORT_NAME", d.frShort, d.enShort, "FORM_NAME", d.fr, d.en),
			"sharing":           b.sharing("rw------"),
		}
		if d.optSet != "" {
			o["optionSet"] = ref(b.optionSetUID(d.optSet))
		}
		if d.legend != "" {
			o["legendSets"] = []any{ref(b.legendSetUID(d.legend))}
		}
		b.add("dataElements", o)
		groups[d.group] = append(groups[d.group], id)
		b.addDERuntime(d, id)
	}
	for _, g := range deGroupCatalog {
		b.add("dataElementGroups", obj{
			"id": b.uid("dataElementGroup", g.key), "name": g.fr, "shortName": g.fr, "code": g.code,
			"dataElements": refList(groups[g.key]),
			"translations": tr("NAME", g.fr, g.en, "SHORT_NAME", g.fr, g.en),
			"sharing":      b.sharing("rw------"),
		})
	}
	for _, s := range deGroupSetCatalog {
		var ids []string
		for _, k := range s.groups {
			ids = append(ids, b.uid("dataElementGroup", k))
		}
		b.add("dataElementGroupSets", obj{
			"id": b.uid("dataElementGroupSet", s.key), "name": s.fr, "shortName": s.fr, "code": s.code,
			"compulsory": false, "dataDimension": true,
			"dataElementGroups": refList(ids),
			"translations":      tr("NAME", s.fr, s.en, "SHORT_NAME", s.fr, s.en),
			"sharing":           b.sharing("rw------"),
		})
	}
}

func (b *builder) addDERuntime(d deDef, id string) {
	w := b.w
	c := w.combos[d.combo]
	rt := deRT{def: d, uid: id, cocs: c.cocs, shares: c.shares, parent: -1}
	if len(d.gen.shares) == len(c.cocs) {
		rt.shares = d.gen.shares
	}
	if d.gen.parent != "" {
		rt.parent = w.deIndex[d.gen.parent]
	}
	if d.optSet != "" {
		rt.options = w.options[d.optSet]
	}
	w.deIndex[d.code] = len(w.des)
	w.des = append(w.des, rt)
}
