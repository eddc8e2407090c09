package seed

import "time"

// config sizes one seeded instance.
type config struct {
	name                     string
	country, countryCode     string
	regions                  int
	districts, facilities    int
	start                    time.Time // first day of the first data month
	months                   int
	women                    int // tracked entities enrolled in the antenatal program
	caseEvents               int // malaria case notification events
	lonLo, latLo, lonW, latH float64
}

func configs() map[string]config {
	start := time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)
	return map[string]config{
		None: {name: None},
		Demo: {name: Demo, country: "République du Yamoro", countryCode: "YM", regions: 8, districts: 60, facilities: 931,
			start: start, months: 24, women: 5000, caseEvents: 6000, lonLo: -3.2, latLo: 9.6, lonW: 5, latH: 4.4},
		National: {name: National, country: "République du Yamoro", countryCode: "YM", regions: 14, districts: 140, facilities: 10900,
			start: start, months: 24, women: 50000, caseEvents: 60000, lonLo: -5.4, latLo: 8.4, lonW: 9, latH: 7.6},
	}
}

// regionNames lists region names; a seed uses the first cfg.regions.
var regionNames = []struct{ name, code string }{
	{"Région du Centre", "CTR"}, {"Région des Lacs", "LAC"}, {"Région du Plateau", "PLT"}, {"Région des Savanes", "SAV"},
	{"Région des Cascades", "CAS"}, {"Région de l'Est", "EST"}, {"Région du Sahel", "SAH"}, {"Région des Collines", "COL"},
	{"Région du Littoral", "LIT"}, {"Région des Monts", "MTS"}, {"Région du Fleuve", "FLV"}, {"Région de la Boucle", "BCL"},
	{"Région de l'Ouest", "OUE"}, {"Région du Sud", "SUD"},
}

// timeLayout is DHIS2's date-time serialisation (no offset).
const timeLayout = "2006-01-02T15:04:05.000"
