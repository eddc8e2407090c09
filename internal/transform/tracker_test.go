package transform

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrackerSDKOldToNew converts the Android SDK's old-API tracked entity
// and compares it with the SDK's new-API rendering of the same entity.
func TestTrackerSDKOldToNew(t *testing.T) {
	t.Parallel()
	old := fixtureObject(t, sdkRes+"trackedentity/new_tracker_transformer_old_tracked_entity.json")
	want := fixtureObject(t, sdkRes+"trackedentity/new_tracker_transformer_new_tracked_entity.json")
	ws, err := TrackerToCanonical(KindTrackedEntity, old, v("2.35"))
	if err != nil || len(ws) != 0 {
		t.Fatalf("warnings %v, err %v", ws, err)
	}
	for _, d := range DiffObjects("trackedEntities", want, old) {
		switch {
		case strings.HasSuffix(d.Path, ".attributes") && strings.HasPrefix(d.Path, "enrollments["):
			// The SDK copies TE attributes onto the enrollment; the canonical
			// shape keeps them on the tracked entity only (documented).
		case strings.HasSuffix(d.Path, "].followup"), strings.HasSuffix(d.Path, "].followUp"):
			// The SDK keeps the old "followup" spelling on events; dhis2-core's
			// tracker view Event uses followUp.
		default:
			t.Errorf("unexpected difference %s", d)
		}
	}
	// Same tracked entity, old keys gone.
	for _, k := range []string{"trackedEntityInstance", "created", "lastUpdated", "lastUpdatedAtClient", "featureType"} {
		if _, ok := old[k]; ok {
			t.Errorf("%s kept", k)
		}
	}
	en := asMap(asSlice(old["enrollments"])[0])
	ev := asMap(asSlice(en["events"])[0])
	for k, w := range map[string]any{"occurredAt": "2022-10-01T00:00:00.000", "scheduledAt": "2022-10-01T12:28:04.391", "trackedEntity": "SBjuNw0Xtkn"} {
		if ev[k] != w {
			t.Errorf("event %s = %v, want %v", k, ev[k], w)
		}
	}
	note := asMap(asSlice(en["notes"])[0])
	if note["storedAt"] != "2023-02-20T00:00:00.000" || note["storedDate"] != nil {
		t.Errorf("note = %v", note)
	}
}

