package seed

// teaDef is a tracked entity attribute.
type teaDef struct {
	key, fr, frShort, en, vt, optSet string
	unique, inTET, searchable        bool
}

var teaCatalog = []teaDef{
	{"NIU", "Numéro d'identification unique", "NIU", "Unique identification number", vtText, "", true, true, true},
	{"PRENOM", "Prénom", "Prénom", "First name", vtText, "", false, true, true},
	{"NOM", "Nom", "Nom", "Last name", vtText, "", false, true, true},
	{"SEXE", "Sexe", "Sexe", "Sex", vtText, "sexe", false, true, false},
	{"DDN", "Date de naissance", "Date de naissance", "Date of birth", vtDate, "", false, true, false},
	{"TEL", "Numéro de téléphone", "Téléphone", "Phone number", "PHONE_NUMBER", "", false, true, true},
	{"VILLAGE", "Village ou quartier de résidence", "Village de résidence", "Village or neighbourhood of residence", vtText, "", false, false, false},
}

// stageDef is a program stage: its data elements and optional sections.
type stageDef struct {
	key, fr, en, desc        string
	repeatable               bool
	minDays, interval        int
	des                      []string
	compulsory               []string
	sections                 [][3]string // key, FR, EN
	sectionDEs               [][]string
	executionLabel, dueLabel string
}

var ancStages = []stageDef{
	{key: "S1", fr: "Première consultation prénatale (CPN1)", en: "First antenatal visit (ANC1)", desc: "Première visite de la grossesse : antécédents, examen clinique et bilan",
		minDays: 0, des: []string{"TRK_AGE_GEST", "TRK_GRAVIDITE", "TRK_PARITE", "TRK_POIDS", "TRK_TAILLE", "TRK_TAS", "TRK_TAD", "TRK_HB", "TRK_VIH", "TRK_GS"},
		compulsory:     []string{"TRK_AGE_GEST"},
		sections:       [][3]string{{"ant", "Antécédents et grossesse actuelle", "History and current pregnancy"}, {"clin", "Examen clinique", "Clinical examination"}, {"labo", "Examens de laboratoire", "Laboratory tests"}},
		sectionDEs:     [][]string{{"TRK_AGE_GEST", "TRK_GRAVIDITE", "TRK_PARITE"}, {"TRK_POIDS", "TRK_TAILLE", "TRK_TAS", "TRK_TAD"}, {"TRK_HB", "TRK_VIH", "TRK_GS"}},
		executionLabel: "Date de la CPN1"},
	{key: "S2", fr: "Consultation prénatale de suivi", en: "Follow-up antenatal visit", desc: "Visites prénatales suivantes (toutes les quatre semaines environ)",
		repeatable: true, minDays: 30, interval: 28, des: []string{"TRK_AGE_GEST", "TRK_POIDS", "TRK_TAS", "TRK_TAD", "TRK_HB", "TRK_TPI", "TRK_MILDA", "TRK_DANGER"},
		executionLabel: "Date de la consultation", dueLabel: "Date du rendez-vous"},
	{key: "S3", fr: "Accouchement", en: "Delivery", desc: "Issue de la grossesse et état du nouveau-né",
		minDays: 250, des: []string{"TRK_MODE_ACC", "TRK_ISSUE", "TRK_PN", "TRK_SEXE_NN", "TRK_HPP"},
		compulsory: []string{"TRK_ISSUE"}, executionLabel: "Date de l'accouchement"},
	{key: "S4", fr: "Consultation postnatale", en: "Postnatal visit", desc: "Consultation de la mère entre le 6e et le 42e jour",
		minDays: 260, des: []string{"TRK_JOUR_CPON", "TRK_TAS", "TRK_TAD", "TRK_AME", "TRK_PF_PP"},
		executionLabel: "Date de la consultation postnatale"},
}

var casePalStage = stageDef{key: "E1", fr: "Notification du cas", en: "Case notification", desc: "Fiche de notification d'un cas de paludisme",
	des:            []string{"EVT_AGE", "EVT_SEXE", "EVT_ENCEINTE", "EVT_DEBUT", "EVT_TDR", "EVT_GRAVE", "EVT_TRAIT", "EVT_ISSUE", "EVT_MILDA"},
	compulsory:     []string{"EVT_AGE", "EVT_SEXE", "EVT_TDR"},
	sections:       [][3]string{{"patient", "Patient", "Patient"}, {"diag", "Diagnostic et prise en charge", "Diagnosis and case management"}},
	sectionDEs:     [][]string{{"EVT_AGE", "EVT_SEXE", "EVT_ENCEINTE"}, {"EVT_DEBUT", "EVT_TDR", "EVT_GRAVE", "EVT_TRAIT", "EVT_ISSUE", "EVT_MILDA"}},
	executionLabel: "Date de la consultation"}

