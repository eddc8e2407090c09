package seed

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// trkModel is what the tracker checks need from the metadata.
type trkModel struct {
	tet, relType       string
	programOUs         map[string]map[string]bool // program -> org units
	programType        map[string]string
	stageProgram       map[string]string
	stageRepeatable    map[string]bool
	stageDEs           map[string]map[string]bool // stage -> data elements
	stageCompulsory    map[string][]string
	teaType            map[string]string
	teaOptions         map[string]map[string]bool
	teaUnique          map[string]bool
	agg                aggModel
	facilities         map[string]bool
	tetAttrs, prgAttrs map[string]bool
}

func newTrkModel(md map[string][]map[string]any) trkModel {
	m := trkModel{programOUs: map[string]map[string]bool{}, programType: map[string]string{}, stageProgram: map[string]string{},
		stageRepeatable: map[string]bool{}, stageDEs: map[string]map[string]bool{}, stageCompulsory: map[string][]string{},
		teaType: map[string]string{}, teaOptions: map[string]map[string]bool{}, teaUnique: map[string]bool{},
		agg: newAggModel(md), facilities: map[string]bool{}, tetAttrs: map[string]bool{}, prgAttrs: map[string]bool{}}
	m.tet = md["trackedEntityTypes"][0]["id"].(string)
	m.relType = md["relationshipTypes"][0]["id"].(string)
	for _, a := range md["trackedEntityTypes"][0]["trackedEntityTypeAttributes"].([]any) {
		m.tetAttrs[refID(a.(map[string]any)["trackedEntityAttribute"])] = true
	}
	for _, p := range md["programs"] {
		id := p["id"].(string)
		m.programType[id] = p["programType"].(string)
		m.programOUs[id] = map[string]bool{}
		for _, ou := range ids(p["organisationUnits"]) {
			m.programOUs[id][ou] = true
		}
		for _, a := range asList(p["programTrackedEntityAttributes"]) {
			m.prgAttrs[refID(a.(map[string]any)["trackedEntityAttribute"])] = true
		}
	}
	for _, s := range md["programStages"] {
		id := s["id"].(string)
		m.stageProgram[id] = refID(s["program"])
		m.stageRepeatable[id] = s["repeatable"] == true
		m.stageDEs[id] = map[string]bool{}
		for _, e := range s["programStageDataElements"].([]any) {
			pm := e.(map[string]any)
			de := refID(pm["dataElement"])
			m.stageDEs[id][de] = true
			if pm["compulsory"] == true {
				m.stageCompulsory[id] = append(m.stageCompulsory[id], de)
			}
		}
	}
	options := map[string]map[string]bool{}
	for _, o := range md["options"] {
		set := refID(o["optionSet"])
		if options[set] == nil {
			options[set] = map[string]bool{}
		}
		options[set][o["code"].(string)] = true
	}
	for _, a := range md["trackedEntityAttributes"] {
		id := a["id"].(string)
		m.teaType[id] = a["valueType"].(string)
		m.teaUnique[id] = a["unique"] == true
		if os, ok := a["optionSet"]; ok {
			m.teaOptions[id] = options[refID(os)]
		}
	}
	for _, ou := range md["organisationUnits"] {
		m.facilities[ou["id"].(string)] = true
	}
	return m
}

var (
	datePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	phonePattern = regexp.MustCompile(`^[0-9+() .-]{6,30}$`)
)

// checkTrackerValue validates a tracker value by value type.
func checkTrackerValue(valueType, value string, options map[string]bool) error {
	switch {
	case options != nil:
		return checkValue(vtText, value, options)
	case valueType == vtDate:
		if _, err := time.Parse("2006-01-02", value); err != nil || !datePattern.MatchString(value) {
			return fmt.Errorf("%q is not a date", value)
		}
	case valueType == "PHONE_NUMBER":
		if !phonePattern.MatchString(value) {
			return fmt.Errorf("%q is not a phone number", value)
		}
	case valueType == vtTrue:
		if value != "true" {
			return fmt.Errorf("%q is not a TRUE_ONLY value", value)
		}
	default:
		return checkValue(valueType, value, nil)
	}
	return nil
}

