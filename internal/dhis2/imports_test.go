package dhis2

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestAsyncMetadataImport(t *testing.T) {
	t.Parallel()
	fx := preload(t, iea+"metadataImportUpload.json", iea+"metadataImportTasks.json")
	var polls atomic.Int64
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/metadata" && r.URL.Query().Get("async") == "true":
			writeJSON(w, 200, fx[iea+"metadataImportUpload.json"])
		case r.URL.Path == "/api/system/tasks/METADATA_IMPORT/LsJVYK4DwaO":
			if polls.Add(1) < 3 {
				writeJSON(w, 200, `[{"uid":"erOPdChwNNC","level":"INFO","category":"METADATA_IMPORT","time":"2020-02-19T13:32:34.473","message":"(admin) Import:Start","completed":false}]`)
				return
			}
			writeJSON(w, 200, fx[iea+"metadataImportTasks.json"])
		case r.URL.Path == "/api/system/taskSummaries/METADATA_IMPORT/LsJVYK4DwaO":
			writeJSON(w, 200, `{"status":"OK","stats":{"created":2,"updated":1,"deleted":0,"ignored":0,"total":3},
				"typeReports":[{"klass":"org.hisp.dhis.dataelement.DataElement","stats":{"created":2,"updated":1,"deleted":0,"ignored":0,"total":3},"objectReports":[]}]}`)
		default:
			writeJSON(w, 404, `{"httpStatusCode":404,"message":"not found"}`)
		}
	}, nil)
	res, err := b.client.ImportMetadata(context.Background(), JSONBody(map[string]any{"dataElements": []any{}}), map[string][]string{"async": {"true"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Async || res.JobID != "LsJVYK4DwaO" || res.Status != StatusOK || res.Stats != st(2, 1, 0, 0, 3) || res.TypeStats["DataElement"] != st(2, 1, 0, 0, 3) {
		t.Errorf("result = %+v", res)
	}
	if polls.Load() != 3 {
		t.Errorf("polls = %d, want 3", polls.Load())
	}
	// Poll interval backs off by half: 1 s, 1.5 s.
	if s := b.clock.Sleeps(); len(s) != 2 || s[0] != time.Second || s[1] != 1500*time.Millisecond {
		t.Errorf("poll waits = %v", s)
	}
}

func TestAsyncTrackerImport(t *testing.T) {
	t.Parallel()
	fx := preload(t, trkFile("job_response.json"), trkFile("job_response_completed.json"), sdk+"tracker/importer/jobreport-error.json")
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/tracker":
			if r.URL.Query().Get("async") != "true" {
				writeJSON(w, 400, `{}`)
				return
			}
			writeJSON(w, 200, fx[trkFile("job_response.json")])
		case r.URL.Path == "/api/tracker/jobs/LkXBUdIgbe3":
			writeJSON(w, 200, fx[trkFile("job_response_completed.json")])
		case r.URL.Path == "/api/tracker/jobs/LkXBUdIgbe3/report":
			writeJSON(w, 200, fx[sdk+"tracker/importer/jobreport-error.json"])
		default:
			writeJSON(w, 404, `{}`)
		}
	}, nil)
	res, err := b.client.ImportTracker(context.Background(), JSONBody(map[string]any{"events": []any{}}), map[string][]string{"async": {"true"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Async || res.JobID != "LkXBUdIgbe3" || res.Status != StatusError || len(res.Errors) != 1 || res.Errors[0].Code != "E1033" {
		t.Errorf("result = %+v", res)
	}
}

func TestTrackerImportIsSynchronousByDefault(t *testing.T) {
	t.Parallel()
	fx := preload(t, trkFile("tei-with-enrollment-error-new.json"))
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("async") != "false" || r.URL.Query().Get("importStrategy") != "CREATE_AND_UPDATE" {
			writeJSON(w, 400, `{"message":"unexpected params"}`)
			return
		}
		writeJSON(w, 409, fx[trkFile("tei-with-enrollment-error-new.json")])
	}, nil)
	res, err := b.client.ImportTracker(context.Background(), JSONBody(map[string]any{}), map[string][]string{"importStrategy": {"CREATE_AND_UPDATE"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusError || res.HTTPStatus != 409 || res.Errors[0].Code != "E1041" || res.Stats.Ignored != 2 {
		t.Errorf("result = %+v", res)
	}
}

func TestAsyncPollingFailureLeavesOutcomeUnknown(t *testing.T) {
	t.Parallel()
	fx := preload(t, iea+"dataImportUpload.json")
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			writeJSON(w, 200, fx[iea+"dataImportUpload.json"])
			return
		}
		writeJSON(w, 401, `{"httpStatusCode":401,"message":"Unauthorized"}`)
	}, nil)
	_, err := b.client.ImportDataValues(context.Background(), JSONBody(map[string]any{}), map[string][]string{"async": {"true"}})
	if !errors.Is(err, ErrUnknownOutcome) || !errors.Is(err, KindUnauthorized) || !strings.Contains(err.Error(), "VSvRqiTbZFw") {
		t.Fatalf("err = %v, want an unknown outcome naming the job", err)
	}
}

