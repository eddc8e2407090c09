package seed

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// periodRange parses a monthly, weekly or quarterly DHIS2 period id.
func periodRange(id string) (start, end time.Time, periodType string, err error) {
	var y, n int
	switch {
	case regexp.MustCompile(`^\d{6}$`).MatchString(id):
		y, _ = strconv.Atoi(id[:4])
		n, _ = strconv.Atoi(id[4:])
		start = time.Date(y, time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0), "Monthly", nil
	case regexp.MustCompile(`^\d{4}Q[1-4]$`).MatchString(id):
		y, _ = strconv.Atoi(id[:4])
		n, _ = strconv.Atoi(id[5:])
		start = time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 3, 0), "Quarterly", nil
	case regexp.MustCompile(`^\d{4}W([1-9]|[1-4]\d|5[0-3])$`).MatchString(id):
		y, _ = strconv.Atoi(id[:4])
		n, _ = strconv.Atoi(id[5:])
		jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		start = monday.AddDate(0, 0, 7*(n-1))
		return start, start.AddDate(0, 0, 7), "Weekly", nil
	}
	return start, end, "", fmt.Errorf("invalid period %q", id)
}

// aggModel is what the data checks need from the metadata.
type aggModel struct {
	dsOfDE    map[string]string          // data element -> data set
	dsType    map[string]string          // data set -> period type
	dsUnits   map[string]map[string]bool // data set -> assigned org units
	dsAOCs    map[string]map[string]bool // data set -> attribute option combos
	deCOCs    map[string]map[string]bool // data element -> option combos
	deType    map[string]string          // data element -> value type
	deOptions map[string]map[string]bool // data element -> option codes
	deZeroSig map[string]bool
	deCode    map[string]string
	usernames map[string]bool
}

func newAggModel(md map[string][]map[string]any) aggModel {
	m := aggModel{dsOfDE: map[string]string{}, dsType: map[string]string{}, dsUnits: map[string]map[string]bool{},
		dsAOCs: map[string]map[string]bool{}, deCOCs: map[string]map[string]bool{}, deType: map[string]string{},
		deOptions: map[string]map[string]bool{}, deZeroSig: map[string]bool{}, deCode: map[string]string{},
		usernames: map[string]bool{}}
	cocsOf := map[string]map[string]bool{DefaultCategoryCombo: {DefaultCategoryOptionCombo: true}}
	for _, c := range md["categoryOptionCombos"] {
		combo := refID(c["categoryCombo"])
		if cocsOf[combo] == nil {
			cocsOf[combo] = map[string]bool{}
		}
		cocsOf[combo][c["id"].(string)] = true
	}
	options := map[string]map[string]bool{}
	for _, o := range md["options"] {
		set := refID(o["optionSet"])
		if options[set] == nil {
			options[set] = map[string]bool{}
		}
		options[set][o["code"].(string)] = true
	}
	for _, d := range md["dataElements"] {
		id := d["id"].(string)
		m.deCOCs[id] = cocsOf[refID(d["categoryCombo"])]
		m.deType[id] = d["valueType"].(string)
		m.deZeroSig[id] = d["zeroIsSignificant"] == true
		m.deCode[id] = d["code"].(string)
		if os, ok := d["optionSet"]; ok {
			m.deOptions[id] = options[refID(os)]
		}
	}
	for _, ds := range md["dataSets"] {
		id := ds["id"].(string)
		m.dsType[id] = ds["periodType"].(string)
		m.dsAOCs[id] = cocsOf[refID(ds["categoryCombo"])]
		m.dsUnits[id] = map[string]bool{}
		for _, ou := range ids(ds["organisationUnits"]) {
			m.dsUnits[id][ou] = true
		}
		for _, e := range ds["dataSetElements"].([]any) {
			m.dsOfDE[refID(e.(map[string]any)["dataElement"])] = id
		}
	}
	for _, u := range md["users"] {
		m.usernames[u["username"].(string)] = true
	}
	return m
}

