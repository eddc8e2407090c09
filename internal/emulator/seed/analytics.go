package seed

// dx is a data dimension item: kind (INDICATOR, DATA_ELEMENT,
// PROGRAM_INDICATOR) and catalog code.
type dx struct{ kind, code string }

type vizDef struct {
	key, fr, en, typ       string
	items                  []dx
	columns, rows, filters []string
	relPeriods             []string
	ouLevels               []int
	legend                 string
	categoryDim            string // category key shown as a dimension
	public                 string
	description            string
}

var visualizationCatalog = []vizDef{
	{key: "palu_region", fr: "Paludisme - indicateurs clés par région (12 derniers mois)", en: "Malaria - key indicators by region (last 12 months)", typ: "PIVOT_TABLE",
		items:   []dx{{"INDICATOR", "IND_PALU_TEST"}, {"INDICATOR", "IND_PALU_POS"}, {"INDICATOR", "IND_PALU_CTA"}, {"INDICATOR", "IND_PALU_LT5"}},
		columns: []string{"dx"}, rows: []string{"ou"}, filters: []string{"pe"}, relPeriods: []string{"last12Months"}, ouLevels: []int{2}, legend: "couv"},
	{key: "palu_mois", fr: "Paludisme - cas suspects, testés et confirmés par mois", en: "Malaria - suspected, tested and confirmed cases by month", typ: "LINE",
		items:   []dx{{"DATA_ELEMENT", "RMA_PALU_SUSP"}, {"DATA_ELEMENT", "RMA_PALU_TEST"}, {"DATA_ELEMENT", "RMA_PALU_CONF"}},
		columns: []string{"dx"}, rows: []string{"pe"}, filters: []string{"ou"}, relPeriods: []string{"monthsLastYear", "monthsThisYear"}},
	{key: "cpn4_region", fr: "Taux d'achèvement de la CPN4 par région", en: "ANC4 completion rate by region", typ: "COLUMN",
		items:   []dx{{"INDICATOR", "IND_CPN4"}, {"INDICATOR", "IND_CPN1_T1"}},
		columns: []string{"dx"}, rows: []string{"ou"}, filters: []string{"pe"}, relPeriods: []string{"lastYear"}, ouLevels: []int{2}},
	{key: "acc_trim", fr: "Accouchements assistés et césariennes par trimestre", en: "Skilled deliveries and caesareans by quarter", typ: "STACKED_COLUMN",
		items:   []dx{{"DATA_ELEMENT", "SR_ACC"}, {"DATA_ELEMENT", "SR_CES"}},
		columns: []string{"dx"}, rows: []string{"pe"}, filters: []string{"ou"}, relPeriods: []string{"last4Quarters"}},
	{key: "nv_sexe", fr: "Naissances vivantes par sexe", en: "Live births by sex", typ: "PIE",
		items:   []dx{{"DATA_ELEMENT", "SR_NV"}},
		columns: []string{"sexe"}, filters: []string{"dx", "pe", "ou"}, relPeriods: []string{"lastYear"}, categoryDim: "sexe"},
	{key: "abandon", fr: "Taux d'abandon Penta 1 - Penta 3 (12 derniers mois)", en: "Penta 1 to Penta 3 dropout rate (last 12 months)", typ: "SINGLE_VALUE",
		items:   []dx{{"INDICATOR", "IND_ABANDON_P1P3"}},
		columns: []string{"dx"}, filters: []string{"pe", "ou"}, relPeriods: []string{"last12Months"}, legend: "abandon"},
	{key: "pev_district", fr: "Vaccination - doses administrées par district", en: "Immunisation - doses given by district", typ: "PIVOT_TABLE",
		items: []dx{{"DATA_ELEMENT", "PEV_BCG"}, {"DATA_ELEMENT", "PEV_PENTA1"}, {"DATA_ELEMENT", "PEV_PENTA3"},
			{"DATA_ELEMENT", "PEV_RR1"}, {"DATA_ELEMENT", "PEV_VAA"}},
		columns: []string{"dx"}, rows: []string{"ou"}, filters: []string{"pe"}, relPeriods: []string{"lastYear"}, ouLevels: []int{3}},
	{key: "vih_tb", fr: "Positivité du VIH et succès thérapeutique de la tuberculose par région", en: "HIV positivity and TB treatment success by region", typ: "COLUMN",
		items:   []dx{{"INDICATOR", "IND_VIH_POS"}, {"INDICATOR", "IND_TB_SUCCES"}},
		columns: []string{"dx"}, rows: []string{"ou"}, filters: []string{"pe"}, relPeriods: []string{"last4Quarters"}, ouLevels: []int{2}},
	{key: "mdo_semaines", fr: "Surveillance hebdomadaire - méningite et rougeole", en: "Weekly surveillance - meningitis and measles", typ: "LINE",
		items:   []dx{{"DATA_ELEMENT", "MDO_MEN_CAS"}, {"DATA_ELEMENT", "MDO_ROUG_CAS"}},
		columns: []string{"dx"}, rows: []string{"pe"}, filters: []string{"ou"}, relPeriods: []string{"last52Weeks"}},
	{key: "anc_pi", fr: "Suivi prénatal individuel - indicateurs par région", en: "Individual antenatal follow-up - indicators by region", typ: "PIVOT_TABLE",
		items: []dx{{"PROGRAM_INDICATOR", "PI_ANC_INSCRITES"}, {"PROGRAM_INDICATOR", "PI_ANC_CPN"},
			{"PROGRAM_INDICATOR", "PI_ANC_ANEMIE"}, {"PROGRAM_INDICATOR", "PI_ANC_FPN"}},
		columns: []string{"dx"}, rows: []string{"ou"}, filters: []string{"pe"}, relPeriods: []string{"lastYear"}, ouLevels: []int{2}},
}

