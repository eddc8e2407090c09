package seed

func (b *builder) buildValidation() {
	groups := map[string][]string{}
	for _, v := range validationRuleCatalog {
		id := b.uid("validationRule", v.code)
		groups[v.group] = append(groups[v.group], id)
		b.add("validationRules", obj{
			"id": id, "name": v.fr, "code": v.code,
			"description": v.fr, "instruction": "Vérifier le registre de la formation sanitaire et corriger la saisie.",
			"importance": v.importance, "operator": v.operator, "periodType": v.periodType,
			"leftSide":               obj{"expression": b.expr(v.left), "description": v.leftDesc, "missingValueStrategy": "SKIP_IF_ALL_VALUES_MISSING"},
			"rightSide":              obj{"expression": b.expr(v.right), "description": v.rightDesc, "missingValueStrategy": "SKIP_IF_ALL_VALUES_MISSING"},
			"organisationUnitLevels": []any{4},
			"skipFormValidation":     false,
			"translations":           tr("NAME", v.fr, v.en, "DESCRIPTION", v.fr, v.en),
		})
	}
	for _, g := range validationRuleGroupCatalog {
		b.add("validationRuleGroups", obj{
			"id": b.uid("validationRuleGroup", g.key), "name": g.fr, "code": g.code,
			"validationRules": refList(groups[g.key]),
			"translations":    tr("NAME", g.fr, g.en),
		})
	}
}

func (b *builder) buildPredictors() {
	preds := []struct {
		code, fr, en, output, generator, desc string
		sequential, annual                    int
	}{
		{"PRED_CPN1_MM3", "CPN1 - moyenne mobile sur 3 mois", "ANC1 - 3-month moving average", "PRED_CPN1_MM3",
			"avg(#{SR_CPN1})", "Moyenne des CPN1 des trois mois précédents", 3, 0},
		{"PRED_PALU_SEUIL", "Paludisme - seuil épidémique (moyenne + 2 écarts-types)", "Malaria - epidemic threshold (mean + 2 SD)", "PRED_PALU_SEUIL",
			"avg(#{RMA_PALU_CONF})+2*stddevSamp(#{RMA_PALU_CONF})", "Cas confirmés du même mois des deux années précédentes et des mois voisins", 1, 2},
	}
	var ids []string
	for _, p := range preds {
		id := b.uid("predictor", p.code)
		ids = append(ids, id)
		b.add("predictors", obj{
			"id": id, "name": p.fr, "shortName": p.code, "code": p.code, "description": p.desc,
			"output": ref(b.deUID(p.output)), "outputCombo": ref(DefaultCategoryOptionCombo),
			"periodType":            "Monthly",
			"generator":             obj{"expression": b.expr(p.generator), "description": p.desc, "missingValueStrategy": "NEVER_SKIP"},
			"sequentialSampleCount": p.sequential, "annualSampleCount": p.annual, "sequentialSkipCount": 0,
			"organisationUnitLevels":      []any{ref(b.levelUID(3)), ref(b.levelUID(4))},
			"organisationUnitDescendants": "DESCENDANTS",
			"translations":                tr("NAME", p.fr, p.en),
		})
	}
	b.add("predictorGroups", obj{
		"id": b.uid("predictorGroup", "previsions"), "name": "Prévisions et seuils épidémiques", "code": "PG_PREVISIONS",
		"predictors":   refList(ids),
		"translations": tr("NAME", "Prévisions et seuils épidémiques", "Forecasts and epidemic thresholds"),
	})
}
