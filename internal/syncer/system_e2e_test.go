package syncer

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/store"
)

// systemScopes are the scopes of the system tests: metadata first (the
// analytics objects interpretations are about, the documents).
var systemScopes = []string{ScopeMetadata, ScopeSystem}

// verifyRow returns the verification row of a scope and type.
func verifyRow(rep *Report, scope, typ string) (VerifyItem, bool) {
	if rep.Verification == nil {
		return VerifyItem{}, false
	}
	for _, it := range rep.Verification.Items {
		if it.Scope == scope && it.Type == typ {
			return it, true
		}
	}
	return VerifyItem{}, false
}

// getJSON reads a path of an emulator as the superuser.
func getJSON(t testing.TB, srv *emulatortest.Server, path string, out any) {
	t.Helper()
	resp := srv.Do(t, http.MethodGet, path, nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// send writes to an emulator as the superuser and checks for a 2xx.
func send(t testing.TB, srv *emulatortest.Server, method, path, contentType, body string) {
	t.Helper()
	req := srv.Request(t, method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
}

func notReplicable(rep *Report, what string) (NotReplicable, bool) {
	for _, n := range rep.NotReplicable {
		if n.What == what {
			return n, true
		}
	}
	return NotReplicable{}, false
}

// TestSystemAcrossVersions replicates the demo seed's settings, dataStore,
// documents and their files, custom icons, the installed app and the
// interpretations with their comments between DHIS2 versions, and checks
// that each verifies and that the run lists what cannot be carried.
func TestSystemAcrossVersions(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	tests := []struct {
		from, to string
		rows     []string // verification rows that must have source > 0
	}{
		{"2.38", "2.41", []string{partSettings, partDataStore, partDataStoreShares, "fileResources (DOCUMENT)", partApps, partInterpretations, partComments}},
		{"2.41", "2.42", []string{partSettings, partDataStore, partDataStoreShares, "fileResources (DOCUMENT)", partIcons, partApps, partInterpretations, partComments}},
		{"2.40", "2.37", []string{partSettings, partDataStore, "fileResources (DOCUMENT)", partApps, partInterpretations, partComments}},
		{"2.33", "2.40", []string{partSettings, partDataStore, "fileResources (DOCUMENT)", partApps, partInterpretations, partComments}},
	}
	for _, tt := range tests {
		t.Run(tt.from+"→"+tt.to, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, emulator.Options{Version: tt.from, Seed: "demo"}, emulator.Options{Version: tt.to})
			o := p.options()
			o.Scopes = systemScopes
			rep := p.sync(t, o)
			requireVerified(t, rep)
			for _, s := range rep.Stages {
				if strings.HasPrefix(s.Name, ScopeSystem) && s.Status != StatusSuccess {
					t.Errorf("stage %s: %s, want SUCCESS (failures %v)", s.Name, s.Status, rep.Failures)
				}
			}
			for _, typ := range tt.rows {
				it, ok := verifyRow(rep, ScopeSystem, typ)
				if !ok || it.Source == 0 || it.Match+it.Documented != it.Source {
					t.Errorf("verification row %q = %+v (found %v): want source > 0, all matched", typ, it, ok)
				}
			}
			// Message templates are metadata: they travel with the metadata stage.
			if it, ok := verifyRow(rep, ScopeMetadata, "programNotificationTemplates"); !ok || it.Source == 0 || it.Match+it.Documented != it.Source {
				t.Errorf("programNotificationTemplates verification %+v (found %v)", it, ok)
			}
			for _, what := range []string{"user passwords", "audit history", "interpretation and comment authors and dates", "confidential system settings", "private system settings"} {
				if n, ok := notReplicable(rep, what); !ok || n.Count <= 0 || n.Reason == "" {
					t.Errorf("not replicable %q = %+v (found %v): want a count and a reason", what, n, ok)
				}
			}
			var srcSettings, dstSettings map[string]any
			getJSON(t, p.src, "/api/systemSettings", &srcSettings)
			getJSON(t, p.dst, "/api/systemSettings", &dstSettings)
			if dstSettings["applicationTitle"] != srcSettings["applicationTitle"] {
				t.Errorf("applicationTitle %v, want %v", dstSettings["applicationTitle"], srcSettings["applicationTitle"])
			}
			if dstSettings["keyEmailHostName"] == srcSettings["keyEmailHostName"] {
				t.Errorf("the private setting keyEmailHostName was copied (%v)", dstSettings["keyEmailHostName"])
			}
		})
	}
}

// TestSystemRemapsFileUIDsBefore239 checks that a destination without the
// uid parameter (2.38) gets the documents' files under new UIDs, and the
// documents point at them.
func TestSystemRemapsFileUIDsBefore239(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	p := newPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.38"})
	o := p.options()
	o.Scopes = systemScopes
	rep := p.sync(t, o)
	requireVerified(t, rep)
	ids, err := p.state.IDMap(context.Background(), store.PairKey(p.srcCl.BaseURL(), p.dstCl.BaseURL()))
	if err != nil {
		t.Fatal(err)
	}
	var docs struct {
		Documents []struct {
			ID, URL  string
			External bool
		} `json:"documents"`
	}
	getJSON(t, p.src, "/api/documents?fields=id,url,external&paging=false", &docs)
	internal := 0
	for _, d := range docs.Documents {
		if d.External {
			continue
		}
		internal++
		dst := ids["fileResources"][d.URL]
		if dst == "" || dst == d.URL {
			t.Fatalf("document %s: file %s has no new UID in the ID map (%v)", d.ID, d.URL, ids["fileResources"])
		}
		var doc struct{ URL string }
		getJSON(t, p.dst, "/api/documents/"+d.ID+"?fields=url", &doc)
		if doc.URL != dst {
			t.Errorf("destination document %s points at %s, want %s", d.ID, doc.URL, dst)
		}
	}
	if internal == 0 {
		t.Fatal("the demo seed has no uploaded document")
	}
}

// TestSystemDryRunAndSecondRun checks that a dry run writes nothing (no
// file upload, no app install) while planning the work, and that a second
// real run after the first writes nothing either.
func TestSystemDryRunAndSecondRun(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	p := newPair(t, emulator.Options{Version: "2.41", Seed: "demo"}, emulator.Options{Version: "2.41"})
	o := p.options()
	o.Scopes = systemScopes
	o.DryRun = true
	rep := p.sync(t, o)
	if n := p.dst.WriteCounts().Total(); n != 0 {
		t.Fatalf("the dry run wrote %d times: %+v", n, p.dst.WriteCounts().System)
	}
	for _, r := range p.dst.Requests() {
		if r.Method != http.MethodGet {
			t.Fatalf("the dry run sent %s %s", r.Method, r.Path)
		}
	}
	planned := Counts{}
	for _, s := range rep.Stages {
		if strings.HasPrefix(s.Name, ScopeSystem) {
			planned.Add(s.Total())
		}
	}
	if planned.Created == 0 {
		t.Fatalf("the dry run planned nothing for the system scope: %+v", planned)
	}
	o.DryRun = false
	requireVerified(t, p.sync(t, o))
	first := p.dst.WriteCounts().System
	if first.FilesUploaded == 0 || first.AppsInstalled != 1 || first.InterpretationsCreated == 0 || first.IconsCreated == 0 {
		t.Fatalf("first run wrote %+v", first)
	}
	p.dst.ResetCounts()
	rep = p.sync(t, o)
	requireVerified(t, rep)
	if again := p.dst.WriteCounts().System; again != (emulator.SystemCounts{}) {
		t.Fatalf("the second run wrote again: %+v", again)
	}
}

// TestSystemIncludePrivateSettings copies the server-specific settings
// when asked.
func TestSystemIncludePrivateSettings(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	p := newPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	o := p.options()
	o.Scopes = []string{ScopeSystem}
	o.System.IncludePrivateSettings = true
	rep := p.sync(t, o)
	var dst map[string]any
	getJSON(t, p.dst, "/api/systemSettings", &dst)
	if dst["keyEmailHostName"] != "smtp.sante.gouv.ym" || dst["keyRemoteInstanceUrl"] != "https://snis-miroir.sante.gouv.ym" {
		t.Fatalf("private settings not copied: keyEmailHostName=%v keyRemoteInstanceUrl=%v", dst["keyEmailHostName"], dst["keyRemoteInstanceUrl"])
	}
	if _, ok := notReplicable(rep, "private system settings"); ok {
		t.Fatal("private settings listed as not copied although they were")
	}
	if it, _ := verifyRow(rep, ScopeSystem, partSettings); it.Missing+it.Differ != 0 {
		t.Fatalf("settings verification %+v", it)
	}
}

// TestDataStorePolicies checks the three collision policies, exclusions
// and a verify-only run that finds a key missing on the destination.
func TestDataStorePolicies(t *testing.T) {
	t.Parallel()
	p := newPair(t, emulator.Options{Version: "2.40"}, emulator.Options{Version: "2.39"})
	send(t, p.src, http.MethodPost, "/api/dataStore/app/config", "application/json", `{"a":1,"b":2}`)
	send(t, p.src, http.MethodPost, "/api/dataStore/app/other", "application/json", `"x"`)
	send(t, p.src, http.MethodPost, "/api/dataStore/secret-tool/credentials", "application/json", `{"password":"p"}`)
	o := p.options()
	o.Scopes = []string{ScopeSystem}
	o.System.ExcludeNamespaces = []string{"secret-tool"}
	rep := p.sync(t, o)
	requireVerified(t, rep)
	var namespaces []string
	getJSON(t, p.dst, "/api/dataStore", &namespaces)
	if strings.Join(namespaces, ",") != "app" {
		t.Fatalf("destination namespaces %v, want only app (secret-tool excluded)", namespaces)
	}
	send(t, p.src, http.MethodPut, "/api/dataStore/app/config", "application/json", `{"a":10,"b":2,"c":3}`)
	send(t, p.dst, http.MethodPut, "/api/dataStore/app/config", "application/json", `{"a":1,"b":2,"local":true}`)
	tests := []struct {
		policy     DataStorePolicy
		want       string
		documented int
	}{
		{DataStoreKeep, `{"a":1,"b":2,"local":true}`, 1},
		{DataStoreMerge, `{"a":10,"b":2,"c":3,"local":true}`, 1},
		{DataStoreReplace, `{"a":10,"b":2,"c":3}`, 0},
	}
	for _, tt := range tests {
		o.System.DataStorePolicy = tt.policy
		rep := p.sync(t, o)
		var got json.RawMessage
		getJSON(t, p.dst, "/api/dataStore/app/config", &got)
		if !sameJSON(got, json.RawMessage(tt.want)) {
			t.Fatalf("%s: destination value %s, want %s", tt.policy, got, tt.want)
		}
		it, _ := verifyRow(rep, ScopeSystem, partDataStore)
		if it.Documented != tt.documented || it.Differ+it.Missing != 0 || rep.Status != StatusSuccess {
			t.Fatalf("%s: verification %+v, status %s", tt.policy, it, rep.Status)
		}
	}
	send(t, p.dst, http.MethodDelete, "/api/dataStore/app/other", "application/json", "")
	vo := p.options()
	vo.Scopes = []string{ScopeSystem}
	vo.System.ExcludeNamespaces = o.System.ExcludeNamespaces
	vrep, err := Verify(context.Background(), vo)
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := verifyRow(vrep, ScopeSystem, partDataStore); it.Missing != 1 || vrep.Status != StatusPartial {
		t.Fatalf("verify after a deletion on the destination: %+v, status %s", it, vrep.Status)
	}
}

// TestSystemFailureIsHonest checks that an app the destination refuses
// makes the run PARTIAL with the failure named, and the app missing in
// the verification.
func TestSystemFailureIsHonest(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	p := newPair(t, emulator.Options{Version: "2.41", Seed: "demo"}, emulator.Options{Version: "2.41", Faults: "POST /api/apps status=500"})
	o := p.options()
	o.Scopes = systemScopes
	rep := p.sync(t, o)
	if rep.Status != StatusPartial {
		t.Fatalf("status %s, want PARTIAL", rep.Status)
	}
	found := false
	for _, f := range rep.Failures {
		found = found || (f.Scope == ScopeSystem && f.Type == partApps)
	}
	if !found {
		t.Fatalf("no app failure in %v", rep.Failures)
	}
	if it, _ := verifyRow(rep, ScopeSystem, partApps); it.Missing != 1 {
		t.Fatalf("apps verification %+v, want 1 missing", it)
	}
	failed := false
	for _, a := range rep.Apps {
		failed = failed || (a.Action == "failed" && a.Reason != "")
	}
	if !failed {
		t.Fatalf("apps report %+v: want the failed install with its reason", rep.Apps)
	}
}

// TestSystemDryRunCountsMatchTheRealRun checks R-16 for the system scope:
// the counts a dry run plans are those the real run then reports.
func TestSystemDryRunCountsMatchTheRealRun(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	p := newPair(t, emulator.Options{Version: "2.39", Seed: "demo"}, emulator.Options{Version: "2.41"})
	o := p.options()
	o.Scopes = systemScopes
	o.DryRun = true
	plan := systemCounts(p.sync(t, o))
	o.DryRun = false
	real := systemCounts(p.sync(t, o))
	for part, want := range real {
		if got := plan[part]; got != want {
			t.Errorf("%s: dry run planned %+v, the real run did %+v", part, got, want)
		}
	}
	if len(plan) != len(real) {
		t.Errorf("dry run parts %v, real run parts %v", plan, real)
	}
}

// systemCounts merges the counts of the system stages by part.
func systemCounts(rep *Report) map[string]Counts {
	out := map[string]Counts{}
	for _, s := range rep.Stages {
		if !strings.HasPrefix(s.Name, ScopeSystem) {
			continue
		}
		for part, c := range s.Counts {
			sum := out[part]
			sum.Add(c)
			out[part] = sum
		}
	}
	return out
}

// TestSystemVerifyAfterSync checks that a verify-only run after a sync
// finds the system scope equal (settings the destination's version does
// not know are documented, not missing), then finds a changed setting.
func TestSystemVerifyAfterSync(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	for _, tt := range []struct{ from, to string }{{"2.39", "2.41"}, {"2.41", "2.38"}} {
		t.Run(tt.from+"→"+tt.to, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, emulator.Options{Version: tt.from, Seed: "demo"}, emulator.Options{Version: tt.to})
			o := p.options()
			o.Scopes = systemScopes
			requireVerified(t, p.sync(t, o))
			vo := p.options()
			vo.Scopes = []string{ScopeSystem}
			rep, err := Verify(context.Background(), vo)
			if err != nil {
				t.Fatal(err)
			}
			requireVerified(t, rep)
			if rep.Status != StatusSuccess {
				t.Fatalf("verify after sync: %s", rep.Status)
			}
			send(t, p.dst, http.MethodPost, "/api/systemSettings/applicationTitle", "text/plain", "Changed on the mirror")
			if rep, _ = Verify(context.Background(), vo); rep.Status != StatusPartial {
				t.Fatalf("verify after a change on the destination: %s", rep.Status)
			}
			if it, _ := verifyRow(rep, ScopeSystem, partSettings); it.Differ != 1 {
				t.Fatalf("settings row %+v, want 1 differ", it)
			}
		})
	}
}