func (b *builder) dxItem(d dx) obj {
	switch d.kind {
	case "INDICATOR":
		return obj{"dataDimensionItemType": "INDICATOR", "indicator": ref(b.uid("indicator", d.code))}
	case "PROGRAM_INDICATOR":
		return obj{"dataDimensionItemType": "PROGRAM_INDICATOR", "programIndicator": ref(b.uid("programIndicator", d.code))}
	}
	return obj{"dataDimensionItemType": "DATA_ELEMENT", "dataElement": ref(b.deUID(d.code))}
}

func (b *builder) dimNames(dims []string) []any {
	out := make([]any, len(dims))
	for i, d := range dims {
		switch d {
		case "dx", "pe", "ou":
			out[i] = d
		default:
			out[i] = b.uid("category", d)
		}
	}
	return out
}

func (b *builder) buildAnalytics() {
	b.buildSQLViews()
	for _, v := range visualizationCatalog {
		items := make([]any, len(v.items))
		for i, it := range v.items {
			items[i] = b.dxItem(it)
		}
		rel := obj{}
		for _, p := range v.relPeriods {
			rel[p] = true
		}
		levels := make([]any, len(v.ouLevels))
		for i, l := range v.ouLevels {
			levels[i] = l
		}
		o := obj{
			"id": b.uid("visualization", v.key), "name": v.fr, "type": v.typ, "description": v.fr,
			"dataDimensionItems": items, "columnDimensions": b.dimNames(v.columns), "rowDimensions": b.dimNames(v.rows),
			"filterDimensions": b.dimNames(v.filters), "relativePeriods": rel, "periods": []any{},
			"organisationUnits": []any{ref(b.uid("organisationUnit", "country"))}, "organisationUnitLevels": levels,
			"aggregationType": "DEFAULT", "digitGroupSeparator": "SPACE", "displayDensity": "NORMAL", "fontSize": "NORMAL",
			"hideEmptyRows": false, "showData": true, "showHierarchy": false, "completedOnly": false,
			"translations": tr("NAME", v.fr, v.en),
			"sharing":      b.sharing("r-------", "national", "rw------", "analystes", "r-------"),
		}
		if v.legend != "" {
			o["legend"] = obj{"set": ref(b.legendSetUID(v.legend)), "strategy": "FIXED", "style": "FILL", "showKey": true}
		}
		if v.categoryDim != "" {
			c := catByKey(v.categoryDim)
			var opts []string
			for _, op := range c.options {
				opts = append(opts, b.uid("categoryOption", c.key+":"+op.key))
			}
			o["categoryDimensions"] = []any{obj{"category": ref(b.uid("category", c.key)), "categoryOptions": refList(opts)}}
		}
		b.add("visualizations", o)
	}
	b.buildEventVisualizations()
	b.buildMaps()
	b.buildDashboards()
}

