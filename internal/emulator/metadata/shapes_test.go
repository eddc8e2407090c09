package metadata

import (
	"encoding/json"
	"strings"
	"testing"
)

func get(t *testing.T, s *Store, plural, uid, fields string) map[string]any {
	t.Helper()
	o, err := s.Get(plural, uid, fields, "http://emu")
	if err != nil {
		t.Fatalf("get %s/%s: %v", plural, uid, err)
	}
	return o
}

func exportedObject(t *testing.T, s *Store, plural, uid string) map[string]any {
	t.Helper()
	m := exportMap(t, s, ExportParams{Types: map[string]*TypeExport{plural: {}}})
	for _, o := range m[plural].([]any) {
		if om := o.(map[string]any); om["id"] == uid {
			return om
		}
	}
	t.Fatalf("%s %s not in export", plural, uid)
	return nil
}

const deWithLegacySharing = `{"dataElements":[{"id":"deSharing01","name":"Shared","shortName":"Shared",
 "valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE",
 "publicAccess":"r-------","externalAccess":true,"user":{"id":"M5zQapPyTZI"},
 "userGroupAccesses":[{"id":"ugSharing01","access":"rw------"}]}],
 "userGroups":[{"id":"ugSharing01","name":"Group"}]}`

const deWithSharingObject = `{"dataElements":[{"id":"deSharing01","name":"Shared","shortName":"Shared",
 "valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE",
 "sharing":{"owner":"M5zQapPyTZI","public":"r-------","external":true,
   "userGroups":{"ugSharing01":{"id":"ugSharing01","access":"rw------"}}}}],
 "userGroups":[{"id":"ugSharing01","name":"Group"}]}`

func TestSharingShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, body string
		check         func(t *testing.T, owner, all map[string]any)
	}{
		{"2.35", deWithLegacySharing, func(t *testing.T, owner, all map[string]any) {
			// 2.35 persists publicAccess/user/userGroupAccesses on data elements but not externalAccess
			if owner["publicAccess"] != "r-------" || refID(owner["user"]) != AdminUserUID || owner["sharing"] != nil {
				t.Errorf("2.35 :owner sharing = %v/%v/%v, want legacy fields only", owner["publicAccess"], owner["user"], owner["sharing"])
			}
			if _, ok := owner["externalAccess"]; ok {
				t.Error("2.35 data element externalAccess is not persisted, yet exported")
			}
			if uga, _ := owner["userGroupAccesses"].([]any); len(uga) != 1 {
				t.Errorf("2.35 userGroupAccesses = %v", owner["userGroupAccesses"])
			}
		}},
		{"2.35", deWithSharingObject, func(t *testing.T, owner, all map[string]any) {
			if owner["publicAccess"] != "rw------" {
				t.Errorf("2.35 ignores sharing{}: publicAccess = %v, want the default rw------", owner["publicAccess"])
			}
		}},
		{"2.37", deWithLegacySharing, func(t *testing.T, owner, all map[string]any) {
			sh, _ := owner["sharing"].(map[string]any)
			if sh["public"] != "r-------" || sh["external"] != true || sh["owner"] != AdminUserUID {
				t.Errorf("2.37 legacy input not converted: %v", sh)
			}
			if _, ok := owner["publicAccess"]; ok {
				t.Error("2.37 :owner export has publicAccess (not an owner property any more)")
			}
			if all["publicAccess"] != "r-------" || all["externalAccess"] != true {
				t.Errorf("2.37 * export lacks computed legacy fields: %v %v", all["publicAccess"], all["externalAccess"])
			}
			uga, _ := all["userGroupAccesses"].([]any)
			if len(uga) != 1 || uga[0].(map[string]any)["userGroupUid"] != "ugSharing01" {
				t.Errorf("2.37 computed userGroupAccesses = %v", all["userGroupAccesses"])
			}
		}},
		{"2.40", deWithSharingObject, func(t *testing.T, owner, all map[string]any) {
			sh, _ := owner["sharing"].(map[string]any)
			if sh["public"] != "r-------" || sh["external"] != true {
				t.Errorf("2.40 sharing = %v", sh)
			}
		}},
		{"2.41", deWithLegacySharing, func(t *testing.T, owner, all map[string]any) {
			sh, _ := owner["sharing"].(map[string]any)
			if sh["public"] != "rw------" {
				t.Errorf("2.41 must ignore legacy fields: sharing = %v", sh)
			}
			if _, ok := sh["external"]; ok {
				t.Errorf("2.41 sharing has external: %v", sh)
			}
			if _, ok := all["publicAccess"]; ok {
				t.Error("2.41 * export has publicAccess")
			}
		}},
		{"2.42", deWithSharingObject, func(t *testing.T, owner, all map[string]any) {
			sh, _ := owner["sharing"].(map[string]any)
			ug, _ := sh["userGroups"].(map[string]any)
			if sh["public"] != "r-------" || len(ug) != 1 {
				t.Errorf("2.42 sharing = %v", sh)
			}
			if _, ok := sh["external"]; ok {
				t.Errorf("2.42 sharing kept external: %v", sh)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			if rep := importJSON(t, s, []byte(tt.body)); rep.Status != StatusOK {
				t.Fatalf("import: %s", errorSummary(rep))
			}
			tt.check(t, exportedObject(t, s, "dataElements", "deSharing01"), get(t, s, "dataElements", "deSharing01", "*"))
		})
	}
}

