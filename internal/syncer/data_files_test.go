package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// fakeFiles is a minimal file resource store speaking DHIS2's file
// endpoints: metadata, data value files, multipart upload (uid honoured
// or not), PENDING then STORED.
type fakeFiles struct {
	mu        sync.Mutex
	files     map[string]fakeFile
	keepUID   bool
	pending   int // polls answered PENDING after an upload
	uploads   int
	lastQuery string
}

type fakeFile struct {
	name, contentType, domain string
	content                   []byte
	polls                     int
}

func (f *fakeFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/api/")
	switch {
	case r.Method == "GET" && path == "dataValues/files":
		f.lastQuery = r.URL.RawQuery
		for _, ff := range f.files {
			if ff.domain == "DATA_VALUE" {
				w.Write(ff.content)
				return
			}
		}
		w.WriteHeader(http.StatusConflict)
	case r.Method == "GET" && strings.HasPrefix(path, "fileResources/"):
		id := strings.TrimPrefix(path, "fileResources/")
		ff, ok := f.files[id]
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"httpStatus":"Not Found","httpStatusCode":404,"status":"ERROR","message":"FileResource with id %s could not be found."}`, id)
			return
		}
		status := "STORED"
		if ff.polls < f.pending {
			ff.polls++
			f.files[id] = ff
			status = "PENDING"
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": id, "name": ff.name, "contentType": ff.contentType, "domain": ff.domain, "storageStatus": status})
	case r.Method == "POST" && path == "fileResources":
		file, hdr, err := r.FormFile("file")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		content, _ := io.ReadAll(file)
		id := "NewFileUid" + fmt.Sprint(f.uploads)
		if u := r.URL.Query().Get("uid"); u != "" && f.keepUID {
			id = u
		}
		f.uploads++
		f.files[id] = fakeFile{name: hdr.Filename, contentType: hdr.Header.Get("Content-Type"), domain: r.URL.Query().Get("domain"), content: content}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"httpStatus":"Accepted","httpStatusCode":202,"status":"OK","response":{"responseType":"FileResource","fileResource":{"id":%q,"storageStatus":"PENDING"}}}`, id)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func TestCopyFileResource(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version string
		wantID  string
	}{{"2.40", "FileUidA001"}, {"2.38", "NewFileUid0"}} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			src := &fakeFiles{files: map[string]fakeFile{"FileUidA001": {name: "scan.png", contentType: "image/png", domain: "DATA_VALUE", content: []byte("\x89PNG data")}}}
			dst := &fakeFiles{files: map[string]fakeFile{}, keepUID: dhis2.MustParseVersion(tc.version).AtLeast(39), pending: 2}
			ss, ds := httptest.NewServer(src), httptest.NewServer(dst)
			defer ss.Close()
			defer ds.Close()
			cl := func(u string) *dhis2.Client {
				c, err := dhis2.New(dhis2.Config{BaseURL: u, Username: "a", Password: "b"})
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			state := NewMemoryState()
			r := &Run{Opts: Options{State: state}, PairKey: "pair", Dest: &Instance{Info: &dhis2.SystemInfo{Version: dhis2.MustParseVersion(tc.version)}}}
			d := &dataRun{r: r, src: cl(ss.URL), dst: cl(ds.URL), ids: map[string]string{}}
			v := &dataValue{DE: "DataElem001", PE: "202401", OU: "OrgUnit0001", COC: "HllvX50cXC0", AOC: "HllvX50cXC0", Value: "FileUidA001"}
			if err := d.copyFileResource(context.Background(), v); err != nil {
				t.Fatal(err)
			}
			if v.Value != tc.wantID {
				t.Errorf("value = %s, want %s", v.Value, tc.wantID)
			}
			got := dst.files[tc.wantID]
			if string(got.content) != "\x89PNG data" || got.name != "scan.png" || got.contentType != "image/png" || got.domain != "DATA_VALUE" {
				t.Errorf("uploaded %+v", got)
			}
			if !strings.Contains(src.lastQuery, "de=DataElem001") || !strings.Contains(src.lastQuery, "co=HllvX50cXC0") {
				t.Errorf("content read with %q", src.lastQuery)
			}
			m, _ := state.IDMap(context.Background(), "pair")
			if mapped := m["fileResources"]["FileUidA001"]; (tc.wantID != "FileUidA001") != (mapped == tc.wantID) {
				t.Errorf("stored mapping %v", m)
			}
			// A second value with the same file: no new upload.
			v2 := &dataValue{Value: tc.wantID}
			if err := d.copyFileResource(context.Background(), v2); err != nil || dst.uploads != 1 {
				t.Errorf("second copy: %v, %d uploads", err, dst.uploads)
			}
		})
	}
}
