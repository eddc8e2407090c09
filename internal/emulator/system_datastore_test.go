package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestDataStoreHTTP(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.36", "2.38", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: v})
			code, m := callJSON(t, srv, "POST", "/api/dataStore/android/config", "application/json", `{"sync":"1h"}`)
			if code != http.StatusCreated || m["httpStatus"] != "Created" {
				t.Fatalf("create = %d %v", code, m)
			}
			code, m = callJSON(t, srv, "POST", "/api/dataStore/android/config", "application/json", `{}`)
			if code != http.StatusConflict || m["status"] != "ERROR" {
				t.Errorf("duplicate = %d %v", code, m)
			}
			code, raw := sysCall(t, srv, "GET", "/api/dataStore/android/config", "", "")
			if code != 200 || string(raw) != `{"sync":"1h"}` {
				t.Errorf("value = %d %s", code, raw)
			}
			code, list := getJSON(t, srv, "/api/dataStore")
			if code != 200 || mustJSON(list) != `["android"]` {
				t.Errorf("namespaces = %v", list)
			}
			code, keys := getJSON(t, srv, "/api/dataStore/android")
			if code != 200 || mustJSON(keys) != `["config"]` {
				t.Errorf("keys = %v", keys)
			}
			code, meta := callJSON(t, srv, "GET", "/api/dataStore/android/config/metaData", "", "")
			if code != 200 || meta["key"] != "config" || meta["namespace"] != "android" || meta["id"] == nil || meta["value"] != nil {
				t.Errorf("metaData = %d %v", code, meta)
			}
			code, m = callJSON(t, srv, "GET", "/api/dataStore/nope", "", "")
			if code != http.StatusNotFound {
				t.Errorf("missing namespace = %d %v", code, m)
			}
			code, m = callJSON(t, srv, "PUT", "/api/dataStore/android/other", "application/json", `1`)
			wantPut := http.StatusNotFound
			if v >= "2.38" {
				wantPut = http.StatusCreated
			}
			if code != wantPut {
				t.Errorf("PUT missing key = %d %v, want %d", code, m, wantPut)
			}
			code, _ = sysCall(t, srv, "PUT", "/api/dataStore/android/config", "application/json", `{"sync":"6h"}`)
			if code != 200 {
				t.Errorf("PUT = %d", code)
			}
			code, m = callJSON(t, srv, "DELETE", "/api/dataStore/android/config", "", "")
			if code != 200 {
				t.Errorf("delete = %d %v", code, m)
			}
			code, _ = sysCall(t, srv, "DELETE", "/api/dataStore/android", "", "")
			if code != 200 && v >= "2.38" || code != 404 && v < "2.38" {
				t.Errorf("delete namespace = %d", code)
			}
			c := srv.WriteCounts().System
			if c.DataStoreCreated < 1 || c.DataStoreUpdated != 1 || c.DataStoreDeleted < 1 {
				t.Errorf("counts = %+v", c)
			}
		})
	}
}

func TestDataStoreQueryHTTP(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version string
		query   bool
	}{{"2.37", false}, {"2.38", true}} {
		srv := start(t, emulator.Options{Version: tt.version})
		for i, v := range []string{`{"name":"Miao","age":9}`, `{"name":"Muuhh","age":5}`, `true`} {
			sysCall(t, srv, "POST", "/api/dataStore/pets/"+[]string{"cat", "cow", "bat"}[i], "application/json", v)
		}
		code, got := getJSON(t, srv, "/api/dataStore/pets?fields=name&order=age:nasc")
		if !tt.query {
			if code != 200 || mustJSON(got) != `["bat","cat","cow"]` {
				t.Errorf("%s: fields ignored expected, got %d %v", tt.version, code, got)
			}
			continue
		}
		want := `{"entries":[{"key":"cow","name":"Muuhh"},{"key":"cat","name":"Miao"}],"pager":{"page":1,"pageSize":50}}`
		if code != 200 || mustJSON(got) != want {
			t.Errorf("%s: query = %d %s", tt.version, code, mustJSON(got))
		}
		code, got = getJSON(t, srv, "/api/dataStore/pets?fields=.&headless=true&filter=_:eq:bat")
		if code != 200 || mustJSON(got) != `[{"key":"bat","value":true}]` {
			t.Errorf("headless = %d %s", code, mustJSON(got))
		}
		code, m := callJSON(t, srv, "GET", "/api/dataStore/pets?fields=bad'", "", "")
		if code != http.StatusConflict || !strings.Contains(message(m), "Illegal fields expression") {
			t.Errorf("bad fields = %d %v", code, m)
		}
	}
}