const userNested = `{"users":[{"id":"userNested1","firstName":"Jane","surname":"Doe",
 "userCredentials":{"username":"jane","password":"Secret123!x","userRoles":[{"id":"yrB6vc5Ip3r"}]}}]}`

const userFlat = `{"users":[{"id":"userNested1","firstName":"Jane","surname":"Doe",
 "username":"jane","password":"Secret123!x","userRoles":[{"id":"yrB6vc5Ip3r"}]}]}`

func TestUserShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, body string
		status        string
		codes         []string
		check         func(t *testing.T, s *Store)
	}{
		{"2.37", userNested, StatusOK, nil, func(t *testing.T, s *Store) {
			o := exportedObject(t, s, "users", "userNested1")
			uc, _ := o["userCredentials"].(map[string]any)
			if uc["username"] != "jane" || len(refList(uc["userRoles"])) != 1 || o["username"] != nil {
				t.Errorf("2.37 user = %v", o)
			}
			if _, ok := uc["password"]; ok {
				t.Error("password exported")
			}
			if uid, ok := s.VerifyPassword("jane", "Secret123!x"); !ok || uid != "userNested1" {
				t.Error("imported password not usable")
			}
		}},
		// 2.32–2.37: userCredentials is a required property; flat fields are unknown
		{"2.37", userFlat, StatusError, []string{"E4000"}, nil},
		{"2.38", userNested, StatusOK, nil, func(t *testing.T, s *Store) {
			o := exportedObject(t, s, "users", "userNested1")
			if o["username"] != "jane" || len(refList(o["userRoles"])) != 1 {
				t.Errorf("2.38 credentials not moved onto the user: %v", o)
			}
			if _, ok := o["userCredentials"]; ok {
				t.Error("2.38 :owner export has userCredentials (a compatibility DTO, not owned)")
			}
			all := get(t, s, "users", "userNested1", "*")
			uc, _ := all["userCredentials"].(map[string]any)
			if uc["username"] != "jane" || uc["id"] != "userNested1" {
				t.Errorf("2.38 userCredentials DTO = %v", uc)
			}
		}},
		{"2.41", userFlat, StatusOK, nil, func(t *testing.T, s *Store) {
			all := get(t, s, "users", "userNested1", "*")
			if uc, _ := all["userCredentials"].(map[string]any); uc["username"] != "jane" {
				t.Errorf("2.41 DTO = %v", all["userCredentials"])
			}
		}},
		{"2.42", userFlat, StatusOK, nil, func(t *testing.T, s *Store) {
			all := get(t, s, "users", "userNested1", "*")
			if all["username"] != "jane" || all["userCredentials"] != nil || all["password"] != nil {
				t.Errorf("2.42 user = %v", all)
			}
		}},
		{"2.42", userNested, StatusError, []string{"E4055"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			rep := importJSON(t, s, []byte(tt.body))
			if rep.Status != tt.status {
				t.Fatalf("status %s, want %s: %s", rep.Status, tt.status, errorSummary(rep))
			}
			if tt.codes != nil {
				if got := rep.ErrorCodes(); len(got) != len(tt.codes) || got[0] != tt.codes[0] {
					t.Errorf("codes %v, want %v", got, tt.codes)
				}
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

// TestUsernameUniquenessNested checks that ≤2.37 finds duplicate usernames
// through the nested credentials (E5003 on UserCredentials).
func TestUsernameUniquenessNested(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.36")
	body := `{"users":[{"id":"userDup0001","firstName":"A","surname":"B","userCredentials":{"username":"admin","userRoles":[{"id":"yrB6vc5Ip3r"}]}}]}`
	rep := importJSON(t, s, []byte(body))
	if rep.Status != StatusError || len(rep.ErrorCodes()) != 1 || rep.ErrorCodes()[0] != "E5003" {
		t.Fatalf("want one E5003, got %s", errorSummary(rep))
	}
	if er := rep.TypeReports[0].ObjectReports[0].ErrorReports[0]; er.MainKlass != "org.hisp.dhis.user.UserCredentials" {
		t.Errorf("mainKlass = %s", er.MainKlass)
	}
}

func TestGeometryShapes(t *testing.T) {
	t.Parallel()
	body := `{"organisationUnits":[{"id":"ouGeometry1","name":"Clinic","shortName":"Clinic","openingDate":"2000-01-01",
	 "featureType":"POINT","coordinates":"[-11.4,8.1]","geometry":{"type":"Point","coordinates":[-11.4,8.1]}}]}`
	tests := []struct {
		version string
		want    []string
		absent  []string
	}{
		{"2.30", []string{"featureType", "coordinates"}, []string{"geometry"}},
		{"2.31", []string{"featureType", "coordinates"}, []string{"geometry"}},
		{"2.32", []string{"geometry"}, []string{"featureType", "coordinates"}},
		{"2.42", []string{"geometry"}, []string{"featureType", "coordinates"}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, tt.version)
			if rep := importJSON(t, s, []byte(body)); rep.Status != StatusOK {
				t.Fatal(errorSummary(rep))
			}
			o := exportedObject(t, s, "organisationUnits", "ouGeometry1")
			for _, k := range tt.want {
				if _, ok := o[k]; !ok {
					t.Errorf("%s missing: %v", k, o)
				}
			}
			for _, k := range tt.absent {
				if _, ok := o[k]; ok {
					t.Errorf("%s present: %v", k, o)
				}
			}
			if o["path"] != "/ouGeometry1" {
				t.Errorf("path = %v", o["path"])
			}
			if l := get(t, s, "organisationUnits", "ouGeometry1", "level"); stringValue(l["level"]) != "1" {
				t.Errorf("level = %v", l["level"])
			}
		})
	}
}

// TestUnknownPropertiesIgnored: stale fields vanish silently, as in DHIS2.
func TestUnknownPropertiesIgnored(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.41")
	body := `{"dataElements":[{"id":"deUnknown01","name":"X","shortName":"X","valueType":"TEXT","aggregationType":"NONE",
	 "domainType":"AGGREGATE","mergeMode":"MERGE","noSuchField":{"a":1},"dataElementGroups":[{"id":"degNotOwner"}],
	 "displayName":"ignored","href":"ignored"}]}`
	rep := importJSON(t, s, []byte(body))
	if rep.Status != StatusOK {
		t.Fatal(errorSummary(rep))
	}
	o := get(t, s, "dataElements", "deUnknown01", "*")
	for _, k := range []string{"mergeMode", "noSuchField"} {
		if _, ok := o[k]; ok {
			t.Errorf("%s stored", k)
		}
	}
	if g, _ := o["dataElementGroups"].([]any); len(g) != 0 {
		t.Errorf("non-owner dataElementGroups stored: %v", g)
	}
	if o["displayName"] != "X" {
		t.Errorf("displayName = %v, want computed X", o["displayName"])
	}
	b, _ := json.Marshal(o)
	if len(b) == 0 {
		t.Fatal("empty")
	}
}

func TestNestedPasswordRules(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.37")
	body := `{"users":[{"id":"userWeakPw1","firstName":"W","surname":"P","userCredentials":{"username":"weak","password":"short","userRoles":[{"id":"yrB6vc5Ip3r"}]}}]}`
	rep := importJSON(t, s, []byte(body))
	if codes := rep.ErrorCodes(); len(codes) != 1 || codes[0] != "E4005" {
		t.Fatalf("codes %v", codes)
	}
	if strings.Contains(errorSummary(rep), "short") {
		t.Error("the password is echoed in the error")
	}
}
