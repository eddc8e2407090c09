package syncer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stdValue is the encoding/json reference decoding of a data value.
type stdValue struct {
	DataElement          string `json:"dataElement"`
	Period               string `json:"period"`
	OrgUnit              string `json:"orgUnit"`
	CategoryOptionCombo  string `json:"categoryOptionCombo"`
	AttributeOptionCombo string `json:"attributeOptionCombo"`
	Value                any    `json:"value"`
	Comment              string `json:"comment"`
	StoredBy             string `json:"storedBy"`
	Created              string `json:"created"`
	LastUpdated          string `json:"lastUpdated"`
	FollowUp             bool   `json:"followup"`
	Deleted              bool   `json:"deleted"`
}

func (s stdValue) dataValue() dataValue {
	val := ""
	switch x := s.Value.(type) {
	case string:
		val = x
	case json.Number:
		val = x.String()
	}
	return dataValue{DE: s.DataElement, PE: s.Period, OU: s.OrgUnit, COC: s.CategoryOptionCombo, AOC: s.AttributeOptionCombo,
		Value: val, Comment: s.Comment, StoredBy: s.StoredBy, Created: s.Created, LastUpdated: s.LastUpdated, FollowUp: s.FollowUp, Deleted: s.Deleted}
}

func readAll(t *testing.T, doc string) ([]dataValue, error) {
	t.Helper()
	var out []dataValue
	err := readDataValueSet(strings.NewReader(doc), func(v *dataValue) error {
		out = append(out, *v)
		return nil
	})
	return out, err
}

func TestReadDataValueSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  string
		want []dataValue
	}{
		{"empty", `{}`, nil},
		{"empty list with header", `{"dataSet":"a","dataValues":[],"completeDate":null}`, nil},
		{"null list", `{"dataValues":null}`, nil},
		{"one value, all members", `{"dataValues":[{"dataElement":"d","period":"202401","orgUnit":"o","categoryOptionCombo":"c","attributeOptionCombo":"a","value":"12","comment":"x","storedBy":"u","created":"2024-01-01T00:00:00.000","lastUpdated":"2024-01-02T00:00:00.000+0000","followup":true,"deleted":true}]}`,
			[]dataValue{{DE: "d", PE: "202401", OU: "o", COC: "c", AOC: "a", Value: "12", Comment: "x", StoredBy: "u", Created: "2024-01-01T00:00:00.000", LastUpdated: "2024-01-02T00:00:00.000+0000", FollowUp: true, Deleted: true}}},
		{"escapes and unknown members", " {\n\"x\":{\"y\":[1,2,{\"z\":null}]},\"dataValues\" : [ {\"value\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\\n\",\"extra\":[true,false],\"followUp\":\"true\"} ] } \n",
			[]dataValue{{Value: "a\"b\\cé😀\n", FollowUp: true}}},
		{"number value", `{"dataValues":[{"value":-1.5e3}]}`, []dataValue{{Value: "-1.5e3"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := readAll(t, tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d values, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("value %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadDataValueSetErrors(t *testing.T) {
	t.Parallel()
	full := `{"dataValues":[{"dataElement":"d","value":"1"},{"dataElement":"e","value":"2"}]}`
	for i := 1; i < len(full); i++ {
		_, err := readAll(t, full[:i])
		if err == nil {
			t.Fatalf("cut at %d (%q): no error", i, full[:i])
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errBadJSON) {
			t.Fatalf("cut at %d: %v", i, err)
		}
	}
	for _, doc := range []string{`[]`, `{"dataValues":{}}`, `{"dataValues":[1]}`, `{"dataValues":[{"a" 1}]}`, `{"dataValues":[]}x`,
		`{"dataValues":[{"value":"\x01"}]}`, `{"dataValues":[{"value":"\q"}]}`, `{"dataValues":[{"value":tru}]}`} {
		if _, err := readAll(t, doc); !errors.Is(err, errBadJSON) {
			t.Errorf("%q: err = %v, want a syntax error", doc, err)
		}
	}
	stop := errors.New("stop")
	err := readDataValueSet(strings.NewReader(full), func(*dataValue) error { return stop })
	if err != stop {
		t.Errorf("callback error = %v, want it unchanged", err)
	}
}

// TestDataValueRoundTrip encodes awkward values and reads them back, and
// checks the encoding against encoding/json.
func TestDataValueRoundTrip(t *testing.T) {
	t.Parallel()
	odd := []string{"", "plain", "quote\"back\\slash", "ctl\x00\x01\x1f\t\r\n", "é – 😀", "bad\xffutf8", "\u2028\u2029", "<html>&"}
	var in []dataValue
	for i, s := range odd {
		in = append(in, dataValue{DE: "de", PE: "2024", OU: "ou", COC: "c", AOC: "a", Value: s, Comment: odd[(i+1)%len(odd)], StoredBy: s,
			FollowUp: i%2 == 0, Deleted: i%3 == 0, Created: "2024-01-01T00:00:00.000"})
	}
	p := newDVPayload(true)
	for i := range in {
		p.add(&in[i])
	}
	zr, err := gzip.NewReader(bytes.NewReader(p.bytes()))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	var std struct {
		DataValues []stdValue `json:"dataValues"`
	}
	if err := json.Unmarshal(raw, &std); err != nil {
		t.Fatalf("encoding/json rejects the payload: %v", err)
	}
	got, err := readAll(t, string(raw))
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		want := in[i]
		want.Value = strings.ToValidUTF8(want.Value, "\uFFFD")
		want.Comment = strings.ToValidUTF8(want.Comment, "\uFFFD")
		want.StoredBy = strings.ToValidUTF8(want.StoredBy, "\uFFFD")
		if got[i] != want {
			t.Errorf("value %d: got %+v, want %+v", i, got[i], want)
		}
		if s := std.DataValues[i].dataValue(); s != want {
			t.Errorf("value %d: encoding/json reads %+v, want %+v", i, s, want)
		}
	}
}

// TestReadDataValueSetFixtures compares the reader with encoding/json on
// every JSON data value set among the shared fixtures.
func TestReadDataValueSetFixtures(t *testing.T) {
	t.Parallel()
	dir := fixturesDir(t)
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte(`"dataValues"`)) {
			return err
		}
		var std struct {
			DataValues []stdValue `json:"dataValues"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&std) != nil || len(std.DataValues) == 0 {
			return nil // not a data value set (or not strict JSON)
		}
		got, err := readAll(t, string(data))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		n++
		if len(got) != len(std.DataValues) {
			t.Errorf("%s: %d values, encoding/json reads %d", path, len(got), len(std.DataValues))
			return nil
		}
		for i := range got {
			if want := std.DataValues[i].dataValue(); got[i] != want {
				t.Errorf("%s value %d: %+v, want %+v", path, i, got[i], want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("only %d data value set fixtures read", n)
	}
	t.Logf("%d data value set fixtures agree with encoding/json", n)
}

func BenchmarkReadDataValueSet(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"dataValues":[`)
	for i := 0; i < 10000; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(appendDataValue(nil, &dataValue{DE: "Ffg8ZWKI6u0", PE: "2024W1", OU: "AEg8AcC3JM6", COC: "HllvX50cXC0", AOC: "HllvX50cXC0",
			Value: "12", StoredBy: "fsankara", Created: "2024-01-09T09:23:53.000+0000", LastUpdated: "2024-01-09T09:23:53.000+0000"}))
	}
	buf.WriteString(`]}`)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := readDataValueSet(bytes.NewReader(data), func(*dataValue) error { n++; return nil }); err != nil || n != 10000 {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "values/s")
}

// TestReadRegistrationSet checks the registration reader against
// encoding/json, and that a cut document is an error.
func TestReadRegistrationSet(t *testing.T) {
	t.Parallel()
	doc := `{"other":{"a":[1,{"b":null}]},"completeDataSetRegistrations":[` +
		`{"dataSet":"ds1","period":"202401","organisationUnit":"ou1","attributeOptionCombo":"aoc","date":"2024-02-01T00:00:00.000","storedBy":"a\"b","completed":true},` +
		`{"dataSet":"ds1","period":"202402","organisationUnit":"ou2","attributeOptionCombo":"aoc","completed":false,"lastUpdated":"x","extra":[1,2]},` +
		`{"dataSet":"ds2","period":"2024Q1","organisationUnit":"ou1","attributeOptionCombo":"aoc","completed":null,"storedBy":null}` +
		`],"pager":{"page":1}}`
	var want struct {
		Registrations []*registration `json:"completeDataSetRegistrations"`
	}
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		t.Fatal(err)
	}
	var got []*registration
	err := readRegistrationSet(strings.NewReader(doc), func(r *registration) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want.Registrations)
	if string(a) != string(b) {
		t.Errorf("got  %s\nwant %s", a, b)
	}
	for i := 1; i < len(doc); i++ {
		err := readRegistrationSet(strings.NewReader(doc[:i]), func(*registration) error { return nil })
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errBadJSON) {
			t.Fatalf("cut at %d: err = %v", i, err)
		}
	}
	for _, bad := range []string{`{"completeDataSetRegistrations":[{"period":1}]}`, `{"completeDataSetRegistrations":[{"completed":"yes"}]}`} {
		if err := readRegistrationSet(strings.NewReader(bad), func(*registration) error { return nil }); !errors.Is(err, errBadJSON) {
			t.Errorf("%s: err = %v, want a syntax error", bad, err)
		}
	}
}

