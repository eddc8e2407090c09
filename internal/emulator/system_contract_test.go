package emulator_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestContractDataStoreActions replays the Android SDK's recorded
// dataStore answers (2.37+ wording) against the emulator: same status,
// same WebMessage shape and message.
func TestContractDataStoreActions(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40"})
	steps := []struct {
		fixture, method, body string
	}{
		{"namespace_key_put_not_found_404.json", "PUT", ""}, // before the key exists; 2.38+ PUT creates, see below
		{"namespace_key_post_201.json", "POST", `{"a":1}`},
		{"namespace_key_post_already_exists_409.json", "POST", `{"a":1}`},
		{"namespace_key_put_200.json", "PUT", `{"a":2}`},
		{"namespace_key_deleted_200.json", "DELETE", ""},
		{"namespace_key_deleted_not_found_404.json", "DELETE", ""},
	}
	for _, st := range steps {
		want := readFixture(t, sdk+"datastore/actions/"+st.fixture).(map[string]any)
		if st.fixture == "namespace_key_put_not_found_404.json" {
			// The SDK fixture reflects DHIS2 ≤2.37, where PUT of a missing key is a 404.
			old := start(t, emulator.Options{Version: "2.37"})
			code, got := callJSON(t, old, "PUT", "/api/dataStore/android/config", "application/json", `{}`)
			checkRecorded(t, st.fixture, want, code, got)
			continue
		}
		ct := ""
		if st.body != "" {
			ct = "application/json"
		}
		code, got := callJSON(t, srv, st.method, "/api/dataStore/android/config", ct, st.body)
		checkRecorded(t, st.fixture, want, code, got)
	}
}

// checkRecorded compares a WebMessage answer with a recorded one: shape,
// status code and the message text.
func checkRecorded(t *testing.T, name string, want map[string]any, code int, got map[string]any) {
	t.Helper()
	if d := shapeDiff(want, got); len(d) > 0 {
		t.Errorf("%s: shape differs: %v", name, d)
	}
	for _, k := range []string{"httpStatus", "httpStatusCode", "status", "message"} {
		if mustJSON(want[k]) != mustJSON(got[k]) {
			t.Errorf("%s: %s = %v, recorded %v", name, k, got[k], want[k])
		}
	}
	if float64(code) != want["httpStatusCode"] {
		t.Errorf("%s: HTTP %d, recorded %v", name, code, want["httpStatusCode"])
	}
}

// TestContractDataStoreNamespaces replays the SDK's namespace list and
// the 2.38+ entries query of namespace_capture.json and
// namespace_scorecard.json.
func TestContractDataStoreNamespaces(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.39"})
	for _, ns := range []string{"capture", "scorecard"} {
		rec := readFixture(t, sdk+"datastore/namespace_"+ns+".json").(map[string]any)
		for _, e := range rec["entries"].([]any) {
			entry := e.(map[string]any)
			code, _ := sysCall(t, srv, "POST", "/api/dataStore/"+ns+"/"+entry["key"].(string), "application/json", mustJSON(entry["value"]))
			if code != http.StatusCreated {
				t.Fatalf("seed %s: %d", ns, code)
			}
		}
		code, got := getJSON(t, srv, "/api/dataStore/"+ns+"?fields=.")
		if code != 200 {
			t.Fatalf("query %s: %d", ns, code)
		}
		// Entries are compared by key: the SDK fixture does not list them
		// in DHIS2's default key order.
		byKey := map[string]any{}
		for _, e := range got.(map[string]any)["entries"].([]any) {
			byKey[e.(map[string]any)["key"].(string)] = e
		}
		for _, e := range rec["entries"].([]any) {
			if d := shapeDiff(e, byKey[e.(map[string]any)["key"].(string)]); len(d) > 0 {
				t.Errorf("namespace_%s.json: entry shape differs: %v", ns, d)
			}
		}
		if d := shapeDiff(map[string]any{"pager": rec["pager"], "entries": []any{}}, got); len(d) > 0 {
			t.Errorf("namespace_%s.json: shape differs: %v", ns, d)
		}
		if a, b := sortedEntries(rec["entries"]), sortedEntries(got.(map[string]any)["entries"]); a != b {
			t.Errorf("namespace_%s.json: entries\n got %s\nwant %s", ns, b, a)
		}
		if mustJSON(got.(map[string]any)["pager"]) != mustJSON(rec["pager"]) {
			t.Errorf("namespace_%s.json: pager %v, recorded %v", ns, got.(map[string]any)["pager"], rec["pager"])
		}
	}
	want := readFixture(t, sdk+"datastore/namespaces.json")
	if _, got := getJSON(t, srv, "/api/dataStore"); mustJSON(got) != mustJSON(want) {
		t.Errorf("namespaces = %v, recorded %v", got, want)
	}
}

func sortedEntries(v any) string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, mustJSON(e))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestContractFileResource compares GET /api/fileResources/{uid} with the
// SDK's file_resource.json (a 2.36–2.40 shape: sharing{} plus legacy
// fields) and the upload WebMessage envelope with the Import/Export app's
// recorded upload answers.
func TestContractFileResource(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.38"})
	code, b := upload(t, srv, "/api/fileResources", "doc.pdf", "application/pdf", []byte("%PDF-1.4 doc"))
	if code != http.StatusAccepted {
		t.Fatalf("upload = %d %s", code, b)
	}
	var up map[string]any
	json.Unmarshal(b, &up)
	for _, rec := range []string{"dataImportUpload.json", "metadataImportUpload.json"} {
		want := readFixture(t, "dhis2__import-export-app/cypress/fixtures/"+rec).(map[string]any)
		envelope := map[string]any{"httpStatus": want["httpStatus"], "httpStatusCode": want["httpStatusCode"], "status": want["status"], "response": map[string]any{}}
		if d := shapeDiff(envelope, up); len(d) > 0 {
			t.Errorf("upload envelope vs %s: %v", rec, d)
		}
	}
	id := up["response"].(map[string]any)["fileResource"].(map[string]any)["id"].(string)
	_, got := getJSON(t, srv, "/api/fileResources/"+id)
	want := readFixture(t, sdk+"fileresource/file_resource.json")
	// code:null members are left out by DHIS2's NON_NULL mapper on a real
	// server; the SDK fixture was hand-edited to show them.
	if d := shapeDiff(want, got, "createdBy.code", "user.code"); len(d) > 0 {
		t.Errorf("file_resource.json: shape differs: %v", d)
	}
}