// TestDataStoreProtectedNamespace: once the app reserving the
// stock-monitor namespace is installed on the destination, a destination
// user without its authority cannot use that namespace. The namespace is
// then reported and documented, never counted as a failure.
func TestDataStoreProtectedNamespace(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	limited := emulator.UserSpec{Username: "limited", Password: "Limited#2024", Authorities: []string{"F_METADATA_IMPORT", "F_SYSTEM_SETTING"}}
	p := newPair(t, emulator.Options{Version: "2.41", Seed: "demo"}, emulator.Options{Version: "2.41", Users: []emulator.UserSpec{limited}})
	o := p.options()
	o.Scopes = []string{ScopeSystem}
	p.sync(t, o) // as the superuser: installs the app, which protects its namespace
	send(t, p.src, http.MethodPut, "/api/dataStore/stock-monitor/config", "application/json", `{"changed":true}`)
	o.Dest = newClient(t, "destination", p.dst.URL, limited.Username, limited.Password)
	rep := p.sync(t, o)
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || (w.Code == "system.datastore.protected" && strings.Contains(w.Message, "stock-monitor"))
	}
	if !warned {
		t.Fatalf("no warning about the protected namespace: %+v", rep.Warnings)
	}
	it, _ := verifyRow(rep, ScopeSystem, partDataStore)
	if it.Documented == 0 || it.Missing+it.Differ != 0 {
		t.Fatalf("dataStore verification %+v: want the protected keys documented", it)
	}
	for _, f := range rep.Failures {
		if f.Type == partDataStore {
			t.Fatalf("a protected namespace counted as a failure: %+v", f)
		}
	}
}