func (b *builder) buildSQLViews() {
	views := []struct{ key, name, desc, typ, query string }{
		{"ou_sans_coord", "Formations sanitaires sans coordonnées", "Formations sanitaires (niveau 4) dont la géométrie est vide", "VIEW",
			"select ou.uid, ou.code, ou.name from organisationunit ou where ou.hierarchylevel = 4 and ou.geometry is null order by ou.name"},
		{"valeurs_par_ds", "Nombre de valeurs saisies par mois", "Volume de données agrégées saisies par mois de période", "QUERY",
			"select to_char(pe.startdate, 'YYYY-MM') as mois, count(*) as valeurs from datavalue dv join period pe on pe.periodid = dv.periodid where dv.deleted = false group by 1 order by 1"},
	}
	for _, v := range views {
		b.add("sqlViews", obj{
			"id": b.uid("sqlView", v.key), "name": v.name, "description": v.desc, "type": v.typ, "sqlQuery": v.query,
			"cacheStrategy": "RESPECT_SYSTEM_SETTING",
			"sharing":       b.sharing("r-------", "national", "rw------"),
		})
	}
}

func dim(dimension string, items ...string) obj {
	its := make([]any, len(items))
	for i, it := range items {
		its[i] = obj{"id": it}
	}
	return obj{"dimension": dimension, "items": its}
}

func (b *builder) buildEventVisualizations() {
	t := b.w.trk
	country := b.uid("organisationUnit", "country")
	deDim := func(stage, code string) obj {
		o := dim(b.deUID(code))
		o["programStage"] = ref(t.stages[stage])
		return o
	}
	evs := []struct {
		key, fr, en, typ, program, stage, output string
		columns, rows, filters                   []obj
	}{
		{"liste_palu", "Liste des cas de paludisme notifiés", "Line list of notified malaria cases", "LINE_LIST", t.eventProgram, "E1", "EVENT",
			[]obj{dim("ou", "USER_ORGUNIT"), deDim("E1", "EVT_AGE"), deDim("E1", "EVT_SEXE"), deDim("E1", "EVT_TDR"), deDim("E1", "EVT_TRAIT"), deDim("E1", "EVT_ISSUE")},
			nil, []obj{dim("pe", "LAST_3_MONTHS")}},
		{"palu_tdr", "Cas notifiés par résultat du TDR et par mois", "Notified cases by RDT result and month", "PIVOT_TABLE", t.eventProgram, "E1", "EVENT",
			[]obj{deDim("E1", "EVT_TDR")}, []obj{dim("pe", "LAST_12_MONTHS")}, []obj{dim("ou", country)}},
		{"liste_cpn", "Femmes suivies - dernière CPN1", "Women followed up - latest ANC1", "LINE_LIST", t.program, "S1", "EVENT",
			[]obj{dim("ou", "USER_ORGUNIT"), deDim("S1", "TRK_AGE_GEST"), deDim("S1", "TRK_HB"), deDim("S1", "TRK_VIH")},
			nil, []obj{dim("pe", "LAST_12_MONTHS")}},
	}
	for _, e := range evs {
		toAny := func(l []obj) []any {
			out := make([]any, len(l))
			for i, o := range l {
				out[i] = o
			}
			return out
		}
		b.add("eventVisualizations", obj{
			"id": b.uid("eventVisualization", e.key), "name": e.fr, "description": e.fr, "type": e.typ,
			"program": ref(e.program), "programStage": ref(t.stages[e.stage]), "outputType": e.output,
			"columns": toAny(e.columns), "rows": toAny(e.rows), "filters": toAny(e.filters),
			"legacy": false, "showHierarchy": false, "hideEmptyRows": false, "completedOnly": false,
			"translations": tr("NAME", e.fr, e.en),
			"sharing":      b.sharing("r-------", "national", "rw------", "agents", "r-------"),
		})
	}
}

