package datavalue

import (
	"reflect"
	"strings"
	"testing"
)

func TestConflictCodes(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxValueLength+1)
	tests := []struct {
		name    string
		opts    func(*Options)
		header  string // extra root properties, with a trailing comma
		value   string
		want    Conflict
		aborted bool
	}{
		{name: "E7600 data set", header: `"dataSet":"nope0000000",`, value: dv(deA, "202401", ouA, "1"), aborted: true,
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"dataSet": "nope0000000"}, Value: "Data set not found or not accessible: `nope0000000`", ErrorCode: "E7600", Property: "dataSet"}},
		{name: "E7603 header org unit", header: `"dataSet":"` + dsA + `","orgUnit":"nope0000000",`, value: dv(deA, "202401", ouA, "1"), aborted: true,
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"organisationUnit": "nope0000000", "dataSet": dsA}, Value: "Org unit not found or not accessible: `nope0000000`", ErrorCode: "E7603", Property: "orgUnit"}},
		{name: "E7604 header attribute option combo", header: `"attributeOptionCombo":"nope0000000",`, value: dv(deA, "202401", ouA, "1"), aborted: true,
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"categoryOptionCombo": "nope0000000", "dataSet": ""}, Value: "Attribute option combo not found or not accessible: `nope0000000`", ErrorCode: "E7604", Property: "attributeOptionCombo"}},
		{name: "E7610 data element", value: dv("nope0000000", "202401", ouA, "1"),
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"dataElement": "nope0000000"}, Value: "Data element not found or not accessible: `nope0000000`", ErrorCode: "E7610", Property: "dataElement", Indexes: []int{0}}},
		{name: "E7611 period", value: dv(deA, "2024W54", ouA, "1"),
			want: Conflict{Object: "2024W54", Objects: map[string]string{"period": "2024W54"}, Value: "Period not valid: `2024W54`", ErrorCode: "E7611", Property: "period", Indexes: []int{0}}},
		{name: "E7612 org unit", value: dv(deA, "202401", "nope0000000", "1"),
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"organisationUnit": "nope0000000"}, Value: "Organisation unit not found or not accessible: `nope0000000`", ErrorCode: "E7612", Property: "orgUnit", Indexes: []int{0}}},
		{name: "E7613 category option combo", value: dv(deA, "202401", ouA, "1", `"categoryOptionCombo":"nope0000000"`),
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"categoryOptionCombo": "nope0000000"}, Value: "Category option combo not found or not accessible for writing data: `nope0000000`", ErrorCode: "E7613", Property: "categoryOptionCombo", Indexes: []int{0}}},
		{name: "E7615 attribute option combo", value: dv(deA, "202401", ouA, "1", `"attributeOptionCombo":"nope0000000"`),
			want: Conflict{Object: "nope0000000", Objects: map[string]string{"categoryOptionCombo": "nope0000000"}, Value: "Attribute option combo not found or not accessible for writing data: `nope0000000`", ErrorCode: "E7615", Property: "attributeOptionCombo", Indexes: []int{0}}},
		{name: "E7618 value and comment missing", value: dv(deA, "202401", ouA, "-", `"value":null`),
			want: Conflict{Object: deA, Objects: map[string]string{"dataElement": deA}, Value: "Data value or comment not specified for data element: `" + deA + "`", ErrorCode: "E7618", Property: "value", Indexes: []int{0}}},
		{name: "E7619 value type", value: dv(deA, "202401", ouA, "abc"),
			want: Conflict{Object: deA, Objects: map[string]string{"dataElement": deA, "value": "value_not_numeric"}, Value: "Value must match value type of data element `" + deA + "`: `Data value is not numeric`", ErrorCode: "E7619", Property: "value", Indexes: []int{0}}},
		{name: "E7620 comment", value: dv(deA, "202401", ouA, "1", `"comment":"`+long+`"`),
			want: Conflict{Object: "comment_length_greater_than_max_length", Objects: map[string]string{"comment": "comment_length_greater_than_max_length"}, Value: "Invalid comment: Comment is greater than max length", ErrorCode: "E7620", Property: "comment", Indexes: []int{0}}},
		{name: "E7621 option set", value: dv(deOpt, "202401", ouA, "MAYBE"),
			want: Conflict{Object: deOpt, Objects: map[string]string{"dataElement": deOpt}, Value: "Data value is not a valid option of the data element option set: `" + deOpt + "`", ErrorCode: "E7621", Property: "value", Indexes: []int{0}}},
		{name: "E7630 category option combo required", opts: func(o *Options) { o.RequireCategoryOptionCombo = true }, value: dv(deA, "202401", ouA, "1"),
			want: Conflict{Value: "Category option combo is required but is not specified", ErrorCode: "E7630", Property: "categoryOptionCombo", Indexes: []int{0}}},
		{name: "E7631 attribute option combo required", opts: func(o *Options) { o.RequireAttributeOptionCombo = true }, value: dv(deA, "202401", ouA, "1"),
			want: Conflict{Value: "Attribute option combo is required but is not specified", ErrorCode: "E7631", Property: "attributeOptionCombo", Indexes: []int{0}}},
		{name: "E7632 strict periods", opts: func(o *Options) { o.StrictPeriods = true }, value: dv(deA, "2024Q1", ouA, "1"),
			want: Conflict{Object: "2024Q1", Objects: map[string]string{"period": "2024Q1", "dataElement": deA}, Value: "Period type of period: `2024Q1` not valid for data element: `" + deA + "`", ErrorCode: "E7632", Indexes: []int{0}}},
		{name: "E7633 strict data elements", opts: func(o *Options) { o.StrictDataElements = true }, header: `"dataSet":"` + dsOther + `",`, value: dv(deA, "202401", ouA, "1"),
			want: Conflict{Object: deA, Objects: map[string]string{"dataElement": deA, "dataSet": dsOther}, Value: "Data element: `" + deA + "` is not part of dataset(s): `" + dsOther + "`", ErrorCode: "E7633", Property: "dataElement", Indexes: []int{0}}},
		{name: "E7634 strict category option combos", opts: func(o *Options) { o.StrictCategoryOptionCombos = true }, value: dv(deA, "202401", ouA, "1", `"categoryOptionCombo":"`+cocMale+`"`),
			want: Conflict{Object: cocMale, Objects: map[string]string{"categoryOptionCombo": cocMale, "dataElement": deA}, Value: "Category option combo: `" + cocMale + "` must be part of category combo of data element: `" + deA + "`", ErrorCode: "E7634", Property: "categoryOptionCombo", Indexes: []int{0}}},
		{name: "E7635 strict attribute option combos", opts: func(o *Options) { o.StrictAttributeOptionCombos = true }, value: dv(deA, "202401", ouA, "1", `"attributeOptionCombo":"`+aocX+`"`),
			want: Conflict{Object: aocX, Objects: map[string]string{"categoryOptionCombo": aocX, "dataElement": deA}, Value: "Attribute option combo: `" + aocX + "` must be part of category combo of data sets of data element: `" + deA + "`", ErrorCode: "E7635", Property: "attributeOptionCombo", Indexes: []int{0}}},
		{name: "E7636 strict org units", opts: func(o *Options) { o.StrictOrganisationUnits = true }, value: dv(deA, "202401", ouB, "1"),
			want: Conflict{Object: ouB, Objects: map[string]string{"organisationUnit": ouB, "dataElement": deA}, Value: "Data element: `" + deA + "` must be assigned through data sets to organisation unit: `" + ouB + "`", ErrorCode: "E7636", Property: "orgUnit", Indexes: []int{0}}},
		{name: "E7637 storedBy", value: dv(deA, "202401", ouA, "1", `"storedBy":"`+strings.Repeat("u", 256)+`"`),
			want: Conflict{Object: "stored_by_length_greater_than_max_length", Objects: map[string]string{"storedBy": "stored_by_length_greater_than_max_length"}, Value: "Invalid storedBy: Stored by is greater than max length", ErrorCode: "E7637", Property: "storedBy", Indexes: []int{0}}},
		{name: "E7641 future period", value: dv(deA, "202410", ouA, "1"),
			want: Conflict{Object: "202410", Objects: map[string]string{"period": "202410", "dataElement": deA, "dataSet": dsA}, Value: "Period: `202410` is after latest open future period: `202408` for data element: `" + deA + "` and data set: `" + dsA + "`", ErrorCode: "E7641", Property: "period", Indexes: []int{0}}},
		{name: "E7645 delete file value that does not exist", opts: func(o *Options) { o.Strategy = Delete }, value: dv(deFile, "202401", ouA, "-"),
			want: Conflict{Object: deFile, Objects: map[string]string{"dataElement": deFile}, Value: "No data value for file resource exist for the given combination for data element: `" + deFile + "`", ErrorCode: "E7645", Property: "dataElement", Indexes: []int{0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, cat := New(), newCatalog()
			o := opts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			sum := importJSON(t, s, cat, o, `{`+tc.header+`"dataValues":[`+tc.value+`]}`)
			if len(sum.Conflicts) != 1 {
				t.Fatalf("conflicts = %+v, want exactly one", sum.Conflicts)
			}
			if got := sum.Conflicts[0]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("conflict =\n  %+v\nwant\n  %+v", got, tc.want)
			}
			wantStatus, wantIgnored := StatusWarning, 1
			if tc.aborted {
				wantStatus, wantIgnored = StatusError, 0
			}
			if sum.Status != wantStatus || sum.Ignored != wantIgnored || sum.Imported != 0 {
				t.Errorf("status %s counts %+v, want %s with %d ignored", sum.Status, countsOf(sum), wantStatus, wantIgnored)
			}
			if !tc.aborted && !reflect.DeepEqual(sum.RejectedIndexes, []int{0}) {
				t.Errorf("rejected indexes = %v, want [0]", sum.RejectedIndexes)
			}
			if total, _ := s.Len(); total != 0 {
				t.Errorf("a rejected value was stored")
			}
		})
	}
}

