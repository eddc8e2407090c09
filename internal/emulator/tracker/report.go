package tracker

import "fmt"

// Stats counts the outcome of an import.
type Stats struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
	Ignored int `json:"ignored"`
	Total   int `json:"total"`
}

func (s *Stats) add(o Stats) {
	s.Created += o.Created
	s.Updated += o.Updated
	s.Deleted += o.Deleted
	s.Ignored += o.Ignored
	s.Total += o.Total
}

// ValidationReport lists the validation errors and warnings.
type ValidationReport struct {
	ErrorReports   []ErrorReport `json:"errorReports"`
	WarningReports []ErrorReport `json:"warningReports"`
}

// ObjectReport is the outcome of one object; Index is its position among
// the payload's objects of its type.
type ObjectReport struct {
	TrackerType  Kind          `json:"trackerType"`
	UID          string        `json:"uid"`
	Index        int           `json:"index"`
	ErrorReports []ErrorReport `json:"errorReports"`
	act          action
}

// TypeReport is the outcome of one object type.
type TypeReport struct {
	TrackerType   Kind           `json:"trackerType"`
	Stats         Stats          `json:"stats"`
	ObjectReports []ObjectReport `json:"objectReports"`
}

// BundleReport is the persistence report: one TypeReport per type.
type BundleReport struct {
	Status        string               `json:"status"`
	TypeReportMap map[Kind]*TypeReport `json:"typeReportMap"`
	Stats         Stats                `json:"stats"`
}

// TimingsStats are the durations of the import phases.
type TimingsStats struct {
	Timers map[string]string `json:"timers"`
}

// Report is DHIS2's tracker ImportReport: the plain body of a sync
// import and of /api/tracker/jobs/{id}/report.
type Report struct {
	Status           string           `json:"status"`
	ValidationReport ValidationReport `json:"validationReport"`
	Stats            Stats            `json:"stats"`
	BundleReport     *BundleReport    `json:"bundleReport,omitempty"`
	TimingsStats     *TimingsStats    `json:"timingsStats,omitempty"`
	Message          string           `json:"message,omitempty"`
}

// HasErrors reports whether validation found errors.
func (r *Report) HasErrors() bool { return len(r.ValidationReport.ErrorReports) > 0 }

// TypeStats returns the persistence counts of one kind (zero without a
// bundle report).
func (r *Report) TypeStats(k Kind) Stats {
	if r.BundleReport == nil || r.BundleReport.TypeReportMap[k] == nil {
		return Stats{}
	}
	return r.BundleReport.TypeReportMap[k].Stats
}

// CompletionMessage is the final notification of an async import.
func (r *Report) CompletionMessage() string {
	return fmt.Sprintf("Import complete with status %s, %d created, %d updated, %d deleted, %d ignored",
		r.Status, r.Stats.Created, r.Stats.Updated, r.Stats.Deleted, r.Stats.Ignored)
}

// ForMode returns the report as reportMode asks: ERRORS drops warnings
// and timings, WARNINGS drops timings, FULL keeps everything.
func (r *Report) ForMode(mode string) *Report {
	out := *r
	switch mode {
	case ReportFull:
	case ReportWarnings:
		out.TimingsStats = nil
	default:
		out.TimingsStats = nil
		out.ValidationReport.WarningReports = []ErrorReport{}
	}
	return &out
}

func emptyBundleReport() *BundleReport {
	m := map[Kind]*TypeReport{}
	for _, k := range Kinds {
		m[k] = &TypeReport{TrackerType: k, ObjectReports: []ObjectReport{}}
	}
	return &BundleReport{Status: "OK", TypeReportMap: m}
}
