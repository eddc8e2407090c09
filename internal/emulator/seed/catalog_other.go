package seed

// optionSetDef is an option set; options are code, French and English names.
type optionSetDef struct {
	key, fr, en, code, vt string
	options               [][3]string
}

var optionSetCatalog = []optionSetDef{
	{"sexe", "Sexe", "Sex", "OS_SEXE", vtText, [][3]string{{"M", "Masculin", "Male"}, {"F", "Féminin", "Female"}}},
	{"eau", "Source d'approvisionnement en eau", "Water supply source", "OS_SOURCE_EAU", vtText, [][3]string{
		{"RESEAU", "Réseau public", "Public network"}, {"FORAGE", "Forage", "Borehole"},
		{"PUITS", "Puits", "Well"}, {"AUCUNE", "Aucune source aménagée", "No improved source"}}},
	{"vih", "Résultat du test VIH", "HIV test result", "OS_RESULTAT_VIH", vtText, [][3]string{
		{"NEG", "Négatif", "Negative"}, {"POS", "Positif", "Positive"},
		{"IND", "Indéterminé", "Indeterminate"}, {"NON_FAIT", "Non fait", "Not done"}}},
	{"gs", "Groupe sanguin", "Blood group", "OS_GROUPE_SANGUIN", vtText, [][3]string{
		{"O_POS", "O positif", "O positive"}, {"O_NEG", "O négatif", "O negative"},
		{"A_POS", "A positif", "A positive"}, {"A_NEG", "A négatif", "A negative"},
		{"B_POS", "B positif", "B positive"}, {"B_NEG", "B négatif", "B negative"},
		{"AB_POS", "AB positif", "AB positive"}, {"AB_NEG", "AB négatif", "AB negative"}}},
	{"tpi", "Dose de TPI", "IPTp dose", "OS_DOSE_TPI", vtText, [][3]string{
		{"TPI1", "TPI 1", "IPTp 1"}, {"TPI2", "TPI 2", "IPTp 2"}, {"TPI3", "TPI 3", "IPTp 3"},
		{"TPI4", "TPI 4 et plus", "IPTp 4 or more"}, {"AUCUNE", "Aucune dose", "No dose"}}},
	{"modeacc", "Mode d'accouchement", "Mode of delivery", "OS_MODE_ACCOUCHEMENT", vtText, [][3]string{
		{"VOIE_BASSE", "Voie basse", "Vaginal delivery"}, {"CESARIENNE", "Césarienne", "Caesarean section"},
		{"INSTRUMENTAL", "Extraction instrumentale", "Instrumental delivery"}}},
	{"issue", "Issue de la grossesse", "Pregnancy outcome", "OS_ISSUE_GROSSESSE", vtText, [][3]string{
		{"NV", "Naissance vivante", "Live birth"}, {"MNF", "Mort-né frais", "Fresh stillbirth"},
		{"MNM", "Mort-né macéré", "Macerated stillbirth"}}},
	{"tdr", "Résultat du TDR paludisme", "Malaria RDT result", "OS_RESULTAT_TDR", vtText, [][3]string{
		{"PF", "Positif P. falciparum", "Positive P. falciparum"}, {"PNF", "Positif autre espèce", "Positive other species"},
		{"NEG", "Négatif", "Negative"}}},
	{"trait", "Traitement antipaludique", "Antimalarial treatment", "OS_TRAITEMENT_PALU", vtText, [][3]string{
		{"CTA", "CTA", "ACT"}, {"ARTESUNATE", "Artésunate injectable", "Injectable artesunate"},
		{"QUININE", "Quinine", "Quinine"}, {"AUCUN", "Aucun traitement", "No treatment"}}},
	{"issuecas", "Issue du cas", "Case outcome", "OS_ISSUE_CAS", vtText, [][3]string{
		{"GUERI", "Guéri", "Cured"}, {"REFERE", "Référé", "Referred"},
		{"DECEDE", "Décédé", "Died"}, {"PERDU", "Perdu de vue", "Lost to follow-up"}}},
}

// groupDef is a named group (data element, indicator, org unit group…).
type groupDef struct{ key, fr, en, code string }

var deGroupCatalog = []groupDef{
	{"palu", "Paludisme", "Malaria", "DEG_PALU"},
	{"morb", "Morbidité générale", "General morbidity", "DEG_MORBIDITE"},
	{"sr", "Santé de la reproduction", "Reproductive health", "DEG_SR"},
	{"pev", "Vaccination", "Immunisation", "DEG_PEV"},
	{"surv", "Surveillance épidémiologique", "Disease surveillance", "DEG_SURVEILLANCE"},
	{"vih", "VIH", "HIV", "DEG_VIH"},
	{"tb", "Tuberculose", "Tuberculosis", "DEG_TB"},
	{"res", "Ressources et logistique", "Resources and logistics", "DEG_RESSOURCES"},
	{"trk", "Suivi prénatal individuel", "Individual antenatal follow-up", "DEG_SUIVI_PRENATAL"},
	{"evt", "Notification des cas de paludisme", "Malaria case notification", "DEG_NOTIF_PALU"},
}

// deGroupSetCatalog lists group sets with the keys of their groups.
var deGroupSetCatalog = []struct {
	groupDef
	groups []string
}{
	{groupDef{"programme", "Programme de santé", "Health programme", "DEGS_PROGRAMME"}, []string{"palu", "morb", "sr", "pev", "surv", "vih", "tb"}},
	{groupDef{"source", "Source des données", "Data source", "DEGS_SOURCE"}, []string{"res", "trk", "evt"}},
}