func checkValue(valueType, value string, options map[string]bool) error {
	if options != nil {
		if !options[value] {
			return fmt.Errorf("%q is not an option code", value)
		}
		return nil
	}
	switch valueType {
	case vtInt0, vtIntPos:
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || (valueType == vtIntPos && n == 0) || strconv.Itoa(n) != value {
			return fmt.Errorf("%q is not a valid %s", value, valueType)
		}
	case vtNumber:
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return fmt.Errorf("%q is not a number", value)
		}
	case vtBool:
		if value != "true" && value != "false" {
			return fmt.Errorf("%q is not a boolean", value)
		}
	case vtText, vtLong:
		if value == "" {
			return fmt.Errorf("empty text")
		}
	default:
		return fmt.Errorf("unexpected aggregate value type %s", valueType)
	}
	return nil
}

type blockKey struct{ ds, pe, ou, aoc string }

// TestDataValuesAreValid checks every demo value against the metadata as
// the DHIS2 importer would (strict mode), plus plausibility traits.
func TestDataValuesAreValid(t *testing.T) {
	t.Parallel()
	inst := demo(t)
	m := newAggModel(inst.Metadata)
	type cellKey struct{ de, pe, ou, coc, aoc string }
	seen := map[cellKey]bool{}
	lastCreated := map[blockKey]time.Time{}
	totals := map[string]map[string]int{} // pe|ou -> code -> total
	var zeros, comments, followUps, edited, errs int
	report := func(format string, args ...any) {
		if errs++; errs <= 20 {
			t.Errorf(format, args...)
		}
	}
	for dv := range inst.DataValues {
		ds, ok := m.dsOfDE[dv.DataElement]
		if !ok {
			report("value for %s which is in no data set", dv.DataElement)
			continue
		}
		start, end, pt, err := periodRange(dv.Period)
		switch {
		case err != nil:
			report("%v", err)
		case pt != m.dsType[ds]:
			report("period %s does not match the %s data set", dv.Period, m.dsType[ds])
		case start.Year() < 2024 || end.After(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)):
			report("period %s is outside 2024-2025", dv.Period)
		case dv.Created.Before(start) || dv.Created.After(end.AddDate(0, 0, 45)):
			report("value created %s outside its period %s (+45 days)", dv.Created, dv.Period)
		}
		if !m.dsUnits[ds][dv.OrgUnit] {
			report("org unit %s is not assigned to the data set of %s", dv.OrgUnit, m.deCode[dv.DataElement])
		}
		if !m.deCOCs[dv.DataElement][dv.CategoryOptionCombo] {
			report("option combo %s is not in the combo of %s", dv.CategoryOptionCombo, m.deCode[dv.DataElement])
		}
		if !m.dsAOCs[ds][dv.AttributeOptionCombo] {
			report("attribute option combo %s is not in the data set's combo", dv.AttributeOptionCombo)
		}
		if err := checkValue(m.deType[dv.DataElement], dv.Value, m.deOptions[dv.DataElement]); err != nil {
			report("%s: %v", m.deCode[dv.DataElement], err)
		}
		if dv.Value == "0" {
			zeros++
			if !m.deZeroSig[dv.DataElement] {
				report("zero stored for %s which is not zero-significant", m.deCode[dv.DataElement])
			}
		}
		if dv.LastUpdated.Before(dv.Created) || !m.usernames[dv.StoredBy] || dv.Created.Location() != time.UTC {
			report("bad timestamps or storedBy: %+v", dv)
		}
		if dv.LastUpdated.After(dv.Created) {
			edited++
		}
		if dv.Comment != "" {
			comments++
		}
		if dv.FollowUp {
			followUps++
		}
		k := cellKey{dv.DataElement, dv.Period, dv.OrgUnit, dv.CategoryOptionCombo, dv.AttributeOptionCombo}
		if seen[k] {
			report("duplicate value %+v", k)
		}
		seen[k] = true
		bk := blockKey{ds, dv.Period, dv.OrgUnit, dv.AttributeOptionCombo}
		if dv.Created.After(lastCreated[bk]) {
			lastCreated[bk] = dv.Created
		}
		if n, err := strconv.Atoi(dv.Value); err == nil {
			pk := dv.Period + "|" + dv.OrgUnit
			if totals[pk] == nil {
				totals[pk] = map[string]int{}
			}
			totals[pk][m.deCode[dv.DataElement]] += n
		}
	}
	if zeros == 0 || comments < 20 || followUps < 5 || edited < 1000 {
		t.Errorf("too uniform: %d zeros, %d comments, %d follow-ups, %d edited values", zeros, comments, followUps, edited)
	}
	checkConsistency(t, totals)
	checkRegistrations(t, inst, m, lastCreated)
}

