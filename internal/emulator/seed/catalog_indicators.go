package seed

// Expressions in this file name data elements by code and category option
// combos by "<combo key>:<option keys joined by +>"; build resolves them to
// UIDs: #{RMA_PALU_CONF.age5:lt5} becomes #{<de uid>.<coc uid>}. C{KEY}
// names a constant.

// indicatorTypeDef is an indicator type.
type indicatorTypeDef struct {
	key, fr, en string
	factor      int
	number      bool
}

var indicatorTypeCatalog = []indicatorTypeDef{
	{"pct", "Pourcentage", "Percentage", 100, false},
	{"pmille", "Pour mille", "Per thousand", 1000, false},
	{"p100k", "Pour 100 000", "Per 100,000", 100000, false},
	{"nombre", "Nombre", "Number", 1, true},
}

// indicatorDef is an indicator.
type indicatorDef struct {
	code, fr, frShort, en, enShort string
	typ, group, legend             string
	num, numDesc, den, denDesc     string
}

var indicatorCatalog = []indicatorDef{
	{"IND_PALU_TEST", "Proportion de cas suspects de paludisme testés", "Palu suspects testés (%)", "Proportion of suspected malaria cases tested", "Malaria suspects tested (%)", "pct", "palu", "couv", "#{RMA_PALU_TEST}", "Cas suspects testés", "#{RMA_PALU_SUSP}", "Cas suspects"},
	{"IND_PALU_POS", "Taux de positivité des tests du paludisme", "Palu taux de positivité", "Malaria test positivity rate", "Malaria positivity rate", "pct", "palu", "", "#{RMA_PALU_CONF}", "Cas confirmés", "#{RMA_PALU_TEST}", "Cas testés"},
	{"IND_PALU_CTA", "Proportion de cas de paludisme confirmés traités par CTA", "Palu confirmés traités CTA (%)", "Proportion of confirmed malaria cases treated with ACT", "Malaria treated with ACT (%)", "pct", "palu", "couv", "#{RMA_PALU_TRAIT}", "Cas traités par CTA", "#{RMA_PALU_CONF}", "Cas confirmés"},
	{"IND_PALU_GRAVE", "Proportion de paludisme grave parmi les cas confirmés", "Palu grave (%)", "Proportion of severe malaria among confirmed cases", "Severe malaria (%)", "pct", "palu", "", "#{RMA_PALU_GRAVE}", "Cas graves", "#{RMA_PALU_CONF}", "Cas confirmés"},
	{"IND_PALU_LT5", "Proportion de paludisme confirmé chez les moins de 5 ans", "Palu confirmé < 5 ans (%)", "Proportion of confirmed malaria in children under 5", "Confirmed malaria under 5 (%)", "pct", "palu", "", "#{RMA_PALU_CONF.age5:lt5}", "Cas confirmés de moins de 5 ans", "#{RMA_PALU_CONF}", "Cas confirmés"},
	{"IND_PNEUMO_IRA", "Proportion de pneumonies parmi les IRA des moins de 5 ans", "Pneumonies parmi IRA (%)", "Proportion of pneumonia among ARI in children under 5", "Pneumonia among ARI (%)", "pct", "morb", "", "#{RMA_PNEUMO}", "Pneumonies", "#{RMA_IRA}", "IRA"},
	{"IND_CONS_JOUR", "Consultations curatives par jour ouvrable", "Consultations par jour", "Curative consultations per working day", "Consultations per day", "nombre", "morb", "", "#{RMA_CONS}", "Consultations curatives", "C{JOURS_OUVRABLES}", "Jours ouvrables par mois"},
	{"IND_CONS_F", "Proportion de femmes parmi les consultants", "Consultantes (%)", "Proportion of women among patients", "Female patients (%)", "pct", "morb", "", "#{RMA_CONS.sexe:f}", "Consultations de femmes", "#{RMA_CONS}", "Consultations"},
	{"IND_CPN4", "Taux d'achèvement de la CPN4", "Achèvement CPN4 (%)", "ANC4 completion rate", "ANC4 completion (%)", "pct", "sr", "couv", "#{SR_CPN4}", "CPN4 et plus", "#{SR_CPN1}", "CPN1"},
	{"IND_CPN1_T1", "Proportion de CPN1 réalisées au premier trimestre", "CPN1 précoces (%)", "Proportion of ANC1 in the first trimester", "Early ANC1 (%)", "pct", "sr", "couv", "#{SR_CPN1_T1}", "CPN1 au premier trimestre", "#{SR_CPN1}", "CPN1"},
	{"IND_TPI3", "Proportion de femmes enceintes ayant reçu le TPI3", "TPI3 (%)", "Proportion of pregnant women who received IPTp3", "IPTp3 (%)", "pct", "palu", "couv", "#{SR_TPI3}", "TPI3", "#{SR_CPN1}", "CPN1"},
	{"IND_CES", "Taux de césarienne", "Césariennes (%)", "Caesarean section rate", "Caesareans (%)", "pct", "sr", "", "#{SR_CES}", "Césariennes", "#{SR_ACC}", "Accouchements assistés"},
	{"IND_MORTINAT", "Taux de mortinatalité", "Mortinatalité (‰)", "Stillbirth rate", "Stillbirth rate (‰)", "pmille", "sr", "", "#{SR_MN}", "Mort-nés", "#{SR_NV}+#{SR_MN}", "Naissances totales"},
	{"IND_DECMAT", "Ratio de mortalité maternelle institutionnelle", "Mortalité maternelle (/100 000 NV)", "Institutional maternal mortality ratio", "Maternal mortality (/100,000 LB)", "p100k", "sr", "", "#{SR_DECMAT}", "Décès maternels", "#{SR_NV}", "Naissances vivantes"},
	{"IND_CPON", "Taux de consultation postnatale", "Consultations postnatales (%)", "Postnatal consultation rate", "Postnatal consultations (%)", "pct", "sr", "couv", "#{SR_CPON}", "Consultations postnatales", "#{SR_ACC}", "Accouchements assistés"},
	{"IND_PTME_POS", "Taux de séropositivité chez les femmes enceintes", "Séropositivité femmes enceintes (%)", "HIV positivity among pregnant women", "HIV positivity pregnant women (%)", "pct", "vihtb", "", "#{SR_VIH_POS}", "Femmes enceintes positives", "#{SR_VIH_TEST}", "Femmes enceintes testées"},
	{"IND_ABANDON_P1P3", "Taux d'abandon Penta 1 - Penta 3", "Abandon Penta1-Penta3 (%)", "Penta 1 to Penta 3 dropout rate", "Penta1-Penta3 dropout (%)", "pct", "pev", "abandon", "#{PEV_PENTA1}-#{PEV_PENTA3}", "Penta 1 moins Penta 3", "#{PEV_PENTA1}", "Penta 1"},
	{"IND_ABANDON_P1RR1", "Taux d'abandon Penta 1 - RR 1", "Abandon Penta1-RR1 (%)", "Penta 1 to MR 1 dropout rate", "Penta1-MR1 dropout (%)", "pct", "pev", "abandon", "#{PEV_PENTA1}-#{PEV_RR1}", "Penta 1 moins RR 1", "#{PEV_PENTA1}", "Penta 1"},
	{"IND_PEV_AVANCEE", "Proportion de Penta 1 administrés en stratégie avancée", "Penta 1 stratégie avancée (%)", "Proportion of Penta 1 given in outreach", "Penta 1 outreach (%)", "pct", "pev", "", "#{PEV_PENTA1.vaccin:0_11+avancee}+#{PEV_PENTA1.vaccin:12_23+avancee}", "Penta 1 en stratégie avancée", "#{PEV_PENTA1}", "Penta 1"},
	{"IND_PEV_RATTRAP", "Proportion de Penta 1 administrés en rattrapage (12 à 23 mois)", "Penta 1 rattrapage (%)", "Proportion of Penta 1 given as catch-up (12 to 23 months)", "Penta 1 catch-up (%)", "pct", "pev", "", "#{PEV_PENTA1.vaccin:12_23+fixe}+#{PEV_PENTA1.vaccin:12_23+avancee}", "Penta 1 à 12-23 mois", "#{PEV_PENTA1}", "Penta 1"},
	{"IND_VIH_POS", "Taux de positivité du dépistage du VIH", "Positivité VIH (%)", "HIV testing positivity rate", "HIV positivity (%)", "pct", "vihtb", "", "#{VIH_POS}", "Personnes positives", "#{VIH_TEST}", "Personnes testées"},
	{"IND_VIH_POS_F", "Taux de positivité du dépistage du VIH chez les femmes", "Positivité VIH femmes (%)", "HIV testing positivity rate among women", "HIV positivity women (%)", "pct", "vihtb", "", "#{VIH_POS.sexe:f}", "Femmes positives", "#{VIH_TEST.sexe:f}", "Femmes testées"},
	{"IND_VIH_ARV", "Proportion de nouveaux séropositifs mis sous ARV", "Nouveaux positifs sous ARV (%)", "Proportion of newly diagnosed people started on ART", "New positives on ART (%)", "pct", "vihtb", "couv", "#{VIH_ARV}", "Nouveaux patients sous ARV", "#{VIH_POS}", "Personnes positives"},
	{"IND_TB_BK", "Proportion de tuberculose pulmonaire bactériologiquement confirmée", "TB confirmée (%)", "Proportion of bacteriologically confirmed pulmonary TB", "Confirmed TB (%)", "pct", "vihtb", "", "#{TB_BK}", "TB pulmonaire confirmée", "#{TB_NOTIF}", "Cas de TB notifiés"},
	{"IND_TB_SUCCES", "Taux de succès thérapeutique de la tuberculose", "Succès thérapeutique TB (%)", "Tuberculosis treatment success rate", "TB treatment success (%)", "pct", "vihtb", "couv", "#{TB_SUCCES}", "Patients traités avec succès", "#{TB_NOTIF}", "Cas de TB notifiés"},
	{"IND_MEN_LETAL", "Taux de létalité de la méningite", "Létalité méningite (%)", "Meningitis case fatality rate", "Meningitis CFR (%)", "pct", "surv", "", "#{MDO_MEN_DEC}", "Décès par méningite", "#{MDO_MEN_CAS}", "Cas de méningite"},
}

