package dhis2

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// fixturesDir returns the shared DHIS2 fixtures folder (../shared/fixtures
// next to the module root) or skips the test when it is absent.
func fixturesDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory; cannot locate ../shared/fixtures")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skipf("shared DHIS2 fixtures not available at %s: skipping fixture-driven test", fx)
	}
	return fx
}

func readFixture(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixturesDir(t), rel))
	if err != nil {
		t.Fatalf("read fixture %s: %v", rel, err)
	}
	return data
}

const (
	sdk = "dhis2__dhis2-android-sdk/core/src/sharedTest/resources/"
	iea = "dhis2__import-export-app/cypress/fixtures/"
)

// dashboardSystemInfo extracts the /api/system/info body recorded in the
// dashboard-app session (bodies are JSON strings inside JSON).
func dashboardSystemInfo(t *testing.T) []byte {
	t.Helper()
	var rec struct {
		Requests []struct {
			Path     string `json:"path"`
			Response string `json:"response"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(readFixture(t, "dhis2__dashboard-app/cypress/fixtures/network/requests.json"), &rec); err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.Requests {
		if r.Path == "/api/system/info" {
			return []byte(r.Response)
		}
	}
	t.Fatal("no /api/system/info in requests.json")
	return nil
}

func TestParseSystemInfoFixtures(t *testing.T) {
	t.Parallel()
	fixturesDir(t)
	tests := []struct {
		file       string
		body       func(t *testing.T) []byte
		version    string
		revision   string
		tz         string
		serverDate string // UTC, RFC 3339 with millis
		name       string
		notDHIS2   bool
	}{
		{file: "BLSQ__dhis2/spec/fixtures/2.24/system_info.json", version: "2.24", revision: "b18ea3a", serverDate: "2017-10-17T16:15:18.143Z"},
		{file: "BLSQ__dhis2/spec/fixtures/2.25/system_info.json", version: "2.25", revision: "d0404df", serverDate: "2017-10-17T16:14:10.891Z"},
		{file: "BLSQ__dhis2/spec/fixtures/2.26/system_info.json", version: "2.26"},
		{file: "BLSQ__dhis2/spec/fixtures/2.27/system_info.json", version: "2.27"},
		{file: "BLSQ__dhis2/spec/fixtures/2.28/system_info.json", version: "2.28"},
		{file: "dashboard requests.json", body: dashboardSystemInfo, version: "2.36-SNAPSHOT", revision: "3ee38ae",
			serverDate: "2020-11-03T07:20:14.353Z", name: "DHIS 2 Demo - Sierra Leone"},
		{file: sdk + "systeminfo/system_info.json", version: "2.41.0", revision: "585e4bd", tz: "Etc/UTC",
			serverDate: "2017-11-29T11:27:46.935Z", name: "DHIS 2 Demo - Sierra Leone"},
		{file: iea + "HeaderBar/systemInfo.json", notDHIS2: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			var body []byte
			if tt.body != nil {
				body = tt.body(t)
			} else {
				body = readFixture(t, tt.file)
			}
			si, err := ParseSystemInfo(body)
			if tt.notDHIS2 {
				if err == nil {
					t.Fatalf("ParseSystemInfo accepted a body without version: %+v", si)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSystemInfo: %v", err)
			}
			if si.Version.Compare(MustParseVersion(tt.version)) != 0 || si.VersionString != tt.version {
				t.Errorf("version = %s (%q), want %s", si.Version, si.VersionString, tt.version)
			}
			if tt.revision != "" && si.Revision != tt.revision {
				t.Errorf("revision = %q, want %q", si.Revision, tt.revision)
			}
			if si.ServerTimeZoneID != tt.tz {
				t.Errorf("time zone = %q, want %q", si.ServerTimeZoneID, tt.tz)
			}
			if si.ServerDate.IsZero() {
				t.Errorf("serverDate %q not parsed", si.ServerDateRaw)
			}
			if tt.serverDate != "" {
				if got := si.ServerDate.UTC().Format("2006-01-02T15:04:05.000Z07:00"); got != tt.serverDate {
					t.Errorf("serverDate = %s, want %s", got, tt.serverDate)
				}
			}
			if tt.name != "" && si.SystemName != tt.name {
				t.Errorf("systemName = %q, want %q", si.SystemName, tt.name)
			}
		})
	}
}

// importWant is the expected parse of one import fixture.
type importWant struct {
	kind      ImportKind
	http      int
	respType  string
	status    ImportStatus
	wrapped   bool
	stats     ImportStats
	errors    []string // "TYPE:UID:CODE" per error, in order
	errCount  int      // instead of errors: only the number of errors
	conflicts int
	confFirst string // "object|code" of the first conflict
	typeStats map[string]ImportStats
	ref       string
	job       string // a job reference with this id instead of a result
	parseErr  bool
}

func st(c, u, d, i, tot int) ImportStats { return ImportStats{c, u, d, i, tot} }

func TestParseImportResultFixtures(t *testing.T) {
	t.Parallel()
	fixturesDir(t)
	imp := sdk + "imports/"
	trk := sdk + "imports/tracker-importer/"
	tests := map[string]importWant{
		imp + "data_value_import_summary_web_response.json": {kind: ImportKindDataValues, http: 200, respType: "ImportSummary", status: StatusOK, wrapped: true,
			stats: st(0, 10, 0, 0, 10), typeStats: map[string]ImportStats{"DATA_VALUE": st(0, 10, 0, 0, 10)}},
		imp + "import_conflict.json": {kind: ImportKindDataValues, http: 200, parseErr: true},
		imp + "import_count.json":    {kind: ImportKindDataValues, http: 200, parseErr: true},
		imp + "import_enrollment.json": {kind: ImportKindEnrollments, http: 200, respType: "ImportSummaries", status: StatusOK,
			stats: st(0, 1, 0, 0, 1), conflicts: 1, confFirst: "bx6fsa0t90x|",
			typeStats: map[string]ImportStats{"ENROLLMENT": st(0, 1, 0, 0, 1), "EVENT": st(0, 0, 0, 1, 1)}},
		imp + "import_event.json": {kind: ImportKindEvents, http: 200, respType: "ImportSummaries", status: StatusOK,
			stats: st(1, 2, 3, 4, 10), conflicts: 1, confFirst: "bx6fsa0t90x|"},
		imp + "import_summaries.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK,
			stats: st(1, 2, 3, 4, 10)},
		imp + "import_summary_with_event_conflicts.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummary", status: StatusOK,
			stats: st(0, 1, 0, 0, 1), conflicts: 1, confFirst: "bx6fsa0t90x|", ref: "Rmp5T1vmZ74"},
		imp + "import_summary_with_tei_conflicts.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummary", status: StatusError,
			stats: st(0, 0, 0, 1, 1), errors: []string{"TRACKED_ENTITY:Rmp5T1vmZ74:"}, conflicts: 1, confFirst: "Attribute.value|", ref: "Rmp5T1vmZ74"},
		imp + "relationship_delete_web_response.json": {kind: ImportKindRelationships, http: 200, respType: "ImportSummary", status: StatusOK, wrapped: true,
			stats: st(0, 0, 1, 0, 1), ref: "wOhCbIpmVCp"},
		imp + "relationship_web_response.json": {kind: ImportKindRelationships, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true,
			stats: st(2, 0, 0, 0, 2)},
		imp + "relationship_web_response_with_errors.json": {kind: ImportKindRelationships, http: 409, respType: "ImportSummaries", status: StatusError, wrapped: true,
			stats: st(0, 0, 0, 2, 2), errors: []string{"RELATIONSHIP:wOhCbIpmVCp:", "RELATIONSHIP:EdG77xZE29R:"}},
		imp + "web_response.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true,
			stats: st(0, 2, 0, 0, 2)},
		imp + "web_response_with_empty_events.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true,
			stats: st(1, 0, 0, 0, 1)},
		imp + "web_response_with_event_import_conflicts.json": {kind: ImportKindEvents, http: 409, respType: "ImportSummaries", status: StatusError, wrapped: true,
			stats: st(0, 0, 0, 3, 3), errors: []string{"EVENT:event1Id:", "EVENT:event2Id:", "EVENT:event3Id:"}, conflicts: 3, confFirst: "CategoryOptionCombo|"},
		imp + "web_response_with_event_import_conflicts2.json": {kind: ImportKindEvents, http: 409, respType: "ImportSummaries", status: StatusError, wrapped: true,
			stats: st(0, 0, 0, 3, 3), errors: []string{"EVENT:event2Id:", "EVENT:event3Id:"}, conflicts: 2, confFirst: "CategoryOptionCombo|"},
		imp + "web_response_with_event_import_conflicts_new.json": {kind: ImportKindTracker, http: 409, respType: "TrackerImportReport", status: StatusError,
			stats: st(0, 0, 0, 3, 3), errors: []string{"EVENT:event1Id:E1029", "EVENT:event2Id:E1029", "EVENT:event3Id:E1029"}},
		imp + "web_response_with_event_import_conflicts2_new.json": {kind: ImportKindTracker, http: 409, respType: "TrackerImportReport", status: StatusError,
			stats: st(1, 0, 0, 0, 1), errors: []string{"EVENT:event2Id:E1029", "EVENT:event3Id:E1029"}},
		imp + "web_response_with_import_conflicts.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true,
			stats: st(0, 2, 0, 0, 2), conflicts: 29, confFirst: "f2MduVqwPXO|",
			typeStats: map[string]ImportStats{"TRACKED_ENTITY": st(0, 2, 0, 0, 2), "ENROLLMENT": st(0, 2, 0, 0, 2), "EVENT": st(0, 0, 0, 29, 29)}},
		imp + "web_response_with_import_conflicts_2.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true,
			stats: st(0, 2, 0, 0, 2), errors: []string{"EVENT:event2Id:"}, conflicts: 3, confFirst: "f2MduVqwPXO|"},
		imp + "web_response_with_import_conflicts_3.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true,
			stats: st(0, 2, 0, 0, 2), errors: []string{"EVENT:event2Id:"}, conflicts: 1, confFirst: "Illegal category option identifier: as6ygGvUGNg|"},
		trk + "event-conflict-new.json": {kind: ImportKindTracker, http: 409, respType: "TrackerImportReport", status: StatusError,
			stats: st(0, 0, 0, 1, 1), errors: []string{"EVENT:STPIK5YTi4f:E1029"}},
		trk + "event-conflict-old.json": {kind: ImportKindEvents, http: 409, respType: "ImportSummaries", status: StatusError, wrapped: true,
			stats: st(0, 0, 0, 2, 2), errors: []string{"EVENT:STPIK5YTi4f:", "EVENT:sjSyAZLTOfK:"}},
		trk + "event-ok-new.json": {kind: ImportKindTracker, http: 200, respType: "TrackerImportReport", status: StatusOK,
			stats:     st(1, 0, 0, 0, 1),
			typeStats: map[string]ImportStats{"EVENT": st(1, 0, 0, 0, 1), "ENROLLMENT": {}, "RELATIONSHIP": {}, "TRACKED_ENTITY": {}}},
		trk + "event-ok-old.json":           {kind: ImportKindEvents, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true, stats: st(1, 0, 0, 0, 1)},
		trk + "job_response.json":           {kind: ImportKindTracker, http: 200, job: "LkXBUdIgbe3"},
		trk + "job_response_completed.json": {kind: ImportKindTracker, http: 200, parseErr: true},
		trk + "tei-new.json": {kind: ImportKindTracker, http: 200, respType: "TrackerImportReport", status: StatusOK, stats: st(1, 0, 0, 0, 1),
			typeStats: map[string]ImportStats{"TRACKED_ENTITY": st(1, 0, 0, 0, 1)}},
		trk + "tei-old.json": {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusOK, wrapped: true, stats: st(2, 0, 0, 0, 2)},
		trk + "tei-with-enrollment-error-new.json": {kind: ImportKindTracker, http: 409, respType: "TrackerImportReport", status: StatusError,
			stats: st(0, 0, 0, 2, 2), errors: []string{"ENROLLMENT:XJPm2lZzxtq:E1041"}},
		sdk + "tracker/importer/jobreport-success.json": {kind: ImportKindTracker, http: 200, respType: "TrackerImportReport", status: StatusOK,
			stats:     st(1, 2, 3, 4, 10),
			typeStats: map[string]ImportStats{"TRACKED_ENTITY": st(3, 3, 2, 2, 10), "EVENT": st(2, 2, 2, 2, 8), "RELATIONSHIP": st(1, 1, 1, 1, 4), "ENROLLMENT": {}}},
		sdk + "tracker/importer/jobreport-error.json": {kind: ImportKindTracker, http: 200, respType: "TrackerImportReport", status: StatusError,
			stats: st(0, 0, 0, 1, 1), errors: []string{"EVENT:PXi7gfVIk1p:E1033"}},
		sdk + "tracker/importer/jobinfo.json": {kind: ImportKindTracker, http: 200, parseErr: true},
		sdk + "datavalueset/data_value_set_success.json": {kind: ImportKindDataValues, http: 200, respType: "ImportSummary", status: StatusOK, wrapped: true,
			stats: st(0, 3, 0, 0, 3)},
		sdk + "datavalueset/data_value_set_warning.json": {kind: ImportKindDataValues, http: 409, respType: "ImportSummary", status: StatusWarning, wrapped: true,
			stats: st(0, 0, 0, 1, 1), conflicts: 1, confFirst: "40L|"},
		iea + "dataImportSummaries.json": {kind: ImportKindDataValues, http: 200, respType: "ImportSummary", status: StatusOK},
		iea + "dataImportUpload.json":    {kind: ImportKindDataValues, http: 200, job: "VSvRqiTbZFw"},
		iea + "eventImportSummaries.json": {kind: ImportKindEvents, http: 200, respType: "ImportSummaries", status: StatusError,
			stats: st(0, 0, 0, 1, 1), errors: []string{"EVENT::"}},
		iea + "eventImportUpload.json":       {kind: ImportKindEvents, http: 200, job: "MWl2zN9toYr"},
		iea + "metadataImportSummaries.json": {kind: ImportKindMetadata, http: 200, respType: "ImportReport", status: StatusOK},
		iea + "metadataImportUpload.json":    {kind: ImportKindMetadata, http: 200, job: "LsJVYK4DwaO"},
		iea + "teiImportUpload.json":         {kind: ImportKindTrackedEntityInstances, http: 200, job: "spd3n1Rwfbv"},
		iea + "gmlImportUpload.json":         {kind: ImportKindMetadata, http: 200, respType: "ImportReport", status: StatusError, errors: []string{"DefaultGmlImportService::E7010"}},
		iea + "teiImportSummaries.json":      {kind: ImportKindTrackedEntityInstances, http: 200, respType: "ImportSummaries", status: StatusError, stats: st(0, 0, 0, 50, 50), errCount: 50},
		iea + "metadataImportTasks.json":     {kind: ImportKindMetadata, http: 200, parseErr: true},
		"BLSQ__dhis2/spec/fixtures/2.24/update.json": {kind: ImportKindObject, http: 200, respType: "ImportTypeSummary", status: StatusOK, wrapped: true,
			stats: st(0, 1, 0, 0, 1), ref: "abhCphW9lBs", typeStats: map[string]ImportStats{"Attribute": st(0, 1, 0, 0, 1)}},
		"BLSQ__dhis2/spec/fixtures/2.28/update.json": {kind: ImportKindObject, http: 200, respType: "ObjectReport", status: StatusOK, wrapped: true, ref: "XOfA96wUJ3E"},
	}
	names := make([]string, 0, len(tests))
	for n := range tests {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, file := range names {
		want := tests[file]
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			checkImport(t, readFixture(t, file), want)
		})
	}
}

// TestParseImportResultTeiSummaries checks the 50 per-object errors of the
// Import/Export app's TEI fixture one by one.
func TestParseImportResultTeiSummaries(t *testing.T) {
	t.Parallel()
	res, err := ParseImportResult(ImportKindTrackedEntityInstances, 200, readFixture(t, iea+"teiImportSummaries.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 50 {
		t.Fatalf("errors = %d, want 50", len(res.Errors))
	}
	e := res.Errors[0]
	if e.Type != "TRACKED_ENTITY" || e.UID != "QGyxOe1zewj" || !strings.Contains(e.Message, "already exists") {
		t.Errorf("first error = %+v", e)
	}
	if len(res.Raw) == 0 || len(res.Raw) > RawCap {
		t.Errorf("raw body kept = %d bytes, want 1..%d for an ERROR result", len(res.Raw), RawCap)
	}
}

// TestParseImportResultBLSQCreates runs every 2.24–2.28 create response of
// the BLSQ client fixtures: each created exactly one object.
func TestParseImportResultBLSQCreates(t *testing.T) {
	t.Parallel()
	dir := fixturesDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "BLSQ__dhis2/spec/fixtures/*/create/*.json"))
	if err != nil || len(files) < 90 {
		t.Fatalf("found %d BLSQ create fixtures (%v), want ≥ 90", len(files), err)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			var pair struct {
				Response json.RawMessage `json:"response"`
			}
			if err := json.Unmarshal(readFixture(t, rel), &pair); err != nil {
				t.Fatal(err)
			}
			var code struct {
				HTTPStatusCode int `json:"httpStatusCode"`
			}
			_ = json.Unmarshal(pair.Response, &code)
			http := code.HTTPStatusCode
			if http == 0 {
				http = 200
			}
			w := importWant{kind: ImportKindObject, http: http, status: StatusOK, stats: st(1, 0, 0, 0, 1)}
			v := strings.Split(rel, string(filepath.Separator))[3]
			base := filepath.Base(rel)
			switch {
			case base == "data_value_sets.json":
				w.kind, w.respType = ImportKindDataValues, "ImportSummary"
			case base == "events.json":
				w.kind, w.respType, w.wrapped = ImportKindEvents, "ImportSummaries", true
			case v == "2.24" && base == "report_tables.json":
				w.respType, w.wrapped, w.stats = "WebMessage", true, ImportStats{}
			case v == "2.24":
				w.respType, w.wrapped = "ImportTypeSummary", true
			default:
				w.respType, w.wrapped = "ObjectReport", true
			}
			checkImport(t, pair.Response, w)
		})
	}
}

func checkImport(t *testing.T, body []byte, want importWant) {
	t.Helper()
	res, job, err := parseImportBody(want.kind, want.http, body)
	if want.parseErr {
		if err == nil {
			t.Fatalf("parsed a non-report: %+v %+v", res, job)
		}
		return
	}
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if want.job != "" {
		if job == nil || job.ID != want.job {
			t.Fatalf("job = %+v, want id %s", job, want.job)
		}
		if _, err := ParseImportResult(want.kind, want.http, body); err == nil {
			t.Error("ParseImportResult accepted a job reference as a result")
		}
		return
	}
	if job != nil {
		t.Fatalf("unexpected job reference %+v", job)
	}
	if res.ResponseType != want.respType || res.Status != want.status || res.Wrapped != want.wrapped || res.HTTPStatus != want.http {
		t.Errorf("got %s/%s wrapped=%v http=%d, want %s/%s wrapped=%v http=%d",
			res.ResponseType, res.Status, res.Wrapped, res.HTTPStatus, want.respType, want.status, want.wrapped, want.http)
	}
	if res.Stats != want.stats {
		t.Errorf("stats = %+v, want %+v", res.Stats, want.stats)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Type+":"+e.UID+":"+e.Code)
	}
	if want.errCount > 0 {
		if len(errs) != want.errCount {
			t.Errorf("errors = %d, want %d", len(errs), want.errCount)
		}
	} else if strings.Join(errs, ",") != strings.Join(want.errors, ",") {
		t.Errorf("errors = %v, want %v", errs, want.errors)
	}
	if len(res.Conflicts) != want.conflicts {
		t.Errorf("conflicts = %d, want %d", len(res.Conflicts), want.conflicts)
	} else if want.confFirst != "" {
		c := res.Conflicts[0]
		if got := c.Object + "|" + c.Code; got != want.confFirst {
			t.Errorf("first conflict = %q, want %q", got, want.confFirst)
		}
	}
	for typ, ws := range want.typeStats {
		if got, ok := res.TypeStats[typ]; !ok || got != ws {
			t.Errorf("typeStats[%s] = %+v (present %v), want %+v", typ, got, ok, ws)
		}
	}
	if want.ref != "" && res.Reference != want.ref {
		t.Errorf("reference = %q, want %q", res.Reference, want.ref)
	}
	if (res.Status == StatusOK) != (len(res.Raw) == 0) {
		t.Errorf("raw kept = %d bytes for status %s", len(res.Raw), res.Status)
	}
}

// TestParseImportResultConflictDetails checks the 2.37+ conflict fields on
// the SDK's conflict fixture embedded in a data value summary.
func TestParseImportResultConflictDetails(t *testing.T) {
	t.Parallel()
	conflict := readFixture(t, sdk+"imports/import_conflict.json")
	body := []byte(`{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","message":"Import completed with warnings, please check import summary.",
		"response":{"responseType":"ImportSummary","status":"WARNING","importCount":{"imported":5,"updated":1,"ignored":2,"deleted":0},
		"conflicts":[` + string(conflict) + `],"rejectedIndexes":[2,7]}}`)
	res, err := ParseImportResult(ImportKindDataValues, 409, body)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusWarning || res.Stats != st(5, 1, 0, 2, 8) {
		t.Fatalf("status %s stats %+v", res.Status, res.Stats)
	}
	c := res.Conflicts[0]
	if c.Code != "E7619" || c.Property != "value" || c.Object != "UOlfIjgN8X6" || c.Objects["dataElement"] != "UOlfIjgN8X6" ||
		len(c.Indexes) != 2 || c.Indexes[1] != 7 || !strings.Contains(c.Value, "not numeric") {
		t.Errorf("conflict = %+v", c)
	}
	if len(res.RejectedIndexes) != 2 || res.Message != "Import completed with warnings, please check import summary." {
		t.Errorf("rejected %v message %q", res.RejectedIndexes, res.Message)
	}
}

// TestParseNotificationFixtures decodes the async task lists.
func TestParseNotificationFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		n         int
		completed string
	}{
		{trkFile("job_response_completed.json"), 12, "Import complete with status OK, 0 created, 1 updated, 0 deleted, 0 ignored"},
		{iea + "dataImportTasks.json", 3, "Import done"},
		{iea + "metadataImportTasks.json", 2, "(admin) Import:Done took 0.28 seconds"},
		{iea + "eventImportTasks.json", 2, "Import done. Completed in 00:00:00.085."},
		{iea + "teiImportTasks.json", 2, "Import done"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			var notes []notification
			if err := json.Unmarshal(readFixture(t, tt.file), &notes); err != nil {
				t.Fatal(err)
			}
			if len(notes) != tt.n {
				t.Fatalf("notifications = %d, want %d", len(notes), tt.n)
			}
			var done []string
			for _, n := range notes {
				if n.Completed {
					done = append(done, n.Message)
				}
				if _, err := ParseTime(n.Time, time.UTC); err != nil {
					t.Errorf("time %q: %v", n.Time, err)
				}
			}
			if len(done) != 1 || done[0] != tt.completed {
				t.Errorf("completed = %q, want [%q]", done, tt.completed)
			}
		})
	}
}

func trkFile(name string) string { return sdk + "imports/tracker-importer/" + name }
