package datavalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// refValue is a data value decoded by encoding/json, the reference the
// streaming decoder is checked against.
type refValue struct {
	DataElement          string `json:"dataElement"`
	Period               string `json:"period"`
	OrgUnit              string `json:"orgUnit"`
	CategoryOptionCombo  string `json:"categoryOptionCombo"`
	AttributeOptionCombo string `json:"attributeOptionCombo"`
	Value                *string
	Comment              *string
	StoredBy             string `json:"storedBy"`
	Created              string `json:"created"`
	LastUpdated          string `json:"lastUpdated"`
	FollowUp             bool   `json:"followup"`
	FollowUpCamel        bool   `json:"followUp"`
	Deleted              bool   `json:"deleted"`
}

func (r *refValue) UnmarshalJSON(b []byte) error {
	type plain refValue
	var aux struct {
		plain
		Value   *string `json:"value"`
		Comment *string `json:"comment"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = refValue(aux.plain)
	r.Value, r.Comment = aux.Value, aux.Comment
	return nil
}

func (r refValue) input() Input {
	in := Input{DataElement: r.DataElement, Period: r.Period, OrgUnit: r.OrgUnit, CategoryOptionCombo: r.CategoryOptionCombo,
		AttributeOptionCombo: r.AttributeOptionCombo, StoredBy: r.StoredBy, Created: r.Created, LastUpdated: r.LastUpdated,
		FollowUp: r.FollowUp || r.FollowUpCamel, Deleted: r.Deleted}
	if r.Value != nil {
		in.Value, in.HasValue = *r.Value, true
	}
	if r.Comment != nil {
		in.Comment, in.HasComment = *r.Comment, true
	}
	return in
}

// fixtureSets lists the dataValueSet fixtures and how many values each has
// (counted independently with python's json module when the test was
// written). "request" marks BLSQ request/response pairs; "single" marks a
// lone data value object.
var fixtureSets = []struct {
	path  string
	count int
	wrap  string
}{
	{"dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/aggregate/dataValues_bulk.json", 231, ""},
	{"dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/aggregate/dataValues_single_dataset.json", 2, ""},
	{coreDir + "/dataValueSetJ.json", 1, ""},
	{coreDir + "/dataValueSetJDeleteNewValue.json", 1, ""},
	{coreDir + "/dataValueSetJDeleteNoValue.json", 1, ""},
	{coreDir + "/dataValueSetJDeleteZeroValue.json", 1, ""},
	{coreDir + "/dataValueSetCreateDate.json", 1, ""},
	{coreDir + "/dataValueSetCreateDateUpdated.json", 1, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_value.json", 1, "single"},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_BfMAe6Itzgt.json", 1, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_TaMAefItzgt.json", 2, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_empty.json", 0, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_lyLU2wR22tC.json", 6, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_monthly.json", 4, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_only_common_fields.json", 0, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_single_period.json", 2, ""},
	{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/datavalue/data_values_weekly.json", 1, ""},
	{"BLSQ__dhis2/spec/fixtures/2.24/create/data_value_sets.json", 1, "request"},
	{"BLSQ__dhis2/spec/fixtures/2.25/create/data_value_sets.json", 1, "request"},
	{"BLSQ__dhis2/spec/fixtures/2.26/create/data_value_sets.json", 1, "request"},
	{"BLSQ__dhis2/spec/fixtures/2.27/create/data_value_sets.json", 1, "request"},
	{"BLSQ__dhis2/spec/fixtures/2.28/create/data_value_sets.json", 1, "request"},
	{"BLSQ__dhis2/spec/fixtures/2.24/list/data_value_sets.json", 1, ""},
	{"BLSQ__dhis2/spec/fixtures/2.25/list/data_value_sets.json", 1, ""},
	{"BLSQ__dhis2/spec/fixtures/2.26/list/data_value_sets.json", 1, ""},
	{"BLSQ__dhis2/spec/fixtures/2.27/list/data_value_sets.json", 1, ""},
	{"BLSQ__dhis2/spec/fixtures/2.28/list/data_value_sets.json", 1, ""},
}

func readFixtureSet(t *testing.T, fx, path, wrap string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fx, path))
	if err != nil {
		t.Fatal(err)
	}
	switch wrap {
	case "request":
		var pair struct{ Request json.RawMessage }
		if err := json.Unmarshal(b, &pair); err != nil {
			t.Fatal(err)
		}
		return pair.Request
	case "single":
		return []byte(`{"dataValues":[` + string(b) + `]}`)
	}
	return b
}

// TestDecodeFixtures decodes every dataValueSet fixture and checks the
// number of values and each value against encoding/json.
func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	fx := fixturesDir(t)
	for _, f := range fixtureSets {
		t.Run(filepath.Base(filepath.Dir(f.path))+"/"+filepath.Base(f.path), func(t *testing.T) {
			t.Parallel()
			body := readFixtureSet(t, fx, f.path, f.wrap)
			var ref struct {
				DataValues []refValue `json:"dataValues"`
			}
			if err := json.Unmarshal(body, &ref); err != nil {
				t.Fatal(err)
			}
			for _, r := range []io.Reader{strings.NewReader(string(body)), iotest.OneByteReader(strings.NewReader(string(body)))} {
				var got []Input
				d := NewDecoder(r)
				if _, err := d.Header(); err != nil {
					t.Fatal(err)
				}
				for {
					in, err := d.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, in)
				}
				if len(got) != f.count {
					t.Fatalf("decoded %d values, want %d", len(got), f.count)
				}
				for i, rv := range ref.DataValues {
					if want := rv.input(); !reflect.DeepEqual(got[i], want) {
						t.Errorf("value %d:\n got %+v\nwant %+v", i, got[i], want)
					}
				}
			}
		})
	}
}

// jitterReader returns reads of varying sizes, so that tokens end at every
// possible place of the decoder's buffer.
type jitterReader struct {
	data []byte
	i    int
}

func (j *jitterReader) Read(p []byte) (int, error) {
	if len(j.data) == 0 {
		return 0, io.EOF
	}
	j.i++
	n := min(len(p), len(j.data), 1+(j.i*7919)%(70<<10))
	copy(p, j.data[:n])
	j.data = j.data[n:]
	return n, nil
}

// TestDecodeAcrossBufferBoundaries decodes a large body through reads of
// every size and checks every value against encoding/json.
func TestDecodeAcrossBufferBoundaries(t *testing.T) {
	t.Parallel()
	body := benchBody(20000)
	var ref struct {
		DataValues []refValue `json:"dataValues"`
	}
	if err := json.Unmarshal(body, &ref); err != nil {
		t.Fatal(err)
	}
	for _, r := range []io.Reader{&jitterReader{data: body}, iotest.HalfReader(bytes.NewReader(body)), bytes.NewReader(body)} {
		i := 0
		_, err := DecodeJSON(r, func(idx int, in Input) error {
			if want := ref.DataValues[idx].input(); !reflect.DeepEqual(in, want) {
				return fmt.Errorf("value %d: got %+v, want %+v", idx, in, want)
			}
			i++
			return nil
		})
		if err != nil || i != len(ref.DataValues) {
			t.Fatalf("%T: decoded %d of %d: %v", r, i, len(ref.DataValues), err)
		}
	}
}

func TestDecodeHeaderAndScalars(t *testing.T) {
	t.Parallel()
	body := `{"dataSet":"ds1","completeDate":"2024-01-31","period":"202401","orgUnit":"ou1","attributeOptionCombo":"aoc1",
		"dryRun":"true","strategy":"UPDATE","orgUnitIdScheme":"CODE","attributeCategoryOptions":["a","b"],"unknown":{"x":[1,{"y":null}]},
		"dataValues":[
		 {"dataElement":"de1","value":12.50,"followUp":true,"comment":"a\"b\u00e9\ud83d\ude00\n","extra":[[],{}],"deleted":1},
		 {"dataElement":"de2","value":true,"followup":"false","storedBy":7,"deleted":0},
		 {"dataElement":"de3","value":null,"comment":null,"period":"202402"},
		 {"dataElement":"de4","value":"","comment":"","followup":null}
		]}`
	var got []Input
	h, err := DecodeJSON(strings.NewReader(body), func(i int, in Input) error {
		if i != len(got) {
			t.Errorf("index %d, want %d", i, len(got))
		}
		got = append(got, in)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := Header{DataSet: "ds1", CompleteDate: "2024-01-31", Period: "202401", OrgUnit: "ou1", AttributeOptionCombo: "aoc1",
		DryRun: ptr(true), Strategy: "UPDATE", IDSchemes: map[string]string{"orgUnitIdScheme": "CODE"}}
	if !reflect.DeepEqual(h, wantHeader) {
		t.Errorf("header = %+v, want %+v", h, wantHeader)
	}
	base := Input{Period: "202401", OrgUnit: "ou1", AttributeOptionCombo: "aoc1"}
	want := []Input{
		with(base, func(in *Input) {
			in.DataElement, in.Value, in.HasValue, in.FollowUp, in.Deleted = "de1", "12.50", true, true, true
			in.Comment, in.HasComment = "a\"bé😀\n", true
		}),
		with(base, func(in *Input) { in.DataElement, in.Value, in.HasValue, in.StoredBy = "de2", "true", true, "7" }),
		with(base, func(in *Input) { in.DataElement = "de3" }), // header period wins
		with(base, func(in *Input) { in.DataElement, in.HasValue, in.HasComment = "de4", true, true }),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values:\n got %+v\nwant %+v", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func with(in Input, f func(*Input)) Input { f(&in); return in }

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"empty", ``, "unexpected end of input"},
		{"root array", `[{"dataValues":[]}]`, "must be a JSON object"},
		{"trailing comma", `{"dataValues":[{"dataElement":"a"},]}`, `expected '{'`},
		{"missing colon", `{"dataValues" []}`, `expected ':'`},
		{"unterminated string", `{"dataValues":[{"dataElement":"abc`, "unexpected end of input inside a string"},
		{"garbage after", `{"dataValues":[]} x`, "after the end"},
		{"leading zero", `{"dataValues":[{"value":012}]}`, "invalid number"},
		{"control char", "{\"dataValues\":[{\"value\":\"a\x01\"}]}", "control character"},
		{"bad escape", `{"dataValues":[{"value":"\q"}]}`, "invalid escape"},
		{"object as value", `{"dataValues":[{"value":{"a":1}}]}`, "value must be a string, number or boolean"},
		{"dataValues not array", `{"dataValues":{}}`, "dataValues must be an array"},
		{"bad boolean", `{"dataValues":[{"followup":"maybe"}]}`, "followup must be a boolean"},
		{"bad literal", `{"dataValues":[{"value":nul}]}`, "invalid literal"},
		{"late header", `{"dataValues":[{"dataElement":"a"}],"period":"202401"}`, `property "period" after a non-empty "dataValues"`},
		{"unclosed", `{"dataValues":[{"dataElement":"a"}]`, "unexpected end of input"},
		{"invalid utf8", "{\"dataValues\":[{\"value\":\"\xff\"}]}", "invalid UTF-8"},
		{"deep nesting", `{"x":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `,"dataValues":[]}`, "nesting deeper"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeJSON(strings.NewReader(tc.body), func(int, Input) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	// Header properties after an empty values array are fine.
	h, err := DecodeJSON(strings.NewReader(`{"dataValues":[],"dataSet":"ds1"}`), func(int, Input) error { return nil })
	if err != nil || h.DataSet != "" {
		t.Errorf("late header after empty array: %v %+v", err, h)
	}
	// A read error is reported as such, not as a syntax error.
	boom := errors.New("boom")
	_, err = DecodeJSON(iotest.ErrReader(boom), func(int, Input) error { return nil })
	if !errors.Is(err, boom) {
		t.Errorf("read error = %v, want boom", err)
	}
	// An error from the callback stops decoding.
	_, err = DecodeJSON(strings.NewReader(`{"dataValues":[{},{}]}`), func(i int, _ Input) error {
		if i == 1 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("callback error = %v, want boom", err)
	}
}

// FuzzDecode checks that the decoder never panics and never accepts a
// body that is not valid JSON.
func FuzzDecode(f *testing.F) {
	f.Add(`{"dataValues":[{"dataElement":"a","value":1.5e3,"followup":true}]}`)
	f.Add(`{"period":"202401","dataValues":[],"x":{"y":[null,true,"\u00e9"]}}`)
	f.Add(`{"dataValues":[{"comment":"\ud83d\ude00\\\/"}],"dataSet":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		n := 0
		_, err := DecodeJSON(strings.NewReader(body), func(int, Input) error { n++; return nil })
		if err == nil && !json.Valid([]byte(body)) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
	})
}