// checkConsistency checks that the generated counts mostly satisfy the
// validation rules (a few data-entry errors are expected).
func checkConsistency(t *testing.T, totals map[string]map[string]int) {
	t.Helper()
	pairs := [][2]string{{"RMA_PALU_TEST", "RMA_PALU_SUSP"}, {"RMA_PALU_CONF", "RMA_PALU_TEST"}, {"SR_CPN4", "SR_CPN1"},
		{"SR_CES", "SR_ACC"}, {"PEV_PENTA3", "PEV_PENTA1"}, {"MDO_MEN_DEC", "MDO_MEN_CAS"}}
	for _, p := range pairs {
		checked, violated := 0, 0
		for _, tot := range totals {
			small, ok1 := tot[p[0]]
			big, ok2 := tot[p[1]]
			if !ok1 || !ok2 {
				continue
			}
			checked++
			if small > big {
				violated++
			}
		}
		if checked < 100 || violated*100 > checked {
			t.Errorf("%s <= %s: %d of %d reports violate the rule", p[0], p[1], violated, checked)
		}
	}
}

func checkRegistrations(t *testing.T, inst *Instance, m aggModel, lastCreated map[blockKey]time.Time) {
	t.Helper()
	seen := map[blockKey]bool{}
	incomplete := 0
	for r := range inst.CompleteRegistrations {
		k := blockKey{r.DataSet, r.Period, r.OrgUnit, r.AttributeOptionCombo}
		last, ok := lastCreated[k]
		switch {
		case !ok:
			t.Errorf("registration %+v has no data", k)
		case !r.Date.After(last):
			t.Errorf("registration %+v dated %s before its last value %s", k, r.Date, last)
		case seen[k] || !m.usernames[r.StoredBy]:
			t.Errorf("registration %+v duplicated or stored by an unknown user %q", k, r.StoredBy)
		}
		seen[k] = true
		if !r.Completed {
			incomplete++
		}
	}
	if len(seen) < len(lastCreated)*8/10 || len(seen) == len(lastCreated) || incomplete == 0 {
		t.Errorf("%d registrations (%d incomplete) for %d reports with data: want most but not all", len(seen), incomplete, len(lastCreated))
	}
}

func TestPeriods(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		periodType  string
		n           int
		first, last string
	}{
		{"Monthly", 24, "202401", "202512"},
		{"Quarterly", 8, "2024Q1", "2025Q4"},
		{"Weekly", 104, "2024W1", "2025W52"},
	}
	for _, tc := range tests {
		t.Run(tc.periodType, func(t *testing.T) {
			t.Parallel()
			ps := periodsFor(tc.periodType, start, 24)
			if len(ps) != tc.n || ps[0].id != tc.first || ps[len(ps)-1].id != tc.last {
				t.Fatalf("%s: %d periods %s..%s, want %d %s..%s", tc.periodType, len(ps), ps[0].id, ps[len(ps)-1].id, tc.n, tc.first, tc.last)
			}
			for _, p := range ps {
				s, e, pt, err := periodRange(p.id)
				if err != nil || pt != tc.periodType || !s.Equal(p.start) || !e.Equal(p.end) {
					t.Errorf("%s: generator says [%s, %s), parser says [%s, %s) %s %v", p.id, p.start, p.end, s, e, pt, err)
				}
			}
		})
	}
}