func TestTrackerEventShapes(t *testing.T) {
	t.Parallel()
	oldEvent := func() map[string]any {
		return map[string]any{
			"event": "evAAAAAAAAA", "trackedEntityInstance": "teAAAAAAAAA", "eventDate": "2020-01-01", "dueDate": "2020-01-02",
			"completedDate": "2020-01-03", "status": "VISITED", "followup": true, "attributeCategoryOptions": "coA;coB",
			"coordinate":   map[string]any{"latitude": 8.1, "longitude": -11.4},
			"assignedUser": "uAAAAAAAAAA", "assignedUserUsername": "jdoe", "assignedUserDisplayName": "J Doe",
			"dataValues": []any{map[string]any{"dataElement": "deAAAAAAAAA", "value": "1", "created": "c", "lastUpdated": "l"}},
			"notes":      []any{map[string]any{"note": "nAAAAAAAAAA", "value": "x", "storedDate": "s", "storedBy": "admin"}},
		}
	}
	ev := oldEvent()
	ws, err := TrackerToCanonical(KindEvent, ev, v("2.35"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"event": "evAAAAAAAAA", "trackedEntity": "teAAAAAAAAA", "occurredAt": "2020-01-01", "scheduledAt": "2020-01-02",
		"completedAt": "2020-01-03", "status": "ACTIVE", "followUp": true, "attributeCategoryOptions": "coA,coB",
		"geometry":     map[string]any{"type": "Point", "coordinates": []any{-11.4, 8.1}},
		"assignedUser": map[string]any{"uid": "uAAAAAAAAAA", "username": "jdoe"},
		"dataValues":   []any{map[string]any{"dataElement": "deAAAAAAAAA", "value": "1", "createdAt": "c", "updatedAt": "l"}},
		"notes":        []any{map[string]any{"note": "nAAAAAAAAAA", "value": "x", "storedAt": "s", "storedBy": "admin"}},
	}
	assertLooseEqual(t, want, ev)
	if len(ws) != 1 || ws[0].Property != "status" || ws[0].ID != "evAAAAAAAAA" {
		t.Errorf("warnings = %v", ws)
	}

	tests := []struct {
		to           string
		assignedUser any
		dateKey      string
		sep          string
	}{
		{"2.35", "uAAAAAAAAAA", "eventDate", "coA;coB"},
		{"2.36", "uAAAAAAAAAA", "occurredAt", "coA,coB"},
		{"2.38", map[string]any{"uid": "uAAAAAAAAAA", "username": "jdoe"}, "occurredAt", "coA,coB"},
		{"2.42", map[string]any{"uid": "uAAAAAAAAAA", "username": "jdoe"}, "occurredAt", "coA,coB"},
	}
	canonical := want
	for _, tc := range tests {
		want := Clone(canonical)
		down := Clone(want)
		if _, err := TrackerFromCanonical(KindEvent, down, v(tc.to)); err != nil {
			t.Fatal(err)
		}
		assertLooseEqual(t, tc.assignedUser, down["assignedUser"])
		if down[tc.dateKey] != "2020-01-01" || down["attributeCategoryOptions"] != tc.sep {
			t.Errorf("%s: event = %v", tc.to, down)
		}
		if _, err := TrackerToCanonical(KindEvent, down, v(tc.to)); err != nil {
			t.Fatal(err)
		}
		if !v(tc.to).AtLeast(38) {
			delete(asMap(want["assignedUser"]), "username") // documented: only the uid survives
		}
		for _, d := range DiffObjects("events", want, down) {
			if _, ok := Documented(d, TrackerLosses()); !ok {
				t.Errorf("%s: undocumented %s", tc.to, d)
			}
		}
	}
}

func TestTrackerRelationshipItems(t *testing.T) {
	t.Parallel()
	canonical := map[string]any{"trackedEntity": map[string]any{"trackedEntity": "teAAAAAAAAA"}}
	tests := []struct {
		name string
		in   map[string]any
		ver  string
	}{
		{"old api", map[string]any{"trackedEntityInstance": map[string]any{"trackedEntityInstance": "teAAAAAAAAA", "programOwners": []any{}}}, "2.35"},
		{"2.36-2.40 uid string", map[string]any{"trackedEntity": "teAAAAAAAAA"}, "2.38"},
		{"2.41 nested", map[string]any{"trackedEntity": map[string]any{"trackedEntity": "teAAAAAAAAA", "attributes": []any{}}}, "2.41"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rel := map[string]any{"relationship": "relAAAAAAAA", "relationshipType": "rtAAAAAAAAA", "from": Clone(tc.in),
				"to": map[string]any{"event": map[string]any{"event": "evAAAAAAAAA"}}, "created": "2020"}
			if _, err := TrackerToCanonical(KindRelationship, rel, v(tc.ver)); err != nil {
				t.Fatal(err)
			}
			assertLooseEqual(t, canonical, rel["from"])
			assertLooseEqual(t, map[string]any{"event": map[string]any{"event": "evAAAAAAAAA"}}, rel["to"])
			down := Clone(rel)
			if _, err := TrackerFromCanonical(KindRelationship, down, v(tc.ver)); err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]any{
				"2.35": {"trackedEntityInstance": map[string]any{"trackedEntityInstance": "teAAAAAAAAA"}},
				"2.38": {"trackedEntity": "teAAAAAAAAA"},
				"2.41": canonical,
			}[tc.ver]
			assertLooseEqual(t, want, down["from"])
		})
	}
}

func TestTrackerAttributesHoistedAndSplit(t *testing.T) {
	t.Parallel()
	te := map[string]any{
		"trackedEntityInstance": "teAAAAAAAAA",
		"attributes":            []any{map[string]any{"attribute": "tetAttrAAAA", "value": "A"}},
		"enrollments": []any{map[string]any{"enrollment": "enAAAAAAAAA", "program": "progAAAAAAA",
			"attributes": []any{map[string]any{"attribute": "progAttrAAA", "value": "P"}, map[string]any{"attribute": "tetAttrAAAA", "value": "other"}}}},
	}
	ws, err := TrackerToCanonical(KindTrackedEntity, te, v("2.40"))
	if err != nil {
		t.Fatal(err)
	}
	if len(asSlice(te["attributes"])) != 2 || asMap(asSlice(te["enrollments"])[0])["attributes"] != nil {
		t.Errorf("te = %v", te)
	}
	if len(ws) != 1 || ws[0].Property != "attributes" {
		t.Errorf("warnings = %v, want one for the conflicting value", ws)
	}
	SplitEnrollmentAttributes(te, map[string]map[string]bool{"progAAAAAAA": {"progAttrAAA": true}})
	en := asMap(asSlice(te["enrollments"])[0])
	if len(asSlice(en["attributes"])) != 1 || len(asSlice(te["attributes"])) != 1 {
		t.Errorf("after split: te attributes %v, enrollment attributes %v", te["attributes"], en["attributes"])
	}
}

