package seed

// optDef is a category option: French and English names, code and its
// default share of the values of a category.
type optDef struct {
	key, fr, en, code string
	share             float64
}

// catDef is a category and its options.
type catDef struct {
	key, fr, en, code string
	attribute         bool
	options           []optDef
}

// comboDef is a category combination.
type comboDef struct {
	key, fr, en, code string
	attribute         bool
	cats              []string
}

// categoryCatalog lists the disaggregation and attribute categories of the
// seeded instances.
var categoryCatalog = []catDef{
	{key: "sexe", fr: "Sexe", en: "Sex", code: "SEXE", options: []optDef{
		{"m", "Masculin", "Male", "M", 0.48},
		{"f", "Féminin", "Female", "F", 0.52},
	}},
	{key: "age5", fr: "Groupe d'âge (moins de 5 ans)", en: "Age group (under 5)", code: "AGE_5ANS", options: []optDef{
		{"lt5", "Moins de 5 ans", "Under 5 years", "AGE_LT5", 0.4},
		{"ge5", "5 ans et plus", "5 years and over", "AGE_GE5", 0.6},
	}},
	{key: "age4", fr: "Tranche d'âge", en: "Age band", code: "TRANCHE_AGE", options: []optDef{
		{"lt1", "Moins d'un an", "Under 1 year", "AGE_LT1", 0.04},
		{"1_14", "1 à 14 ans", "1 to 14 years", "AGE_1_14", 0.11},
		{"15_49", "15 à 49 ans", "15 to 49 years", "AGE_15_49", 0.62},
		{"ge50", "50 ans et plus", "50 years and over", "AGE_GE50", 0.23},
	}},
	{key: "agevac", fr: "Âge vaccinal", en: "Vaccination age", code: "AGE_VACCINAL", options: []optDef{
		{"0_11", "0 à 11 mois", "0 to 11 months", "AGE_0_11M", 0.93},
		{"12_23", "12 à 23 mois", "12 to 23 months", "AGE_12_23M", 0.07},
	}},
	{key: "strat", fr: "Stratégie vaccinale", en: "Vaccination strategy", code: "STRATEGIE_VAC", options: []optDef{
		{"fixe", "Stratégie fixe", "Fixed site", "STRAT_FIXE", 0.68},
		{"avancee", "Stratégie avancée", "Outreach", "STRAT_AVANCEE", 0.32},
	}},
	{key: "fin", fr: "Source de financement", en: "Funding source", code: "FINANCEMENT", attribute: true, options: []optDef{
		{"etat", "Programme national", "National programme", "FIN_ETAT", 0.5},
		{"partenaire", "Partenaires techniques et financiers", "Technical and financial partners", "FIN_PTF", 0.5},
	}},
}

// comboCatalog lists the category combinations (the default one is built in).
var comboCatalog = []comboDef{
	{key: "sexe", fr: "Sexe", en: "Sex", code: "CC_SEXE", cats: []string{"sexe"}},
	{key: "age5", fr: "Groupe d'âge (moins de 5 ans)", en: "Age group (under 5)", code: "CC_AGE_5ANS", cats: []string{"age5"}},
	{key: "age_sexe", fr: "Tranche d'âge et sexe", en: "Age band and sex", code: "CC_TRANCHE_AGE_SEXE", cats: []string{"age4", "sexe"}},
	{key: "vaccin", fr: "Âge vaccinal et stratégie", en: "Vaccination age and strategy", code: "CC_VACCINATION", cats: []string{"agevac", "strat"}},
	{key: "fin", fr: "Source de financement", en: "Funding source", code: "CC_FINANCEMENT", attribute: true, cats: []string{"fin"}},
}
