package tracker

import "strings"

// Import strategies, atomic, import, validation and report modes
// (ImportRequestParams).
const (
	StrategyCreate          = "CREATE"
	StrategyUpdate          = "UPDATE"
	StrategyCreateAndUpdate = "CREATE_AND_UPDATE"
	StrategyDelete          = "DELETE"

	AtomicAll    = "ALL"
	AtomicObject = "OBJECT"

	ModeCommit   = "COMMIT"
	ModeValidate = "VALIDATE"

	ValidationFull     = "FULL"
	ValidationFailFast = "FAIL_FAST"
	ValidationSkip     = "SKIP"

	ReportFull     = "FULL"
	ReportErrors   = "ERRORS"
	ReportWarnings = "WARNINGS"
)

// ImportParams are the parameters of one import. Zero values take
// DHIS2's defaults: CREATE_AND_UPDATE (the code's default; the docs say
// CREATE), atomicMode ALL, importMode COMMIT, validationMode FULL,
// reportMode ERRORS.
type ImportParams struct {
	Strategy       string
	AtomicMode     string
	ImportMode     string
	ValidationMode string
	ReportMode     string
	// User is the importing user (createdBy, updatedBy, storedBy).
	User User
	// CaptureScope, when not nil, lists the user's org units: objects in
	// other units (and not below them) are refused with E1000. Nil means
	// every unit (superuser).
	CaptureScope []string
	// CascadeDeleteTE and CascadeDeleteEnrollment are the
	// F_TEI_CASCADE_DELETE and F_ENROLLMENT_CASCADE_DELETE authorities:
	// without them, deleting a TE with enrollments (E1100) or an
	// enrollment with events (E1103) is refused. Set both for superusers.
	CascadeDeleteTE, CascadeDeleteEnrollment bool
}

// ParseImportParams reads the parameters from query-string getters,
// falling back to the defaults on missing or unknown values, as DHIS2's
// enum binding does for these parameters. importStrategy and the old
// name strategy are both read.
func ParseImportParams(get func(string) string) ImportParams {
	strategy := get("importStrategy")
	if strategy == "" {
		strategy = get("strategy")
	}
	return ImportParams{
		Strategy:       enum(oldStrategy(strategy), StrategyCreateAndUpdate, StrategyCreate, StrategyUpdate, StrategyDelete),
		AtomicMode:     enum(get("atomicMode"), AtomicAll, AtomicObject),
		ImportMode:     enum(get("importMode"), ModeCommit, ModeValidate),
		ValidationMode: enum(get("validationMode"), ValidationFull, ValidationFailFast, ValidationSkip),
		ReportMode:     enum(get("reportMode"), ReportErrors, ReportFull, ReportWarnings),
	}
}

// oldStrategy maps the old importer's strategy names (SYNC,
// NEW_AND_UPDATES, NEW, UPDATES) to the new ones.
func oldStrategy(v string) string {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "SYNC", "NEW_AND_UPDATES":
		return StrategyCreateAndUpdate
	case "NEW":
		return StrategyCreate
	case "UPDATES":
		return StrategyUpdate
	}
	return v
}

func enum(v, def string, others ...string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == def {
		return v
	}
	for _, o := range others {
		if v == o {
			return v
		}
	}
	return def
}

func (p ImportParams) withDefaults() ImportParams {
	get := func(string) string { return "" }
	d := ParseImportParams(get)
	if p.Strategy == "" {
		p.Strategy = d.Strategy
	}
	if p.AtomicMode == "" {
		p.AtomicMode = d.AtomicMode
	}
	if p.ImportMode == "" {
		p.ImportMode = d.ImportMode
	}
	if p.ValidationMode == "" {
		p.ValidationMode = d.ValidationMode
	}
	if p.ReportMode == "" {
		p.ReportMode = d.ReportMode
	}
	return p
}