// TestReadStringSpecialsAtEveryOffset puts an escape, a quote or a
// control character at each offset of a long string (the reader skips
// plain bytes eight at a time).
func TestReadStringSpecialsAtEveryOffset(t *testing.T) {
	t.Parallel()
	for _, special := range []string{`\"`, `\\`, `\n`, `\u00e9`, "\x01"} {
		for off := 0; off < 20; off++ {
			raw := strings.Repeat("a", off) + special + strings.Repeat("é", 5)
			doc := `{"dataValues":[{"dataElement":"d","value":"` + raw + `"}]}`
			var want struct {
				Values []struct{ Value string } `json:"dataValues"`
			}
			wantErr := json.Unmarshal([]byte(doc), &want) != nil
			got, err := readAll(t, doc)
			if wantErr {
				if !errors.Is(err, errBadJSON) {
					t.Errorf("%q: err = %v, want a syntax error", raw, err)
				}
				continue
			}
			if err != nil || len(got) != 1 || got[0].Value != want.Values[0].Value {
				t.Errorf("%q: got %+v, %v; want %q", raw, got, err, want.Values[0].Value)
			}
		}
	}
}

// TestFastTimeMillisMatchesTimeDate checks the hand-computed UTC path
// against time.Date, out-of-range days and times included.
func TestFastTimeMillisMatchesTimeDate(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2024-01-09T09:23:53.000", "2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000+0000",
		"2024-12-31T24:00:00.000", "2000-03-01T00:00:00.001+00:00", "1900-01-01T00:00:00.000", "0001-01-01T00:00:00.000",
		"2099-12-31T23:59:59.999", "2024-01-00T00:00:00.000", "2024-04-31T99:99:99.999", "2024-13-01T00:00:00.000", "1969-12-31T23:59:59.999"} {
		got, ok := fastTimeMillis(s, time.UTC)
		if !ok {
			t.Errorf("%s: not parsed", s)
			continue
		}
		var f [7]int
		fmt.Sscanf(s[:23], "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6])
		want := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], f[6]*1e6, time.UTC).UnixMilli()
		if got != want {
			t.Errorf("%s: %d, want %d", s, got, want)
		}
	}
}