func TestAsyncJobFailedWithoutReport(t *testing.T) {
	t.Parallel()
	fx := preload(t, iea+"eventImportUpload.json")
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			writeJSON(w, 200, fx[iea+"eventImportUpload.json"])
		case strings.HasPrefix(r.URL.Path, "/api/system/tasks/EVENT_IMPORT/"):
			writeJSON(w, 200, `[{"level":"ERROR","message":"Process failed: out of memory","completed":true}]`)
		default:
			writeJSON(w, 404, `{"httpStatusCode":404,"message":"not found"}`)
		}
	}, nil)
	res, err := b.client.ImportOldTracker(context.Background(), ImportKindEvents, JSONBody(map[string]any{}), map[string][]string{"async": {"true"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusError || !strings.Contains(res.Message, "out of memory") {
		t.Errorf("result = %+v", res)
	}
	if _, err := b.client.ImportOldTracker(context.Background(), ImportKindMetadata, JSONBody(nil), nil); !errors.Is(err, KindConfig) {
		t.Errorf("metadata is not an old tracker endpoint: %v", err)
	}
}

func TestGzipRequestBody(t *testing.T) {
	t.Parallel()
	fx := preload(t, sdk+"datavalueset/data_value_set_success.json")
	var got atomic.Value
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if len(raw) < 2 || raw[0] != 0x1f || raw[1] != 0x8b || r.Header.Get("Content-Encoding") != "" {
			writeJSON(w, 400, `{"message":"expected a sniffable gzip body"}`)
			return
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			writeJSON(w, 400, `{}`)
			return
		}
		plain, _ := io.ReadAll(zr)
		got.Store(string(plain))
		writeJSON(w, 200, fx[sdk+"datavalueset/data_value_set_success.json"])
	}, nil)
	body := JSONBody(map[string]any{"dataValues": []map[string]string{{"dataElement": "f7n9E0hX8qk", "value": "12"}}})
	body.Gzip = true
	body.Idempotent = true
	res, err := b.client.ImportDataValues(context.Background(), body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Updated != 3 || got.Load() != `{"dataValues":[{"dataElement":"f7n9E0hX8qk","value":"12"}]}` {
		t.Errorf("stats %+v body %v", res.Stats, got.Load())
	}
}

func TestImportResponseCutIsUnknownOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hijackCut(w, `{"httpStatus":"OK","httpStatusCode":200,"status":"OK","response":{"responseType":"ImportSummary","status":"SUC`)
	}, nil)
	_, err := b.client.ImportDataValues(context.Background(), BytesBody([]byte(`{"dataValues":[]}`), ""), nil)
	if !errors.Is(err, ErrUnknownOutcome) || !errors.Is(err, KindTruncated) {
		t.Fatalf("err = %v, want a truncated answer with unknown outcome", err)
	}
	if b.hits.Load() != 1 {
		t.Errorf("hits = %d: a non-idempotent write must not be re-sent", b.hits.Load())
	}
}

func TestOneShotBodyIsNotResent(t *testing.T) {
	t.Parallel()
	fx := preload(t, sdk+"datavalueset/data_value_set_success.json")
	var n atomic.Int64
	b := setup(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			writeJSON(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, fx[sdk+"datavalueset/data_value_set_success.json"])
	}, nil)
	body := ReaderBody(strings.NewReader(`{"dataValues":[]}`), "")
	body.Idempotent = true
	_, err := b.client.ImportDataValues(context.Background(), body, nil)
	if !errors.Is(err, KindUnavailable) || b.hits.Load() != 1 {
		t.Fatalf("err %v hits %d: a consumed stream cannot be re-sent", err, b.hits.Load())
	}
	// A replayable idempotent body is retried.
	n.Store(0)
	body = BytesBody([]byte(`{"dataValues":[]}`), "")
	body.Idempotent = true
	if _, err := b.client.ImportDataValues(context.Background(), body, nil); err != nil {
		t.Fatal(err)
	}
}

func TestMeAndAuthorities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		me       string
		auth     string
		username string
		metadata bool
	}{
		{"2.38+ user fields", `{"id":"u1","username":"admin","name":"Admin","authorities":["F_METADATA_IMPORT"]}`, "", "admin", true},
		{"userCredentials roles", `{"id":"u1","name":"Admin","userCredentials":{"username":"old","userRoles":[{"authorities":["F_DATAVALUE_ADD"]},{"authorities":["ALL"]}]}}`, "", "old", true},
		{"authorization endpoint fallback", `{"id":"u1","userCredentials":{"username":"x"}}`, `["F_DATAVALUE_ADD"]`, "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/api/me":
					writeJSON(w, 200, tt.me)
				case "/api/me/authorization":
					writeJSON(w, 200, tt.auth)
				}
			}, nil)
			me, err := b.client.Me(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if me.Username != tt.username || me.CanImportMetadata() != tt.metadata || me.ID != "u1" {
				t.Errorf("me = %+v", me)
			}
		})
	}
}

// preload reads fixtures in the test goroutine (handlers must not call
// t.Skip) and returns them by path.
func preload(t *testing.T, rels ...string) map[string]string {
	t.Helper()
	m := make(map[string]string, len(rels))
	for _, r := range rels {
		m[r] = string(readFixture(t, r))
	}
	return m
}
