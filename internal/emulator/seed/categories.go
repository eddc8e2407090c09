package seed

import "strings"

// comboRT is the runtime view of a category combo: its option combos in
// generation order and their default value shares.
type comboRT struct {
	cocs   []string
	keys   []string
	shares []float64
}

func catByKey(key string) catDef {
	for _, c := range categoryCatalog {
		if c.key == key {
			return c
		}
	}
	panic("seed: unknown category " + key) // catalog error, caught by tests
}

func (b *builder) buildCategories() {
	for _, c := range categoryCatalog {
		var opts []string
		for _, o := range c.options {
			id := b.uid("categoryOption", c.key+":"+o.key)
			opts = append(opts, id)
			b.add("categoryOptions", obj{
				"id": id, "name": o.fr, "shortName": o.fr, "code": o.code,
				"translations": tr("NAME", o.fr, o.en, "SHORT_NAME", o.fr, o.en),
				"sharing":      b.sharing("rwrw----"),
			})
		}
		dim := "DISAGGREGATION"
		if c.attribute {
			dim = "ATTRIBUTE"
		}
		b.add("categories", obj{
			"id": b.uid("category", c.key), "name": c.fr, "shortName": c.fr, "code": c.code,
			"dataDimensionType": dim, "dataDimension": true,
			"categoryOptions": refList(opts),
			"translations":    tr("NAME", c.fr, c.en, "SHORT_NAME", c.fr, c.en),
			"sharing":         b.sharing("rw------"),
		})
	}
	b.w.combos = map[string]comboRT{"": {cocs: []string{DefaultCategoryOptionCombo}, keys: []string{""}, shares: []float64{1}}}
	for _, cc := range comboCatalog {
		b.addCombo(cc)
	}
}

func (b *builder) addCombo(cc comboDef) {
	var catIDs []string
	cats := make([]catDef, len(cc.cats))
	for i, k := range cc.cats {
		cats[i] = catByKey(k)
		catIDs = append(catIDs, b.uid("category", k))
	}
	dim := "DISAGGREGATION"
	if cc.attribute {
		dim = "ATTRIBUTE"
	}
	comboID := b.comboUID(cc.key)
	b.add("categoryCombos", obj{
		"id": comboID, "name": cc.fr, "code": cc.code, "dataDimensionType": dim, "skipTotal": false,
		"categories":   refList(catIDs),
		"translations": tr("NAME", cc.fr, cc.en),
		"sharing":      b.sharing("rw------"),
	})
	rt := comboRT{}
	// Cartesian product in category order, the last category varying fastest.
	idx := make([]int, len(cats))
	for {
		var keys, names, namesEN, optIDs []string
		share := 1.0
		for ci, c := range cats {
			o := c.options[idx[ci]]
			keys = append(keys, o.key)
			names = append(names, o.fr)
			namesEN = append(namesEN, o.en)
			optIDs = append(optIDs, b.uid("categoryOption", c.key+":"+o.key))
			share *= o.share
		}
		key := cc.key + ":" + strings.Join(keys, "+")
		id := b.cocUID(key)
		b.add("categoryOptionCombos", obj{
			"id": id, "name": strings.Join(names, ", "), "ignoreApproval": false,
			"categoryCombo":   ref(comboID),
			"categoryOptions": refList(optIDs),
			"translations":    tr("NAME", strings.Join(names, ", "), strings.Join(namesEN, ", ")),
		})
		rt.cocs, rt.keys, rt.shares = append(rt.cocs, id), append(rt.keys, key), append(rt.shares, share)
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(cats[i].options) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	b.w.combos[cc.key] = rt
}
