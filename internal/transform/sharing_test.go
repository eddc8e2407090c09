package transform

import (
	"errors"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
)

func TestSharingUpFromLegacyFixture(t *testing.T) {
	t.Parallel()
	p := fixturePayload(t, core35+"favorites/metadata_chart_with_accesses.json")
	if _, err := ToCanonical(p, v("2.35")); err != nil {
		t.Fatal(err)
	}
	// The chart became a visualization (same uid) once that transform runs;
	// look in both places so this test only checks sharing.
	var obj map[string]any
	for _, typ := range []string{"charts", "visualizations"} {
		for _, o := range p[typ] {
			if objID(o) == "gyYXi0rXAIc" {
				obj = o
			}
		}
	}
	if obj == nil {
		t.Fatal("chart gyYXi0rXAIc missing after ToCanonical")
	}
	for _, k := range legacySharingKeys {
		if _, ok := obj[k]; ok {
			t.Errorf("legacy key %s still present", k)
		}
	}
	want := map[string]any{
		"owner": "M5zQapPyTZI", "public": "rw------", "external": false,
		"users":      map[string]any{"userabcdefA": map[string]any{"id": "userabcdefA", "access": "rwrw----"}},
		"userGroups": map[string]any{"ugabcdefghA": map[string]any{"id": "ugabcdefghA", "access": "rwrw----"}},
	}
	assertLooseEqual(t, want, obj["sharing"])
}

func TestSharingRoundTripMasterFixtures(t *testing.T) {
	t.Parallel()
	files := []string{
		coreInt + "dataset_with_accesses.json",
		coreInt + "dataset_with_accesses_update.json",
		coreInt + "program_programStage_with_sharing.json",
	}
	for _, f := range files {
		for _, ver := range []string{"2.30", "2.35", "2.36", "2.40", "2.41"} {
			t.Run(f[len(coreInt):]+"@"+ver, func(t *testing.T) {
				t.Parallel()
				canon := canonicalFixture(fixturePayload(t, f))
				// The fixtures are canonical already, apart from the
				// key/id mismatch normalised by the first pass.
				normaliseSharingKeys(canon)
				p := Clone(canon)
				if _, err := FromCanonical(p, v(ver)); err != nil {
					t.Fatal(err)
				}
				down := Clone(p)
				if _, err := ToCanonical(p, v(ver)); err != nil {
					t.Fatal(err)
				}
				assertLooseEqual(t, expectedRoundTrip(canon, ver), p)
				if !v(ver).AtLeast(36) {
					checkLegacyOnly(t, canon, down)
				}
			})
		}
	}
}

// normaliseSharingKeys re-keys sharing maps by the entry id (DHIS2 uses
// the entry's id; one fixture has a key that disagrees with it).
func normaliseSharingKeys(p Payload) {
	eachTyped(p, func(_ string, o map[string]any) {
		sh := asMap(o["sharing"])
		for _, k := range []string{"users", "userGroups"} {
			m := asMap(sh[k])
			for key, e := range m {
				if id := str(asMap(e), "id"); id != "" && id != key {
					delete(m, key)
					m[id] = e
				}
			}
		}
	})
}

func checkLegacyOnly(t *testing.T, canon, p Payload) {
	t.Helper()
	shared := map[string]bool{}
	eachTyped(canon, func(typ string, o map[string]any) {
		if _, ok := o["sharing"]; ok {
			shared[typ+"/"+objID(o)] = true
		}
	})
	eachTyped(p, func(typ string, o map[string]any) {
		if _, ok := o["sharing"]; ok {
			t.Errorf("%s %s: sharing{} sent to a pre-2.36 destination", typ, objID(o))
		}
		if _, ok := o["publicAccess"]; !ok && shared[typ+"/"+objID(o)] {
			t.Errorf("%s %s: publicAccess missing for a pre-2.36 destination", typ, objID(o))
		}
	})
}

