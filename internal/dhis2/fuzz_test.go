package dhis2

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds adds the shared fixtures matching the patterns (when present)
// and inline bodies to the corpus.
func fuzzSeeds(f *testing.F, patterns []string, inline ...string) {
	for _, s := range inline {
		f.Add([]byte(s))
	}
	dir := filepath.Join("..", "..", "..", "shared", "fixtures")
	for _, p := range patterns {
		files, _ := filepath.Glob(filepath.Join(dir, p))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
}

func FuzzParseImportResult(f *testing.F) {
	fuzzSeeds(f, []string{
		sdk + "imports/*.json", sdk + "imports/tracker-importer/*.json", sdk + "tracker/importer/*.json",
		sdk + "datavalueset/*.json", iea + "*Import*.json", "BLSQ__dhis2/spec/fixtures/2.24/update.json",
	},
		`{"httpStatusCode":409,"status":"WARNING","response":{"responseType":"ImportReport","status":"ERROR","typeReports":[{"klass":"a.B","objectReports":[{"index":3,"errorReports":[{"errorCode":"E5002","value":{"x":1}}]}]}]}}`,
		`{"status":"ERROR","validationReport":{"errorReports":[{"errorCode":"E1005","trackerType":"EVENT","uid":"x"}]},"bundleReport":{"typeReportMap":{"EVENT":{"objectReports":[{"index":1,"errorReports":[{}]}]}}}}`,
		`{"responseType":"ImportSummaries","importSummaries":[{"status":"ERROR","enrollments":{"importSummaries":[{"events":{"importSummaries":[{"conflicts":[{"object":"o"}]}]}}]}}]}`,
		`{"httpStatus":"OK","response":null}`, `[]`, `{}`, `null`,
	)
	kinds := []ImportKind{ImportKindMetadata, ImportKindDataValues, ImportKindTracker, ImportKindEvents, ImportKindTrackedEntityInstances}
	f.Fuzz(func(t *testing.T, body []byte) {
		for i, kind := range kinds {
			res, job, err := parseImportBody(kind, 200+i, body)
			if err != nil {
				if res != nil || job != nil {
					t.Fatal("error with a result")
				}
				continue
			}
			if job != nil {
				continue
			}
			switch res.Status {
			case StatusOK, StatusWarning, StatusError:
			default:
				t.Fatalf("status %q is not normalized", res.Status)
			}
			if len(res.Raw) > RawCap || (res.Status == StatusOK) != (len(res.Raw) == 0) {
				t.Fatalf("raw %d bytes for status %s", len(res.Raw), res.Status)
			}
			if res.Stats.Total < 0 && !bytes.Contains(body, []byte("-")) {
				t.Fatalf("negative total %d not from the body", res.Stats.Total)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("result does not marshal: %v", err)
			}
		}
	})
}

func FuzzDecodePage(f *testing.F) {
	fuzzSeeds(f, []string{sdk + "event/new_tracker_importer_events_*.json", sdk + "trackedentity/new_tracker_importer_tracked_entities_*.json", sdk + "category/*.json"},
		`{"pager":{"page":1,"pageCount":2,"total":3,"pageSize":2},"dataElements":[{"id":"a"},{"id":"b"}]}`,
		`{"instances":[{"a":1}],"page":1,"pageSize":1}`,
		`{"pager":{"page":3,"pageCount":1,"total":0},"events":[{}]}`,
		`{"pager":{"isLastPage":true},"events":[1,2,3]}`,
		`{"dataElements":[{"id":"a"}`, `{"pager":{"page":"x"}}`, `{"x":[[{}]],"dataElements":null}`,
	)
	f.Fuzz(func(t *testing.T, body []byte) {
		var items []json.RawMessage
		info, err := DecodePage(bytes.NewReader(body), "dataElements", func(raw json.RawMessage) error {
			items = append(items, raw)
			return nil
		})
		if err != nil {
			return
		}
		if info.Items != len(items) {
			t.Fatalf("info.Items = %d, yielded %d", info.Items, len(items))
		}
		for _, it := range items {
			if !json.Valid(it) {
				t.Fatalf("yielded invalid JSON %q", it)
			}
		}
		if !json.Valid(body) {
			t.Fatalf("accepted an invalid document %q", body)
		}
		if len(items) == 0 && !info.Last {
			t.Fatal("an empty page must end the iteration")
		}
	})
}
