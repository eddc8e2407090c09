package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/period"
)

// fakeCatalog is a tiny metadata world: data set DSaaaaaaaaa with data
// elements DEnumber001 (NUMBER) and DEtext00001 (TEXT); org units
// OUroot00001 > OUchild0001, OUchild0002; the default combo.
type fakeCatalog struct{ emptyCatalog }

var fakeDEs = map[string]datavalue.DataElement{
	"DEnumber001": {ValueType: datavalue.TypeNumber, AggregationType: "SUM", CategoryCombo: "bjDvmb4bfuf", DataSets: []string{"DSaaaaaaaaa"}},
	"DEtext00001": {ValueType: datavalue.TypeText, AggregationType: "NONE", CategoryCombo: "bjDvmb4bfuf", DataSets: []string{"DSaaaaaaaaa"}},
}

func (fakeCatalog) DataElement(uid string) (datavalue.DataElement, bool) {
	d, ok := fakeDEs[uid]
	return d, ok
}
func (fakeCatalog) OrgUnitExists(uid string) bool {
	return uid == "OUroot00001" || uid == "OUchild0001" || uid == "OUchild0002"
}
func (fakeCatalog) OptionCombo(uid string) (datavalue.OptionCombo, bool) {
	return datavalue.OptionCombo{CategoryCombo: "bjDvmb4bfuf"}, uid == "HllvX50cXC0"
}
func (fakeCatalog) DataSet(uid string) (datavalue.DataSet, bool) {
	return datavalue.DataSet{PeriodType: period.Monthly, CategoryCombo: "bjDvmb4bfuf"}, uid == "DSaaaaaaaaa"
}
func (fakeCatalog) DataSetElements(uid string) ([]string, bool) {
	if uid != "DSaaaaaaaaa" {
		return nil, false
	}
	return []string{"DEnumber001", "DEtext00001"}, true
}
func (f fakeCatalog) OrgUnitDescendants(uid string) ([]string, bool) {
	switch uid {
	case "OUroot00001":
		return []string{"OUroot00001", "OUchild0001", "OUchild0002"}, true
	case "OUchild0001", "OUchild0002":
		return []string{uid}, true
	}
	return nil, false
}
func (fakeCatalog) Code(plural, uid string) (string, bool) {
	if uid == "DEnumber001" {
		return "DE_NUMBER", true
	}
	return "", false
}
func (f fakeCatalog) Exists(plural, uid string) bool {
	switch plural {
	case "dataSets":
		return uid == "DSaaaaaaaaa"
	case "dataElements":
		_, ok := fakeDEs[uid]
		return ok
	case "organisationUnits":
		return f.OrgUnitExists(uid)
	case "dataApprovalWorkflows":
		return uid == "WFaaaaaaaaa"
	}
	return false
}

type dvHarness struct {
	e   *Emulator
	srv *httptest.Server
}

func newDVHarness(t *testing.T, opts Options) *dvHarness {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = func() time.Time { return time.Date(2024, 3, 10, 8, 0, 0, 0, time.UTC) }
	}
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.state.cat = fakeCatalog{}
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); e.Close() })
	return &dvHarness{e: e, srv: srv}
}

func (h *dvHarness) do(t *testing.T, method, path, body string) (int, map[string]any, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, rd)
	req.SetBasicAuth("admin", "district")
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, m, string(b)
}

const twoValues = `{"dataSet":"DSaaaaaaaaa","period":"202401","orgUnit":"OUchild0001","dataValues":[
 {"dataElement":"DEnumber001","value":"12","storedBy":"clerk","created":"2024-01-05T10:00:00.000","lastUpdated":"2024-01-06T11:00:00.000","comment":"ok"},
 {"dataElement":"DEtext00001","value":"hello","followup":true}]}`

