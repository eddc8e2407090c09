package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// demoExportURL is the export of the demo's largest data set for the
// whole country over its 24 months.
func demoExportURL(t testing.TB, srv *emulatortest.Server) string {
	t.Helper()
	get := func(path string, out any) {
		resp, err := srv.HTTP.Client().Do(srv.Request(t, http.MethodGet, path, nil))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	var roots struct{ OrganisationUnits []struct{ ID string } }
	get("/api/organisationUnits?filter=level:eq:1&fields=id", &roots)
	var ds struct{ DataSets []struct{ ID string } }
	get("/api/dataSets?fields=id&filter=periodType:eq:Monthly&paging=false", &ds)
	best, bestN := "", -1
	for _, d := range ds.DataSets {
		var n struct{ DataElements []any }
		get("/api/dataSets/"+d.ID+"?fields=dataElements", &n)
		if len(n.DataElements) > bestN {
			best, bestN = d.ID, len(n.DataElements)
		}
	}
	return fmt.Sprintf("/api/dataValueSets?dataSet=%s&orgUnit=%s&children=true&startDate=2024-01-01&endDate=2025-12-31", best, roots.OrganisationUnits[0].ID)
}

// BenchmarkDemoExportImportHTTP exports the demo's largest data set over
// loopback HTTP, then imports the same values back (DHIS2 2.41: unchanged
// values are ignored after full validation against the metadata).
func BenchmarkDemoExportImportHTTP(b *testing.B) {
	srv := emulatortest.Start(b, emulator.Options{Version: "2.41", Seed: "demo"})
	path := demoExportURL(b, srv)
	var body []byte
	b.Run("export", func(b *testing.B) {
		n, start := 0, time.Now()
		for b.Loop() {
			resp, err := srv.HTTP.Client().Do(srv.Request(b, http.MethodGet, path, nil))
			if err != nil {
				b.Fatal(err)
			}
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("export: %v %d", err, resp.StatusCode)
			}
			n += bytes.Count(body, []byte(`"dataElement"`))
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "values/s")
		b.ReportMetric(float64(n/b.N), "values/op")
	})
	b.Run("import", func(b *testing.B) {
		n, start := 0, time.Now()
		for b.Loop() {
			resp, err := srv.HTTP.Client().Do(srv.Request(b, http.MethodPost, "/api/dataValueSets", bytes.NewReader(body)))
			if err != nil {
				b.Fatal(err)
			}
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("import: %d %.300s", resp.StatusCode, out)
			}
			n += bytes.Count(body, []byte(`"dataElement"`))
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "values/s")
	})
}
