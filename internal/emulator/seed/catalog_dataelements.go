package seed

// genKind says how the values of an aggregate data element are generated.
type genKind int

const (
	genNone     genKind = iota // no aggregate values (tracker, event or predictor output)
	genCount                   // Poisson count from the facility population and a monthly rate
	genDerived                 // binomial share of another data element of the same report
	genStockout                // days of stock-out: mostly 0, sometimes 1 to 20
	genBool                    // "true" most of the time
	genOption                  // one option code, stable per facility
	genText                    // occasional free-text comment
	genStaff                   // staff count, stable per facility
)

// genSpec is the value model of an aggregate data element.
type genSpec struct {
	kind    genKind
	rate    float64   // genCount: mean per 1,000 inhabitants per month
	parent  string    // genDerived: code of the parent data element (earlier in the same data set)
	lo, hi  float64   // genDerived: range of the ratio to the parent
	fill    float64   // probability that the element is filled in a report (0 means 0.97)
	types   facMask   // facility types that report it (0 means every type assigned to the data set)
	season  bool      // malaria seasonality (peak from July to October)
	quarter bool      // filled only in the last month of each quarter
	shares  []float64 // share of each category option combo (nil: product of option shares)
}

func count(rate float64) genSpec { return genSpec{kind: genCount, rate: rate} }
func derived(parent string, lo, hi float64) genSpec {
	return genSpec{kind: genDerived, parent: parent, lo: lo, hi: hi}
}
func (g genSpec) fillRate(f float64) genSpec { g.fill = f; return g }
func (g genSpec) only(m facMask) genSpec     { g.types = m; return g }
func (g genSpec) seasonal() genSpec          { g.season = true; return g }
func (g genSpec) quarterly() genSpec         { g.quarter = true; return g }
func (g genSpec) split(s ...float64) genSpec { g.shares = s; return g }
func gen(k genKind, fill float64) genSpec    { return genSpec{kind: k, fill: fill} }

// deDef is a data element of the catalog.
type deDef struct {
	code, fr, frShort, en, enShort string
	vt                             string // value type
	combo                          string // category combo key ("" = default)
	ds                             string // data set key (aggregate elements only)
	group                          string // data element group key
	optSet                         string // option set key
	legend                         string // legend set key
	tracker                        bool   // domain TRACKER
	zeroSig                        bool
	gen                            genSpec
}

const (
	vtInt0   = "INTEGER_ZERO_OR_POSITIVE"
	vtIntPos = "INTEGER_POSITIVE"
	vtNumber = "NUMBER"
	vtText   = "TEXT"
	vtLong   = "LONG_TEXT"
	vtBool   = "BOOLEAN"
	vtTrue   = "TRUE_ONLY"
	vtDate   = "DATE"
)

