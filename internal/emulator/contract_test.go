package emulator_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

const (
	sdk = "dhis2__dhis2-android-sdk/core/src/sharedTest/resources/"
	iea = "dhis2__import-export-app/cypress/fixtures/"
)

const goodValues = `{"dataSet":"DSaaaaaaaaa","period":"202401","orgUnit":"OUchild0001","dataValues":[
 {"dataElement":"DEnumber001","value":"12"}]}`

const badValues = `{"dataValues":[
 {"dataElement":"DEnumber001","period":"202401","orgUnit":"OUchild0001","value":"abc"},
 {"dataElement":"DEnumber001","period":"202402","orgUnit":"OUchild0001","value":"7"}]}`

// TestDataValueSetsContract compares dataValueSets import answers with the
// recorded ones, per version: plain ImportSummary up to 2.37 (HTTP 200),
// WebMessage from 2.38 (409 when there are conflicts).
func TestDataValueSetsContract(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.30", "2.37", "2.38", "2.41", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: v})
			if code, m := post(t, srv, "/api/metadata", smallWorld); code != 200 {
				t.Fatalf("metadata: %d %v", code, m)
			}
			okCode, ok := post(t, srv, "/api/dataValueSets", goodValues)
			badCode, bad := post(t, srv, "/api/dataValueSets", badValues)
			opt := []string{"response.importOptions.mergeMode", "importOptions.mergeMode"}
			if !emulatorWraps(v) {
				if okCode != 200 || badCode != 200 || bad["status"] != "WARNING" {
					t.Fatalf("plain: %d %v / %d %v", okCode, ok, badCode, bad)
				}
				for _, d := range shapeDiff(readFixture(t, iea+"dataImportSummaries.json"), ok, opt...) {
					t.Error("success:", d)
				}
				return
			}
			if okCode != 200 || badCode != 409 {
				t.Fatalf("wrapped statuses %d / %d, want 200 / 409", okCode, badCode)
			}
			for _, d := range shapeDiff(readFixture(t, sdk+"datavalueset/data_value_set_success.json"), ok, opt...) {
				t.Error("success:", d)
			}
			for _, d := range shapeDiff(readFixture(t, sdk+"datavalueset/data_value_set_warning.json"), bad, opt...) {
				t.Error("warning:", d)
			}
			if bad["status"] != "WARNING" || bad["httpStatus"] != "Conflict" {
				t.Errorf("wrapper of a WARNING summary: %v", bad)
			}
			conflict := bad["response"].(map[string]any)["conflicts"].([]any)[0]
			for _, d := range shapeDiff(readFixture(t, sdk+"imports/import_conflict.json"), conflict) {
				t.Error("conflict:", d)
			}
		})
	}
}

func emulatorWraps(v string) bool { return v >= "2.38" }

// TestAsyncDataImportContract compares the async answer, the task list and
// the task summary with the Import/Export app recordings.
func TestAsyncDataImportContract(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.36"})
	post(t, srv, "/api/metadata", smallWorld)
	_, job := post(t, srv, "/api/dataValueSets?async=true", goodValues)
	for _, d := range shapeDiff(readFixture(t, iea+"dataImportUpload.json"), job) {
		t.Error("upload:", d)
	}
	id := job["response"].(map[string]any)["id"].(string)
	var notes any
	for range 500 {
		_, notes = getJSON(t, srv, "/api/system/tasks/DATAVALUE_IMPORT/"+id)
		if l := notes.([]any); len(l) > 0 && l[0].(map[string]any)["completed"] == true {
			break
		}
	}
	for _, d := range shapeDiff(readFixture(t, iea+"dataImportTasks.json"), notes) {
		t.Error("tasks:", d)
	}
	_, sum := getJSON(t, srv, "/api/system/taskSummaries/DATAVALUE_IMPORT/"+id)
	for _, d := range shapeDiff(readFixture(t, iea+"dataImportSummaries.json"), sum, "importOptions.mergeMode") {
		t.Error("summary:", d)
	}
}