func parseTime(t *testing.T, where string, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	at, err := time.Parse(timeLayout, s)
	if err != nil {
		t.Errorf("%s: %q is not a DHIS2 timestamp", where, s)
	}
	return at
}

type trkChecker struct {
	t      *testing.T
	m      trkModel
	uids   map[string]string
	unique map[string]bool // unique attribute values
	errs   int
	counts map[string]int
}

func (c *trkChecker) errorf(format string, args ...any) {
	c.t.Helper()
	if c.errs++; c.errs <= 25 {
		c.t.Errorf(format, args...)
	}
}

func (c *trkChecker) uid(kind string, v any) string {
	id, _ := v.(string)
	if !uidPattern.MatchString(id) {
		c.errorf("%s uid %q is invalid", kind, id)
	}
	if prev, dup := c.uids[id]; dup {
		c.errorf("%s uid %s already used by a %s", kind, id, prev)
	}
	c.uids[id] = kind
	return id
}

func (c *trkChecker) dataValues(where, stage string, ev map[string]any) {
	seen := map[string]bool{}
	for _, dv := range asList(ev["dataValues"]) {
		m := dv.(map[string]any)
		de, value := m["dataElement"].(string), m["value"].(string)
		if !c.m.stageDEs[stage][de] || seen[de] {
			c.errorf("%s: data element %s not in stage %s or repeated", where, de, stage)
		}
		seen[de] = true
		if err := checkTrackerValue(c.m.agg.deType[de], value, c.m.agg.deOptions[de]); err != nil {
			c.errorf("%s: %s: %v", where, c.m.agg.deCode[de], err)
		}
	}
	if ev["status"] == "COMPLETED" {
		for _, de := range c.m.stageCompulsory[stage] {
			if !seen[de] {
				c.errorf("%s: completed event lacks compulsory %s", where, c.m.agg.deCode[de])
			}
		}
	}
	for _, n := range asList(ev["notes"]) {
		nm := n.(map[string]any)
		c.uid("note", nm["note"])
		if nm["value"] == "" {
			c.errorf("%s: empty note", where)
		}
		c.counts["notes"]++
	}
}

func (c *trkChecker) attributes(where string, te map[string]any) {
	for _, a := range asList(te["attributes"]) {
		m := a.(map[string]any)
		id, value := m["attribute"].(string), m["value"].(string)
		if !c.m.tetAttrs[id] && !c.m.prgAttrs[id] {
			c.errorf("%s: attribute %s belongs to neither the type nor the program", where, id)
		}
		if err := checkTrackerValue(c.m.teaType[id], value, c.m.teaOptions[id]); err != nil {
			c.errorf("%s: attribute %s: %v", where, id, err)
		}
		if c.m.teaUnique[id] {
			if c.unique[id+"="+value] {
				c.errorf("%s: unique attribute value %q repeated", where, value)
			}
			c.unique[id+"="+value] = true
		}
	}
}

