package emulator_test

import (
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// metaBuilder synthesises the minimal metadata an old tracker payload
// references (the SDK and e2e fixtures rely on the Sierra Leone demo
// database, which the fixtures do not contain).
type metaBuilder struct {
	ous, tets, attrs, des, aocs map[string]bool
	programs                    map[string]*synthProgram
	stages                      map[string]string // stage → program
	relTypes                    map[string][2]string
}

type synthProgram struct {
	registration bool
	tet          string
	attrs        map[string]bool
}

func newMetaBuilder() *metaBuilder {
	return &metaBuilder{aocs: map[string]bool{}, ous: map[string]bool{}, tets: map[string]bool{}, attrs: map[string]bool{}, des: map[string]bool{},
		programs: map[string]*synthProgram{}, stages: map[string]string{}, relTypes: map[string][2]string{}}
}

func (b *metaBuilder) program(id string) *synthProgram {
	p := b.programs[id]
	if p == nil {
		p = &synthProgram{attrs: map[string]bool{}}
		b.programs[id] = p
	}
	return p
}

func str(v any) string { s, _ := v.(string); return s }

// itemEntity names the relationship entity of an old relationship item.
func itemEntity(v any) string {
	m := asObj(v)
	switch {
	case m["enrollment"] != nil:
		return "PROGRAM_INSTANCE"
	case m["event"] != nil:
		return "PROGRAM_STAGE_INSTANCE"
	}
	return "TRACKED_ENTITY_INSTANCE"
}

// walk collects references from an old- or new-shape object; tet is the
// enclosing tracked entity's type.
func (b *metaBuilder) walk(m map[string]any, tet string) {
	if ou := str(m["orgUnit"]); ou != "" {
		b.ous[ou] = true
	}
	if aoc := str(m["attributeOptionCombo"]); aoc != "" {
		b.aocs[aoc] = true
	}
	if t := str(m["trackedEntityType"]); t != "" {
		b.tets[t], tet = true, t
	}
	for _, a := range asList(m["attributes"]) {
		b.attrs[str(asObj(a)["attribute"])] = true
	}
	for _, dv := range asList(m["dataValues"]) {
		b.des[str(asObj(dv)["dataElement"])] = true
	}
	if rt := str(m["relationshipType"]); rt != "" && m["from"] != nil {
		b.relTypes[rt] = [2]string{itemEntity(m["from"]), itemEntity(m["to"])}
	}
	prog := str(m["program"])
	_, isEnrollment := m["enrollmentDate"]
	if _, ok := m["enrolledAt"]; ok {
		isEnrollment = true
	}
	if prog != "" && isEnrollment {
		p := b.program(prog)
		p.registration, p.tet = true, tet
		for _, a := range asList(m["attributes"]) {
			p.attrs[str(asObj(a)["attribute"])] = true
		}
	}
	if st := str(m["programStage"]); st != "" && prog != "" {
		b.stages[st] = prog
		p := b.program(prog)
		if str(m["enrollment"]) != "" || str(m["trackedEntityInstance"]) != "" {
			p.registration = true
		}
	}
	for _, k := range []string{"enrollments", "events", "relationships"} {
		for _, c := range asList(m[k]) {
			b.walk(asObj(c), tet)
		}
	}
}

// payload returns the synthesised metadata as a POST /api/metadata body.
func (b *metaBuilder) payload() map[string]any {
	ref := func(id string) obj { return obj{"id": id} }
	named := func(id, kind string) obj { return obj{"id": id, "name": kind + " " + id, "shortName": kind + " " + id} }
	keys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			if k != "" {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	out := map[string]any{}
	ous := []any{obj{"id": "SynthRoot01", "name": "Root", "shortName": "Root", "openingDate": "1970-01-01"}}
	var ouRefs []any
	for _, id := range keys(b.ous) {
		o := named(id, "OU")
		o["openingDate"], o["parent"] = "1970-01-01", ref("SynthRoot01")
		ous = append(ous, o)
		ouRefs = append(ouRefs, ref(id))
	}
	out["organisationUnits"] = ous
	var attrs, des, tets, programs, stages, rels []any
	for _, id := range keys(b.attrs) {
		a := named(id, "TEA")
		a["valueType"], a["aggregationType"] = "TEXT", "NONE"
		attrs = append(attrs, a)
	}
	for _, id := range keys(b.des) {
		d := named(id, "DE")
		d["valueType"], d["aggregationType"], d["domainType"] = "TEXT", "NONE", "TRACKER"
		des = append(des, d)
	}
	for _, id := range keys(b.tets) {
		tets = append(tets, named(id, "TET"))
	}
	for id, p := range b.programs {
		o := named(id, "Program")
		o["organisationUnits"] = ouRefs
		o["programType"] = "WITHOUT_REGISTRATION"
		if p.registration {
			o["programType"] = "WITH_REGISTRATION"
			tet := p.tet
			if tet == "" && len(b.tets) > 0 {
				tet = keys(b.tets)[0]
			}
			o["trackedEntityType"] = ref(tet)
			var pteas []any
			for _, a := range keys(p.attrs) {
				pteas = append(pteas, obj{"trackedEntityAttribute": ref(a)})
			}
			o["programTrackedEntityAttributes"] = pteas
		}
		programs = append(programs, o)
	}
	for id, prog := range b.stages {
		s := named(id, "Stage")
		s["program"], s["repeatable"] = ref(prog), true
		var psdes []any
		for _, de := range keys(b.des) {
			psdes = append(psdes, obj{"dataElement": ref(de)})
		}
		s["programStageDataElements"] = psdes
		stages = append(stages, s)
	}
	for id, ends := range b.relTypes {
		r := named(id, "RelType")
		r["fromToName"] = "to"
		r["fromConstraint"], r["toConstraint"] = obj{"relationshipEntity": ends[0]}, obj{"relationshipEntity": ends[1]}
		rels = append(rels, r)
	}
	var cocs []any
	for _, id := range keys(b.aocs) {
		c := named(id, "AOC")
		c["categoryCombo"], c["categoryOptions"] = ref("bjDvmb4bfuf"), []any{ref("xYerKDKCefk")}
		cocs = append(cocs, c)
	}
	out["categoryOptionCombos"] = cocs
	out["trackedEntityAttributes"], out["dataElements"], out["trackedEntityTypes"] = attrs, des, tets
	out["programs"], out["programStages"], out["relationshipTypes"] = programs, stages, rels
	return out
}

// oldPayloadItems returns the top-level objects of an old payload.
func oldPayloadItems(v any, key string) []any {
	if list := asList(asObj(v)[key]); list != nil {
		return list
	}
	if l := asList(v); l != nil {
		return l
	}
	return []any{v}
}

// TestTrackerOldPayloadsAccepted posts the SDK and 2.35 e2e old-API
// payloads to /api/trackedEntityInstances and /api/events of a 2.35
// emulator, after creating the metadata they reference: every object is
// imported and the answer is an OK ImportSummaries WebMessage.
func TestTrackerOldPayloadsAccepted(t *testing.T) {
	t.Parallel()
	fx := fixturesDir(t)
	var cases [][2]string // file, endpoint
	for _, pat := range []string{fxSDK + "trackedentity/tracked_entity_instance*.json", fxE2E35 + "tracker/teis/*.json"} {
		files, _ := filepath.Glob(filepath.Join(fx, pat))
		for _, f := range files {
			if !strings.Contains(filepath.Base(f), "filter") {
				cases = append(cases, [2]string{f, "trackedEntityInstances"})
			}
		}
	}
	for _, pat := range []string{fxSDK + "event/events*.json", fxE2E35 + "tracker/events/events.json"} {
		files, _ := filepath.Glob(filepath.Join(fx, pat))
		for _, f := range files {
			cases = append(cases, [2]string{f, "events"})
		}
	}
	if len(cases) < 8 {
		t.Skipf("old tracker fixtures missing (found %d)", len(cases))
	}
	for _, c := range cases {
		rel, _ := filepath.Rel(fx, c[0])
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			payload := readFixture(t, rel)
			mb := newMetaBuilder()
			items := oldPayloadItems(payload, c[1])
			for _, it := range items {
				mb.walk(asObj(it), "")
			}
			srv := start(t, emulator.Options{Version: "2.35"})
			importMetadata(t, srv, mb.payload())
			code, body := postJSON(t, srv, "/api/"+c[1], rawFixture(t, rel))
			resp := asObj(asObj(body)["response"])
			if strings.HasSuffix(rel, "event/events.json") {
				// A GET recording with hand-made UIDs (single1, single2): rejected, as DHIS2 does.
				if code != http.StatusConflict || resp["status"] != "ERROR" || resp["ignored"] != float64(len(items)) {
					t.Fatalf("invalid UIDs: HTTP %d %v", code, resp)
				}
				return
			}
			if code != http.StatusOK || asObj(body)["status"] != "OK" || resp["responseType"] != "ImportSummaries" ||
				resp["imported"] != float64(len(items)) {
				t.Fatalf("HTTP %d, status %v, imported %v of %d: %.1500v", code, asObj(body)["status"], resp["imported"], len(items), firstConflicts(resp))
			}
			// Read back through the old API.
			first := asObj(items[0])
			uidKey := map[string]string{"trackedEntityInstances": "trackedEntityInstance", "events": "event"}[c[1]]
			if uid := str(first[uidKey]); uid != "" {
				code, got := getJSON(t, srv, "/api/"+c[1]+"/"+uid)
				if code != http.StatusOK || asObj(got)[uidKey] != uid {
					t.Errorf("GET %s/%s: HTTP %d %.300v", c[1], uid, code, got)
				}
			}
		})
	}
}

func firstConflicts(resp map[string]any) []any {
	var out []any
	for _, s := range asList(resp["importSummaries"]) {
		out = append(out, asObj(s)["conflicts"], asObj(s)["enrollments"])
	}
	return out
}