// TestWebMessageContract compares generic WebMessages with the dataStore
// recordings of the Android SDK (404 and 201 shapes).
func TestWebMessageContract(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40"})
	post(t, srv, "/api/metadata", smallWorld)
	resp := srv.Do(t, http.MethodGet, "/api/dataElements/NOPEnope001", nil)
	notFound := decode(t, resp)
	for _, d := range shapeDiff(readFixture(t, sdk+"datastore/actions/namespace_key_deleted_not_found_404.json"), notFound) {
		t.Error("404:", d)
	}
	code, created := post(t, srv, "/api/lockExceptions?ds=DSaaaaaaaaa&pe=202401&ou=OUchild0001", "")
	if code != 201 {
		t.Fatalf("lock exception: %d %v", code, created)
	}
	for _, d := range shapeDiff(readFixture(t, sdk+"datastore/actions/namespace_key_post_201.json"), created) {
		t.Error("201:", d)
	}
	resp = srv.Do(t, http.MethodGet, "/api/me", nil)
	resp.Body.Close()
	req := srv.Request(t, http.MethodGet, "/api/me", nil)
	req.SetBasicAuth("admin", "bad")
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range shapeDiff(readFixture(t, sdk+"user/user_unauthorized.json"), decode(t, resp)) {
		t.Error("401:", d)
	}
}

// TestDemoSeedExport is the demonstration: the demo seed's data
// sets export thousands of values through /api/dataValueSets.
func TestDemoSeedExport(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo seed (~250k values)")
	}
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.39", Seed: "demo"})
	_, ds := getJSON(t, srv, "/api/dataSets?fields=id,name&paging=false")
	_, roots := getJSON(t, srv, "/api/organisationUnits?filter=level:eq:1&fields=id")
	root := roots.(map[string]any)["organisationUnits"].([]any)[0].(map[string]any)["id"].(string)
	total := 0
	for _, d := range ds.(map[string]any)["dataSets"].([]any) {
		id := d.(map[string]any)["id"].(string)
		code, body := getJSON(t, srv, "/api/dataValueSets?dataSet="+id+"&orgUnit="+root+"&children=true&startDate=2000-01-01&endDate=2030-12-31")
		if code != 200 {
			t.Fatalf("export %s: %d", id, code)
		}
		n := len(body.(map[string]any)["dataValues"].([]any))
		if n < 1000 {
			t.Errorf("data set %s exports %d values, want thousands", id, n)
		}
		total += n
	}
	if total < 100_000 {
		t.Fatalf("demo exports %d values in total", total)
	}
	if !strings.HasPrefix(srv.SeedSummary(), "demo (") {
		t.Errorf("seed summary %q", srv.SeedSummary())
	}
	t.Logf("demo seed: %d values exported over %d data sets", total, len(ds.(map[string]any)["dataSets"].([]any)))
}

// TestDataValueConflictCodes checks the E76xx codes of the classic
// mistakes through HTTP (2.37+ conflicts carry errorCode).
func TestDataValueConflictCodes(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.41"})
	post(t, srv, "/api/metadata", smallWorld)
	value := func(de, pe, ou, coc, v string) string {
		return `{"dataValues":[{"dataElement":"` + de + `","period":"` + pe + `","orgUnit":"` + ou + `","categoryOptionCombo":"` + coc + `","value":"` + v + `"}]}`
	}
	cases := []struct{ name, body, code string }{
		{"unknown data element", value("DEnope00001", "202401", "OUchild0001", "HllvX50cXC0", "1"), "E7610"},
		{"invalid period", value("DEnumber001", "2024-13", "OUchild0001", "HllvX50cXC0", "1"), "E7611"},
		{"unknown org unit", value("DEnumber001", "202401", "OUnope00001", "HllvX50cXC0", "1"), "E7612"},
		{"unknown category option combo", value("DEnumber001", "202401", "OUchild0001", "COCnope0001", "1"), "E7613"},
		{"value type mismatch", value("DEnumber001", "202401", "OUchild0001", "HllvX50cXC0", "douze"), "E7619"},
	}
	for _, c := range cases {
		code, m := post(t, srv, "/api/dataValueSets", c.body)
		if code != 409 || !strings.Contains(mustJSON(m), `"errorCode":"`+c.code+`"`) {
			t.Errorf("%s: %d %s, want 409 with %s", c.name, code, mustJSON(m), c.code)
		}
	}
	if n := srv.WriteCounts().DataValues.Imported; n != 0 {
		t.Fatalf("rejected values were imported: %d", n)
	}
}

// TestDemoSeedEveryVersion loads the demo seed (newest shape) into every
// emulated version through the transforms and the importer.
func TestDemoSeedEveryVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo seed 13 times")
	}
	for m := 30; m <= 42; m++ {
		v := "2." + strconv.Itoa(m)
		e, err := emulator.New(emulator.Options{Version: v, Seed: "demo"})
		if err != nil {
			t.Errorf("%s: %v", v, err)
			continue
		}
		if st := e.Stats(); st.DataValues < 100_000 || st.Objects["organisationUnits"] < 500 {
			t.Errorf("%s: %+v", v, st)
		}
		e.Close()
	}
}