func TestTrackerErrors(t *testing.T) {
	t.Parallel()
	if _, err := TrackerToCanonical("dataValue", map[string]any{}, v("2.40")); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := TrackerFromCanonical(KindEvent, nil, v("2.40")); err == nil {
		t.Error("nil object accepted")
	}
	if _, err := TrackerFromCanonical(KindEvent, map[string]any{}, v("0.0")); err == nil {
		t.Error("zero version accepted")
	}
}

type trackerFixture struct {
	rel, kind, version string
	obj                map[string]any
}

var trackerListKinds = map[string]string{
	"trackedEntityInstances": KindTrackedEntity, "trackedEntities": KindTrackedEntity,
	"enrollments": KindEnrollment, "events": KindEvent, "relationships": KindRelationship,
}

// trackerKindOf guesses the kind of a single tracker object by its keys.
func trackerKindOf(m map[string]any) string {
	switch {
	case str(m, "event") != "" && (m["programStage"] != nil || m["eventDate"] != nil || m["occurredAt"] != nil):
		return KindEvent
	case str(m, "relationship") != "" && m["from"] != nil:
		return KindRelationship
	case str(m, "enrollment") != "" && m["program"] != nil:
		return KindEnrollment
	case str(m, "trackedEntityInstance") != "" || (str(m, "trackedEntity") != "" && m["trackedEntityType"] != nil):
		return KindTrackedEntity
	}
	return ""
}

// trackerFixtures collects every tracker object of the fixture set (list
// payloads and single-object files).
func trackerFixtures(t *testing.T) []trackerFixture {
	t.Helper()
	root := fixtureRoot(t)
	var out []trackerFixture
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := decodeJSON(b)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		m := asMap(doc)
		add := func(kind string, o map[string]any) {
			ver := "2.42"
			if o["trackedEntityInstance"] != nil || o["eventDate"] != nil || o["created"] != nil || o["enrollmentDate"] != nil {
				ver = "2.35"
			}
			out = append(out, trackerFixture{rel: rel, kind: kind, version: ver, obj: o})
		}
		for key, kind := range trackerListKinds {
			for _, e := range asSlice(m[key]) {
				if o := asMap(e); o != nil && trackerKindOf(o) == kind {
					add(kind, o)
				}
			}
		}
		for _, e := range asSlice(m["instances"]) { // 2.36–2.40 list envelope
			if o := asMap(e); o != nil && trackerKindOf(o) != "" {
				add(trackerKindOf(o), o)
			}
		}
		if k := trackerKindOf(m); k != "" {
			add(k, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("only %d tracker fixture objects found", len(out))
	}
	return out
}

var trackerPlural = map[string]string{
	KindTrackedEntity: "trackedEntities", KindEnrollment: "enrollments", KindEvent: "events", KindRelationship: "relationships",
}

// TestTrackerRoundTripEveryFixture lifts every tracker object of the
// fixtures, then lowers and lifts it for every version: the result must
// equal the canonical object except for documented tracker losses.
func TestTrackerRoundTripEveryFixture(t *testing.T) {
	t.Parallel()
	objects, documented := 0, 0
	for _, f := range trackerFixtures(t) {
		canon := Clone(f.obj)
		if _, err := TrackerToCanonical(f.kind, canon, v(f.version)); err != nil {
			t.Fatalf("%s: %v", f.rel, err)
		}
		for _, k := range []string{"trackedEntityInstance", "eventDate", "dueDate", "enrollmentDate", "incidentDate", "coordinate", "lastUpdated", "created"} {
			if _, ok := canon[k]; ok {
				t.Errorf("%s %s: old key %s left in the canonical object", f.rel, f.kind, k)
			}
		}
		for _, ver := range roundTripVersions {
			p := Clone(canon)
			if _, err := TrackerFromCanonical(f.kind, p, v(ver)); err != nil {
				t.Fatal(err)
			}
			if _, err := TrackerToCanonical(f.kind, p, v(ver)); err != nil {
				t.Fatal(err)
			}
			objects++
			for _, d := range DiffObjects(trackerPlural[f.kind], canon, p) {
				if _, ok := Documented(d, TrackerLosses()); ok || strings.Contains(d.Path, "assignedUser.") {
					documented++ // assignedUser details: documented loss on the nested path
					continue
				}
				t.Errorf("%s %s@%s: undocumented %s", f.rel, f.kind, ver, d)
			}
		}
	}
	t.Logf("tracker round trip: %d object conversions, %d documented differences", objects, documented)
}