func (c *trkChecker) trackedEntity(te map[string]any, end time.Time) {
	id := c.uid("trackedEntity", te["trackedEntity"])
	where := "tracked entity " + id
	if te["trackedEntityType"] != c.m.tet || !c.m.facilities[fmt.Sprint(te["orgUnit"])] {
		c.errorf("%s: bad type or org unit", where)
	}
	created, updated := parseTime(c.t, where, te["createdAt"]), parseTime(c.t, where, te["updatedAt"])
	c.attributes(where, te)
	for _, e := range asList(te["enrollments"]) {
		enr := e.(map[string]any)
		c.counts["enrollments"]++
		c.counts["status "+fmt.Sprint(enr["status"])]++
		eid := c.uid("enrollment", enr["enrollment"])
		prog := enr["program"].(string)
		enrolled := parseTime(c.t, where, enr["enrolledAt"])
		if !c.m.programOUs[prog][fmt.Sprint(enr["orgUnit"])] || c.m.programType[prog] != "WITH_REGISTRATION" ||
			enr["trackedEntity"] != id || enrolled.Before(parseTime(c.t, where, enr["occurredAt"])) || enrolled.After(end) {
			c.errorf("%s: enrollment %s is inconsistent", where, eid)
		}
		if _, ok := enr["completedAt"]; ok != (enr["status"] == "COMPLETED") {
			c.errorf("%s: enrollment %s status %v vs completedAt", where, eid, enr["status"])
		}
		if _, ok := enr["attributes"]; ok {
			c.errorf("%s: enrollment attributes must be at tracked entity level on 2.41+", where)
		}
		if parseTime(c.t, where, enr["updatedAt"]).After(updated) {
			c.errorf("%s: tracked entity updatedAt older than its enrollment's", where)
		}
		stagesSeen := map[string]bool{}
		for _, e := range asList(enr["events"]) {
			ev := e.(map[string]any)
			c.counts["trackerEvents"]++
			c.counts["event "+fmt.Sprint(ev["status"])]++
			evID := c.uid("event", ev["event"])
			stage := ev["programStage"].(string)
			ewhere := where + " event " + evID
			if c.m.stageProgram[stage] != prog || ev["enrollment"] != eid || ev["trackedEntity"] != id ||
				!c.m.programOUs[prog][fmt.Sprint(ev["orgUnit"])] {
				c.errorf("%s: event is inconsistent with its enrollment", ewhere)
			}
			if !c.m.stageRepeatable[stage] && stagesSeen[stage] {
				c.errorf("%s: non-repeatable stage used twice", ewhere)
			}
			stagesSeen[stage] = true
			if ev["status"] == "SCHEDULE" {
				if _, ok := ev["occurredAt"]; ok || len(asList(ev["dataValues"])) > 0 {
					c.errorf("%s: scheduled event with occurredAt or values", ewhere)
				}
			} else if at := parseTime(c.t, ewhere, ev["occurredAt"]); at.Before(enrolled) || !at.Before(end) {
				c.errorf("%s: occurredAt %s outside enrollment %s..%s", ewhere, at, enrolled, end)
			}
			if parseTime(c.t, ewhere, ev["updatedAt"]).After(updated) || parseTime(c.t, ewhere, ev["createdAt"]).Before(created.Add(-24*time.Hour)) {
				c.errorf("%s: event timestamps not within the tracked entity's", ewhere)
			}
			c.dataValues(ewhere, stage, ev)
		}
		for _, n := range asList(enr["notes"]) {
			c.uid("note", n.(map[string]any)["note"])
		}
	}
	for _, o := range asList(te["programOwners"]) {
		om := o.(map[string]any)
		if om["trackedEntity"] != id || !c.m.programOUs[fmt.Sprint(om["program"])][fmt.Sprint(om["orgUnit"])] {
			c.errorf("%s: bad program owner %v", where, om)
		}
	}
	if updated.Before(created) {
		c.errorf("%s: updatedAt before createdAt", where)
	}
}

