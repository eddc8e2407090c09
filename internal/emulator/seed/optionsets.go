package seed

import "fmt"

func (b *builder) optionSetUID(key string) string { return b.uid("optionSet", key) }

func (b *builder) buildOptionSets() {
	b.w.options = map[string][]string{}
	for _, s := range optionSetCatalog {
		setID := b.optionSetUID(s.key)
		var ids, codes []string
		for i, o := range s.options {
			id := b.uid("option", s.key+":"+o[0])
			ids = append(ids, id)
			codes = append(codes, o[0])
			b.add("options", obj{
				"id": id, "name": o[1], "code": o[0], "sortOrder": i + 1,
				"optionSet":    ref(setID),
				"translations": tr("NAME", o[1], o[2]),
			})
		}
		b.add("optionSets", obj{
			"id": setID, "name": s.fr, "code": s.code, "valueType": s.vt, "version": 1,
			"options":      refList(ids),
			"translations": tr("NAME", s.fr, s.en),
			"sharing":      b.sharing("rw------"),
		})
		b.w.options[s.key] = codes
	}
}

func (b *builder) legendSetUID(key string) string { return b.uid("legendSet", key) }

func (b *builder) buildLegendSets() {
	for _, s := range legendSetCatalog {
		var legends []any
		for i, l := range s.legends {
			legends = append(legends, obj{
				"id":   b.uid("legend", fmt.Sprintf("%s:%d", s.key, i)),
				"name": l.fr, "startValue": l.start, "endValue": l.end, "color": l.color,
			})
		}
		b.add("legendSets", obj{
			"id": b.legendSetUID(s.key), "name": s.fr, "code": s.code,
			"legends":      legends,
			"translations": tr("NAME", s.fr, s.en),
			"sharing":      b.sharing("rw------"),
		})
	}
}

// buildAttributes adds the metadata attribute holding national codes.
func (b *builder) buildAttributes() {
	b.add("attributes", obj{
		"id": b.uid("attribute", "code_national"), "name": "Code national", "code": "CODE_NATIONAL",
		"valueType": vtText, "unique": true, "mandatory": false,
		"dataElementAttribute": true, "organisationUnitAttribute": true, "indicatorAttribute": true, "dataSetAttribute": true,
		"programAttribute": true,
		"translations":     tr("NAME", "Code national", "National code"),
		"sharing":          b.sharing("rw------"),
	})
}
