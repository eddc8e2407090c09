package emulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/period"
)

// benchCatalog accepts the synthetic identifiers of the benchmarks: data
// elements "DE" + 9 digits (NUMBER) in data set "DSbench0001", org units
// "OU" + 9 digits under "OUroot00000".
type benchCatalog struct {
	emptyCatalog
	des []string
	ous []string
}

func newBenchCatalog(nDE, nOU int) *benchCatalog {
	c := &benchCatalog{}
	for i := range nDE {
		c.des = append(c.des, fmt.Sprintf("DE%09d", i))
	}
	c.ous = append(c.ous, "OUroot00000")
	for i := range nOU {
		c.ous = append(c.ous, fmt.Sprintf("OU%09d", i+1))
	}
	return c
}

func (c *benchCatalog) DataElement(uid string) (datavalue.DataElement, bool) {
	return datavalue.DataElement{ValueType: datavalue.TypeNumber, AggregationType: "SUM", CategoryCombo: "bjDvmb4bfuf", DataSets: []string{"DSbench0001"}}, strings.HasPrefix(uid, "DE")
}
func (c *benchCatalog) OrgUnitExists(uid string) bool { return strings.HasPrefix(uid, "OU") }
func (c *benchCatalog) OptionCombo(uid string) (datavalue.OptionCombo, bool) {
	return datavalue.OptionCombo{CategoryCombo: "bjDvmb4bfuf"}, uid == "HllvX50cXC0"
}
func (c *benchCatalog) DataSet(uid string) (datavalue.DataSet, bool) {
	return datavalue.DataSet{PeriodType: period.Monthly, CategoryCombo: "bjDvmb4bfuf"}, uid == "DSbench0001"
}
func (c *benchCatalog) DataSetElements(uid string) ([]string, bool) {
	return c.des, uid == "DSbench0001"
}
func (c *benchCatalog) OrgUnitDescendants(uid string) ([]string, bool) {
	if uid == "OUroot00000" {
		return c.ous, true
	}
	return []string{uid}, strings.HasPrefix(uid, "OU")
}
func (c *benchCatalog) Exists(plural, uid string) bool {
	return (plural == "dataSets" && uid == "DSbench0001") || (plural == "organisationUnits" && strings.HasPrefix(uid, "OU"))
}

func benchEmulator(b *testing.B, cat catalog) (*Emulator, *httptest.Server) {
	b.Helper()
	e, err := New(Options{Version: "2.41"})
	if err != nil {
		b.Fatal(err)
	}
	e.state.cat = cat
	srv := httptest.NewServer(e)
	b.Cleanup(func() { srv.Close(); e.Close() })
	return e, srv
}

// benchValues are n values over 100 data elements × 12 months × org units.
func benchValues(n int, each func(de, pe, ou string, v int)) {
	for i := range n {
		de := fmt.Sprintf("DE%09d", i%100)
		pe := fmt.Sprintf("2024%02d", (i/100)%12+1)
		ou := fmt.Sprintf("OU%09d", i/1200+1)
		each(de, pe, ou, i)
	}
}

// BenchmarkDataValueSetsExportHTTP streams 200,000 values over loopback
// HTTP and reports values/s (target ≥ 200k/s).
func BenchmarkDataValueSetsExportHTTP(b *testing.B) {
	const n = 200_000
	e, srv := benchEmulator(b, newBenchCatalog(100, n/1200+1))
	ts := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	benchValues(n, func(de, pe, ou string, v int) {
		if err := e.values.Put(datavalue.DataValue{DataElement: de, Period: pe, OrgUnit: ou, CategoryOptionCombo: "HllvX50cXC0",
			AttributeOptionCombo: "HllvX50cXC0", Value: fmt.Sprint(v % 997), StoredBy: "admin", Created: ts, LastUpdated: ts}); err != nil {
			b.Fatal(err)
		}
	})
	url := srv.URL + "/api/dataValueSets?dataSet=DSbench0001&orgUnit=OUroot00000&children=true&startDate=2024-01-01&endDate=2024-12-31"
	b.ResetTimer()
	start := time.Now()
	var bytesRead int64
	for b.Loop() {
		req, _ := http.NewRequest("GET", url, nil)
		req.SetBasicAuth("admin", "district")
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		nb, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("export: %v %d", err, resp.StatusCode)
		}
		bytesRead += nb
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(n*b.N)/el, "values/s")
	b.ReportMetric(float64(bytesRead)/float64(b.N)/n, "bytes/value")
}

// BenchmarkDataValueSetsImportHTTP posts 100,000 new values per iteration
// over loopback HTTP and reports values/s (target ≥ 100k/s).
func BenchmarkDataValueSetsImportHTTP(b *testing.B) {
	const n = 100_000
	_, srv := benchEmulator(b, newBenchCatalog(100, n/1200+1))
	bodies := make([][]byte, 0, 4)
	for round := range 4 {
		var buf bytes.Buffer
		buf.WriteString(`{"dataValues":[`)
		benchValues(n, func(de, pe, ou string, v int) {
			if v > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, `{"dataElement":"%s","period":"%s","orgUnit":"%s","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"HllvX50cXC0","value":"%d","storedBy":"import","followup":false}`,
				de, pe, ou, v%997+round+1)
		})
		buf.WriteString(`]}`)
		bodies = append(bodies, buf.Bytes())
	}
	b.ResetTimer()
	start := time.Now()
	i := 0
	for b.Loop() {
		req, _ := http.NewRequest("POST", srv.URL+"/api/dataValueSets", bytes.NewReader(bodies[i%len(bodies)]))
		req.SetBasicAuth("admin", "district")
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("import: %d %.300s", resp.StatusCode, out)
		}
		i++
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(n*b.N)/el, "values/s")
}