// ruleVarDef is a program rule variable: source type, data element or attribute.
type ruleVarDef struct{ program, name, source, de, tea, vt string }

var ruleVarCatalog = []ruleVarDef{
	{"anc", "hemoglobine", "DATAELEMENT_CURRENT_EVENT", "TRK_HB", "", vtNumber},
	{"anc", "tension_systolique", "DATAELEMENT_CURRENT_EVENT", "TRK_TAS", "", vtIntPos},
	{"anc", "tension_diastolique", "DATAELEMENT_CURRENT_EVENT", "TRK_TAD", "", vtIntPos},
	{"anc", "issue_grossesse", "DATAELEMENT_CURRENT_EVENT", "TRK_ISSUE", "", vtText},
	{"anc", "date_naissance", "TEI_ATTRIBUTE", "", "DDN", vtDate},
	{"palu", "resultat_tdr", "DATAELEMENT_CURRENT_EVENT", "EVT_TDR", "", vtText},
	{"palu", "cas_grave", "DATAELEMENT_CURRENT_EVENT", "EVT_GRAVE", "", vtBool},
	{"palu", "sexe_patient", "DATAELEMENT_CURRENT_EVENT", "EVT_SEXE", "", vtText},
}

// ruleAction is [type, data element code, attribute key, content, template key, location].
type ruleDef struct {
	key, program, fr, desc, condition string
	priority                          int
	actions                           [][6]string
}

var ruleCatalog = []ruleDef{
	{"anemie", "anc", "Anémie : hémoglobine inférieure à 11 g/dl", "Alerte l'agent de santé en cas d'anémie", "d2:hasValue(#{hemoglobine}) && #{hemoglobine} < 11", 1,
		[][6]string{{"SHOWWARNING", "TRK_HB", "", "Anémie : hémoglobine inférieure à 11 g/dl. Prescrire fer et acide folique.", "", ""}}},
	{"anemie_severe", "anc", "Anémie sévère : notification à l'équipe de district", "Message à l'équipe de district si Hb < 7 g/dl", "d2:hasValue(#{hemoglobine}) && #{hemoglobine} < 7", 2,
		[][6]string{{"SENDMESSAGE", "", "", "", "alerte_anemie", ""}}},
	{"tension_incoherente", "anc", "Tension diastolique supérieure ou égale à la systolique", "Contrôle de saisie de la tension artérielle", "d2:hasValue(#{tension_diastolique}) && #{tension_diastolique} >= #{tension_systolique}", 3,
		[][6]string{{"SHOWERROR", "TRK_TAD", "", "La tension diastolique doit être inférieure à la tension systolique.", "", ""}}},
	{"hta_gravidique", "anc", "Hypertension gravidique", "Repérage de la pré-éclampsie", "#{tension_systolique} >= 140 || #{tension_diastolique} >= 90", 4,
		[][6]string{{"SHOWWARNING", "TRK_TAS", "", "Tension élevée : rechercher une pré-éclampsie et référer si nécessaire.", "", ""}}},
	{"mort_ne", "anc", "Masquer les données du nouveau-né en cas de mort-né", "Le poids et le sexe ne concernent que les naissances vivantes", "d2:hasValue(#{issue_grossesse}) && #{issue_grossesse} != 'NV'", 5,
		[][6]string{{"HIDEFIELD", "TRK_PN", "", "", "", ""}, {"HIDEFIELD", "TRK_SEXE_NN", "", "", "", ""}}},
	{"adolescente", "anc", "Grossesse chez une adolescente", "Suivi renforcé des moins de 18 ans", "d2:hasValue(A{date_naissance}) && d2:yearsBetween(A{date_naissance}, V{enrollment_date}) < 18", 6,
		[][6]string{{"DISPLAYTEXT", "", "", "Grossesse chez une adolescente : suivi renforcé recommandé.", "", "feedback"}}},
	{"cas_grave", "palu", "Cas grave : référer", "Conduite à tenir devant un paludisme grave", "#{cas_grave} == true", 1,
		[][6]string{{"SHOWWARNING", "EVT_TRAIT", "", "Paludisme grave : administrer l'artésunate injectable et référer.", "", ""}}},
	{"grossesse_homme", "palu", "Masquer « Femme enceinte » pour les patients de sexe masculin", "Cohérence du formulaire", "#{sexe_patient} == 'M'", 2,
		[][6]string{{"HIDEFIELD", "EVT_ENCEINTE", "", "", "", ""}}},
	{"tdr_negatif", "palu", "TDR négatif : pas de traitement antipaludique", "Rappel des directives nationales", "#{resultat_tdr} == 'NEG'", 3,
		[][6]string{{"SHOWWARNING", "EVT_TRAIT", "", "TDR négatif : un traitement antipaludique n'est pas recommandé.", "", ""}}},
}

