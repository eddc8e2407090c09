package metadata

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// fakeFiles is a FileStore: uid -> assigned for the files that exist.
type fakeFiles struct {
	mu       sync.Mutex
	files    map[string]bool
	assigned []string
}

func (f *fakeFiles) FileResource(uid string) (exists, assigned bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.files[uid]
	return ok, a
}

func (f *fakeFiles) AssignDocument(uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.files[uid]; ok {
		f.files[uid] = true
		f.assigned = append(f.assigned, uid)
	}
}

// TestDocumentValidation follows DocumentObjectBundleHook: internal
// documents need an unassigned file resource (E4015, E4016), external ones
// an http(s) URL (E4004), every document a url (E4000); committed internal
// documents get their file resource assigned.
func TestDocumentValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		version      string
		doc          string
		params       []string
		wantCode     string
		wantMessage  string
		wantAssigned []string
	}{
		{name: "internal document with a free file", version: "2.41", doc: `{"id":"DocIntern01","name":"Plan","url":"FileFree001"}`, wantAssigned: []string{"FileFree001"}},
		{name: "missing file resource", version: "2.41", doc: `{"id":"DocIntern01","name":"Plan","url":"FileNone001","external":false}`,
			wantCode: "E4015", wantMessage: "Property `url` refers to an object that does not exist, could not find `FileNone001`"},
		{name: "assigned file resource", version: "2.30", doc: `{"id":"DocIntern01","name":"Plan","url":"FileUsed001"}`,
			wantCode: "E4016", wantMessage: "Object referenced by the `url` property is already associated with another object, value: `FileUsed001`"},
		{name: "bad external url", version: "2.38", doc: `{"id":"DocExtern01","name":"WHO","url":"www.who.int","external":true}`,
			wantCode: "E4004", wantMessage: "Property `url` requires a valid URL, was given `www.who.int`."},
		{name: "bad external url 2.39+", version: "2.42", doc: `{"id":"DocExtern01","name":"WHO","url":"ftp://who.int/x","external":true}`,
			wantCode: "E4004", wantMessage: "Property `url` requires a valid URL, was given `ftp://who.int/x`"},
		{name: "external url", version: "2.40", doc: `{"id":"DocExtern01","name":"WHO","url":"https://www.who.int/report?y=2024","external":true}`},
		{name: "validate mode assigns nothing", version: "2.41", doc: `{"id":"DocIntern01","name":"Plan","url":"FileFree001"}`, params: []string{"importMode", "VALIDATE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := &fakeFiles{files: map[string]bool{"FileFree001": false, "FileUsed001": true}}
			s, err := New(Options{Profile: profile.MustFor(tc.version), Clock: fixedClock(), Files: files})
			if err != nil {
				t.Fatal(err)
			}
			rep := importJSON(t, s, []byte(`{"documents":[`+tc.doc+`]}`), tc.params...)
			errs := errorSummary(rep)
			if tc.wantCode == "" {
				if errs != "" || rep.Status != StatusOK {
					t.Fatalf("status %s, errors:\n%s", rep.Status, errs)
				}
			} else if !strings.Contains(errs, tc.wantCode+" "+documentKlass) || !strings.Contains(errs, tc.wantMessage) || rep.Stats.Ignored != 1 {
				t.Fatalf("errors:\n%s\nwant %s %q, 1 ignored (stats %+v)", errs, tc.wantCode, tc.wantMessage, rep.Stats)
			}
			if !slices.Equal(files.assigned, tc.wantAssigned) {
				t.Errorf("assigned = %v, want %v", files.assigned, tc.wantAssigned)
			}
		})
	}
}

// TestDocumentReimport: DHIS2 also checks the file resource on update, so
// an internal document cannot be imported again once its file resource is
// assigned (E4016), while an external one can.
func TestDocumentReimport(t *testing.T) {
	t.Parallel()
	files := &fakeFiles{files: map[string]bool{"FileFree001": false}}
	s, err := New(Options{Profile: profile.MustFor("2.41"), Clock: fixedClock(), Files: files})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"documents":[{"id":"DocIntern01","name":"Plan","url":"FileFree001"},{"id":"DocExtern01","name":"WHO","url":"https://www.who.int","external":true}]}`)
	if rep := importJSON(t, s, body); rep.Status != StatusOK || rep.Stats.Created != 2 {
		t.Fatalf("first import: %s %+v\n%s", rep.Status, rep.Stats, errorSummary(rep))
	}
	rep := importJSON(t, s, body, "atomicMode", "NONE")
	if errs := errorSummary(rep); rep.Stats.Updated != 1 || rep.Stats.Ignored != 1 || !strings.Contains(errs, "E4016 "+documentKlass+"[DocIntern01]") {
		t.Fatalf("second import: %+v\n%s", rep.Stats, errs)
	}
}