// TestSystemLogoSettingsNeedTheirLogo: a source that switches on a custom
// logo it cannot serve (the emulator has no /api/staticContent) does not
// make the destination show a missing logo: the setting is left out,
// with a warning, and documented in the verification.
func TestSystemLogoSettingsNeedTheirLogo(t *testing.T) {
	t.Parallel()
	p := newPair(t, emulator.Options{Version: "2.40"}, emulator.Options{Version: "2.40"})
	send(t, p.src, http.MethodPost, "/api/systemSettings/keyUseCustomLogoFront", "text/plain", "true")
	o := p.options()
	o.Scopes = []string{ScopeSystem}
	rep := p.sync(t, o)
	var dst map[string]any
	getJSON(t, p.dst, "/api/systemSettings", &dst)
	if dst["keyUseCustomLogoFront"] == true {
		t.Fatal("the logo setting was copied without its logo")
	}
	it, _ := verifyRow(rep, ScopeSystem, partSettings)
	if it.Documented != 1 || it.Differ+it.Missing != 0 || rep.Status != StatusSuccess {
		t.Fatalf("settings verification %+v, status %s", it, rep.Status)
	}
}

// uploadFile uploads a file resource to an emulator and returns its UID.
func uploadFile(t testing.TB, srv *emulatortest.Server, domain, name, content string) string {
	t.Helper()
	body, ct, err := multipartFile("file", name, "image/png", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	req := srv.Request(t, http.MethodPost, "/api/fileResources?domain="+domain, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", ct)
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	id := uploadedID(raw)
	if resp.StatusCode/100 != 2 || id == "" {
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
	return id
}

// TestSystemOrgUnitImagesAndAvatars copies the files org units (2.38+) and
// users (2.34+) refer to, and checks that the destination objects point at
// files with the same content.
func TestSystemOrgUnitImagesAndAvatars(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("demo seed replication: skipped with -short")
	}
	p := newPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.38"})
	var ous struct {
		OrganisationUnits []map[string]any `json:"organisationUnits"`
	}
	getJSON(t, p.src, "/api/organisationUnits?fields=id&pageSize=1", &ous)
	ou := uidOf(ous.OrganisationUnits[0])
	img := uploadFile(t, p.src, "ORG_UNIT", "ou.png", "PNG org unit image")
	send(t, p.src, http.MethodPatch, "/api/organisationUnits/"+ou, "application/json-patch+json", `[{"op":"add","path":"/image","value":{"id":"`+img+`"}}]`)
	var users struct {
		Users []map[string]any `json:"users"`
	}
	getJSON(t, p.src, "/api/users?fields=id,username&paging=false", &users)
	var user string
	for _, u := range users.Users {
		if u["username"] != "admin" {
			user = uidOf(u)
			break
		}
	}
	avatar := uploadFile(t, p.src, "USER_AVATAR", "me.png", "PNG avatar")
	send(t, p.src, http.MethodPatch, "/api/users/"+user, "application/json-patch+json", `[{"op":"add","path":"/avatar","value":{"id":"`+avatar+`"}}]`)
	o := p.options()
	o.Scopes = systemScopes
	rep := p.sync(t, o)
	requireVerified(t, rep)
	for _, c := range []struct{ path, field, domain string }{
		{"/api/organisationUnits/" + ou, "image", "ORG_UNIT"},
		{"/api/users/" + user, "avatar", "USER_AVATAR"},
	} {
		var obj map[string]any
		getJSON(t, p.dst, c.path+"?fields="+c.field+"[id]", &obj)
		ref, _ := obj[c.field].(map[string]any)
		if ref == nil {
			t.Fatalf("%s: no %s on the destination", c.path, c.field)
		}
		var meta fileMeta
		getJSON(t, p.dst, "/api/fileResources/"+uidOf(ref), &meta)
		if meta.ContentMd5 == "" || meta.Domain != c.domain {
			t.Fatalf("%s: destination file %+v", c.path, meta)
		}
		if it, ok := verifyRow(rep, ScopeSystem, "fileResources ("+c.domain+")"); !ok || it.Match != 1 {
			t.Fatalf("verification of %s files: %+v", c.domain, it)
		}
	}
}
