package seed

// facType is the type of a health facility (level 4 org unit).
type facType int

// Facility types, from the national referral hospital down to community
// health huts (which do not report: their activity is counted by the health
// centre that supervises them).
const (
	ftCHU facType = iota
	ftCHR
	ftHD
	ftCM
	ftCS
	ftCSC
	ftCP
	ftPS
	ftCase
	numFacTypes
)

// facMask is a set of facility types.
type facMask uint16

func maskOf(ts ...facType) facMask {
	var m facMask
	for _, t := range ts {
		m |= 1 << t
	}
	return m
}

func (m facMask) has(t facType) bool { return m == 0 || m&(1<<t) != 0 }

var (
	maskReporting = maskOf(ftCHU, ftCHR, ftHD, ftCM, ftCS, ftCSC, ftCP, ftPS)
	maskHospital  = maskOf(ftCHU, ftCHR, ftHD)
	maskReferral  = maskOf(ftCHU, ftCHR, ftHD, ftCM, ftCP)
	maskMaternity = maskOf(ftCHU, ftCHR, ftHD, ftCM, ftCS, ftCSC, ftCP)
	maskPrimary   = maskOf(ftCM, ftCS, ftCSC, ftPS)
)

// facTypeDef describes one facility type.
type facTypeDef struct {
	key, group, groupEN string // group name (FR, EN) of the "type" group set
	prefix, short       string // name prefix ("Centre de santé de"), short-name prefix ("CS")
	code                string // group code
	popLo, popHi        float64
	owner               string // ownership group key
	weight              float64
}

var facTypes = [numFacTypes]facTypeDef{
	ftCHU:  {"chu", "Centre hospitalier universitaire", "University hospital", "Centre hospitalier universitaire de", "CHU", "FT_CHU", 90000, 130000, "public", 0},
	ftCHR:  {"chr", "Centre hospitalier régional", "Regional hospital", "Centre hospitalier régional de", "CHR", "FT_CHR", 50000, 80000, "public", 0},
	ftHD:   {"hd", "Hôpital de district", "District hospital", "Hôpital de district de", "HD", "FT_HD", 30000, 50000, "public", 0},
	ftCM:   {"cm", "Centre médical", "Medical centre", "Centre médical de", "CM", "FT_CM", 18000, 30000, "public", 0.04},
	ftCS:   {"cs", "Centre de santé", "Health centre", "Centre de santé de", "CS", "FT_CS", 7000, 16000, "public", 0.24},
	ftCSC:  {"csc", "Centre de santé confessionnel", "Faith-based health centre", "Centre de santé confessionnel de", "CSC", "FT_CSC", 5000, 10000, "confessionnel", 0.035},
	ftCP:   {"cp", "Clinique privée", "Private clinic", "Clinique privée de", "CP", "FT_CP", 3000, 8000, "prive", 0.055},
	ftPS:   {"ps", "Poste de santé", "Health post", "Poste de santé de", "PS", "FT_PS", 2000, 5000, "public", 0.11},
	ftCase: {"case", "Case de santé", "Health hut", "Case de santé de", "CaS", "FT_CASE", 500, 1500, "communautaire", 0.52},
}
