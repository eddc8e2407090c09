package dhis2

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestDecodeMetadataExportFixtures(t *testing.T) {
	t.Parallel()
	core := "dhis2__dhis2-core/dhis-2/"
	tests := []struct {
		file    string
		version string
		counts  map[string]int
	}{
		{core + "dhis-test-e2e/src/test/resources/aggregate/metadata.json", "", map[string]int{
			"categories": 3, "validationRuleGroups": 1, "validationRules": 12, "indicatorTypes": 2, "categoryOptionCombos": 12, "dataSets": 2,
			"indicatorGroups": 1, "indicators": 19, "dataElements": 75, "dataElementGroups": 7, "categoryOptions": 8, "legendSets": 2, "categoryCombos": 3}},
		{core + "dhis-test-integration/src/test/resources/tracker/event_metadata.json", "2.32-SNAPSHOT", map[string]int{
			"users": 1, "trackedEntityTypes": 1, "organisationUnits": 1, "programStages": 2, "categoryCombos": 1, "programs": 2, "dataElements": 24,
			"categoryOptionCombos": 1, "categories": 1, "categoryOptions": 2, "userRoles": 1, "trackedEntityAttributes": 1}},
		{core + "dhis-services/dhis-service-dxf2/src/test/resources/dxf2/import/create_program_stages.json", "2.35.0", map[string]int{
			"organisationUnits": 1, "users": 1, "userRoles": 1, "programs": 1, "programStages": 1, "dataElements": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got := map[string]int{}
			var order []string
			sys, err := DecodeMetadataExport(bytes.NewReader(readFixture(t, tt.file)), func(typ string, obj json.RawMessage) error {
				if len(order) == 0 || order[len(order)-1] != typ {
					order = append(order, typ)
				}
				var o map[string]any
				if err := json.Unmarshal(obj, &o); err != nil {
					return err
				}
				got[typ]++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if sys.Version != tt.version {
				t.Errorf("system.version = %q, want %q", sys.Version, tt.version)
			}
			if len(got) != len(tt.counts) || len(order) != len(tt.counts) {
				t.Errorf("types = %v (order %v), want %v", got, order, tt.counts)
			}
			for typ, n := range tt.counts {
				if got[typ] != n {
					t.Errorf("%s = %d, want %d", typ, got[typ], n)
				}
			}
		})
	}
}

func TestDecodeMetadataExportErrors(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop here")
	tests := []struct {
		name string
		body string
		fn   func(string, json.RawMessage) error
		want error
	}{
		{"cut", `{"system":{"version":"2.40"},"dataElements":[{"id":"a"},{"id"`, nil, nil},
		{"not an object", `[1,2]`, nil, nil},
		{"callback error passes through", `{"dataElements":[{"id":"a"}]}`, func(string, json.RawMessage) error { return stop }, stop},
		{"trailing garbage", `{"dataElements":[]} x`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fn := tt.fn
			if fn == nil {
				fn = func(string, json.RawMessage) error { return nil }
			}
			_, err := DecodeMetadataExport(strings.NewReader(tt.body), fn)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExportMetadataGzipOverHTTP(t *testing.T) {
	t.Parallel()
	fixture := readFixture(t, "dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/aggregate/metadata.json")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(fixture)
	zw.Close()
	for _, tt := range []struct {
		name   string
		header bool // Content-Encoding: gzip (transport) vs a .json.gz body sniffed by magic bytes
		cut    bool
	}{{"content-encoding", true, false}, {"sniffed", false, false}, {"cut gzip", true, true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept-Encoding") != "gzip" || r.URL.Query().Get("fields") != ":owner" {
					writeJSON(w, 400, `{}`)
					return
				}
				if tt.header {
					w.Header().Set("Content-Encoding", "gzip")
				}
				if tt.cut {
					hijackCutGzip(w, gz.Bytes()[:gz.Len()/2])
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(gz.Bytes())
			}, func(c *Config) { c.Retry.MaxAttempts = 1 })
			n := 0
			_, err := b.client.ExportMetadata(context.Background(), map[string][]string{"fields": {":owner"}}, func(string, json.RawMessage) error {
				n++
				return nil
			})
			if tt.cut {
				if !errors.Is(err, KindTruncated) {
					t.Fatalf("err = %v, want KindTruncated", err)
				}
				return
			}
			if err != nil || n != 147 {
				t.Fatalf("objects = %d, err = %v; want 147", n, err)
			}
		})
	}
}

func hijackCutGzip(w http.ResponseWriter, partial []byte) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n")
	buf.Write(partial)
	buf.Flush()
}

func TestDecodeDataValueSetFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		values int
		header DataValueSetHeader
	}{
		{"dhis2__dhis2-core/dhis-2/dhis-test-e2e/src/test/resources/aggregate/dataValues_bulk.json", 231, DataValueSetHeader{}},
		{"dhis2__dhis2-core/dhis-2/dhis-test-integration/src/test/resources/datavalueset/dataValueSetJ.json", 1, DataValueSetHeader{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			n := 0
			h, err := DecodeDataValueSet(bytes.NewReader(readFixture(t, tt.file)), func(raw json.RawMessage) error {
				var v struct{ DataElement, Period, OrgUnit, Value string }
				if err := json.Unmarshal(raw, &v); err != nil {
					return err
				}
				if v.DataElement == "" {
					t.Errorf("value without dataElement: %s", raw)
				}
				n++
				return nil
			})
			if err != nil || n != tt.values || h != tt.header {
				t.Fatalf("values %d header %+v err %v, want %d", n, h, err, tt.values)
			}
		})
	}
}

func TestExportDataValuesHeaderAndTruncation(t *testing.T) {
	t.Parallel()
	body := `{"dataSet":"pBOMPrpg1QX","completeDate":"2014-02-03","period":"201401","orgUnit":"DiszpKrYNg8","attributeOptionCombo":null,` +
		`"dataValues":[{"dataElement":"f7n9E0hX8qk","value":"12"},{"dataElement":"Ix2HsbDMLea","value":"14"}]}`
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cut") != "" {
			hijackCut(w, body[:len(body)-20])
			return
		}
		writeJSON(w, 200, body)
	}, func(c *Config) { c.Retry.MaxAttempts = 1 })
	var got []string
	h, err := b.client.ExportDataValues(context.Background(), nil, func(raw json.RawMessage) error {
		got = append(got, string(raw))
		return nil
	})
	if err != nil || len(got) != 2 {
		t.Fatalf("values %v err %v", got, err)
	}
	want := DataValueSetHeader{DataSet: "pBOMPrpg1QX", CompleteDate: "2014-02-03", Period: "201401", OrgUnit: "DiszpKrYNg8"}
	if h != want {
		t.Errorf("header = %+v, want %+v", h, want)
	}
	_, err = b.client.ExportDataValues(context.Background(), map[string][]string{"cut": {"1"}}, func(json.RawMessage) error { return nil })
	if !errors.Is(err, KindTruncated) {
		t.Fatalf("cut body: err = %v, want KindTruncated", err)
	}
}