func TestSharingDownShapes(t *testing.T) {
	t.Parallel()
	canonical := func() Payload {
		return Payload{"dataSets": {{
			"id": "dsAAAAAAAAA", "user": ref("creatorAAAA"),
			"sharing": map[string]any{
				"owner": "ownerAAAAAA", "public": "r-------", "external": true,
				"users":      map[string]any{"uB": map[string]any{"id": "uB", "access": "rw------"}, "uA": map[string]any{"id": "uA", "access": "r-------"}},
				"userGroups": map[string]any{"gA": map[string]any{"id": "gA", "access": "rwrw----"}},
			},
		}}}
	}
	tests := []struct {
		name     string
		to       string
		check    func(t *testing.T, o map[string]any)
		warnings int
	}{
		{"2.35 gets legacy fields", "2.35", func(t *testing.T, o map[string]any) {
			want := map[string]any{
				"id": "dsAAAAAAAAA", "user": ref("ownerAAAAAA"), "publicAccess": "r-------", "externalAccess": true,
				"userAccesses": []any{
					map[string]any{"id": "uA", "userUid": "uA", "access": "r-------"},
					map[string]any{"id": "uB", "userUid": "uB", "access": "rw------"},
				},
				"userGroupAccesses": []any{map[string]any{"id": "gA", "userGroupUid": "gA", "access": "rwrw----"}},
			}
			assertLooseEqual(t, want, o)
		}, 1},
		{"2.40 keeps sharing with external", "2.40", func(t *testing.T, o map[string]any) {
			if asMap(o["sharing"])["external"] != true {
				t.Errorf("sharing.external lost on 2.40: %s", mustJSON(o["sharing"]))
			}
		}, 0},
		{"2.41 prunes external", "2.41", func(t *testing.T, o map[string]any) {
			if _, ok := asMap(o["sharing"])["external"]; ok {
				t.Errorf("sharing.external sent to 2.41: %s", mustJSON(o["sharing"]))
			}
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := canonical()
			rep, err := FromCanonical(p, v(tc.to))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p["dataSets"][0])
			if len(rep.Warnings) != tc.warnings {
				t.Errorf("warnings = %v, want %d", rep.Warnings, tc.warnings)
			}
		})
	}
}

func TestSharingUpPrefersSharingObject(t *testing.T) {
	t.Parallel()
	// A 2.38 export carries both; sharing{} wins and legacy fields go.
	p := Payload{"indicators": {{
		"id": "inAAAAAAAAA", "publicAccess": "rw------", "externalAccess": false, "userAccesses": []any{},
		"sharing": map[string]any{"public": "r-------", "owner": "xx"},
	}}}
	rep, err := ToCanonical(p, v("2.38"))
	if err != nil {
		t.Fatal(err)
	}
	o := p["indicators"][0]
	if _, ok := o["publicAccess"]; ok {
		t.Error("publicAccess kept")
	}
	if got := asMap(o["sharing"])["public"]; got != "r-------" {
		t.Errorf("sharing.public = %v, want r-------", got)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Property != "publicAccess" {
		t.Errorf("want one disagreement warning, got %v", rep.Warnings)
	}
}

func TestUnknownVersion(t *testing.T) {
	t.Parallel()
	for _, f := range []func() error{
		func() error { _, err := ToCanonical(Payload{}, dhis2.Version{}); return err },
		func() error { _, err := FromCanonical(Payload{}, dhis2.Version{}); return err },
		func() error { _, err := Convert(Payload{}, v("2.40"), dhis2.Version{}); return err },
	} {
		if err := f(); !errors.Is(err, ErrUnknownVersion) {
			t.Errorf("err = %v, want ErrUnknownVersion", err)
		}
	}
}

func TestAccessStringsPadded(t *testing.T) {
	t.Parallel()
	p := Payload{"indicators": {{"id": "inAAAAAAAAA", "publicAccess": "rw", "userGroupAccesses": []any{
		map[string]any{"id": "gAAAAAAAAAA", "access": "r-rw"}}}}}
	if _, err := ToCanonical(p, v("2.35")); err != nil {
		t.Fatal(err)
	}
	sh := asMap(p["indicators"][0]["sharing"])
	if sh["public"] != "rw------" || asMap(asMap(sh["userGroups"])["gAAAAAAAAAA"])["access"] != "r-rw----" {
		t.Errorf("sharing = %v", sh)
	}
	for in, want := range map[string]string{"": "", "r": "r-------", "rwrw----": "rwrw----", "rwrw-----x": "rwrw-----x"} {
		if got := access8(in); got != want {
			t.Errorf("access8(%q) = %q, want %q", in, got, want)
		}
	}
}
