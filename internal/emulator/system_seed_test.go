package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// TestDemoSeedSystemContent loads the demo seed at 2.38 and 2.41 and reads
// its system content back through the API: settings, dataStore (with a
// shared key), documents and their files, file data values, custom icons
// (2.41 only), the installed app and the interpretations.
func TestDemoSeedSystemContent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("loads the demo seed twice")
	}
	for _, tt := range []struct {
		version     string
		customIcons int
	}{{"2.38", 0}, {"2.41", 2}} {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: tt.version, Seed: "demo"})
			_, settings := getJSON(t, srv, "/api/systemSettings")
			s := settings.(map[string]any)
			if !strings.HasPrefix(s["applicationTitle"].(string), "SNIS") || s["keyUiLocale"] != "fr" || s["keyEmailPort"] != 587.0 {
				t.Errorf("settings: title %v locale %v port %v", s["applicationTitle"], s["keyUiLocale"], s["keyEmailPort"])
			}
			if _, leaked := s["keyEmailPassword"]; leaked {
				t.Error("confidential seed setting listed")
			}
			_, ns := getJSON(t, srv, "/api/dataStore")
			if n := len(ns.([]any)); n < 3 || n > 5 {
				t.Errorf("%d namespaces: %v", n, ns)
			}
			_, meta := callJSON(t, srv, "GET", "/api/dataStore/yamoro-bulletins/2024-T3-brouillon/metaData", "", "")
			if sh, _ := meta["sharing"].(map[string]any); sh["public"] != "--------" || len(sh["userGroups"].(map[string]any)) != 2 {
				t.Errorf("shared key metadata = %v", meta)
			}
			code, sharing := callJSON(t, srv, "GET", "/api/sharing?type=dataStore&id="+meta["id"].(string), "", "")
			if code != 200 || len(sharing["object"].(map[string]any)["userGroupAccesses"].([]any)) != 2 {
				t.Errorf("sharing of the shared key = %d %v", code, sharing)
			}
			_, docs := getJSON(t, srv, "/api/documents?fields=id,name,external,url&paging=false")
			internal := 0
			for _, d := range docs.(map[string]any)["documents"].([]any) {
				doc := d.(map[string]any)
				code, b := sysCall(t, srv, "GET", "/api/documents/"+doc["id"].(string)+"/data", "", "")
				if doc["external"] == true {
					if code != http.StatusFound {
						t.Errorf("external document %v: %d", doc["name"], code)
					}
					continue
				}
				internal++
				if code != 200 || !strings.HasPrefix(string(b), "%PDF") {
					t.Errorf("document %v: %d", doc["name"], code)
				}
			}
			if internal != 2 {
				t.Errorf("%d internal documents", internal)
			}
			_, des := getJSON(t, srv, "/api/dataElements?filter=valueType:in:[FILE_RESOURCE,IMAGE]&fields=id,valueType&paging=false")
			if n := len(des.(map[string]any)["dataElements"].([]any)); n != 2 {
				t.Errorf("%d file data elements", n)
			}
			_, icons := getJSON(t, srv, "/api/icons?type=CUSTOM&paging=false")
			custom := 0
			if m, ok := icons.(map[string]any); ok {
				custom = len(m["icons"].([]any))
			}
			if custom != tt.customIcons {
				t.Errorf("%d custom icons, want %d", custom, tt.customIcons)
			}
			_, apps := getJSON(t, srv, "/api/apps?filter=bundled:eq:false")
			if a := apps.([]any); len(a) != 1 || a[0].(map[string]any)["key"] != "stock-monitor" {
				t.Errorf("apps = %v", apps)
			}
			if code, b := sysCall(t, srv, "GET", "/api/apps/stock-monitor/js/app.js", "", ""); code != 200 || !strings.Contains(string(b), "stock-monitor") {
				t.Errorf("app file = %d", code)
			}
			_, its := getJSON(t, srv, "/api/interpretations?fields=id,type,createdBy[id],created,comments[id]&paging=false")
			list := its.(map[string]any)["interpretations"].([]any)
			comments := 0
			for _, it := range list {
				m := it.(map[string]any)
				comments += len(m["comments"].([]any))
				if m["createdBy"].(map[string]any)["id"] == "M5zQapPyTZI" || !strings.HasPrefix(m["created"].(string), "202") {
					t.Errorf("seeded interpretation keeps its author and date: %v", m)
				}
			}
			if len(list) != 10 || comments < 5 {
				t.Errorf("%d interpretations, %d comments", len(list), comments)
			}
			checkDataValueFiles(t, srv)
			if n := srv.WriteCounts().Total(); n != 0 {
				t.Errorf("loading the seed counted %d writes", n)
			}
		})
	}
}

// checkDataValueFiles downloads a seeded FILE_RESOURCE value through
// /api/dataValues/files and checks that its file counts as assigned.
func checkDataValueFiles(t *testing.T, srv *emulatortest.Server) {
	t.Helper()
	var pe, ou, uid string
	for _, f := range srv.System().Files.List() {
		if f.Domain == "DATA_VALUE" && strings.HasSuffix(f.Name, ".pdf") {
			parts := strings.Split(strings.TrimSuffix(f.Name, ".pdf"), "-")
			uid, pe, ou = f.ID, parts[1], parts[2]
			break
		}
	}
	_, des := getJSON(t, srv, "/api/dataElements?filter=valueType:eq:FILE_RESOURCE&fields=id&paging=false")
	de := des.(map[string]any)["dataElements"].([]any)[0].(map[string]any)["id"].(string)
	code, data := sysCall(t, srv, "GET", "/api/dataValues/files?de="+de+"&pe="+pe+"&ou="+ou, "", "")
	if code != 200 || !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("dataValues/files = %d %.80s", code, data)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/fileResources/"+uid+"/data", "", ""); code != http.StatusUnauthorized {
		t.Errorf("DATA_VALUE file through /fileResources/{uid}/data = %d, want 401", code)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/dataValues/files?de="+de+"&pe=209901&ou="+ou, "", ""); code != http.StatusConflict {
		t.Errorf("missing value = %d", code)
	}
	if _, meta := callJSON(t, srv, "GET", "/api/fileResources/"+uid, "", ""); srv.Profile().FileAssignedField && meta["assigned"] != true {
		t.Errorf("seeded value file not assigned: %v", meta)
	}
}
