package dhis2

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func dataValueSetBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"dataSet":"pBOMPrpg1QX","dataValues":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"dataElement":"f7n9E0hX8qk","period":"2024%02d","orgUnit":"DiszpKrYNg8","categoryOptionCombo":"HllvX50cXC0",`+
			`"attributeOptionCombo":"HllvX50cXC0","value":"%d","storedBy":"admin","created":"2024-01-05T10:00:00.000","lastUpdated":"2024-01-05T10:00:00.000","followup":false}`, i%12+1, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkDecodeDataValueSet measures the streaming data value reader.
func BenchmarkDecodeDataValueSet(b *testing.B) {
	body := dataValueSetBody(100_000)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if _, err := DecodeDataValueSet(bytes.NewReader(body), func(json.RawMessage) error { n++; return nil }); err != nil || n != 100_000 {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(b.N)*100_000/b.Elapsed().Seconds(), "values/s")
}

// BenchmarkListOverHTTP pages through 20 pages of 1,000 objects served by
// an httptest server (gzip-compressed like a DHIS2 behind nginx).
func BenchmarkListOverHTTP(b *testing.B) {
	pages := map[int][]byte{}
	for p := 1; p <= 20; p++ {
		var items []string
		for i := range 1000 {
			items = append(items, fmt.Sprintf(`{"id":"de%09d","name":"Data element %d","shortName":"DE %d","valueType":"NUMBER","aggregationType":"SUM"}`, p*1000+i, i, i))
		}
		pages[p] = []byte(fmt.Sprintf(`{"pager":{"page":%d,"pageCount":20,"total":20000,"pageSize":1000},"dataElements":[%s]}`, p, strings.Join(items, ",")))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("Content-Type", "application/json")
		w.Write(pages[p])
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Token: "d2p_x"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range c.List(context.Background(), "dataElements", nil, ListOptions{Key: "dataElements", PageSize: 1000}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 20_000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(b.N)*20_000/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkParseImportResult parses a data value summary with 1,000
// conflicts.
func BenchmarkParseImportResult(b *testing.B) {
	var conflicts []string
	for i := range 1000 {
		conflicts = append(conflicts, fmt.Sprintf(`{"object":"f7n9E0hX8qk","objects":{"dataElement":"f7n9E0hX8qk"},"value":"Data value is not numeric","errorCode":"E7619","property":"value","indexes":[%d]}`, i))
	}
	body := []byte(`{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","response":{"responseType":"ImportSummary","status":"WARNING",` +
		`"importCount":{"imported":9000,"updated":0,"ignored":1000,"deleted":0},"conflicts":[` + strings.Join(conflicts, ",") + `]}}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		res, err := ParseImportResult(ImportKindDataValues, 409, body)
		if err != nil || len(res.Conflicts) != 1000 {
			b.Fatal(err)
		}
	}
}
