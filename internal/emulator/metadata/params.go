package metadata

import (
	"net/url"
	"slices"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// ImportParams are the /api/metadata import parameters, already validated:
// invalid enum values have fallen back to their defaults as in DHIS2
// (Enums.getIfPresent(...).or(default)).
type ImportParams struct {
	ImportMode       string // COMMIT (default) or VALIDATE
	Identifier       string // UID (default), CODE, AUTO (≤2.35)
	PreheatMode      string // REFERENCE (default), ALL, NONE — echoed only
	ImportStrategy   string // CREATE_AND_UPDATE (default), CREATE, UPDATE, DELETE; legacy aliases mapped
	AtomicMode       string // ALL (default) or NONE
	MergeMode        string // REPLACE (default), MERGE… (≤2.40; REPLACE on 2.41+)
	FlushMode        string // AUTO (default), OBJECT — echoed only
	ImportReportMode string // ERRORS (default), FULL, DEBUG, ERRORS_NOT_OWNER
	UserOverrideMode string // NONE (default) — ≤2.36, echoed only
	SkipSharing      bool
	SkipTranslation  bool // 2.36+ (ignored before)
	SkipValidation   bool
	Username         string // importing user; empty = the admin user
}

// DefaultImportParams returns DHIS2's defaults.
func DefaultImportParams() ImportParams {
	return ImportParams{ImportMode: "COMMIT", Identifier: "UID", PreheatMode: "REFERENCE",
		ImportStrategy: "CREATE_AND_UPDATE", AtomicMode: "ALL", MergeMode: "REPLACE", FlushMode: "AUTO",
		ImportReportMode: "ERRORS", UserOverrideMode: "NONE"}
}

var legacyStrategies = map[string]string{
	"NEW_AND_UPDATES": "CREATE_AND_UPDATE", "NEW": "CREATE", "UPDATES": "UPDATE", "DELETES": "DELETE",
}

// ParseImportParams reads import parameters from a query string the way the
// profile's DHIS2 version does: unknown parameters are ignored, invalid enum
// values (matched case-sensitively, like Enums.getIfPresent) fall back to
// defaults, legacy strategies (NEW_AND_UPDATES…) map to their modern names, parameters the version does not know
// (mergeMode on 2.41+, skipTranslation before 2.36, identifier=AUTO after
// 2.35, userOverrideMode after 2.36) keep their defaults.
func ParseImportParams(q url.Values, p profile.Profile) ImportParams {
	ip := DefaultImportParams()
	ip.ImportMode = enumParam(q, "importMode", ip.ImportMode, "COMMIT", "VALIDATE")
	ids := []string{"UID", "CODE"}
	if p.IdentifierAuto {
		ids = append(ids, "AUTO")
	}
	ip.Identifier = enumParam(q, "identifier", ip.Identifier, ids...)
	ip.PreheatMode = enumParam(q, "preheatMode", ip.PreheatMode, "REFERENCE", "ALL", "NONE")
	strategy := q.Get("importStrategy")
	if m, ok := legacyStrategies[strategy]; ok {
		strategy = m
	}
	if slices.Contains([]string{"CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE"}, strategy) {
		ip.ImportStrategy = strategy
	}
	ip.AtomicMode = enumParam(q, "atomicMode", ip.AtomicMode, "ALL", "NONE")
	if p.MergeMode {
		ip.MergeMode = enumParam(q, "mergeMode", ip.MergeMode, "REPLACE", "MERGE", "MERGE_IF_NOT_NULL", "MERGE_ALWAYS", "NONE")
	}
	ip.FlushMode = enumParam(q, "flushMode", ip.FlushMode, "AUTO", "OBJECT")
	ip.ImportReportMode = enumParam(q, "importReportMode", ip.ImportReportMode, "ERRORS", "FULL", "DEBUG", "ERRORS_NOT_OWNER")
	if p.UserOverrideMode {
		ip.UserOverrideMode = enumParam(q, "userOverrideMode", ip.UserOverrideMode, "NONE", "CURRENT", "SELECTED")
	}
	ip.SkipSharing = boolParam(q, "skipSharing")
	if p.SkipTranslation {
		ip.SkipTranslation = boolParam(q, "skipTranslation")
	}
	ip.SkipValidation = boolParam(q, "skipValidation")
	return ip
}

// enumParam mirrors Enums.getIfPresent: exact, case-sensitive constant names.
func enumParam(q url.Values, name, def string, allowed ...string) string {
	v := q.Get(name)
	if slices.Contains(allowed, v) {
		return v
	}
	return def
}

func boolParam(q url.Values, name string) bool {
	return strings.EqualFold(strings.TrimSpace(q.Get(name)), "true")
}

func (ip ImportParams) validate() bool { return ip.ImportMode == "VALIDATE" }
func (ip ImportParams) atomic() bool   { return ip.AtomicMode != "NONE" }

// ReportParams is the importParams member of plain (≤2.37 style) reports.
// Fields a version does not have are nil and left out.
type ReportParams struct {
	Username           string  `json:"username,omitempty"`
	UserOverrideMode   *string `json:"userOverrideMode,omitempty"`
	ImportMode         string  `json:"importMode"`
	Identifier         string  `json:"identifier"`
	PreheatMode        string  `json:"preheatMode"`
	ImportStrategy     string  `json:"importStrategy"`
	AtomicMode         string  `json:"atomicMode"`
	MergeMode          *string `json:"mergeMode,omitempty"`
	FlushMode          string  `json:"flushMode"`
	ImportReportMode   *string `json:"importReportMode,omitempty"`
	SkipSharing        bool    `json:"skipSharing"`
	SkipTranslation    *bool   `json:"skipTranslation,omitempty"`
	MetadataSyncImport bool    `json:"metadataSyncImport"`
	SkipValidation     bool    `json:"skipValidation"`
	FirstRowIsHeader   *bool   `json:"firstRowIsHeader,omitempty"`
}

func reportParams(ip ImportParams, minor int, username string) *ReportParams {
	rp := &ReportParams{Username: username, ImportMode: ip.ImportMode, Identifier: ip.Identifier,
		PreheatMode: ip.PreheatMode, ImportStrategy: ip.ImportStrategy, AtomicMode: ip.AtomicMode,
		FlushMode: ip.FlushMode, SkipSharing: ip.SkipSharing, SkipValidation: ip.SkipValidation}
	if minor <= 36 {
		rp.UserOverrideMode = &ip.UserOverrideMode
	}
	if minor <= 40 {
		rp.MergeMode = &ip.MergeMode
	}
	if minor >= 37 {
		rp.ImportReportMode = &ip.ImportReportMode
	}
	if minor >= 33 {
		skip, first := ip.SkipTranslation, true
		rp.SkipTranslation, rp.FirstRowIsHeader = &skip, &first
	}
	return rp
}
