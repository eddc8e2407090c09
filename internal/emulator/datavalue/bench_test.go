package datavalue

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// benchCatalog is a map-backed catalog shaped like a national instance:
// numeric data elements in one monthly data set.
type benchCatalog struct {
	des  map[string]DataElement
	ous  map[string]bool
	cocs map[string]OptionCombo
	ds   DataSet
}

func (c *benchCatalog) DataElement(uid string) (DataElement, bool) { d, ok := c.des[uid]; return d, ok }
func (c *benchCatalog) OrgUnitExists(uid string) bool              { return c.ous[uid] }
func (c *benchCatalog) OptionCombo(uid string) (OptionCombo, bool) {
	o, ok := c.cocs[uid]
	return o, ok
}
func (c *benchCatalog) DataSet(string) (DataSet, bool)      { return c.ds, true }
func (c *benchCatalog) OptionExists(string, string) bool    { return true }
func (c *benchCatalog) DataSetAssigned(string, string) bool { return true }

func uid(prefix byte, i int) string { return fmt.Sprintf("%c%010d", prefix, i) }

// benchShape: 200 data elements × 4 category option combos × 12 months ×
// enough org units for n values.
func benchShape(n int) (des, cocs, pes []string, ous int) {
	for i := 0; i < 200; i++ {
		des = append(des, uid('d', i))
	}
	for i := 0; i < 4; i++ {
		cocs = append(cocs, uid('c', i))
	}
	for m := 1; m <= 12; m++ {
		pes = append(pes, fmt.Sprintf("2023%02d", m))
	}
	return des, cocs, pes, (n + 200*4*12 - 1) / (200 * 4 * 12)
}

func newBenchCatalog(n int) *benchCatalog {
	des, cocs, _, ous := benchShape(n)
	c := &benchCatalog{des: map[string]DataElement{}, ous: map[string]bool{}, cocs: map[string]OptionCombo{DefaultOptionCombo: {CategoryCombo: "cc0"}},
		ds: DataSet{PeriodType: period.Monthly, CategoryCombo: "cc0"}}
	for _, de := range des {
		c.des[de] = DataElement{ValueType: TypeIntegerZeroOrPositive, AggregationType: "SUM", CategoryCombo: "cc1", DataSets: []string{"ds000000001"}}
	}
	for _, coc := range cocs {
		c.cocs[coc] = OptionCombo{CategoryCombo: "cc1"}
	}
	for i := 0; i < ous; i++ {
		c.ous[uid('o', i)] = true
	}
	return c
}

// forValues calls fn for n distinct keys in a deterministic order.
func forValues(n int, fn func(i int, de, pe, ou, coc string)) {
	des, cocs, pes, _ := benchShape(n)
	i := 0
	for o := 0; i < n; o++ {
		ou := uid('o', o)
		for _, pe := range pes {
			for _, de := range des {
				for _, coc := range cocs {
					if i == n {
						return
					}
					fn(i, de, pe, ou, coc)
					i++
				}
			}
		}
	}
}

// benchBody builds a dataValueSet body of n values in the shape DHIS2
// exports (every property present).
func benchBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"dataValues":[`)
	forValues(n, func(i int, de, pe, ou, coc string) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"dataElement":"%s","period":"%s","orgUnit":"%s","categoryOptionCombo":"%s","attributeOptionCombo":"HllvX50cXC0",`+
			`"value":"%d","storedBy":"admin","created":"2023-05-01T10:00:00.000+0000","lastUpdated":"2023-05-01T10:00:00.000+0000","followup":false}`,
			de, pe, ou, coc, 1+i%977)
	})
	b.WriteString(`]}`)
	return b.Bytes()
}

func fillStore(tb testing.TB, n int) *Store {
	s := New()
	created := time.Date(2023, 5, 1, 10, 0, 0, 0, time.UTC)
	forValues(n, func(i int, de, pe, ou, coc string) {
		if err := s.Put(DataValue{DataElement: de, Period: pe, OrgUnit: ou, CategoryOptionCombo: coc, AttributeOptionCombo: DefaultOptionCombo,
			Value: strconv.Itoa(1 + i%977), StoredBy: "admin", Created: created, LastUpdated: created}); err != nil {
			tb.Fatal(err)
		}
	})
	return s
}

// BenchmarkExport streams a store of 1M values as JSON to io.Discard
// (Scan + JSONWriter) and reports values/s.
func BenchmarkExport(b *testing.B) {
	const n = 1_000_000
	s := fillStore(b, n)
	cw := &countingWriter{}
	b.ResetTimer()
	for b.Loop() {
		cw.n = 0
		got, err := s.WriteJSON(cw, Query{}, WriteOptions{})
		if err != nil || got != n {
			b.Fatalf("wrote %d, %v", got, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
	b.ReportMetric(float64(cw.n)/n, "bytes/value")
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkEncode measures the JSON writer alone on 1M values.
func BenchmarkEncode(b *testing.B) {
	dv := DataValue{DataElement: "d0000000001", Period: "202301", OrgUnit: "o0000000001", CategoryOptionCombo: "c0000000001",
		AttributeOptionCombo: DefaultOptionCombo, Value: "123", StoredBy: "admin", Created: clock, LastUpdated: clock}
	for b.Loop() {
		w := NewJSONWriter(io.Discard, WriteOptions{})
		for i := 0; i < 1_000_000; i++ {
			_ = w.Write(&dv)
		}
		_ = w.Close()
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}

// BenchmarkImport decodes, validates and applies 1M values into an empty
// store and reports values/s.
func BenchmarkImport(b *testing.B) {
	const n = 1_000_000
	body := benchBody(n)
	cat := newBenchCatalog(n)
	o := Options{User: "admin", Now: func() time.Time { return clock }, IgnoreUnchanged: true}
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := New()
		b.StartTimer()
		sum, err := s.ImportJSON(bytes.NewReader(body), cat, o)
		if err != nil || sum.Imported != n {
			b.Fatalf("import: %v %+v", err, sum.Conflicts)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}

// BenchmarkReimport imports 1M values over the same 1M stored values
// (updates; ignored as unchanged on 2.41).
func BenchmarkReimport(b *testing.B) {
	const n = 1_000_000
	body := benchBody(n)
	cat := newBenchCatalog(n)
	o := Options{User: "admin", Now: func() time.Time { return clock }, IgnoreUnchanged: true}
	s := New()
	if _, err := s.ImportJSON(bytes.NewReader(body), cat, o); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		sum, err := s.ImportJSON(bytes.NewReader(body), cat, o)
		if err != nil || sum.Ignored != n {
			b.Fatalf("import: %v %+v", err, countsOf(sum))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}

// BenchmarkMemory reports the heap bytes per stored value for 2M values.
func BenchmarkMemory(b *testing.B) {
	const n = 2_000_000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := fillStore(b, n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/value")
		runtime.KeepAlive(s)
	}
}

// BenchmarkSnapshot writes and restores a 1M-value snapshot.
func BenchmarkSnapshot(b *testing.B) {
	const n = 1_000_000
	s := fillStore(b, n)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := s.Snapshot(&buf); err != nil {
			b.Fatal(err)
		}
		if err := New().Restore(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/n, "snapshot-bytes/value")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}
