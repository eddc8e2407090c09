package datavalue

import (
	"fmt"
	"strings"
	"testing"
)

// dv builds one JSON data value.
func dv(de, pe, ou, value string, extra ...string) string {
	fields := []string{
		fmt.Sprintf(`"dataElement":%q`, de), fmt.Sprintf(`"period":%q`, pe), fmt.Sprintf(`"orgUnit":%q`, ou),
	}
	if value != "-" {
		fields = append(fields, fmt.Sprintf(`"value":%q`, value))
	}
	fields = append(fields, extra...)
	return "{" + strings.Join(fields, ",") + "}"
}

func set12(extra func(i int) string) string {
	var vals []string
	i := 0
	for _, de := range []string{deA, deB, deC} {
		for _, pe := range []string{"201201", "201202"} {
			for _, ou := range []string{ouA, ouB} {
				e := ""
				if extra != nil {
					e = extra(i)
				}
				v := dv(de, pe, ou, fmt.Sprint(10001+i))
				if e != "" {
					v = strings.TrimSuffix(v, "}") + "," + e + "}"
				}
				vals = append(vals, v)
				i++
			}
		}
	}
	return `{"dataValues":[` + strings.Join(vals, ",") + `]}`
}

func TestImportSemantics(t *testing.T) {
	t.Parallel()
	deletedEvery3 := func(i int) string {
		if i%3 == 0 {
			return `"deleted":true`
		}
		return ""
	}
	tests := []struct {
		name   string
		setup  []string
		opts   func(*Options)
		body   string
		want   counts
		live   int
		status Status
	}{
		{name: "create 12", body: set12(nil), want: counts{12, 0, 0, 0}, live: 12},
		{name: "identical re-import counts updated before 2.41", setup: []string{set12(nil)}, body: set12(nil), want: counts{0, 12, 0, 0}, live: 12},
		{name: "identical re-import ignored 2.41+", setup: []string{set12(nil)}, opts: func(o *Options) { o.IgnoreUnchanged = true }, body: set12(nil), want: counts{0, 0, 12, 0}, live: 12},
		{name: "delete strategy", setup: []string{set12(nil)}, opts: func(o *Options) { o.Strategy = Delete }, body: set12(nil), want: counts{0, 0, 0, 12}, live: 0},
		{name: "delete strategy on missing values ignores", opts: func(o *Options) { o.Strategy = Delete }, body: set12(nil), want: counts{0, 0, 12, 0}, live: 0},
		{name: "create strategy ignores existing", setup: []string{set12(nil)}, opts: func(o *Options) { o.Strategy = Create }, body: set12(nil), want: counts{0, 0, 12, 0}, live: 12},
		{name: "update strategy ignores new", opts: func(o *Options) { o.Strategy = Update }, body: set12(nil), want: counts{0, 0, 12, 0}, live: 0},
		{name: "update strategy updates", setup: []string{set12(nil)}, opts: func(o *Options) { o.Strategy = Update }, body: set12(nil), want: counts{0, 12, 0, 0}, live: 12},
		{name: "sync strategy ignores all", opts: func(o *Options) { o.Strategy = Sync }, body: set12(nil), want: counts{0, 0, 12, 0}, live: 0},
		{name: "deleted flag on new values counts imported", body: set12(deletedEvery3), want: counts{12, 0, 0, 0}, live: 8},
		{name: "deleted flag deletes existing", setup: []string{set12(nil)}, opts: func(o *Options) { o.IgnoreUnchanged = true }, body: set12(deletedEvery3), want: counts{0, 0, 8, 4}, live: 8},
		{name: "undelete counts imported", setup: []string{set12(deletedEvery3)}, opts: func(o *Options) { o.IgnoreUnchanged = true }, body: set12(nil), want: counts{4, 0, 8, 0}, live: 12},
		{name: "dry run counts without writing", opts: func(o *Options) { o.DryRun = true }, body: set12(nil), want: counts{12, 0, 0, 0}, live: 0},
		{name: "dry run delete", setup: []string{set12(nil)}, opts: func(o *Options) { o.DryRun = true; o.Strategy = Delete }, body: set12(nil), want: counts{0, 0, 0, 12}, live: 12},
		{name: "payload dryRun overrides", body: strings.Replace(set12(nil), `{"dataValues"`, `{"dryRun":true,"dataValues"`, 1), want: counts{12, 0, 0, 0}, live: 0},
		{name: "payload strategy overrides", setup: []string{set12(nil)}, body: strings.Replace(set12(nil), `{"dataValues"`, `{"strategy":"DELETE","dataValues"`, 1), want: counts{0, 0, 0, 12}, live: 0},
		{name: "empty value deletes existing", setup: []string{`{"dataValues":[` + dv(deA, "201201", ouA, "5") + `]}`}, body: `{"dataValues":[` + dv(deA, "201201", ouA, " ") + `]}`, want: counts{0, 0, 0, 1}, live: 0},
		{name: "empty value for new key ignored", body: `{"dataValues":[` + dv(deA, "201201", ouA, "") + `]}`, want: counts{0, 0, 1, 0}, live: 0},
		{name: "comment only value is stored", body: `{"dataValues":[` + dv(deA, "201201", ouA, "-", `"comment":"see note"`) + `]}`, want: counts{1, 0, 0, 0}, live: 1},
		{name: "zero insignificant new ignored", body: `{"dataValues":[` + dv(deA, "201201", ouA, "0") + `]}`, want: counts{0, 0, 1, 0}, live: 0},
		{name: "zero insignificant deletes existing", setup: []string{`{"dataValues":[` + dv(deA, "201201", ouA, "10") + `]}`}, body: `{"dataValues":[` + dv(deA, "201201", ouA, "0.0") + `]}`, want: counts{0, 0, 0, 1}, live: 0},
		{name: "zero significant stored", body: `{"dataValues":[` + dv(deZeroSig, "201201", ouA, "0") + `]}`, want: counts{1, 0, 0, 0}, live: 1},
		{name: "zero for AVERAGE stored", body: `{"dataValues":[` + dv(deAvg, "201201", ouA, "0") + `]}`, want: counts{1, 0, 0, 0}, live: 1},
		{name: "zero text stored", body: `{"dataValues":[` + dv(deText, "201201", ouA, "0") + `]}`, want: counts{1, 0, 0, 0}, live: 1},
		{name: "delete strategy without value", setup: []string{`{"dataValues":[` + dv(deA, "201201", ouA, "10") + `]}`}, opts: func(o *Options) { o.Strategy = Delete }, body: `{"dataValues":[` + dv(deA, "201201", ouA, "-") + `]}`, want: counts{0, 0, 0, 1}, live: 0},
		{name: "header period, orgUnit apply", body: `{"period":"201201","orgUnit":"` + ouA + `","dataValues":[{"dataElement":"` + deA + `","value":"1"},{"dataElement":"` + deB + `","value":"2","period":"201202"}]}`, want: counts{2, 0, 0, 0}, live: 2},
		{name: "conflicts give warning", body: `{"dataValues":[` + dv("nope0000001", "201201", ouA, "1") + `,` + dv(deA, "201201", ouA, "1") + `]}`, want: counts{1, 0, 1, 0}, live: 1, status: StatusWarning},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, cat := New(), newCatalog()
			for _, body := range tc.setup {
				importJSON(t, s, cat, opts(), body)
			}
			o := opts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			sum := importJSON(t, s, cat, o, tc.body)
			if got := countsOf(sum); got != tc.want {
				t.Errorf("counts = %+v, want %+v (conflicts %+v)", got, tc.want, sum.Conflicts)
			}
			want := tc.status
			if want == "" {
				want = StatusSuccess
			}
			if sum.Status != want {
				t.Errorf("status = %s, want %s (conflicts %+v)", sum.Status, want, sum.Conflicts)
			}
			if _, live := s.Len(); live != tc.live {
				t.Errorf("live values = %d, want %d", live, tc.live)
			}
		})
	}
}