func TestDataValueSetsImportExport(t *testing.T) {
	t.Parallel()
	h := newDVHarness(t, Options{Version: "2.40"})
	code, m, body := h.do(t, "POST", "/api/dataValueSets?dryRun=true", twoValues)
	if code != 200 || m["status"] != "OK" {
		t.Fatalf("dry run: %d %s", code, body)
	}
	if n := h.e.WriteCounts().Total(); n != 0 {
		t.Fatalf("dry run wrote %d", n)
	}
	code, m, body = h.do(t, "POST", "/api/dataValueSets", twoValues)
	resp := m["response"].(map[string]any)
	if code != 200 || resp["importCount"].(map[string]any)["imported"] != 2.0 {
		t.Fatalf("import: %d %s", code, body)
	}
	if got := h.e.WriteCounts().DataValues.Imported; got != 2 {
		t.Fatalf("counted %d imported", got)
	}
	code, m, body = h.do(t, "GET", "/api/dataValueSets?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUroot00001&children=true", "")
	vals, _ := m["dataValues"].([]any)
	if code != 200 || len(vals) != 2 {
		t.Fatalf("export: %d %s", code, body)
	}
	first := vals[0].(map[string]any)
	if first["storedBy"] != "clerk" || first["comment"] != "ok" || first["created"] != "2024-01-05T10:00:00.000+0000" {
		t.Errorf("2.40 keeps payload timestamps and storedBy: %v", first)
	}
	_, _, body = h.do(t, "GET", "/api/dataValueSets?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001&dataElementIdScheme=CODE", "")
	if !strings.Contains(body, `"dataElement":"DE_NUMBER"`) || !strings.Contains(body, `"dataSet":"DSaaaaaaaaa"`) {
		t.Errorf("CODE scheme / header: %s", body)
	}
	// Delete strategy, then includeDeleted.
	h.do(t, "POST", "/api/dataValueSets?importStrategy=DELETE", twoValues)
	_, m, _ = h.do(t, "GET", "/api/dataValueSets?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001", "")
	if vals, _ := m["dataValues"].([]any); len(vals) != 0 {
		t.Fatalf("deleted values exported: %v", vals)
	}
	_, _, body = h.do(t, "GET", "/api/dataValueSets?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001&includeDeleted=true", "")
	if strings.Count(body, `"deleted":true`) != 2 {
		t.Fatalf("includeDeleted: %s", body)
	}
}

func TestDataValueSetsQueryErrors(t *testing.T) {
	t.Parallel()
	h := newDVHarness(t, Options{Version: "2.39"})
	cases := []struct{ query, code string }{
		{"period=202401&orgUnit=OUchild0001", "E2001"},
		{"dataSet=NOPEnope001&period=202401&orgUnit=OUchild0001", "E2001"},
		{"dataSet=DSaaaaaaaaa&orgUnit=OUchild0001", "E2002"},
		{"dataSet=DSaaaaaaaaa&period=202401&startDate=2024-01-01&endDate=2024-02-01&orgUnit=OUchild0001", "E2003"},
		{"dataSet=DSaaaaaaaaa&startDate=2024-03-01&endDate=2024-01-01&orgUnit=OUchild0001", "E2004"},
		{"dataSet=DSaaaaaaaaa&lastUpdatedDuration=abc&orgUnit=OUchild0001", "E2005"},
		{"dataSet=DSaaaaaaaaa&period=202401", "E2006"},
		{"dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001&limit=-1", "E2009"},
	}
	for _, c := range cases {
		code, m, body := h.do(t, "GET", "/api/dataValueSets?"+c.query, "")
		if code != 409 || m["errorCode"] != c.code {
			t.Errorf("%s: %d %s, want 409 %s", c.query, code, body, c.code)
		}
	}
	code, _, body := h.do(t, "GET", "/api/dataValueSets?dataSet=DSaaaaaaaaa&lastUpdatedDuration=30d&orgUnit=OUchild0001", "")
	if code != 200 {
		t.Errorf("lastUpdatedDuration: %d %s", code, body)
	}
}

