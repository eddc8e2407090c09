package dhis2

import "encoding/json"

// Wire shapes of import reports, summaries and job references. Fields that
// several shapes share are decoded from the same object in parseReport.

type statsJSON struct {
	Created int  `json:"created"`
	Updated int  `json:"updated"`
	Deleted int  `json:"deleted"`
	Ignored int  `json:"ignored"`
	Total   *int `json:"total"`
}

func (s *statsJSON) stats() ImportStats {
	if s == nil {
		return ImportStats{}
	}
	st := ImportStats{Created: s.Created, Updated: s.Updated, Deleted: s.Deleted, Ignored: s.Ignored}
	st.Total = st.Created + st.Updated + st.Deleted + st.Ignored
	if s.Total != nil {
		st.Total = *s.Total
	}
	return st
}

type importCountJSON struct {
	Imported int `json:"imported"`
	Updated  int `json:"updated"`
	Ignored  int `json:"ignored"`
	Deleted  int `json:"deleted"`
}

func (c *importCountJSON) stats() ImportStats {
	if c == nil {
		return ImportStats{}
	}
	return ImportStats{Created: c.Imported, Updated: c.Updated, Deleted: c.Deleted, Ignored: c.Ignored,
		Total: c.Imported + c.Updated + c.Deleted + c.Ignored}
}

type errorReportJSON struct {
	Message       string          `json:"message"`
	MainKlass     string          `json:"mainKlass"`
	MainID        string          `json:"mainId"`
	ErrorKlass    string          `json:"errorKlass"`
	ErrorProperty string          `json:"errorProperty"`
	ErrorCode     string          `json:"errorCode"`
	Value         json.RawMessage `json:"value"`
}

type objectReportJSON struct {
	Klass        string            `json:"klass"`
	Index        *int              `json:"index"`
	UID          string            `json:"uid"`
	ErrorReports []errorReportJSON `json:"errorReports"`
}

type typeReportJSON struct {
	Klass         string             `json:"klass"`
	Stats         *statsJSON         `json:"stats"`
	ObjectReports []objectReportJSON `json:"objectReports"`
}

type trackerErrorJSON struct {
	Message     string `json:"message"`
	ErrorCode   string `json:"errorCode"`
	TrackerType string `json:"trackerType"`
	UID         string `json:"uid"`
}

type validationReportJSON struct {
	ErrorReports   []trackerErrorJSON `json:"errorReports"`
	WarningReports []trackerErrorJSON `json:"warningReports"`
}

type bundleReportJSON struct {
	TypeReportMap map[string]struct {
		TrackerType   string     `json:"trackerType"`
		Stats         *statsJSON `json:"stats"`
		ObjectReports []struct {
			TrackerType  string             `json:"trackerType"`
			UID          string             `json:"uid"`
			Index        *int               `json:"index"`
			ErrorReports []trackerErrorJSON `json:"errorReports"`
		} `json:"objectReports"`
	} `json:"typeReportMap"`
}

type conflictJSON struct {
	Object    string            `json:"object"`
	Objects   map[string]string `json:"objects"`
	Value     string            `json:"value"`
	ErrorCode string            `json:"errorCode"`
	Property  string            `json:"property"`
	Indexes   []int             `json:"indexes"`
}

type summaryJSON struct {
	ResponseType    string           `json:"responseType"`
	Status          string           `json:"status"`
	Description     string           `json:"description"`
	Reference       string           `json:"reference"`
	ImportCount     *importCountJSON `json:"importCount"`
	Conflicts       []conflictJSON   `json:"conflicts"`
	RejectedIndexes []int            `json:"rejectedIndexes"`
	Enrollments     *summariesJSON   `json:"enrollments"`
	Events          *summariesJSON   `json:"events"`
	Relationships   *summariesJSON   `json:"relationships"`
}

type summariesJSON struct {
	Status          string        `json:"status"`
	Imported        int           `json:"imported"`
	Updated         int           `json:"updated"`
	Deleted         int           `json:"deleted"`
	Ignored         int           `json:"ignored"`
	Total           *int          `json:"total"`
	ImportSummaries []summaryJSON `json:"importSummaries"`
}

func (s *summariesJSON) stats() ImportStats {
	st := ImportStats{Created: s.Imported, Updated: s.Updated, Deleted: s.Deleted, Ignored: s.Ignored}
	st.Total = st.Created + st.Updated + st.Deleted + st.Ignored
	if s.Total != nil && *s.Total > st.Total {
		st.Total = *s.Total
	}
	return st
}

// reportJSON is the union of the fields that identify a report's shape.
type reportJSON struct {
	ResponseType string `json:"responseType"`
	Status       string `json:"status"`
	Message      string `json:"message"`
	Description  string `json:"description"`

	Stats       *statsJSON       `json:"stats"`
	TypeReports []typeReportJSON `json:"typeReports"`

	ValidationReport        *validationReportJSON `json:"validationReport"`
	TrackerValidationReport *validationReportJSON `json:"trackerValidationReport"`
	BundleReport            *bundleReportJSON     `json:"bundleReport"`

	ImportCount     *importCountJSON `json:"importCount"`
	ImportSummaries []summaryJSON    `json:"importSummaries"`

	Type         string `json:"type"`
	LastImported string `json:"lastImported"`

	UID          string            `json:"uid"`
	Klass        string            `json:"klass"`
	ErrorReports []errorReportJSON `json:"errorReports"`

	ID                       string `json:"id"`
	JobType                  string `json:"jobType"`
	RelativeNotifierEndpoint string `json:"relativeNotifierEndpoint"`
	Location                 string `json:"location"`
}

// jobRef references an async import job.
type jobRef struct {
	ID       string
	JobType  string // e.g. METADATA_IMPORT; empty for tracker jobs
	Tracker  bool   // a new-tracker job (/api/tracker/jobs/{id})
	Endpoint string // relativeNotifierEndpoint as sent
}
