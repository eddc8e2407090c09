package syncer

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/transform"
)

// orderSchemas returns schemas with DHIS2's import order for the given
// types (no properties: the chunker only needs the order).
func orderSchemas(t *testing.T, types ...string) *Schemas {
	t.Helper()
	var list []map[string]any
	for _, typ := range types {
		list = append(list, map[string]any{"klass": "x." + typ, "plural": typ, "singular": strings.TrimSuffix(typ, "s"),
			"metadata": true, "persisted": true, "relativeApiEndpoint": "/" + typ, "order": fallbackOrder[typ]})
	}
	body, _ := json.Marshal(map[string]any{"schemas": list})
	ss, err := ParseSchemas(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func ref(id string) map[string]any { return map[string]any{"id": id} }

func refs(ids ...string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = ref(id)
	}
	return out
}

// uid builds a valid 11-character UID from a short tag.
func uid(tag string) string { return (tag + "AAAAAAAAAAA")[:11] }

// checkChunkOrder asserts that every reference of a fully sent object
// points to an object of the same or an earlier chunk, and that every
// object is sent in full exactly once.
func checkChunkOrder(t *testing.T, chunks []*chunk, total int) {
	t.Helper()
	where := map[string]int{}
	n := 0
	for i, c := range chunks {
		for _, k := range c.Members {
			if _, dup := where[k.UID]; dup {
				t.Fatalf("%s sent in full twice", k.UID)
			}
			where[k.UID] = i
			n++
		}
	}
	if n != total {
		t.Fatalf("%d objects chunked, want %d", n, total)
	}
	for i, c := range chunks {
		for typ, objs := range c.Payload {
			for _, o := range objs {
				collectRefs(o, func(_, id string) {
					if j, ok := where[id]; ok && j > i {
						t.Errorf("chunk %d: %s %s refers to %s of later chunk %d", i, typ, uidOf(o), id, j)
					}
				})
			}
		}
	}
}

func TestChunkerKeepsForwardReferencesTogether(t *testing.T) {
	t.Parallel()
	ss := orderSchemas(t, "options", "optionSets", "dataElements", "programStageSections", "programStages", "programs", "smsCommands")
	p := transform.Payload{
		"options":              {{"id": uid("opt1"), "optionSet": ref(uid("os1"))}, {"id": uid("opt2"), "optionSet": ref(uid("os1"))}},
		"optionSets":           {{"id": uid("os1"), "options": refs(uid("opt1"), uid("opt2"))}},
		"dataElements":         {{"id": uid("de1"), "optionSet": ref(uid("os1"))}},
		"programStageSections": {{"id": uid("pss1"), "programStage": ref(uid("ps1"))}},
		"programStages":        {{"id": uid("ps1"), "program": ref(uid("pr1")), "programStageSections": refs(uid("pss1"))}},
		"programs":             {{"id": uid("pr1"), "programStages": refs(uid("ps1"))}},
		"smsCommands":          {{"id": uid("sms1"), "program": ref(uid("pr1")), "programStage": ref(uid("ps1"))}},
	}
	ck := &chunker{schemas: ss, maxBytes: 300} // a unit fits, two do not
	chunks, err := ck.chunks(p)
	if err != nil {
		t.Fatal(err)
	}
	checkChunkOrder(t, chunks, 8)
	together := func(a, b string) {
		for _, c := range chunks {
			var ha, hb bool
			for _, k := range c.Members {
				ha = ha || k.UID == uid(a)
				hb = hb || k.UID == uid(b)
			}
			if ha != hb {
				t.Errorf("%s and %s are in different chunks", a, b)
			}
		}
	}
	together("opt1", "os1")
	together("opt2", "os1")
	together("pss1", "pr1")
	together("ps1", "pr1")
	if len(chunks) < 3 {
		t.Errorf("want at least 3 chunks under a 300-byte limit, got %d", len(chunks))
	}
	if len(ck.warnings) != 0 {
		t.Errorf("unexpected warnings: %v", ck.warnings)
	}
	// Under a limit smaller than any unit, units are split and reported.
	small := &chunker{schemas: ss, maxBytes: 1}
	if _, err := small.chunks(p); err != nil {
		t.Fatal(err)
	}
	if len(small.warnings) == 0 {
		t.Error("units over the size limit must be reported")
	}
}

func TestChunkerDefersUserOrgUnits(t *testing.T) {
	t.Parallel()
	ss := orderSchemas(t, "userRoles", "users", "userGroups", "organisationUnits")
	var ous []map[string]any
	for i := range 40 {
		o := map[string]any{"id": uid(fmt.Sprintf("ou%d", i)), "name": strings.Repeat("x", 100)}
		if i > 0 {
			o["parent"] = ref(uid("ou0"))
		}
		ous = append(ous, o)
	}
	user := map[string]any{"id": uid("usr1"), "username": "alice", "userRoles": refs(uid("role1")),
		"organisationUnits": refs(uid("ou39")), "dataViewOrganisationUnits": refs(uid("ou0"))}
	p := transform.Payload{
		"userRoles":         {{"id": uid("role1")}},
		"users":             {user},
		"userGroups":        {{"id": uid("grp1"), "users": refs(uid("usr1"))}},
		"organisationUnits": ous,
	}
	ck := &chunker{schemas: ss, maxBytes: 1200}
	chunks, err := ck.chunks(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 3 {
		t.Fatalf("want several chunks, got %d", len(chunks))
	}
	checkChunkOrder(t, chunks, 43)
	// The first sending of the user has no org unit of a later chunk; the
	// complete user is sent again in the chunk of its last org unit.
	first := chunks[0].Payload["users"]
	if len(first) != 1 || first[0]["organisationUnits"] != nil && len(first[0]["organisationUnits"].([]any)) != 0 {
		t.Fatalf("first chunk user = %v, want it without organisationUnits", first)
	}
	found := false
	for _, c := range chunks[1:] {
		for _, k := range c.Partial {
			if k.UID == uid("usr1") {
				found = true
				u := c.Payload["users"][0]
				if len(u["organisationUnits"].([]any)) != 1 {
					t.Errorf("re-sent user lacks its org units: %v", u)
				}
			}
		}
	}
	if !found {
		t.Fatal("the user is never re-sent with its org units")
	}
	if user["organisationUnits"] == nil {
		t.Fatal("the original object was modified")
	}
}

func TestChunkerOrgUnitsParentsFirst(t *testing.T) {
	t.Parallel()
	ss := orderSchemas(t, "organisationUnits")
	// UIDs sort against depth order: children would come first by UID.
	p := transform.Payload{"organisationUnits": {
		{"id": uid("aChild"), "parent": ref(uid("mRegion"))},
		{"id": uid("mRegion"), "parent": ref(uid("zRoot"))},
		{"id": uid("zRoot")},
	}}
	chunks, err := (&chunker{schemas: ss, maxBytes: 1}).chunks(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 3 {
		t.Fatalf("want one chunk per org unit, got %d", len(chunks))
	}
	checkChunkOrder(t, chunks, 3)
}