// TestTrackerDataIsValid checks every demo tracked entity, event and
// relationship against the metadata as the /api/tracker importer would.
func TestTrackerDataIsValid(t *testing.T) {
	t.Parallel()
	inst := demo(t)
	c := &trkChecker{t: t, m: newTrkModel(inst.Metadata), uids: map[string]string{}, unique: map[string]bool{}, counts: map[string]int{}}
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tes := map[string]bool{}
	enrolled := map[string]bool{}
	for te := range inst.TrackedEntities {
		c.trackedEntity(te, end)
		tes[te["trackedEntity"].(string)] = true
		enrolled[te["trackedEntity"].(string)] = len(asList(te["enrollments"])) > 0
	}
	for ev := range inst.Events {
		c.counts["events"]++
		id := c.uid("event", ev["event"])
		stage := fmt.Sprint(ev["programStage"])
		prog := fmt.Sprint(ev["program"])
		if c.m.stageProgram[stage] != prog || c.m.programType[prog] != "WITHOUT_REGISTRATION" ||
			!c.m.programOUs[prog][fmt.Sprint(ev["orgUnit"])] || ev["enrollment"] != nil {
			c.errorf("event %s is inconsistent with the event program", id)
		}
		if at := parseTime(t, id, ev["occurredAt"]); at.Before(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || !at.Before(end) {
			c.errorf("event %s occurred outside 2024-2025: %s", id, at)
		}
		c.dataValues("event "+id, stage, ev)
	}
	for rel := range inst.Relationships {
		c.counts["relationships"]++
		id := c.uid("relationship", rel["relationship"])
		from := rel["from"].(map[string]any)["trackedEntity"].(map[string]any)["trackedEntity"].(string)
		to := rel["to"].(map[string]any)["trackedEntity"].(map[string]any)["trackedEntity"].(string)
		if rel["relationshipType"] != c.m.relType || !tes[from] || !tes[to] || !enrolled[from] || enrolled[to] {
			c.errorf("relationship %s does not link an enrolled mother to her child", id)
		}
	}
	s := inst.Stats
	want := map[string]int{"enrollments": s.Enrollments, "trackerEvents": s.TrackerEvents, "events": s.Events, "relationships": s.Relationships}
	for k, v := range want {
		if c.counts[k] != v {
			t.Errorf("%s: iterated %d, Stats says %d", k, c.counts[k], v)
		}
	}
	if len(tes) != s.TrackedEntities || s.Enrollments < 4500 || s.Events < 2000 || s.Events > 10000 || s.Relationships < 500 {
		t.Errorf("counts: %d tracked entities (Stats %d), %s", len(tes), s.TrackedEntities, s)
	}
	for _, k := range []string{"status ACTIVE", "status COMPLETED", "status CANCELLED", "event SCHEDULE", "event ACTIVE", "notes"} {
		if c.counts[k] < 10 {
			t.Errorf("too few %q: %d", k, c.counts[k])
		}
	}
}

// TestTrackerFieldNamesMatchFixtures checks that every property name of the
// generated tracker objects occurs in the /api/tracker payloads of the
// shared fixtures (dhis2-core and Android SDK new-tracker files).
func TestTrackerFieldNamesMatchFixtures(t *testing.T) {
	t.Parallel()
	dir := fixturesDir(t)
	known := map[string]bool{}
	var collect func(path string, v any)
	collect = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				known[path+"."+k] = true
				collect(path+"."+k, c)
			}
		case []any:
			for _, c := range x {
				collect(path, c)
			}
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") ||
			!(strings.Contains(path, "new_tracker") || strings.Contains(path, "tracker/importer") || strings.Contains(path, "import_nested_payload")) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc map[string]any
		if json.Unmarshal(raw, &doc) != nil {
			return nil
		}
		for _, k := range []string{"trackedEntities", "events", "relationships", "enrollments"} {
			collect(k, doc[k])
		}
		if _, ok := doc["trackedEntity"]; ok {
			collect("trackedEntities", doc)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	// Properties of core@2.42 tracker view classes (Note, Enrollment, Event)
	// that no fixture payload happens to carry.
	for _, p := range []string{"trackedEntities.enrollments.events.notes.note", "trackedEntities.enrollments.events.notes.value",
		"trackedEntities.enrollments.events.notes.storedAt", "trackedEntities.enrollments.notes.note",
		"trackedEntities.enrollments.notes.value", "trackedEntities.enrollments.notes.storedAt",
		"trackedEntities.enrollments.completedAt", "events.completedAt", "events.createdAt", "events.updatedAt",
		"events.notes.note", "events.notes.value", "events.notes.storedAt"} {
		known[p] = true
	}
	inst := demo(t)
	missing := map[string]bool{}
	check := func(kind string, seq func(func(map[string]any) bool)) {
		n := 0
		for o := range seq {
			walk(o, []string{kind}, func(path []string, m map[string]any) {
				for k := range m {
					p := strings.Join(path, ".") + "." + k
					if !known[p] && !missing[p] {
						missing[p] = true
						t.Errorf("property %s never occurs in a fixture /api/tracker payload", p)
					}
				}
			})
			if n++; n == 300 {
				return
			}
		}
	}
	check("trackedEntities", inst.TrackedEntities)
	check("events", inst.Events)
	check("relationships", inst.Relationships)
}