// TestImportErrors checks the errors Import returns (as opposed to
// conflicts): a bad payload strategy and a failing value source.
func TestImportErrors(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	if _, err := s.ImportJSON(strings.NewReader(`{"strategy":"MERGE","dataValues":[]}`), cat, opts()); err == nil || !strings.Contains(err.Error(), "importStrategy") {
		t.Errorf("bad strategy: %v", err)
	}
	if _, err := s.ImportJSON(strings.NewReader(`{"dataValues":[`+dv(deA, "202401", ouA, "1")+`,{"value":}]}`), cat, opts()); err == nil {
		t.Error("broken JSON accepted")
	}
	// Values before a broken stream stay applied, as in DHIS2.
	if _, live := s.Len(); live != 1 {
		t.Errorf("live = %d, want 1", live)
	}
	sum, err := s.Import(Header{}, FromSlice(Input{DataElement: deB, Period: "202401", OrgUnit: ouA, Value: "4", HasValue: true}), cat, opts())
	if err != nil || sum.Imported != 1 {
		t.Errorf("FromSlice import: %v %+v", err, sum)
	}
	for _, name := range []string{"NEW_AND_UPDATES", "new", "UPDATES", "deletes", "SYNC", "CREATE_AND_UPDATE"} {
		st, err := ParseStrategy(name)
		if err != nil || (name == "deletes" && st != Delete) || (name == "new" && st.String() != "CREATE") {
			t.Errorf("ParseStrategy(%q) = %v, %v", name, st, err)
		}
	}
}
