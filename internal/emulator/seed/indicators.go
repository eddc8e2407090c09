package seed

var constantCatalog = []struct {
	key, fr, en string
	value       float64
}{
	{"JOURS_OUVRABLES", "Jours ouvrables par mois", "Working days per month", 22},
	{"TAUX_NATALITE", "Taux brut de natalité", "Crude birth rate", 0.038},
}

func (b *builder) buildIndicators() {
	for _, c := range constantCatalog {
		b.add("constants", obj{
			"id": b.uid("constant", c.key), "name": c.fr, "shortName": c.fr, "code": c.key, "value": c.value,
			"translations": tr("NAME", c.fr, c.en, "SHORT_NAME", c.fr, c.en),
			"sharing":      b.sharing("rw------"),
		})
	}
	for _, t := range indicatorTypeCatalog {
		b.add("indicatorTypes", obj{
			"id": b.uid("indicatorType", t.key), "name": t.fr, "factor": t.factor, "number": t.number,
			"translations": tr("NAME", t.fr, t.en),
		})
	}
	groups := map[string][]string{}
	for _, ind := range indicatorCatalog {
		id := b.uid("indicator", ind.code)
		o := obj{
			"id": id, "name": ind.fr, "shortName": ind.frShort, "code": ind.code,
			"indicatorType":          ref(b.uid("indicatorType", ind.typ)),
			"numerator":              b.expr(ind.num),
			"numeratorDescription":   ind.numDesc,
			"denominator":            b.expr(ind.den),
			"denominatorDescription": ind.denDesc,
			"annualized":             false, "decimals": 1,
			"attributeValues": b.attrValue("IND-" + ind.code),
			"translations":    tr("NAME", ind.fr, ind.en, "SHORT_NAME", ind.frShort, ind.enShort),
			"sharing":         b.sharing("rw------"),
		}
		if ind.legend != "" {
			o["legendSets"] = []any{ref(b.legendSetUID(ind.legend))}
		}
		b.add("indicators", o)
		groups[ind.group] = append(groups[ind.group], id)
	}
	var groupIDs []string
	for _, g := range indicatorGroupCatalog {
		id := b.uid("indicatorGroup", g.key)
		groupIDs = append(groupIDs, id)
		b.add("indicatorGroups", obj{
			"id": id, "name": g.fr, "code": g.code,
			"indicators":   refList(groups[g.key]),
			"translations": tr("NAME", g.fr, g.en),
			"sharing":      b.sharing("rw------"),
		})
	}
	b.add("indicatorGroupSets", obj{
		"id": b.uid("indicatorGroupSet", "domaine"), "name": "Domaine de santé", "shortName": "Domaine de santé", "code": "IGS_DOMAINE",
		"compulsory": false, "indicatorGroups": refList(groupIDs),
		"translations": tr("NAME", "Domaine de santé", "Health area"),
		"sharing":      b.sharing("rw------"),
	})
}