func TestDataValueSetsEnvelopes(t *testing.T) {
	t.Parallel()
	bad := `{"dataValues":[{"dataElement":"NOPEnope001","period":"202401","orgUnit":"OUchild0001","value":"1"},
	{"dataElement":"DEnumber001","period":"202401","orgUnit":"OUchild0001","value":"abc"},
	{"dataElement":"DEnumber001","period":"202401","orgUnit":"OUchild0002","value":"3"}]}`
	cases := []struct {
		version, path string
		wantCode      int
		wrapped       bool
		details       bool
	}{
		{"2.30", "/api/dataValueSets", 200, false, false},
		{"2.36", "/api/dataValueSets", 200, false, false},
		{"2.37", "/api/dataValueSets", 200, false, true},
		{"2.38", "/api/dataValueSets", 409, true, true},
		{"2.38", "/api/37/dataValueSets", 200, false, true},
		{"2.41", "/api/dataValueSets", 409, true, true},
		{"2.42", "/api/37/dataValueSets", 409, true, true},
	}
	for _, c := range cases {
		t.Run(c.version+c.path, func(t *testing.T) {
			t.Parallel()
			h := newDVHarness(t, Options{Version: c.version})
			code, m, body := h.do(t, "POST", c.path, bad)
			if code != c.wantCode {
				t.Fatalf("status %d, want %d: %s", code, c.wantCode, body)
			}
			sum := m
			if c.wrapped {
				if m["httpStatusCode"] != 409.0 || m["status"] != "WARNING" {
					t.Fatalf("wrapper: %s", body)
				}
				sum = m["response"].(map[string]any)
			} else if _, ok := m["httpStatus"]; ok {
				t.Fatalf("plain summary expected: %s", body)
			}
			if sum["status"] != "WARNING" || sum["responseType"] != "ImportSummary" {
				t.Fatalf("summary: %s", body)
			}
			conflicts := sum["conflicts"].([]any)
			if len(conflicts) != 2 {
				t.Fatalf("conflicts: %v", conflicts)
			}
			var codes []string
			for _, c := range conflicts {
				if code, ok := c.(map[string]any)["errorCode"].(string); ok {
					codes = append(codes, code)
				}
			}
			if c.details != (len(codes) == 2) || (c.details && (!slices.Contains(codes, "E7610") || !slices.Contains(codes, "E7619"))) {
				t.Fatalf("conflict codes %v (details expected: %v)", codes, c.details)
			}
			if got := h.e.WriteCounts().DataValues.Imported; got != 1 {
				t.Fatalf("imported %d, want 1", got)
			}
		})
	}
}

func TestDataValueSetsAsync(t *testing.T) {
	t.Parallel()
	h := newDVHarness(t, Options{Version: "2.39"})
	code, m, body := h.do(t, "POST", "/api/dataValueSets?async=true", twoValues)
	if code != 200 || m["message"] != "Initiated dataValueImport" {
		t.Fatalf("async: %d %s", code, body)
	}
	resp := m["response"].(map[string]any)
	endpoint := resp["relativeNotifierEndpoint"].(string)
	if resp["jobType"] != "DATAVALUE_IMPORT" || !strings.HasPrefix(endpoint, "/api/system/tasks/DATAVALUE_IMPORT/") {
		t.Fatalf("job: %s", body)
	}
	h.e.jobs.wg.Wait()
	req, _ := http.NewRequest("GET", h.srv.URL+endpoint, nil)
	req.SetBasicAuth("admin", "district")
	r2, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var notes []map[string]any
	json.NewDecoder(r2.Body).Decode(&notes)
	r2.Body.Close()
	if len(notes) < 2 || notes[0]["completed"] != true || notes[len(notes)-1]["completed"] != false {
		t.Fatalf("notifications (newest first, final completed): %v", notes)
	}
	id := resp["id"].(string)
	code, m, body = h.do(t, "GET", "/api/system/taskSummaries/DATAVALUE_IMPORT/"+id, "")
	if code != 200 || m["responseType"] != "ImportSummary" || m["importCount"].(map[string]any)["imported"] != 2.0 {
		t.Fatalf("task summary: %d %s", code, body)
	}
}