var indicatorGroupCatalog = []groupDef{
	{"palu", "Paludisme", "Malaria", "IG_PALU"},
	{"morb", "Consultations et morbidité", "Consultations and morbidity", "IG_MORBIDITE"},
	{"sr", "Santé de la mère et du nouveau-né", "Maternal and newborn health", "IG_SMN"},
	{"pev", "Vaccination", "Immunisation", "IG_PEV"},
	{"vihtb", "VIH et tuberculose", "HIV and tuberculosis", "IG_VIH_TB"},
	{"surv", "Surveillance épidémiologique", "Disease surveillance", "IG_SURVEILLANCE"},
}

// legendSetDef is a legend set; legends are [name FR, start, end, colour].
type legendSetDef struct {
	key, fr, en, code string
	legends           []legendDef
}

type legendDef struct {
	fr         string
	start, end float64
	color      string
}

var legendSetCatalog = []legendSetDef{
	{"couv", "Couverture (%)", "Coverage (%)", "LS_COUVERTURE", []legendDef{
		{"Faible (moins de 50 %)", 0, 50, "#d7191c"}, {"Moyenne (50 à 80 %)", 50, 80, "#fdae61"},
		{"Bonne (80 à 100 %)", 80, 100, "#1a9641"}, {"Supérieure à 100 %", 100, 1000, "#2b83ba"}}},
	{"abandon", "Taux d'abandon (%)", "Dropout rate (%)", "LS_ABANDON", []legendDef{
		{"Négatif (à vérifier)", -1000, 0, "#9e9e9e"}, {"Acceptable (moins de 10 %)", 0, 10, "#1a9641"},
		{"À surveiller (10 à 20 %)", 10, 20, "#fdae61"}, {"Élevé (20 % et plus)", 20, 100, "#d7191c"}}},
	{"hb", "Hémoglobine (g/dl)", "Haemoglobin (g/dl)", "LS_HEMOGLOBINE", []legendDef{
		{"Anémie sévère", 0, 7, "#b2182b"}, {"Anémie modérée", 7, 10, "#ef8a62"},
		{"Anémie légère", 10, 11, "#fddbc7"}, {"Normal", 11, 25, "#67a9cf"}}},
	{"cas", "Nombre de cas", "Number of cases", "LS_NOMBRE_CAS", []legendDef{
		{"Aucun cas", 0, 1, "#ffffcc"}, {"1 à 4 cas", 1, 5, "#fed976"},
		{"5 à 19 cas", 5, 20, "#fd8d3c"}, {"20 cas et plus", 20, 1000000, "#bd0026"}}},
}