// TestConflictGrouping checks that repeated errors of the same kind and
// objects become one conflict listing every index, as ImportSummary does.
func TestConflictGrouping(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	body := `{"dataValues":[` + strings.Join([]string{
		dv("nope0000001", "202401", ouA, "1"),
		dv(deA, "202401", ouA, "x"),
		dv("nope0000001", "202402", ouA, "1"),
		dv("nope0000002", "202401", ouA, "1"),
		dv(deA, "202402", ouA, "y"),
		dv(deA, "202403", ouA, "3"),
	}, ",") + `]}`
	sum := importJSON(t, s, cat, opts(), body)
	type brief struct {
		code    string
		indexes []int
	}
	var got []brief
	for _, c := range sum.Conflicts {
		got = append(got, brief{c.ErrorCode, c.Indexes})
	}
	want := []brief{{"E7610", []int{0, 2}}, {"E7619", []int{1, 4}}, {"E7610", []int{3}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("grouped conflicts = %+v, want %+v", got, want)
	}
	if !reflect.DeepEqual(sum.RejectedIndexes, []int{0, 1, 2, 3, 4}) || countsOf(sum) != (counts{1, 0, 5, 0}) {
		t.Errorf("rejected %v counts %+v", sum.RejectedIndexes, countsOf(sum))
	}
}

// TestValidationOrder checks that the first failing check in DHIS2's order
// wins when a value has several problems.
func TestValidationOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		code  string
	}{
		{dv("nope0000001", "bad", "nope0000002", "x"), "E7610"},
		{dv(deA, "bad", "nope0000002", "x"), "E7611"},
		{dv(deA, "202401", "nope0000002", "x"), "E7612"},
		{dv(deA, "202401", ouA, "x", `"categoryOptionCombo":"nope0000003"`), "E7613"},
		{dv(deA, "202401", ouA, "x"), "E7619"},
	}
	for _, tc := range tests {
		s := New()
		sum := importJSON(t, s, newCatalog(), opts(), `{"dataValues":[`+tc.value+`]}`)
		if len(sum.Conflicts) != 1 || sum.Conflicts[0].ErrorCode != tc.code {
			t.Errorf("%s: conflicts %+v, want one %s", tc.value, sum.Conflicts, tc.code)
		}
	}
}

func TestMessageFormat(t *testing.T) {
	t.Parallel()
	if got := format("a `{0}` b {1} {2}", []string{"x", "y"}); got != "a `x` b y {2}" {
		t.Errorf("format = %q", got)
	}
}
