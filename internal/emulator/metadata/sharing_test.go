package metadata

import (
	"maps"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// TestSetSharing: /api/sharing's write lands in the version's stored
// shape (legacy fields ≤2.35, sharing{} with external 2.36–2.40, without
// it 2.41+), drops users and groups that do not exist, stamps
// lastUpdated, and copies an event program's sharing to its stage.
func TestSetSharing(t *testing.T) {
	t.Parallel()
	payload := []byte(`{"userGroups":[{"id":"GroupA00001","name":"Group A"}],
		"dataElements":[{"id":"DeShare0001","name":"Shared","shortName":"Shared","valueType":"NUMBER","aggregationType":"SUM","domainType":"AGGREGATE"}],
		"programs":[{"id":"ProgEvent01","name":"Events","shortName":"Events","programType":"WITHOUT_REGISTRATION","programStages":[{"id":"StageEv0001"}]}],
		"programStages":[{"id":"StageEv0001","name":"Stage","program":{"id":"ProgEvent01"}}]}`)
	for _, version := range []string{"2.33", "2.38", "2.41"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s, err := New(Options{Profile: profile.MustFor(version), Clock: fixedClock()})
			if err != nil {
				t.Fatal(err)
			}
			if rep := importJSON(t, s, payload); rep.Status != StatusOK {
				t.Fatalf("import: %s\n%s", rep.Status, errorSummary(rep))
			}
			before, _ := s.Get("dataElements", "DeShare0001", "lastUpdated", "")
			in := ObjectSharing{Public: "r-------", External: true,
				UserGroups: map[string]string{"GroupA00001": "rw------", "GroupGone01": "r-------"},
				Users:      map[string]string{AdminUserUID: "rw------", "UserGone001": "r-------"}}
			if !s.SetSharing("dataElements", "DeShare0001", in, "admin") {
				t.Fatal("SetSharing: object not found")
			}
			if s.SetSharing("dataElements", "Nope0000001", in, "admin") || s.SetSharing("dataElementGroupSetDimensions", "DeShare0001", in, "admin") {
				t.Error("SetSharing accepted a missing object or type")
			}
			got, ok := s.Sharing("dataElements", "DeShare0001")
			wantExternal := version != "2.41"
			if !ok || got.Public != "r-------" || got.External != wantExternal || got.Owner != AdminUserUID ||
				!maps.Equal(got.UserGroups, map[string]string{"GroupA00001": "rw------"}) || !maps.Equal(got.Users, map[string]string{AdminUserUID: "rw------"}) {
				t.Errorf("sharing = %+v", got)
			}
			after, _ := s.Get("dataElements", "DeShare0001", "lastUpdated,sharing,publicAccess,userGroupAccesses", "")
			if after["lastUpdated"] == before["lastUpdated"] {
				t.Error("lastUpdated not refreshed")
			}
			_, hasObject := after["sharing"]
			if hasObject == (version == "2.33") {
				t.Errorf("rendered %v: sharing{} only from 2.36", after)
			}
			if !s.SetSharing("programs", "ProgEvent01", ObjectSharing{Public: "--------"}, "admin") {
				t.Fatal("program not found")
			}
			if st, _ := s.Sharing("programStages", "StageEv0001"); st.Public != "--------" || st.Owner != AdminUserUID {
				t.Errorf("event program stage sharing = %+v, want the program's", st)
			}
		})
	}
}
