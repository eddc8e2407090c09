package datavalue

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func regBody(regs ...string) string {
	return `{"completeDataSetRegistrations":[` + strings.Join(regs, ",") + `]}`
}

func TestRegistrationImport(t *testing.T) {
	t.Parallel()
	one := `{"dataSet":"` + dsA + `","period":"2024-01","organisationUnit":"` + ouA + `","date":"2024-02-01","storedBy":"clerk"}`
	two := `{"dataSet":"` + dsA + `","period":"202402","organisationUnit":"` + ouA + `","attributeOptionCombo":"` + aocX + `","completed":"false"}`
	tests := []struct {
		name      string
		setup     string
		strategy  Strategy
		dryRun    bool
		body      string
		want      counts
		status    Status
		conflicts []string
		len       int
	}{
		{name: "create", body: regBody(one, two), want: counts{2, 0, 0, 0}, status: StatusSuccess, len: 2},
		{name: "update", setup: regBody(one), body: regBody(one), want: counts{0, 1, 0, 0}, status: StatusSuccess, len: 1},
		{name: "delete", setup: regBody(one, two), strategy: Delete, body: regBody(one), want: counts{0, 0, 0, 1}, status: StatusSuccess, len: 1},
		{name: "create ignores existing", setup: regBody(one), strategy: Create, body: regBody(one), want: counts{0, 0, 1, 0}, status: StatusError, len: 1},
		{name: "update ignores new", strategy: Update, body: regBody(one), want: counts{0, 0, 1, 0}, status: StatusError, len: 0},
		{name: "dry run", dryRun: true, body: regBody(one), want: counts{1, 0, 0, 0}, status: StatusSuccess, len: 0},
		{name: "conflicts are legacy and keep SUCCESS", body: regBody(one,
			`{"dataSet":"nope0000000","period":"202401","organisationUnit":"`+ouA+`"}`,
			`{"dataSet":"`+dsA+`","period":"2024X","organisationUnit":"`+ouA+`"}`,
			`{"dataSet":"`+dsA+`","period":"202401","organisationUnit":"nope0000001"}`),
			want: counts{1, 0, 3, 0}, status: StatusSuccess, len: 1,
			conflicts: []string{"nope0000000: Data set not found or not accessible", "2024X: Period not valid", "nope0000001: Organisation unit not found or not accessible"}},
		{name: "empty payload is an error", body: regBody(), want: counts{}, status: StatusError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, cat := New(), newCatalog()
			if tc.setup != "" {
				in, err := DecodeRegistrationsJSON(strings.NewReader(tc.setup))
				if err != nil {
					t.Fatal(err)
				}
				s.Registrations.Import(in, cat, opts())
			}
			in, err := DecodeRegistrationsJSON(strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			o := opts()
			o.Strategy, o.DryRun = tc.strategy, tc.dryRun
			sum := s.Registrations.Import(in, cat, o)
			if countsOf(sum) != tc.want || sum.Status != tc.status {
				t.Errorf("%s %+v, want %s %+v", sum.Status, countsOf(sum), tc.status, tc.want)
			}
			var got []string
			for _, c := range sum.Conflicts {
				got = append(got, c.Object+": "+c.Value)
			}
			if !reflect.DeepEqual(got, tc.conflicts) {
				t.Errorf("conflicts %q, want %q", got, tc.conflicts)
			}
			if n := s.Registrations.Len(); n != tc.len {
				t.Errorf("Len = %d, want %d", n, tc.len)
			}
		})
	}
}

