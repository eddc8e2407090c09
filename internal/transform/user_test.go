package transform

import "testing"

func TestUserCredentialsUpSDK37To38(t *testing.T) {
	t.Parallel()
	u37 := fixtureObject(t, sdkRes+"user/user37.json")
	u38 := fixtureObject(t, sdkRes+"user/user38.json")
	p := Payload{"users": {u37}}
	if _, err := ToCanonical(p, v("2.37")); err != nil {
		t.Fatal(err)
	}
	got := p["users"][0]
	if _, ok := got["userCredentials"]; ok {
		t.Fatal("userCredentials kept")
	}
	for _, k := range []string{"id", "username", "userRoles", "firstName", "surname", "email", "organisationUnits"} {
		assertLooseEqual(t, map[string]any{k: u38[k]}, map[string]any{k: got[k]})
	}
}

func TestUserCredentialsUpFrom235(t *testing.T) {
	t.Parallel()
	p := fixturePayload(t, core35+"import/te_type_tea_ok.json")
	rep, err := ToCanonical(p, v("2.35"))
	if err != nil {
		t.Fatal(err)
	}
	u := find(t, p, "users", "vUeLeQMSwhN")
	want := map[string]any{
		"username": "who", "userRoles": []any{ref("yrB6vc5Ip3r")}, "disabled": false, "externalAuth": false,
		"twoFA": false, "invitation": false, "selfRegistered": false,
		"lastLogin": "2020-04-23T09:17:46.912", "passwordLastUpdated": "2019-10-16T12:06:30.668",
	}
	for k, w := range want {
		assertLooseEqual(t, map[string]any{k: w}, map[string]any{k: u[k]})
	}
	if _, ok := u["userCredentials"]; ok {
		t.Error("userCredentials kept")
	}
	for _, w := range rep.Warnings {
		if w.Type == "users" {
			t.Errorf("unexpected user warning: %v", w)
		}
	}
}

func TestUserCredentialsRoundTripMaster(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"users.json", "create_user_without_createdBy.json"} {
		for _, ver := range []string{"2.30", "2.35", "2.37", "2.38", "2.41", "2.42"} {
			t.Run(f+"@"+ver, func(t *testing.T) {
				t.Parallel()
				orig := canonicalFixture(fixturePayload(t, coreInt+f))
				p := Clone(orig)
				if _, err := FromCanonical(p, v(ver)); err != nil {
					t.Fatal(err)
				}
				for _, u := range p["users"] {
					_, hasUC := u["userCredentials"]
					_, hasName := u["username"]
					if old := !v(ver).AtLeast(38); old != hasUC || old == hasName {
						t.Errorf("user %s on %s: userCredentials=%v username-on-user=%v", objID(u), ver, hasUC, hasName)
					}
					if !v(ver).AtLeast(38) {
						uc := asMap(u["userCredentials"])
						if refID(uc["userInfo"]) != objID(u) {
							t.Errorf("userInfo = %v, want %s", uc["userInfo"], objID(u))
						}
					}
				}
				if _, err := ToCanonical(p, v(ver)); err != nil {
					t.Fatal(err)
				}
				assertLooseEqual(t, expectedRoundTrip(orig, ver), p)
			})
		}
	}
}

func TestUserCredentialsDTODroppedFrom240(t *testing.T) {
	t.Parallel()
	p := Payload{"users": {{
		"id": "uAAAAAAAAAA", "username": "jdoe", "userRoles": []any{ref("rAAAAAAAAAA")},
		"userCredentials": map[string]any{"id": "uAAAAAAAAAA", "username": "jdoe", "userRoles": []any{ref("rAAAAAAAAAA")}, "openId": "oid"},
	}}}
	if _, err := ToCanonical(p, v("2.40")); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": "uAAAAAAAAAA", "username": "jdoe", "userRoles": []any{ref("rAAAAAAAAAA")}, "openId": "oid"}
	assertLooseEqual(t, want, p["users"][0])

	// A payload labelled 2.42 that still nests credentials (2.42 would
	// ignore them) is repaired too, without reporting the gated losses.
	q := Payload{"users": {{"id": "uAAAAAAAAAA", "userCredentials": map[string]any{"username": "ghost"}}}}
	rep, err := ToCanonical(q, v("2.42"))
	if err != nil {
		t.Fatal(err)
	}
	if u := q["users"][0]; u["username"] != "ghost" || u["userCredentials"] != nil {
		t.Errorf("2.42 payload not repaired: %v", u)
	}
	for _, l := range rep.Losses {
		if l.Type == "users" {
			t.Errorf("loss %v reported for a 2.42 source", l)
		}
	}
}

func TestUserCredentialsDownWarnsWithoutUsername(t *testing.T) {
	t.Parallel()
	p := Payload{"users": {{"id": "uAAAAAAAAAA", "firstName": "A"}}}
	rep, err := FromCanonical(p, v("2.37"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Property != "userCredentials.username" {
		t.Errorf("warnings = %v", rep.Warnings)
	}
}