// piDef is a program indicator; expressions use #{S1.TRK_HB} and A{DDN}.
type piDef struct {
	code, program, fr, frShort, en, analytics, agg, expr, filter string
}

var programIndicatorCatalog = []piDef{
	{"PI_ANC_INSCRITES", "anc", "Femmes inscrites au suivi prénatal", "Femmes inscrites", "Women enrolled in antenatal follow-up", "ENROLLMENT", "COUNT", "V{enrollment_count}", ""},
	{"PI_ANC_CPN", "anc", "Consultations prénatales réalisées", "CPN réalisées", "Antenatal visits done", "EVENT", "COUNT", "V{event_count}", "V{program_stage_id} == '@S1' || V{program_stage_id} == '@S2'"},
	{"PI_ANC_HB_MOY", "anc", "Hémoglobine moyenne à la CPN1", "Hb moyenne CPN1", "Mean haemoglobin at ANC1", "EVENT", "AVERAGE", "#{S1.TRK_HB}", "d2:hasValue(#{S1.TRK_HB})"},
	{"PI_ANC_ANEMIE", "anc", "Femmes anémiées à la CPN1 (Hb < 11 g/dl)", "Anémie à la CPN1", "Anaemic women at ANC1 (Hb < 11 g/dl)", "EVENT", "COUNT", "V{event_count}", "#{S1.TRK_HB} < 11"},
	{"PI_ANC_CESAR", "anc", "Accouchements par césarienne (suivi individuel)", "Césariennes (tracker)", "Caesarean deliveries (individual follow-up)", "EVENT", "COUNT", "V{event_count}", "#{S3.TRK_MODE_ACC} == 'CESARIENNE'"},
	{"PI_ANC_FPN", "anc", "Naissances de faible poids (moins de 2 500 g)", "Faible poids de naissance", "Low birth weight (under 2,500 g)", "EVENT", "COUNT", "V{event_count}", "d2:hasValue(#{S3.TRK_PN}) && #{S3.TRK_PN} < 2500"},
	{"PI_ANC_AGE", "anc", "Âge moyen des femmes à l'inscription", "Âge moyen à l'inscription", "Mean age of women at enrollment", "ENROLLMENT", "AVERAGE", "d2:yearsBetween(A{DDN}, V{enrollment_date})", "d2:hasValue(A{DDN})"},
	{"PI_PALU_NOTIF", "palu", "Cas de paludisme notifiés", "Cas notifiés", "Notified malaria cases", "EVENT", "COUNT", "V{event_count}", ""},
	{"PI_PALU_CONF", "palu", "Cas de paludisme notifiés confirmés par TDR", "Cas notifiés confirmés", "Notified malaria cases confirmed by RDT", "EVENT", "COUNT", "V{event_count}", "#{E1.EVT_TDR} == 'PF' || #{E1.EVT_TDR} == 'PNF'"},
	{"PI_PALU_DECES", "palu", "Décès par paludisme notifiés", "Décès notifiés", "Notified malaria deaths", "EVENT", "COUNT", "V{event_count}", "#{E1.EVT_ISSUE} == 'DECEDE'"},
	{"PI_PALU_AGE", "palu", "Âge moyen des cas de paludisme notifiés", "Âge moyen des cas", "Mean age of notified malaria cases", "EVENT", "AVERAGE", "#{E1.EVT_AGE}", ""},
}