// validationRuleDef is a validation rule; sides are expressions.
type validationRuleDef struct {
	code, fr, en, importance, operator, periodType, group string
	left, leftDesc, right, rightDesc                      string
}

var validationRuleCatalog = []validationRuleDef{
	{"VR_SR_CPN4", "CPN4 inférieures ou égales aux CPN1", "ANC4 less than or equal to ANC1", "HIGH", "less_than_or_equal_to", "Monthly", "sr", "#{SR_CPN4}", "CPN4 et plus", "#{SR_CPN1}", "CPN1"},
	{"VR_SR_CPN1_T1", "CPN1 au premier trimestre inférieures ou égales aux CPN1", "ANC1 in first trimester less than or equal to ANC1", "MEDIUM", "less_than_or_equal_to", "Monthly", "sr", "#{SR_CPN1_T1}", "CPN1 au premier trimestre", "#{SR_CPN1}", "CPN1"},
	{"VR_SR_TPI3", "TPI3 inférieurs ou égaux aux CPN1", "IPTp3 less than or equal to ANC1", "MEDIUM", "less_than_or_equal_to", "Monthly", "sr", "#{SR_TPI3}", "TPI3", "#{SR_CPN1}", "CPN1"},
	{"VR_SR_PTME", "Femmes enceintes positives au VIH inférieures ou égales aux femmes testées", "HIV-positive pregnant women less than or equal to women tested", "HIGH", "less_than_or_equal_to", "Monthly", "sr", "#{SR_VIH_POS}", "Femmes positives", "#{SR_VIH_TEST}", "Femmes testées"},
	{"VR_SR_CES", "Césariennes inférieures ou égales aux accouchements assistés", "Caesareans less than or equal to skilled deliveries", "HIGH", "less_than_or_equal_to", "Monthly", "sr", "#{SR_CES}", "Césariennes", "#{SR_ACC}", "Accouchements assistés"},
	{"VR_SR_NV", "Naissances vivantes cohérentes avec les accouchements (grossesses multiples incluses)", "Live births consistent with deliveries (multiple births included)", "MEDIUM", "less_than_or_equal_to", "Monthly", "sr", "#{SR_NV}", "Naissances vivantes", "#{SR_ACC}*1.1", "Accouchements assistés majorés de 10 %"},
	{"VR_SR_DECMAT", "Décès maternels inférieurs ou égaux aux accouchements assistés", "Maternal deaths less than or equal to skilled deliveries", "HIGH", "less_than_or_equal_to", "Monthly", "sr", "#{SR_DECMAT}", "Décès maternels", "#{SR_ACC}", "Accouchements assistés"},
	{"VR_PALU_TEST", "Cas de paludisme testés inférieurs ou égaux aux cas suspects", "Malaria cases tested less than or equal to suspected cases", "HIGH", "less_than_or_equal_to", "Monthly", "palu", "#{RMA_PALU_TEST}", "Cas testés", "#{RMA_PALU_SUSP}", "Cas suspects"},
	{"VR_PALU_CONF", "Cas de paludisme confirmés inférieurs ou égaux aux cas testés", "Confirmed malaria cases less than or equal to cases tested", "HIGH", "less_than_or_equal_to", "Monthly", "palu", "#{RMA_PALU_CONF}", "Cas confirmés", "#{RMA_PALU_TEST}", "Cas testés"},
	{"VR_PALU_GRAVE", "Cas de paludisme grave inférieurs ou égaux aux cas confirmés", "Severe malaria cases less than or equal to confirmed cases", "MEDIUM", "less_than_or_equal_to", "Monthly", "palu", "#{RMA_PALU_GRAVE}", "Cas graves", "#{RMA_PALU_CONF}", "Cas confirmés"},
	{"VR_PEV_PENTA", "Penta 3 inférieurs ou égaux aux Penta 1", "Penta 3 less than or equal to Penta 1", "MEDIUM", "less_than_or_equal_to", "Monthly", "autres", "#{PEV_PENTA3}", "Penta 3", "#{PEV_PENTA1}", "Penta 1"},
	{"VR_VIH_POS", "Personnes positives au VIH inférieures ou égales aux personnes testées", "HIV-positive people less than or equal to people tested", "HIGH", "less_than_or_equal_to", "Quarterly", "autres", "#{VIH_POS}", "Personnes positives", "#{VIH_TEST}", "Personnes testées"},
	{"VR_TB_BK", "TB confirmée inférieure ou égale aux cas de TB notifiés", "Confirmed TB less than or equal to notified TB cases", "MEDIUM", "less_than_or_equal_to", "Quarterly", "autres", "#{TB_BK}", "TB confirmée", "#{TB_NOTIF}", "Cas notifiés"},
	{"VR_MDO_MEN", "Décès par méningite inférieurs ou égaux aux cas de méningite", "Meningitis deaths less than or equal to meningitis cases", "HIGH", "less_than_or_equal_to", "Weekly", "autres", "#{MDO_MEN_DEC}", "Décès", "#{MDO_MEN_CAS}", "Cas"},
}

var validationRuleGroupCatalog = []groupDef{
	{"sr", "Cohérence - Santé de la reproduction", "Consistency - Reproductive health", "VRG_SR"},
	{"palu", "Cohérence - Paludisme", "Consistency - Malaria", "VRG_PALU"},
	{"autres", "Cohérence - Vaccination, VIH, tuberculose et surveillance", "Consistency - Immunisation, HIV, TB and surveillance", "VRG_AUTRES"},
}
