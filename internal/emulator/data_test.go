package emulator_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestDataValueSetsCompression(t *testing.T) {
	t.Parallel()
	cases := []struct {
		version, compression, wantType string
	}{
		{"2.38", "gzip", "application/json"}, // parameter unknown before 2.39
		{"2.39", "gzip", "application/gzip"},
		{"2.42", "zip", "application/zip"},
		{"2.42", "", "application/json"},
	}
	for _, c := range cases {
		t.Run(c.version+"-"+c.compression, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: c.version})
			post(t, srv, "/api/metadata", smallWorld)
			post(t, srv, "/api/dataValueSets", goodValues)
			req := srv.Request(t, http.MethodGet, "/api/dataValueSets?dataSet=DSaaaaaaaaa&period=202401&orgUnit=OUchild0001&compression="+c.compression, nil)
			req.Header.Set("Accept-Encoding", "identity")
			resp, err := srv.HTTP.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), c.wantType) {
				t.Fatalf("Content-Type %q, want %s", resp.Header.Get("Content-Type"), c.wantType)
			}
			var plain []byte
			switch c.wantType {
			case "application/gzip":
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				plain, _ = io.ReadAll(zr)
			case "application/zip":
				zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
				if err != nil {
					t.Fatal(err)
				}
				f, _ := zr.File[0].Open()
				plain, _ = io.ReadAll(f)
			default:
				plain = raw
			}
			var doc struct{ DataValues []map[string]any }
			if err := json.Unmarshal(plain, &doc); err != nil || len(doc.DataValues) != 1 {
				t.Fatalf("body: %v %s", err, plain)
			}
		})
	}
}

func TestCompressedImportBodies(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40"})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(smallWorld))
	zw.Close()
	req := srv.Request(t, http.MethodPost, "/api/metadata", bytes.NewReader(gz.Bytes()))
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if m := decode(t, resp).(map[string]any); resp.StatusCode != 200 || m["status"] != "OK" {
		t.Fatalf("gzip metadata body: %d %v", resp.StatusCode, m)
	}
	var zb bytes.Buffer
	z := zip.NewWriter(&zb)
	f, _ := z.Create("values.json")
	f.Write([]byte(goodValues))
	z.Close()
	req = srv.Request(t, http.MethodPost, "/api/dataValueSets", bytes.NewReader(zb.Bytes()))
	req.Header.Set("Content-Type", "application/zip")
	resp, err = srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if m := decode(t, resp).(map[string]any); resp.StatusCode != 200 || m["response"].(map[string]any)["importCount"].(map[string]any)["imported"] != 1.0 {
		t.Fatalf("zip data body: %d %v", resp.StatusCode, m)
	}
}

func TestJobDelayKeepsJobsRunning(t *testing.T) {
	t.Parallel()
	e, err := emulator.New(emulator.Options{Version: "2.41", JobDelay: 24 * 60 * 60 * 1e9})
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, e)
	_, job := post(t, srv, "/api/metadata?async=true", smallWorld)
	id := job["response"].(map[string]any)["id"].(string)
	_, notes := getJSON(t, srv, "/api/system/tasks/METADATA_IMPORT/"+id)
	if l := notes.([]any); len(l) != 1 || l[0].(map[string]any)["completed"] != false {
		t.Fatalf("a delayed job is running: %v", l)
	}
	_, sum := getJSON(t, srv, "/api/system/taskSummaries/METADATA_IMPORT/"+id)
	if len(sum.(map[string]any)) != 0 {
		t.Fatalf("summary of a running job: %v", sum)
	}
	if n := srv.WriteCounts().Total(); n != 0 {
		t.Fatalf("a delayed job wrote %d objects", n)
	}
	// Close releases the delay; the job finishes before Close returns.
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if n := e.WriteCounts().MetadataCreated(); n != 4 {
		t.Fatalf("job after Close created %d objects, want 4", n)
	}
}

func TestRequestLogAndStats(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.41", RequestLogSize: 3})
	post(t, srv, "/api/metadata?importMode=VALIDATE", smallWorld)
	post(t, srv, "/api/dataValueSets?dryRun=true", goodValues)
	if n := srv.WriteCounts().Total(); n != 0 {
		t.Fatalf("dry runs wrote %d times", n)
	}
	for range 3 {
		getJSON(t, srv, "/api/41/system/info?x=1")
	}
	recs := srv.Requests()
	if len(recs) != 3 {
		t.Fatalf("ring buffer kept %d records, want 3", len(recs))
	}
	last := recs[2]
	if last.Method != "GET" || last.Path != "/api/41/system/info" || last.Query != "x=1" || last.Status != 200 || last.User != "admin" || last.BytesOut == 0 || last.Seq != 5 {
		t.Fatalf("record %+v", last)
	}
	_, st := getJSON(t, srv, "/__emulator/stats")
	s := st.(map[string]any)
	if s["requests"] != 5.0 || s["totalWrites"] != 0.0 || s["version"] != "2.41" {
		t.Fatalf("stats %v", s)
	}
	post(t, srv, "/api/metadata", smallWorld)
	_, st = getJSON(t, srv, "/__emulator/stats")
	if s := st.(map[string]any); s["totalWrites"] != 4.0 || s["objects"].(map[string]any)["dataElements"] != 1.0 {
		t.Fatalf("stats after import %v", s)
	}
}