// dataElementCatalog lists every data element. Within a data set, parents of
// derived elements come first.
var dataElementCatalog = []deDef{
	// Rapport mensuel d'activités (RMA).
	{code: "RMA_CONS", fr: "Consultations curatives - nouveaux cas", frShort: "Consultations curatives NC", en: "Curative consultations - new cases", enShort: "Curative consultations NC", vt: vtInt0, combo: "sexe", ds: "rma", group: "morb", gen: count(38)},
	{code: "RMA_PALU_SUSP", fr: "Paludisme - cas suspects", frShort: "Palu cas suspects", en: "Malaria - suspected cases", enShort: "Malaria suspected", vt: vtInt0, ds: "rma", group: "palu", gen: count(13).seasonal()},
	{code: "RMA_PALU_TEST", fr: "Paludisme - cas suspects testés (TDR ou GE)", frShort: "Palu cas testés", en: "Malaria - suspected cases tested (RDT or microscopy)", enShort: "Malaria tested", vt: vtInt0, ds: "rma", group: "palu", gen: derived("RMA_PALU_SUSP", 0.86, 0.99)},
	{code: "RMA_PALU_CONF", fr: "Paludisme - cas confirmés", frShort: "Palu cas confirmés", en: "Malaria - confirmed cases", enShort: "Malaria confirmed", vt: vtInt0, combo: "age5", ds: "rma", group: "palu", gen: derived("RMA_PALU_TEST", 0.45, 0.75).split(0.38, 0.62)},
	{code: "RMA_PALU_TRAIT", fr: "Paludisme - cas confirmés traités par CTA", frShort: "Palu traités CTA", en: "Malaria - confirmed cases treated with ACT", enShort: "Malaria treated ACT", vt: vtInt0, ds: "rma", group: "palu", gen: derived("RMA_PALU_CONF", 0.88, 1)},
	{code: "RMA_PALU_GRAVE", fr: "Paludisme grave - cas", frShort: "Palu grave", en: "Severe malaria - cases", enShort: "Severe malaria", vt: vtInt0, ds: "rma", group: "palu", gen: derived("RMA_PALU_CONF", 0.02, 0.07)},
	{code: "RMA_DIARRH", fr: "Diarrhée chez les moins de 5 ans - cas", frShort: "Diarrhée < 5 ans", en: "Diarrhoea in children under 5 - cases", enShort: "Diarrhoea under 5", vt: vtInt0, ds: "rma", group: "morb", gen: count(3.2).fillRate(0.8)},
	{code: "RMA_IRA", fr: "Infections respiratoires aiguës chez les moins de 5 ans - cas", frShort: "IRA < 5 ans", en: "Acute respiratory infections in children under 5 - cases", enShort: "ARI under 5", vt: vtInt0, ds: "rma", group: "morb", gen: count(4.5).fillRate(0.8)},
	{code: "RMA_PNEUMO", fr: "Pneumonie chez les moins de 5 ans - cas", frShort: "Pneumonie < 5 ans", en: "Pneumonia in children under 5 - cases", enShort: "Pneumonia under 5", vt: vtInt0, ds: "rma", group: "morb", gen: derived("RMA_IRA", 0.1, 0.3).fillRate(0.8)},
	{code: "RMA_MAS", fr: "Malnutrition aiguë sévère - nouveaux cas", frShort: "MAS nouveaux cas", en: "Severe acute malnutrition - new cases", enShort: "SAM new cases", vt: vtInt0, ds: "rma", group: "morb", gen: count(0.25).fillRate(0.85).only(maskOf(ftCM, ftHD, ftCHR))},
	{code: "RMA_HTA", fr: "Hypertension artérielle - cas", frShort: "HTA cas", en: "Hypertension - cases", enShort: "Hypertension", vt: vtInt0, combo: "sexe", ds: "rma", group: "morb", gen: count(1.1).fillRate(0.8).only(maskHospital)},
	{code: "RMA_DIAB", fr: "Diabète - cas", frShort: "Diabète cas", en: "Diabetes - cases", enShort: "Diabetes", vt: vtInt0, combo: "sexe", ds: "rma", group: "morb", gen: count(0.45).fillRate(0.8).only(maskHospital)},
	{code: "RMA_DECES", fr: "Décès dans la formation sanitaire", frShort: "Décès formation sanitaire", en: "Deaths in the health facility", enShort: "Facility deaths", vt: vtInt0, combo: "sexe", ds: "rma", group: "morb", gen: count(0.03)},
	{code: "RMA_REF", fr: "Patients référés vers un niveau supérieur", frShort: "Références", en: "Patients referred to a higher level", enShort: "Referrals", vt: vtInt0, ds: "rma", group: "morb", gen: count(0.7).fillRate(0.6).only(maskPrimary)},
	{code: "RMA_RUPT_TDR", fr: "Jours de rupture de stock de TDR paludisme", frShort: "Jours rupture TDR", en: "Days out of stock of malaria RDTs", enShort: "RDT stock-out days", vt: vtInt0, ds: "rma", group: "res", zeroSig: true, gen: gen(genStockout, 0.6)},
	{code: "RMA_RUPT_CTA", fr: "Jours de rupture de stock de CTA", frShort: "Jours rupture CTA", en: "Days out of stock of ACT", enShort: "ACT stock-out days", vt: vtInt0, ds: "rma", group: "res", zeroSig: true, gen: gen(genStockout, 0.4)},
	{code: "RMA_ELEC", fr: "Électricité disponible durant tout le trimestre (fin de trimestre)", frShort: "Électricité disponible", en: "Electricity available throughout the quarter (end of quarter)", enShort: "Electricity available", vt: vtBool, ds: "rma", group: "res", gen: gen(genBool, 0.9).quarterly()},
	{code: "RMA_EAU", fr: "Source principale d'approvisionnement en eau (fin de trimestre)", frShort: "Source d'eau", en: "Main water supply source (end of quarter)", enShort: "Water source", vt: vtText, optSet: "eau", ds: "rma", group: "res", gen: gen(genOption, 0.85).quarterly()},
	{code: "RMA_PERS", fr: "Personnel de santé qualifié en poste (fin de trimestre)", frShort: "Personnel qualifié", en: "Qualified health staff in post (end of quarter)", enShort: "Qualified staff", vt: vtIntPos, ds: "rma", group: "res", gen: gen(genStaff, 0.85).quarterly()},
	{code: "RMA_OBS", fr: "Observations du responsable de la formation sanitaire", frShort: "Observations du responsable", en: "Comments from the head of the health facility", enShort: "Facility head comments", vt: vtLong, ds: "rma", group: "res", gen: gen(genText, 0.04)},

	// Santé de la reproduction (SR).
	{code: "SR_CPN1", fr: "Consultations prénatales - CPN1", frShort: "CPN1", en: "Antenatal care - first visit", enShort: "ANC1", vt: vtInt0, ds: "sr", group: "sr", gen: count(3.3)},
	{code: "SR_CPN1_T1", fr: "CPN1 au premier trimestre de grossesse", frShort: "CPN1 premier trimestre", en: "ANC1 in the first trimester", enShort: "ANC1 first trimester", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_CPN1", 0.2, 0.45).fillRate(0.7)},
	{code: "SR_CPN4", fr: "Consultations prénatales - CPN4 et plus", frShort: "CPN4 et plus", en: "Antenatal care - fourth visit or more", enShort: "ANC4+", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_CPN1", 0.45, 0.75)},
	{code: "SR_TPI3", fr: "Femmes enceintes ayant reçu le TPI3", frShort: "TPI3", en: "Pregnant women who received IPTp3", enShort: "IPTp3", vt: vtInt0, ds: "sr", group: "palu", gen: derived("SR_CPN1", 0.35, 0.65).fillRate(0.9)},
	{code: "SR_VIH_TEST", fr: "Femmes enceintes testées pour le VIH (PTME)", frShort: "PTME femmes testées", en: "Pregnant women tested for HIV (PMTCT)", enShort: "PMTCT tested", vt: vtInt0, ds: "sr", group: "vih", gen: derived("SR_CPN1", 0.7, 0.95).fillRate(0.9)},
	{code: "SR_VIH_POS", fr: "Femmes enceintes séropositives (PTME)", frShort: "PTME femmes positives", en: "HIV-positive pregnant women (PMTCT)", enShort: "PMTCT positive", vt: vtInt0, ds: "sr", group: "vih", gen: derived("SR_VIH_TEST", 0.005, 0.025)},
	{code: "SR_ACC", fr: "Accouchements assistés par un personnel qualifié", frShort: "Accouchements assistés", en: "Deliveries assisted by skilled personnel", enShort: "Skilled deliveries", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_CPN1", 0.6, 0.95)},
	{code: "SR_CES", fr: "Accouchements par césarienne", frShort: "Césariennes", en: "Caesarean deliveries", enShort: "Caesareans", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_ACC", 0.08, 0.2).only(maskOf(ftCHU, ftCHR, ftHD, ftCP))},
	{code: "SR_NV", fr: "Naissances vivantes", frShort: "Naissances vivantes", en: "Live births", enShort: "Live births", vt: vtInt0, combo: "sexe", ds: "sr", group: "sr", gen: derived("SR_ACC", 0.965, 0.995).split(0.51, 0.49)},
	{code: "SR_MN", fr: "Mort-nés", frShort: "Mort-nés", en: "Stillbirths", enShort: "Stillbirths", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_ACC", 0.005, 0.03)},
	{code: "SR_DECMAT", fr: "Décès maternels", frShort: "Décès maternels", en: "Maternal deaths", enShort: "Maternal deaths", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_ACC", 0, 0.004)},
	{code: "SR_CPON", fr: "Consultations postnatales (J6 à J42)", frShort: "Consultations postnatales", en: "Postnatal consultations (day 6 to 42)", enShort: "Postnatal consultations", vt: vtInt0, ds: "sr", group: "sr", gen: derived("SR_ACC", 0.45, 0.85).fillRate(0.9)},
	{code: "SR_PF_PIL", fr: "Planification familiale - nouvelles utilisatrices (pilule)", frShort: "PF NU pilule", en: "Family planning - new acceptors (pill)", enShort: "FP new acceptors pill", vt: vtInt0, ds: "sr", group: "sr", gen: count(0.6).fillRate(0.85)},
	{code: "SR_PF_INJ", fr: "Planification familiale - nouvelles utilisatrices (injectable)", frShort: "PF NU injectable", en: "Family planning - new acceptors (injectable)", enShort: "FP new acceptors injectable", vt: vtInt0, ds: "sr", group: "sr", gen: count(0.9).fillRate(0.85)},
	{code: "SR_PF_IMP", fr: "Planification familiale - nouvelles utilisatrices (implant)", frShort: "PF NU implant", en: "Family planning - new acceptors (implant)", enShort: "FP new acceptors implant", vt: vtInt0, ds: "sr", group: "sr", gen: count(0.4).fillRate(0.6)},

	// Programme élargi de vaccination (PEV).
	{code: "PEV_BCG", fr: "Enfants vaccinés - BCG", frShort: "BCG", en: "Children vaccinated - BCG", enShort: "BCG", vt: vtInt0, ds: "pev", group: "pev", gen: count(3.1)},
	{code: "PEV_PENTA1", fr: "Enfants vaccinés - Penta 1", frShort: "Penta 1", en: "Children vaccinated - Penta 1", enShort: "Penta 1", vt: vtInt0, combo: "vaccin", ds: "pev", group: "pev", gen: count(3.0)},
	{code: "PEV_PENTA3", fr: "Enfants vaccinés - Penta 3", frShort: "Penta 3", en: "Children vaccinated - Penta 3", enShort: "Penta 3", vt: vtInt0, ds: "pev", group: "pev", gen: derived("PEV_PENTA1", 0.8, 0.97)},
	{code: "PEV_VPO3", fr: "Enfants vaccinés - VPO 3", frShort: "VPO 3", en: "Children vaccinated - OPV 3", enShort: "OPV 3", vt: vtInt0, ds: "pev", group: "pev", gen: derived("PEV_PENTA1", 0.78, 0.97)},
	{code: "PEV_PCV3", fr: "Enfants vaccinés - Pneumo 3", frShort: "Pneumo 3", en: "Children vaccinated - PCV 3", enShort: "PCV 3", vt: vtInt0, ds: "pev", group: "pev", gen: derived("PEV_PENTA1", 0.75, 0.95).fillRate(0.92)},
	{code: "PEV_ROTA2", fr: "Enfants vaccinés - Rotavirus 2", frShort: "Rota 2", en: "Children vaccinated - Rotavirus 2", enShort: "Rota 2", vt: vtInt0, ds: "pev", group: "pev", gen: derived("PEV_PENTA1", 0.75, 0.95).fillRate(0.9)},
	{code: "PEV_RR1", fr: "Enfants vaccinés - Rougeole-Rubéole 1", frShort: "RR 1", en: "Children vaccinated - Measles-Rubella 1", enShort: "MR 1", vt: vtInt0, ds: "pev", group: "pev", gen: derived("PEV_PENTA1", 0.75, 0.95)},
	{code: "PEV_VAA", fr: "Enfants vaccinés - Fièvre jaune", frShort: "VAA", en: "Children vaccinated - Yellow fever", enShort: "Yellow fever", vt: vtInt0, ds: "pev", group: "pev", gen: derived("PEV_RR1", 0.9, 1)},
	{code: "PEV_TD2", fr: "Femmes enceintes vaccinées - Td2 et plus", frShort: "Td2+ femmes enceintes", en: "Pregnant women vaccinated - Td2 or more", enShort: "Td2+ pregnant women", vt: vtInt0, ds: "pev", group: "pev", gen: count(2.2).fillRate(0.9)},
	{code: "PEV_MAPI", fr: "Manifestations post-vaccinales indésirables", frShort: "MAPI", en: "Adverse events following immunisation", enShort: "AEFI", vt: vtInt0, ds: "pev", group: "pev", gen: count(0.02)},

	// Surveillance hebdomadaire des maladies à déclaration obligatoire (MDO).
	{code: "MDO_MEN_CAS", fr: "Méningite - cas suspects", frShort: "Méningite cas", en: "Meningitis - suspected cases", enShort: "Meningitis cases", vt: vtInt0, ds: "mdo", group: "surv", zeroSig: true, gen: count(0.05).seasonal()},
	{code: "MDO_MEN_DEC", fr: "Méningite - décès", frShort: "Méningite décès", en: "Meningitis - deaths", enShort: "Meningitis deaths", vt: vtInt0, ds: "mdo", group: "surv", gen: derived("MDO_MEN_CAS", 0.05, 0.15)},
	{code: "MDO_ROUG_CAS", fr: "Rougeole - cas suspects", frShort: "Rougeole cas", en: "Measles - suspected cases", enShort: "Measles cases", vt: vtInt0, ds: "mdo", group: "surv", zeroSig: true, gen: count(0.04)},
	{code: "MDO_ROUG_DEC", fr: "Rougeole - décès", frShort: "Rougeole décès", en: "Measles - deaths", enShort: "Measles deaths", vt: vtInt0, ds: "mdo", group: "surv", gen: derived("MDO_ROUG_CAS", 0.01, 0.05)},
	{code: "MDO_CHOL_CAS", fr: "Choléra - cas suspects", frShort: "Choléra cas", en: "Cholera - suspected cases", enShort: "Cholera cases", vt: vtInt0, ds: "mdo", group: "surv", gen: count(0.01).seasonal()},
	{code: "MDO_CHOL_DEC", fr: "Choléra - décès", frShort: "Choléra décès", en: "Cholera - deaths", enShort: "Cholera deaths", vt: vtInt0, ds: "mdo", group: "surv", gen: derived("MDO_CHOL_CAS", 0.01, 0.06)},
	{code: "MDO_PFA", fr: "Paralysie flasque aiguë - cas", frShort: "PFA cas", en: "Acute flaccid paralysis - cases", enShort: "AFP cases", vt: vtInt0, ds: "mdo", group: "surv", gen: count(0.002)},
	{code: "MDO_FJ", fr: "Fièvre jaune - cas suspects", frShort: "Fièvre jaune cas", en: "Yellow fever - suspected cases", enShort: "Yellow fever cases", vt: vtInt0, ds: "mdo", group: "surv", gen: count(0.004)},

	// VIH et tuberculose (trimestriel, par source de financement).
	{code: "VIH_TEST", fr: "Personnes conseillées et testées pour le VIH", frShort: "VIH personnes testées", en: "People counselled and tested for HIV", enShort: "HIV tested", vt: vtInt0, combo: "sexe", ds: "vihtb", group: "vih", gen: count(2.5).split(0.42, 0.58)},
	{code: "VIH_POS", fr: "Personnes testées positives au VIH", frShort: "VIH personnes positives", en: "People who tested HIV positive", enShort: "HIV positive", vt: vtInt0, combo: "sexe", ds: "vihtb", group: "vih", gen: derived("VIH_TEST", 0.01, 0.04).split(0.38, 0.62)},
	{code: "VIH_ARV", fr: "Nouveaux patients mis sous traitement ARV", frShort: "Nouveaux patients ARV", en: "New patients started on ART", enShort: "New on ART", vt: vtInt0, combo: "sexe", ds: "vihtb", group: "vih", gen: derived("VIH_POS", 0.75, 1).split(0.38, 0.62)},
	{code: "VIH_FA", fr: "Patients actifs sous traitement ARV", frShort: "Patients actifs ARV", en: "Active patients on ART", enShort: "Active on ART", vt: vtInt0, ds: "vihtb", group: "vih", gen: count(0.9).fillRate(0.9)},
	{code: "TB_NOTIF", fr: "Tuberculose - cas notifiés (toutes formes)", frShort: "TB cas notifiés", en: "Tuberculosis - notified cases (all forms)", enShort: "TB notified", vt: vtInt0, combo: "age_sexe", ds: "vihtb", group: "tb", gen: count(0.12)},
	{code: "TB_BK", fr: "Tuberculose pulmonaire bactériologiquement confirmée", frShort: "TB pulmonaire confirmée", en: "Bacteriologically confirmed pulmonary TB", enShort: "Confirmed pulmonary TB", vt: vtInt0, ds: "vihtb", group: "tb", gen: derived("TB_NOTIF", 0.45, 0.7)},
	{code: "TB_VIH", fr: "Patients tuberculeux testés pour le VIH", frShort: "TB testés VIH", en: "TB patients tested for HIV", enShort: "TB tested HIV", vt: vtInt0, ds: "vihtb", group: "tb", gen: derived("TB_NOTIF", 0.7, 0.98)},
	{code: "TB_SUCCES", fr: "Patients tuberculeux traités avec succès", frShort: "TB succès thérapeutique", en: "TB patients successfully treated", enShort: "TB treatment success", vt: vtInt0, ds: "vihtb", group: "tb", gen: derived("TB_NOTIF", 0.7, 0.92).fillRate(0.9)},
	{code: "TB_DEC", fr: "Patients tuberculeux décédés", frShort: "TB décès", en: "TB patients who died", enShort: "TB deaths", vt: vtInt0, ds: "vihtb", group: "tb", gen: derived("TB_NOTIF", 0.02, 0.08)},

	// Sorties de prédicteurs (pas de saisie).
	{code: "PRED_CPN1_MM3", fr: "CPN1 - moyenne mobile sur 3 mois", frShort: "CPN1 moyenne 3 mois", en: "ANC1 - 3-month moving average", enShort: "ANC1 3-month average", vt: vtNumber, group: "sr"},
	{code: "PRED_PALU_SEUIL", fr: "Paludisme - seuil épidémique mensuel", frShort: "Palu seuil épidémique", en: "Malaria - monthly epidemic threshold", enShort: "Malaria epidemic threshold", vt: vtNumber, group: "palu"},

	// Programme tracker : suivi prénatal.
	{code: "TRK_AGE_GEST", fr: "Âge gestationnel (semaines)", frShort: "Âge gestationnel", en: "Gestational age (weeks)", enShort: "Gestational age", vt: vtIntPos, tracker: true, group: "trk"},
	{code: "TRK_GRAVIDITE", fr: "Gravidité", frShort: "Gravidité", en: "Gravidity", enShort: "Gravidity", vt: vtIntPos, tracker: true, group: "trk"},
	{code: "TRK_PARITE", fr: "Parité", frShort: "Parité", en: "Parity", enShort: "Parity", vt: vtInt0, tracker: true, group: "trk"},
	{code: "TRK_POIDS", fr: "Poids de la mère (kg)", frShort: "Poids mère", en: "Mother's weight (kg)", enShort: "Mother weight", vt: vtNumber, tracker: true, group: "trk"},
	{code: "TRK_TAILLE", fr: "Taille de la mère (cm)", frShort: "Taille mère", en: "Mother's height (cm)", enShort: "Mother height", vt: vtNumber, tracker: true, group: "trk"},
	{code: "TRK_TAS", fr: "Tension artérielle systolique (mmHg)", frShort: "TA systolique", en: "Systolic blood pressure (mmHg)", enShort: "Systolic BP", vt: vtIntPos, tracker: true, group: "trk"},
	{code: "TRK_TAD", fr: "Tension artérielle diastolique (mmHg)", frShort: "TA diastolique", en: "Diastolic blood pressure (mmHg)", enShort: "Diastolic BP", vt: vtIntPos, tracker: true, group: "trk"},
	{code: "TRK_HB", fr: "Taux d'hémoglobine (g/dl)", frShort: "Hémoglobine", en: "Haemoglobin (g/dl)", enShort: "Haemoglobin", vt: vtNumber, tracker: true, group: "trk", legend: "hb"},
	{code: "TRK_VIH", fr: "Résultat du test VIH", frShort: "Test VIH résultat", en: "HIV test result", enShort: "HIV test result", vt: vtText, optSet: "vih", tracker: true, group: "trk"},
	{code: "TRK_GS", fr: "Groupe sanguin", frShort: "Groupe sanguin", en: "Blood group", enShort: "Blood group", vt: vtText, optSet: "gs", tracker: true, group: "trk"},
	{code: "TRK_TPI", fr: "Dose de TPI administrée", frShort: "Dose TPI", en: "IPTp dose given", enShort: "IPTp dose", vt: vtText, optSet: "tpi", tracker: true, group: "trk"},
	{code: "TRK_MILDA", fr: "Moustiquaire imprégnée remise", frShort: "MILDA remise", en: "Insecticide-treated net given", enShort: "ITN given", vt: vtBool, tracker: true, group: "trk"},
	{code: "TRK_DANGER", fr: "Signes de danger présents", frShort: "Signes de danger", en: "Danger signs present", enShort: "Danger signs", vt: vtTrue, tracker: true, group: "trk"},
	{code: "TRK_MODE_ACC", fr: "Mode d'accouchement", frShort: "Mode d'accouchement", en: "Mode of delivery", enShort: "Mode of delivery", vt: vtText, optSet: "modeacc", tracker: true, group: "trk"},
	{code: "TRK_ISSUE", fr: "Issue de la grossesse", frShort: "Issue de la grossesse", en: "Pregnancy outcome", enShort: "Pregnancy outcome", vt: vtText, optSet: "issue", tracker: true, group: "trk"},
	{code: "TRK_PN", fr: "Poids de naissance (g)", frShort: "Poids de naissance", en: "Birth weight (g)", enShort: "Birth weight", vt: vtIntPos, tracker: true, group: "trk"},
	{code: "TRK_SEXE_NN", fr: "Sexe du nouveau-né", frShort: "Sexe du nouveau-né", en: "Sex of the newborn", enShort: "Newborn sex", vt: vtText, optSet: "sexe", tracker: true, group: "trk"},
	{code: "TRK_HPP", fr: "Hémorragie du post-partum", frShort: "Hémorragie post-partum", en: "Postpartum haemorrhage", enShort: "Postpartum haemorrhage", vt: vtBool, tracker: true, group: "trk"},
	{code: "TRK_JOUR_CPON", fr: "Jour de la consultation postnatale", frShort: "Jour CPoN", en: "Day of the postnatal consultation", enShort: "PNC day", vt: vtIntPos, tracker: true, group: "trk"},
	{code: "TRK_AME", fr: "Allaitement maternel exclusif", frShort: "Allaitement exclusif", en: "Exclusive breastfeeding", enShort: "Exclusive breastfeeding", vt: vtBool, tracker: true, group: "trk"},
	{code: "TRK_PF_PP", fr: "Méthode contraceptive acceptée en post-partum", frShort: "PF post-partum", en: "Postpartum contraception accepted", enShort: "Postpartum FP", vt: vtBool, tracker: true, group: "trk"},

	// Programme événement : notification des cas de paludisme.
	{code: "EVT_AGE", fr: "Âge du patient (années)", frShort: "Âge du patient", en: "Patient age (years)", enShort: "Patient age", vt: vtInt0, tracker: true, group: "evt"},
	{code: "EVT_SEXE", fr: "Sexe du patient", frShort: "Sexe du patient", en: "Patient sex", enShort: "Patient sex", vt: vtText, optSet: "sexe", tracker: true, group: "evt"},
	{code: "EVT_TDR", fr: "Résultat du TDR paludisme", frShort: "Résultat TDR", en: "Malaria RDT result", enShort: "RDT result", vt: vtText, optSet: "tdr", tracker: true, group: "evt"},
	{code: "EVT_ENCEINTE", fr: "Femme enceinte", frShort: "Femme enceinte", en: "Pregnant woman", enShort: "Pregnant", vt: vtBool, tracker: true, group: "evt"},
	{code: "EVT_GRAVE", fr: "Signes de gravité", frShort: "Signes de gravité", en: "Signs of severity", enShort: "Severity signs", vt: vtBool, tracker: true, group: "evt"},
	{code: "EVT_TRAIT", fr: "Traitement antipaludique administré", frShort: "Traitement administré", en: "Antimalarial treatment given", enShort: "Treatment given", vt: vtText, optSet: "trait", tracker: true, group: "evt"},
	{code: "EVT_ISSUE", fr: "Issue du cas", frShort: "Issue du cas", en: "Case outcome", enShort: "Case outcome", vt: vtText, optSet: "issuecas", tracker: true, group: "evt"},
	{code: "EVT_DEBUT", fr: "Date de début des symptômes", frShort: "Début des symptômes", en: "Date of symptom onset", enShort: "Symptom onset", vt: vtDate, tracker: true, group: "evt"},
	{code: "EVT_MILDA", fr: "A dormi sous moustiquaire la veille", frShort: "Moustiquaire la veille", en: "Slept under a net the night before", enShort: "Slept under net", vt: vtBool, tracker: true, group: "evt"},
}
