package datavalue

import (
	"strings"
	"testing"
)

func TestValueTypeRules(t *testing.T) {
	t.Parallel()
	type tc struct {
		value string
		key   string // "" = valid
	}
	rules := map[ValueType][]tc{
		TypeNumber: {{"12", ""}, {"-3.5", ""}, {"0", ""}, {"-0", ""}, {"0.25", ""}, {"01", "value_not_numeric"}, {"1.", "value_not_numeric"},
			{".5", "value_not_numeric"}, {"1e5", "value_not_numeric"}, {"1,000", "value_not_numeric"}, {"abc", "value_not_numeric"},
			{"+1", "value_not_numeric"}, {strings.Repeat("9", 250), "value_not_numeric"}},
		TypeInteger: {{"0", ""}, {"-7", ""}, {"2147483647", ""}, {"2147483648", "value_not_integer"}, {"-0", "value_not_integer"},
			{"07", "value_not_integer"}, {"1.0", "value_not_integer"}, {"x", "value_not_integer"}},
		TypeIntegerPositive: {{"1", ""}, {"0", "value_not_positive_integer"}, {"-1", "value_not_positive_integer"}, {"01", "value_not_positive_integer"},
			{"3000000000", "value_not_positive_integer"}},
		TypeIntegerNegative:       {{"-1", ""}, {"0", "value_not_negative_integer"}, {"1", "value_not_negative_integer"}, {"-01", "value_not_negative_integer"}},
		TypeIntegerZeroOrPositive: {{"0", ""}, {"15", ""}, {"-1", "value_not_zero_or_positive_integer"}, {"00", "value_not_zero_or_positive_integer"}},
		TypePercentage:            {{"0", ""}, {"100", ""}, {"55.5", ""}, {"100.1", "value_not_percentage"}, {"-1", "value_not_percentage"}, {"x", "value_not_percentage"}},
		TypeUnitInterval:          {{"0", ""}, {"1", ""}, {"0.5", ""}, {"1.01", "value_not_unit_interval"}, {"-0.1", "value_not_unit_interval"}},
		TypeBoolean:               {{"true", ""}, {"false", ""}, {"TRUE", ""}, {"1", ""}, {"0", ""}, {"f", ""}, {"yes", "value_not_bool"}, {"2", "value_not_bool"}},
		TypeTrueOnly:              {{"true", ""}, {"1", ""}, {"TrUe", ""}, {"false", "value_not_true_only"}, {"0", "value_not_true_only"}},
		TypeDate:                  {{"2024-02-29", ""}, {"2024-01-15T10:00", ""}, {"2023-02-29", "value_not_valid_date"}, {"2024-13-01", "value_not_valid_date"}, {"20240115", "value_not_valid_date"}, {"2024-01-15 ", "value_not_valid_date"}},
		TypeDateTime: {{"2024-01-15T10:00:00.000", ""}, {"2024-01-15T10:00:00", ""}, {"2024-01-15T10:00", ""}, {"2024-01-15T10", ""},
			{"2024-01-15T10:00:00.000+0100", ""}, {"2024-01-15T10:00:00Z", ""}, {"2024-01-15T10:00:00.123456789+01:00", ""}, {"2024-01-15 10:00:00+0000", ""},
			{"2024-01-15", "value_not_valid_datetime"}, {"2024-01-15 10:00:00", "value_not_valid_datetime"}, {"2024-01-15T25:00", "value_not_valid_datetime"}, {"nope", "value_not_valid_datetime"}},
		TypeTime:             {{"9:05", ""}, {"09:05", ""}, {"23:59", ""}, {"24:00", "value_not_valid_time"}, {"12:60", "value_not_valid_time"}, {"12:5", "value_not_valid_time"}, {"12:00:00", "value_not_valid_time"}},
		TypeAge:              {{"2020-05-01", ""}, {"2020-02-30", "value_not_valid_age"}},
		TypeText:             {{"anything at all", ""}, {strings.Repeat("a", maxValueLength), ""}, {strings.Repeat("a", maxValueLength+1), "value_length_greater_than_max_length"}},
		TypeLongText:         {{strings.Repeat("long ", 1000), ""}, {strings.Repeat("😀", maxValueLength/2+1), "value_length_greater_than_max_length"}},
		TypeLetter:           {{"a", ""}, {"É", ""}, {"ab", "value_not_valid_letter"}, {"1", "value_not_valid_letter"}, {"-", "value_not_valid_letter"}},
		TypePhoneNumber:      {{"+47 22 00 00 00", ""}, {"(555) 123-4567 ext 12", ""}, {"12345", "value_not_phone_number"}, {"call me", "value_not_phone_number"}},
		TypeEmail:            {{"a.b@example.org", ""}, {"x+y@sub.example.co", ""}, {"user@[127.0.0.1]", ""}, {"no-at.example.org", "value_not_valid_email"}, {"a@b", "value_not_valid_email"}, {"a..b@example.org", "value_not_valid_email"}, {"a b@example.org", "value_not_valid_email"}},
		TypeURL:              {{"https://dhis2.org/path?q=1", ""}, {"http://127.0.0.1:8080/", ""}, {"ftp://files.example.com/a", ""}, {"dhis2.org", "value_not_url"}, {"mailto:a@b.org", "value_not_url"}, {"http://exa mple.com", "value_not_url"}, {"http://localhost/", "value_not_url"}},
		TypeCoordinate:       {{"[10.5, -3.2]", ""}, {"[-180,90]", ""}, {"[181,0]", "value_not_coordinate"}, {"[0,91]", "value_not_coordinate"}, {"10,20", "value_not_coordinate"}, {"[1]", "value_not_coordinate"}},
		TypeFileResource:     {{"Abcdefghij1", ""}, {"1bcdefghij1", "value_not_valid_file_resource_uid"}, {"short", "value_not_valid_file_resource_uid"}},
		TypeImage:            {{"Abcdefghij1", ""}, {"Abcdefghij1x", "value_not_valid_file_resource_uid"}},
		TypeOrganisationUnit: {{"DiszpKrYNg8", ""}, {"Diszp-rYNg8", "value_not_valid_org_unit_uid"}},
		TypeUsername:         {{"admin", ""}, {"john.doe@x", ""}, {"abc", "value_not_valid_username"}, {".admin", "value_not_valid_username"}, {"ad..min", "value_not_valid_username"}, {"admin_", "value_not_valid_username"}, {"ad min", "value_not_valid_username"}},
		TypeTrackerAssociate: {{"whatever", ""}},
		TypeGeoJSON:          {{`{"type":"Point"}`, ""}},
	}
	for vt, cases := range rules {
		for _, c := range cases {
			de := &DataElement{ValueType: vt}
			if got := checkValue(normalizeBoolean(c.value, vt), de); got != c.key {
				t.Errorf("%s %q: key %q, want %q", vt, truncate(c.value), got, c.key)
			}
		}
	}
	// Blank values are always valid (they mean "no value").
	for vt := range rules {
		if got := checkValue("  ", &DataElement{ValueType: vt}); got != "" {
			t.Errorf("%s blank: %q", vt, got)
		}
	}
	if got := checkValue("A", &DataElement{ValueType: TypeMultiText}); got != "data_element_lacks_option_set" {
		t.Errorf("MULTI_TEXT without option set: %q", got)
	}
	if got := checkValue("A", &DataElement{}); got != "data_element_or_type_null_or_empty" {
		t.Errorf("no value type: %q", got)
	}
}