// dataSetDef is a data set.
type dataSetDef struct {
	key, fr, frShort, en, code string
	periodType                 string
	attrCombo                  string // attribute category combo key ("" = default)
	types                      facMask
	siteShare                  float64 // share of the eligible facilities assigned (1 = all)
	reportRate                 float64 // mean reporting completeness
	sections                   [][3]string
	sectionDEs                 [][]string
	expiryDays, timelyDays     int
	openFuture                 int
}

var dataSetCatalog = []dataSetDef{
	{key: "rma", fr: "Rapport mensuel d'activités des formations sanitaires", frShort: "Rapport mensuel d'activités", en: "Health facility monthly activity report", code: "DS_RMA",
		periodType: "Monthly", types: maskReporting, siteShare: 1, reportRate: 0.86, expiryDays: 15, timelyDays: 10,
		sections: [][3]string{{"morb", "Consultations et morbidité", "Consultations and morbidity"}, {"palu", "Paludisme", "Malaria"}, {"res", "Ressources et logistique", "Resources and logistics"}},
		sectionDEs: [][]string{
			{"RMA_CONS", "RMA_DIARRH", "RMA_IRA", "RMA_PNEUMO", "RMA_MAS", "RMA_HTA", "RMA_DIAB", "RMA_DECES", "RMA_REF"},
			{"RMA_PALU_SUSP", "RMA_PALU_TEST", "RMA_PALU_CONF", "RMA_PALU_TRAIT", "RMA_PALU_GRAVE"},
			{"RMA_RUPT_TDR", "RMA_RUPT_CTA", "RMA_ELEC", "RMA_EAU", "RMA_PERS", "RMA_OBS"}}},
	{key: "sr", fr: "Santé de la reproduction - rapport mensuel", frShort: "Santé de la reproduction", en: "Reproductive health - monthly report", code: "DS_SR",
		periodType: "Monthly", types: maskMaternity, siteShare: 0.5, reportRate: 0.88, expiryDays: 15, timelyDays: 10,
		sections: [][3]string{{"cpn", "Consultations prénatales", "Antenatal care"}, {"acc", "Accouchements et post-partum", "Deliveries and postpartum"}, {"pf", "Planification familiale", "Family planning"}},
		sectionDEs: [][]string{
			{"SR_CPN1", "SR_CPN1_T1", "SR_CPN4", "SR_TPI3", "SR_VIH_TEST", "SR_VIH_POS"},
			{"SR_ACC", "SR_CES", "SR_NV", "SR_MN", "SR_DECMAT", "SR_CPON"},
			{"SR_PF_PIL", "SR_PF_INJ", "SR_PF_IMP"}}},
	{key: "pev", fr: "Programme élargi de vaccination - rapport mensuel", frShort: "Vaccination (PEV)", en: "Expanded programme on immunisation - monthly report", code: "DS_PEV",
		periodType: "Monthly", types: maskOf(ftCM, ftCS, ftCSC, ftHD), siteShare: 0.5, reportRate: 0.9, expiryDays: 15, timelyDays: 10,
		sections: [][3]string{{"enf", "Vaccination des enfants", "Child immunisation"}, {"fe", "Femmes enceintes et sécurité vaccinale", "Pregnant women and vaccine safety"}},
		sectionDEs: [][]string{
			{"PEV_BCG", "PEV_PENTA1", "PEV_PENTA3", "PEV_VPO3", "PEV_PCV3", "PEV_ROTA2", "PEV_RR1", "PEV_VAA"},
			{"PEV_TD2", "PEV_MAPI"}}},
	{key: "mdo", fr: "Surveillance hebdomadaire des maladies à déclaration obligatoire", frShort: "Surveillance hebdomadaire MDO", en: "Weekly surveillance of notifiable diseases", code: "DS_MDO",
		periodType: "Weekly", types: maskHospital, siteShare: 1, reportRate: 0.85, expiryDays: 7, timelyDays: 2,
		sections:   [][3]string{{"cas", "Cas et décès", "Cases and deaths"}},
		sectionDEs: [][]string{{"MDO_MEN_CAS", "MDO_MEN_DEC", "MDO_ROUG_CAS", "MDO_ROUG_DEC", "MDO_CHOL_CAS", "MDO_CHOL_DEC", "MDO_PFA", "MDO_FJ"}}},
	{key: "vihtb", fr: "VIH et tuberculose - rapport trimestriel", frShort: "VIH et tuberculose", en: "HIV and tuberculosis - quarterly report", code: "DS_VIH_TB",
		periodType: "Quarterly", attrCombo: "fin", types: maskOf(ftCHU, ftCHR, ftHD, ftCM, ftCSC, ftCS), siteShare: 0.35, reportRate: 0.9, expiryDays: 30, timelyDays: 15,
		sections:   [][3]string{{"vih", "VIH", "HIV"}, {"tb", "Tuberculose", "Tuberculosis"}},
		sectionDEs: [][]string{{"VIH_TEST", "VIH_POS", "VIH_ARV", "VIH_FA"}, {"TB_NOTIF", "TB_BK", "TB_VIH", "TB_SUCCES", "TB_DEC"}}},
}