// TestContractIcons compares 2.41 icons with the SDK's custom_icon.json
// and custom_icons.json.
func TestContractIcons(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.41", FileStoreDelay: -1})
	for _, key := range []string{"antenatal_icon", "visit_icon"} {
		_, b := upload(t, srv, "/api/fileResources?domain=ICON", key+".png", "image/png", []byte("\x89PNG\r\n\x1a\n"+key))
		var up map[string]any
		json.Unmarshal(b, &up)
		id := up["response"].(map[string]any)["fileResource"].(map[string]any)["id"].(string)
		if code, _ := sysCall(t, srv, "POST", "/api/icons", "application/json", `{"key":"`+key+`","fileResourceId":"`+id+`"}`); code != 201 {
			t.Fatalf("create %s: %d", key, code)
		}
	}
	_, one := getJSON(t, srv, "/api/icons/visit_icon")
	if d := shapeDiff(readFixture(t, sdk+"icon/custom_icon.json"), one); len(d) > 0 {
		t.Errorf("custom_icon.json: %v", d)
	}
	_, list := getJSON(t, srv, "/api/icons?type=CUSTOM")
	rec := readFixture(t, sdk+"icon/custom_icons.json")
	if d := shapeDiff(rec, list); len(d) > 0 {
		t.Errorf("custom_icons.json: %v", d)
	}
	if got := list.(map[string]any)["pager"].(map[string]any)["total"]; got != 2.0 {
		t.Errorf("pager total = %v", got)
	}
}

// TestContractSystemSettings compares GET /api/systemSettings?key=… with
// the SDK's settings fixtures for the keys DHIS2 2.41 knows
// (keyCustomColorMobile and analyticsWeeklyStart are not core settings
// of 2.30–2.42) and the dashboard app's recorded single-key answer.
func TestContractSystemSettings(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.41"})
	for _, f := range []string{"system_settings.json", "system_settings_azure.json"} {
		rec := readFixture(t, sdk+"settings/"+f).(map[string]any)
		keys := make([]string, 0, len(rec))
		for k, v := range rec {
			keys = append(keys, "key="+k)
			sysCall(t, srv, "POST", "/api/systemSettings/"+k+"?value="+v.(string), "", "")
		}
		_, got := getJSON(t, srv, "/api/systemSettings?"+strings.Join(keys, "&"))
		if d := shapeDiff(rec, got, "keyCustomColorMobile", "analyticsWeeklyStart"); len(d) > 0 {
			t.Errorf("%s: %v", f, d)
		}
	}
	code, got := getJSON(t, srv, "/api/36/systemSettings/applicationTitle")
	if d := shapeDiff(map[string]any{"applicationTitle": "DHIS 2 Demo - Sierra Leone"}, got); code != 200 || len(d) > 0 {
		t.Errorf("dashboard-app recording: %d %v", code, d)
	}
}

// TestContractDashboardAppRecording replays the dashboard app's apps and
// userDataStore requests (DHIS2 2.36-SNAPSHOT) against a 2.36 emulator.
func TestContractDashboardAppRecording(t *testing.T) {
	t.Parallel()
	rec := readFixture(t, "dhis2__dashboard-app/cypress/fixtures/network/requests.json").(map[string]any)
	answers := map[string]any{}
	for _, r := range rec["requests"].([]any) {
		req := r.(map[string]any)
		var body any
		if json.Unmarshal([]byte(req["response"].(string)), &body) == nil {
			answers[req["path"].(string)] = body
		}
	}
	srv := start(t, emulator.Options{Version: "2.36"})
	for key, v := range map[string]string{"controlBarRows": "1", "showDescription": "false"} {
		sysCall(t, srv, "POST", "/api/userDataStore/dashboard/"+key, "application/json", v)
	}
	for _, p := range []string{"/api/36/userDataStore/dashboard", "/api/36/userDataStore/dashboard/controlBarRows", "/api/36/userDataStore/dashboard/showDescription"} {
		want, ok := answers[p]
		if !ok {
			t.Fatalf("recording has no %s", p)
		}
		if _, got := getJSON(t, srv, p); mustJSON(got) != mustJSON(want) {
			t.Errorf("%s = %s, recorded %s", p, mustJSON(got), mustJSON(want))
		}
	}
	upload(t, srv, "/api/apps", "app.zip", "application/zip", appZip(t, "1.0.9"))
	_, got := getJSON(t, srv, "/api/36/apps?filter=bundled:eq:false")
	var recorded map[string]any
	for _, a := range answers["/api/36/apps"].([]any) {
		if a.(map[string]any)["key"] == "Data-Import-Wizard" {
			recorded = a.(map[string]any)
		}
	}
	// isBundledApp is the 2.36-SNAPSHOT spelling of what released
	// versions serialise as "bundled"; description, developer and icons
	// come from the recorded app's manifest.
	if d := shapeDiff(recorded, got.([]any)[0], "isBundledApp", "description", "developer", "icons", "default_locale"); len(d) > 0 {
		t.Errorf("apps shape: %v", d)
	}
}