func TestRegistrationFieldsAndExport(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	in, err := DecodeRegistrationsJSON(strings.NewReader(regBody(
		`{"dataSet":"`+dsA+`","period":"2024-01","organisationUnit":"`+ouA+`","date":"2024-02-01T10:00:00.000","storedBy":"clerk","lastUpdatedBy":"boss","completed":false,"extra":{"x":1}}`,
		`{"dataSet":"`+dsA+`","period":"202312","organisationUnit":"`+ouB+`","attributeOptionCombo":"nope0000000"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if sum := s.Registrations.Import(in, cat, opts()); sum.Imported != 2 {
		t.Fatalf("%+v", sum)
	}
	r, ok := s.Registrations.Get(dsA, "202401", ouA, cocDef)
	want := Registration{DataSet: dsA, Period: "202401", OrgUnit: ouA, AttributeOptionCombo: cocDef,
		Date: time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC), StoredBy: "clerk", LastUpdatedBy: "boss",
		LastUpdated: time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC), Completed: false}
	if !ok || !reflect.DeepEqual(r, want) {
		t.Errorf("Get = %+v\nwant %+v", r, want)
	}
	// An unknown attribute option combo falls back to the default (DHIS2).
	r, ok = s.Registrations.Get(dsA, "202312", ouB, cocDef)
	if !ok || r.StoredBy != "admin" || !r.Date.Equal(clock) || !r.Completed {
		t.Errorf("defaults: %+v %v", r, ok)
	}
	var b bytes.Buffer
	if err := WriteRegistrationsJSON(&b, s.Registrations.List(RegistrationQuery{}), nil); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"completeDataSetRegistrations":[` +
		`{"period":"202312","dataSet":"dsA00000001","organisationUnit":"BdfsJfj87js","attributeOptionCombo":"HllvX50cXC0","date":"2024-06-15","storedBy":"admin","completed":true},` +
		`{"period":"202401","dataSet":"dsA00000001","organisationUnit":"DiszpKrYNg8","attributeOptionCombo":"HllvX50cXC0","date":"2024-02-01","storedBy":"clerk","completed":false}]}`
	if b.String() != wantJSON {
		t.Errorf("export\n%s\nwant\n%s", b.String(), wantJSON)
	}
	if !json.Valid(b.Bytes()) {
		t.Error("export is not JSON")
	}
	// Re-import of the export round-trips.
	again, err := DecodeRegistrationsJSON(&b)
	if err != nil || len(again) != 2 || again[0].OrgUnit != ouB || *again[1].Completed {
		t.Errorf("re-decode: %+v %v", again, err)
	}
	// Queries.
	q := func(q RegistrationQuery) int { return len(s.Registrations.List(q)) }
	if n := q(RegistrationQuery{OrgUnits: []string{ouA}}); n != 1 {
		t.Errorf("by org unit: %d", n)
	}
	if n := q(RegistrationQuery{StartDate: day("2024-01-01"), EndDate: day("2024-12-31")}); n != 1 {
		t.Errorf("within dates: %d", n)
	}
	if n := q(RegistrationQuery{Periods: []string{"2023-12"}, DataSets: []string{dsA}}); n != 1 {
		t.Errorf("by period: %d", n)
	}
	if n := q(RegistrationQuery{Created: day("2024-03-01")}); n != 1 {
		t.Errorf("created since: %d", n)
	}
	if n := q(RegistrationQuery{Limit: 1}); n != 1 {
		t.Errorf("limit: %d", n)
	}
	if !s.Registrations.Delete(dsA, "2024-01", ouA, cocDef) || s.Registrations.Delete(dsA, "202401", ouA, cocDef) {
		t.Error("Delete")
	}
	if _, err := DecodeRegistrationsJSON(strings.NewReader(`{"completeDataSetRegistrations":[{"dataSet":{}}]}`)); err == nil {
		t.Error("object as dataSet accepted")
	}
}

// TestCompleteDateInDataValueSet checks completion through the
// dataValueSet header (handleComplete).
func TestCompleteDateInDataValueSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header string
		want         string
		registered   bool
		conflict     string
	}{
		{"date", `"dataSet":"` + dsA + `","completeDate":"2024-03-01","period":"202402","orgUnit":"` + ouA + `"`, "2024-03-01", true, ""},
		{"true is today", `"dataSet":"` + dsA + `","completeDate":"true","period":"202402","orgUnit":"` + ouA + `"`, "2024-06-15", true, ""},
		{"future is today", `"dataSet":"` + dsA + `","completeDate":"2030-01-01","period":"202402","orgUnit":"` + ouA + `"`, "2024-06-15", true, ""},
		{"false", `"dataSet":"` + dsA + `","completeDate":"false","period":"202402","orgUnit":"` + ouA + `"`, "false", false, ""},
		{"no org unit", `"dataSet":"` + dsA + `","completeDate":"2024-03-01","period":"202402"`, "false", false, "OrganisationUnit"},
		{"no period", `"dataSet":"` + dsA + `","completeDate":"2024-03-01","orgUnit":"` + ouA + `"`, "false", false, "Period"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			sum := importJSON(t, s, newCatalog(), opts(), `{`+tc.header+`,"dataValues":[]}`)
			if sum.DataSetComplete != tc.want {
				t.Errorf("dataSetComplete = %q, want %q", sum.DataSetComplete, tc.want)
			}
			_, ok := s.Registrations.Get(dsA, "202402", ouA, cocDef)
			if ok != tc.registered {
				t.Errorf("registered = %v", ok)
			}
			if tc.conflict != "" && (len(sum.Conflicts) != 1 || sum.Conflicts[0].Object != tc.conflict || sum.Status != StatusWarning) {
				t.Errorf("conflicts %+v status %s", sum.Conflicts, sum.Status)
			}
		})
	}
}
