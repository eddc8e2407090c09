package transform

import (
	"net/url"
	"strconv"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// ImportOptions are the POST /api/metadata parameters d2sync may want
// (DHIS2-API.md §2.2). Zero values are not sent (DHIS2's defaults apply);
// booleans are sent only when true.
type ImportOptions struct {
	ImportMode       string // COMMIT (default) or VALIDATE
	Identifier       string // UID (default), CODE, AUTO (≤2.35; sent as UID on 2.36+)
	ImportReportMode string // ERRORS (default), FULL, DEBUG
	PreheatMode      string // REFERENCE (default), ALL, NONE
	ImportStrategy   string // CREATE_AND_UPDATE (default), CREATE, UPDATE, DELETE
	AtomicMode       string // ALL (default), NONE
	MergeMode        string // REPLACE (default), MERGE, …; 2.30–2.40 only
	FlushMode        string // AUTO (default), OBJECT
	SkipSharing      bool
	SkipTranslation  bool // 2.36+ only
	SkipValidation   bool // "NOT RECOMMENDED" by DHIS2; d2sync never sets it by default
	Async            bool
	UserOverrideMode string // NONE, CURRENT, SELECTED; 2.30–2.36 only
	OverrideUser     string // uid for UserOverrideMode SELECTED; 2.30–2.36 only
}

// ImportParams returns the query parameters of want that DHIS2 version v
// knows: mergeMode only up to 2.40 (removed in 2.41), identifier AUTO only
// up to 2.35 (UID from 2.36, where AUTO no longer exists and would fall
// back to the default silently), skipTranslation from 2.36,
// userOverrideMode/overrideUser up to 2.36 (removed in 2.37). DHIS2 ignores
// unknown parameters and silently replaces invalid enum values with the
// default, so sending only what v knows keeps the request explicit.
func ImportParams(v dhis2.Version, want ImportOptions) url.Values {
	q := url.Values{}
	set := func(k, val string) {
		if val != "" {
			q.Set(k, val)
		}
	}
	set("importMode", want.ImportMode)
	id := want.Identifier
	if id == "AUTO" && v.AtLeast(36) {
		id = "UID"
	}
	set("identifier", id)
	set("importReportMode", want.ImportReportMode)
	set("preheatMode", want.PreheatMode)
	set("importStrategy", want.ImportStrategy)
	set("atomicMode", want.AtomicMode)
	if !v.AtLeast(41) {
		set("mergeMode", want.MergeMode)
	}
	set("flushMode", want.FlushMode)
	flag := func(k string, b bool) {
		if b {
			q.Set(k, strconv.FormatBool(b))
		}
	}
	flag("skipSharing", want.SkipSharing)
	if v.AtLeast(36) {
		flag("skipTranslation", want.SkipTranslation)
	}
	flag("skipValidation", want.SkipValidation)
	flag("async", want.Async)
	if !v.AtLeast(37) {
		set("userOverrideMode", want.UserOverrideMode)
		set("overrideUser", want.OverrideUser)
	}
	return q
}