func TestDataStoreSharingHTTP(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40", Users: []emulator.UserSpec{{Username: "bob", Password: "Bob12345!"}}})
	sysCall(t, srv, "POST", "/api/dataStore/reports/q3", "application/json", `{"draft":true}`)
	_, meta := callJSON(t, srv, "GET", "/api/dataStore/reports/q3/metaData", "", "")
	id := meta["id"].(string)
	code, sh := callJSON(t, srv, "GET", "/api/sharing?type=dataStore&id="+id, "", "")
	obj, _ := sh["object"].(map[string]any)
	if code != 200 || obj["publicAccess"] != "rw------" || sh["meta"] == nil {
		t.Fatalf("sharing = %d %v", code, sh)
	}
	code, m := callJSON(t, srv, "POST", "/api/sharing?type=dataStore&id="+id, "application/json", `{"object":{"publicAccess":"--------"}}`)
	if code != 200 || message(m) != "Access control set" {
		t.Fatalf("set sharing = %d %v", code, m)
	}
	req := srv.Request(t, "GET", "/api/dataStore/reports/q3", nil)
	req.SetBasicAuth("bob", "Bob12345!")
	if code, _ := send(t, srv, req); code != http.StatusForbidden {
		t.Errorf("private key read by bob = %d, want 403", code)
	}
	code, m = callJSON(t, srv, "POST", "/api/sharing?type=dataStore&id="+id, "application/json", `{"object":{"publicAccess":"xx"}}`)
	if code != http.StatusConflict || message(m) != "Invalid public access string: xx" {
		t.Errorf("bad access = %d %v", code, m)
	}
	code, m = callJSON(t, srv, "GET", "/api/sharing?type=dataStore&id=Nope1234567", "", "")
	if code != http.StatusNotFound {
		t.Errorf("unknown id = %d %v", code, m)
	}
	old := start(t, emulator.Options{Version: "2.37"})
	if code, m := callJSON(t, old, "GET", "/api/sharing?type=dataStore&id="+id, "", ""); code != http.StatusConflict || message(m) != "Type dataStore is not supported." {
		t.Errorf("2.37 dataStore sharing = %d %v, want 409 (the emulator shares dataStore keys from 2.38)", code, m)
	}
}

func TestUserDataStoreHTTP(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.36"})
	code, m := callJSON(t, srv, "POST", "/api/userDataStore/dashboard/controlBarRows", "application/json", `1`)
	if code != 201 || message(m) != "Key 'controlBarRows' in namespace 'dashboard' created." {
		t.Fatalf("create = %d %v", code, m)
	}
	code, keys := getJSON(t, srv, "/api/userDataStore/dashboard")
	if code != 200 || mustJSON(keys) != `["controlBarRows"]` {
		t.Errorf("keys = %v", keys)
	}
	if code, raw := sysCall(t, srv, "GET", "/api/userDataStore/dashboard/controlBarRows", "", ""); code != 200 || string(raw) != "1" {
		t.Errorf("value = %d %s", code, raw)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/dataStore/dashboard", "", ""); code != 404 {
		t.Errorf("user keys visible in the shared store: %d", code)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/userDataStore?username=ghost", "", ""); code != 404 {
		t.Errorf("unknown username = %d", code)
	}
}

func TestDataStoreNeedsJSON(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.42"})
	if code, _ := sysCall(t, srv, "POST", "/api/dataStore/ns/k", "text/plain", "1"); code != http.StatusUnsupportedMediaType {
		t.Errorf("text body = %d, want 415", code)
	}
	if code, _ := sysCall(t, srv, "POST", "/api/dataStore/ns/k", "application/json", "not json"); code != http.StatusBadRequest {
		t.Errorf("invalid JSON = %d, want 400", code)
	}
	if code, _ := sysCall(t, srv, "POST", "/api/dataStore/ns/k.json", "application/json", "1"); code != http.StatusCreated {
		t.Errorf("key ending in .json = %d", code)
	}
	if code, b := sysCall(t, srv, "GET", "/api/dataStore/ns/k.json", "", ""); code != 200 || string(b) != "1" {
		t.Errorf("read key ending in .json = %d %s", code, b)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/dataStore/protections", "", ""); code != 200 {
		t.Errorf("protections on 2.42 = %d", code)
	}
	old := start(t, emulator.Options{Version: "2.41"})
	sysCall(t, old, "POST", "/api/dataStore/protections/x", "application/json", "1")
	if code, b := sysCall(t, old, "GET", "/api/dataStore/protections", "", ""); code != 200 || string(b) != `["x"]` {
		t.Errorf("2.41: protections is an ordinary namespace: %d %s", code, b)
	}
}
