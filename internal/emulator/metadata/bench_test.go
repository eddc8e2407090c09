package metadata

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// demoPayload builds a demo-scale metadata payload of about n objects:
// an org unit tree, data elements, groups, data sets, indicators and options.
func demoPayload(n int) map[string][]map[string]any {
	uid := func(prefix string, i int) string { return fmt.Sprintf("%s%08d", prefix, i) }
	ref := func(id string) map[string]any { return map[string]any{"id": id} }
	p := map[string][]map[string]any{}
	nOU, nDE := n/4, n*2/5
	for i := 0; i < nOU; i++ {
		ou := map[string]any{"id": uid("ouB", i), "name": fmt.Sprintf("Org unit %d", i), "shortName": fmt.Sprintf("OU %d", i),
			"openingDate": "1990-01-01", "geometry": map[string]any{"type": "Point", "coordinates": []any{-11.5 + float64(i)/1000, 8.1}}}
		if i > 0 {
			ou["parent"] = ref(uid("ouB", (i-1)/4))
		}
		p["organisationUnits"] = append(p["organisationUnits"], ou)
	}
	for i := 0; i < nDE; i++ {
		p["dataElements"] = append(p["dataElements"], map[string]any{"id": uid("deB", i), "code": fmt.Sprintf("DE_%d", i),
			"name": fmt.Sprintf("Data element %d", i), "shortName": fmt.Sprintf("DE %d", i), "valueType": "NUMBER",
			"aggregationType": "SUM", "domainType": "AGGREGATE", "categoryCombo": ref(DefaultCategoryComboUID),
			"sharing": map[string]any{"owner": AdminUserUID, "public": "rw------"}})
	}
	for g := 0; g < n/40; g++ {
		var members []any
		for i := g; i < nDE; i += n / 40 {
			members = append(members, ref(uid("deB", i)))
		}
		p["dataElementGroups"] = append(p["dataElementGroups"], map[string]any{"id": uid("dgB", g),
			"name": fmt.Sprintf("Group %d", g), "shortName": fmt.Sprintf("G %d", g), "dataElements": members})
	}
	for d := 0; d < n/100; d++ {
		var dse, ous []any
		for i := d; i < nDE; i += n / 100 {
			dse = append(dse, map[string]any{"dataElement": ref(uid("deB", i)), "dataSet": ref(uid("dsB", d))})
		}
		for i := nOU / 2; i < nOU; i++ {
			ous = append(ous, ref(uid("ouB", i)))
		}
		p["dataSets"] = append(p["dataSets"], map[string]any{"id": uid("dsB", d), "name": fmt.Sprintf("Data set %d", d),
			"shortName": fmt.Sprintf("DS %d", d), "periodType": "Monthly", "dataSetElements": dse, "organisationUnits": ous})
	}
	p["indicatorTypes"] = []map[string]any{{"id": uid("itB", 0), "name": "Percent", "factor": 100}}
	for i := len(countAll(p)); i < n; i++ {
		p["indicators"] = append(p["indicators"], map[string]any{"id": uid("inB", i), "name": fmt.Sprintf("Indicator %d", i),
			"shortName": fmt.Sprintf("IN %d", i), "indicatorType": ref(uid("itB", 0)),
			"numerator": fmt.Sprintf("#{%s}", uid("deB", i%nDE)), "denominator": "1"})
	}
	return p
}

func countAll(p map[string][]map[string]any) []int {
	var out []int
	for _, v := range p {
		for range v {
			out = append(out, 0)
		}
	}
	return out
}

func TestDemoPayloadImports(t *testing.T) {
	t.Parallel()
	p := demoPayload(2000)
	s := newStore(t, "2.42")
	rep, err := s.ImportObjects(p, DefaultImportParams())
	if err != nil || rep.Status != StatusOK {
		t.Fatalf("%v %s", err, errorSummary(rep))
	}
	if rep.Stats.Created != 2000 {
		t.Errorf("created %d", rep.Stats.Created)
	}
}

// BenchmarkImport2000 imports ~2,000 objects into a fresh 2.42 store.
func BenchmarkImport2000(b *testing.B) {
	p := demoPayload(2000)
	prof := profile.MustFor("2.42")
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(Options{Profile: prof})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s.ImportObjects(p, DefaultImportParams())
		if err != nil || rep.Status != StatusOK {
			b.Fatalf("%v %v", err, rep.Status)
		}
	}
	b.ReportMetric(2000, "objects/op")
}

// BenchmarkExport2000 streams a full :owner export of ~2,000 objects.
func BenchmarkExport2000(b *testing.B) {
	s, err := New(Options{Profile: profile.MustFor("2.42")})
	if err != nil {
		b.Fatal(err)
	}
	if rep, err := s.ImportObjects(demoPayload(2000), DefaultImportParams()); err != nil || rep.Status != StatusOK {
		b.Fatal(err)
	}
	ep := ParseExportParams(url.Values{}, s.Schemas())
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := s.Export(&buf, ep); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/op")
}

// BenchmarkListFiltered pages through data elements with a nested filter.
func BenchmarkListFiltered(b *testing.B) {
	s, err := New(Options{Profile: profile.MustFor("2.42")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportObjects(demoPayload(2000), DefaultImportParams()); err != nil {
		b.Fatal(err)
	}
	lp := ParseListParams(url.Values{"filter": {"dataElementGroups.id:eq:dgB00000003"}, "fields": {"id,name,categoryCombo[id,name]"}}, "http://emu")
	for b.Loop() {
		if err := s.WriteList(io.Discard, "dataElements", lp); err != nil {
			b.Fatal(err)
		}
	}
}