func truncate(s string) string {
	if len(s) > 30 {
		return s[:30] + "…"
	}
	return s
}

func TestNormalizeBooleanAndZero(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		vt       ValueType
	}{
		{"T", "true", TypeBoolean}, {"0", "false", TypeBoolean}, {"FALSE", "false", TypeBoolean},
		{"0", "0", TypeTrueOnly}, {"1", "true", TypeTrueOnly}, {"1", "1", TypeInteger}, {"yes", "yes", TypeBoolean},
	}
	for _, tc := range tests {
		if got := normalizeBoolean(tc.in, tc.vt); got != tc.want {
			t.Errorf("normalizeBoolean(%q, %s) = %q, want %q", tc.in, tc.vt, got, tc.want)
		}
	}
	zeros := map[string]bool{"0": true, "0.": true, "0.000": true, "00": false, "-0": false, "0.01": false, "": false, " 0": false}
	for v, want := range zeros {
		if got := isZero(v); got != want {
			t.Errorf("isZero(%q) = %v", v, got)
		}
	}
}

// TestImportStoresNormalizedBoolean checks that boolean spellings are
// stored as true/false, as createDataValue does.
func TestImportStoresNormalizedBoolean(t *testing.T) {
	t.Parallel()
	s, cat := New(), newCatalog()
	cat.DataElements["deBool00001"] = DataElement{ValueType: TypeBoolean, CategoryCombo: ccDef}
	sum := importJSON(t, s, cat, opts(), `{"dataValues":[{"dataElement":"deBool00001","period":"202401","orgUnit":"`+ouA+`","value":1}]}`)
	if sum.Imported != 1 {
		t.Fatalf("summary %+v", sum)
	}
	got, ok := s.Get("deBool00001", "202401", ouA, cocDef, cocDef)
	if !ok || got.Value != "true" {
		t.Errorf("stored %+v, want value true", got)
	}
}