func (b *builder) buildMaps() {
	t := b.w.trk
	country := b.uid("organisationUnit", "country")
	views := map[string]obj{
		"palu_district": {"layer": "thematic", "name": "Cas de paludisme confirmés", "thematicMapType": "CHOROPLETH",
			"columns": []any{obj{"dimension": "dx", "items": []any{obj{"id": b.deUID("RMA_PALU_CONF"), "dimensionItemType": "DATA_ELEMENT"}}}},
			"rows":    []any{dim("ou", country, "LEVEL-3")}, "filters": []any{dim("pe", "LAST_12_MONTHS")},
			"classes": 5, "method": 2, "colorLow": "#ffffb2", "colorHigh": "#b10026", "opacity": 0.9, "renderingStrategy": "SINGLE"},
		"types": {"layer": "facility", "name": "Formations sanitaires",
			"organisationUnitGroupSet": ref(b.uid("organisationUnitGroupSet", "type")),
			"rows":                     []any{dim("ou", country, "LEVEL-4")}, "opacity": 1, "renderingStrategy": "SINGLE"},
		"cas_palu": {"layer": "event", "name": "Cas de paludisme notifiés", "program": ref(t.eventProgram), "programStage": ref(t.stages["E1"]),
			"rows": []any{dim("ou", country)}, "filters": []any{dim("pe", "LAST_3_MONTHS")},
			"eventClustering": true, "eventPointColor": "#e65100", "eventPointRadius": 6, "opacity": 0.8, "renderingStrategy": "SINGLE"},
	}
	maps := []struct{ key, fr, en, view string }{
		{"palu_district", "Paludisme confirmé par district sanitaire", "Confirmed malaria by health district", "palu_district"},
		{"types", "Formations sanitaires par type", "Health facilities by type", "types"},
		{"cas_palu", "Cas de paludisme notifiés (3 derniers mois)", "Notified malaria cases (last 3 months)", "cas_palu"},
	}
	lon, lat := b.cfg.lonLo+b.cfg.lonW/2, b.cfg.latLo+b.cfg.latH/2
	for _, m := range maps {
		v := views[m.view]
		v["id"] = b.uid("mapView", m.key)
		b.add("maps", obj{
			"id": b.uid("map", m.key), "name": m.fr, "description": m.fr, "basemap": "osmLight",
			"longitude": round6(lon), "latitude": round6(lat), "zoom": 6,
			"mapViews":     []any{v},
			"translations": tr("NAME", m.fr, m.en),
			"sharing":      b.sharing("r-------", "national", "rw------", "analystes", "r-------"),
		})
	}
}

// buildDashboards adds the dashboards; an item is [kind, key] where kind is
// visualization, map, eventVisualization or text (the item type DHIS2
// derives from the property that is set).
func (b *builder) buildDashboards() {
	dashboards := []struct {
		key, fr, en string
		items       [][2]string
	}{
		{"paludisme", "Paludisme", "Malaria", [][2]string{{"visualization", "palu_region"}, {"visualization", "palu_mois"},
			{"map", "palu_district"}, {"eventVisualization", "liste_palu"}, {"map", "cas_palu"}, {"eventVisualization", "palu_tdr"}}},
		{"mere_enfant", "Santé de la mère et de l'enfant", "Maternal and child health", [][2]string{{"text", "Indicateurs du rapport mensuel SR et du suivi prénatal individuel."},
			{"visualization", "cpn4_region"}, {"visualization", "acc_trim"}, {"visualization", "nv_sexe"}, {"visualization", "anc_pi"},
			{"eventVisualization", "liste_cpn"}}},
		{"pev_surveillance", "Vaccination et surveillance", "Immunisation and surveillance", [][2]string{{"visualization", "abandon"},
			{"visualization", "pev_district"}, {"visualization", "mdo_semaines"}, {"map", "types"}}},
		{"vih_tb", "VIH et tuberculose", "HIV and tuberculosis", [][2]string{{"visualization", "vih_tb"}}},
	}
	analyst := b.uid("user", "u3")
	for _, d := range dashboards {
		var items []any
		for i, it := range d.items {
			o := obj{"id": b.uid("dashboardItem", d.key+":"+it[1]), "x": (i % 2) * 29, "y": (i / 2) * 20,
				"width": 29, "height": 20, "shape": "NORMAL"}
			if it[0] == "text" {
				o["text"] = it[1]
			} else {
				o[it[0]] = ref(b.uid(it[0], it[1]))
			}
			items = append(items, o)
		}
		sh := b.sharing("r-------", "national", "rw------", "analystes", "r-------", "gestionnaires", "r-------")
		sh["users"] = obj{analyst: obj{"id": analyst, "access": "rw------"}}
		b.add("dashboards", obj{
			"id": b.uid("dashboard", d.key), "name": d.fr, "code": "DB_" + upper(d.key), "description": d.fr,
			"dashboardItems": items, "restrictFilters": false,
			"translations": tr("NAME", d.fr, d.en),
			"sharing":      sh,
		})
	}
}
