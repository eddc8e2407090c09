package datavalue

import (
	"slices"
	"sync"
	"testing"
)

// fileCatalog adds file resources to the test catalog: exists[uid] says
// whether the file resource exists; assigned records AssignFileResource.
type fileCatalog struct {
	*fakeCatalog
	mu       sync.Mutex
	exists   map[string]bool
	assigned []string
}

func (c *fileCatalog) FileResourceExists(uid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exists[uid]
}

func (c *fileCatalog) AssignFileResource(uid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exists[uid] {
		c.assigned = append(c.assigned, uid)
	}
}

func fileBody(values ...string) string {
	body := `{"dataValues":[`
	for i, v := range values {
		if i > 0 {
			body += ","
		}
		body += v
	}
	return body + "]}"
}

// TestImportFileResources follows DefaultDataValueSetService's handling of
// FILE_RESOURCE and IMAGE values: a created (or revived) value whose file
// resource is missing fails the whole import with "The import process
// failed: …" (a NullPointerException in DHIS2), values before it stay, and
// the file resources of stored values are marked assigned.
func TestImportFileResources(t *testing.T) {
	t.Parallel()
	const frA, frB, frGone = "FileResA001", "FileResB001", "FileGone001"
	fileA := dv(deFile, "202401", ouA, frA)
	tests := []struct {
		name         string
		setup        []string
		gone         []string // file resources deleted after the setup
		opts         func(*Options)
		body         string
		want         counts
		failed       string // expected description of a failed import
		live         int
		wantAssigned []string
	}{
		{name: "create assigns the file resource", body: fileBody(fileA), want: counts{1, 0, 0, 0}, live: 1, wantAssigned: []string{frA}},
		{name: "missing file resource fails the import; values before it stay",
			body:   fileBody(dv(deA, "202401", ouA, "7"), fileA, dv(deFile, "202402", ouA, frGone), dv(deB, "202401", ouA, "8")),
			failed: "The import process failed: null", live: 2, wantAssigned: []string{frA}},
		{name: "Java 17 wording (2.41+)", opts: func(o *Options) { o.HelpfulNPE = true }, body: fileBody(dv(deFile, "202402", ouA, frGone)),
			failed: "The import process failed: " + `Cannot invoke "org.hisp.dhis.fileresource.FileResource.setAssigned(boolean)" because "fr" is null`},
		{name: "a file value with a comment only has no file resource", body: fileBody(dv(deFile, "202401", ouA, "-", `"comment":"later"`)),
			failed: "The import process failed: null"},
		{name: "dry run does not look at file resources", opts: func(o *Options) { o.DryRun = true }, body: fileBody(dv(deFile, "202402", ouA, frGone)),
			want: counts{1, 0, 0, 0}},
		{name: "reviving a deleted value needs its file resource", setup: []string{fileBody(dv(deFile, "202401", ouA, frB)), fileBody(dv(deFile, "202401", ouA, frB, `"deleted":true`))},
			gone: []string{frB}, body: fileBody(dv(deFile, "202401", ouA, frB)), failed: "The import process failed: null", wantAssigned: []string{frB}},
		{name: "2.38+ update does not check the new file resource and assigns the old one", setup: []string{fileBody(fileA)},
			body: fileBody(dv(deFile, "202401", ouA, frGone)), want: counts{0, 1, 0, 0}, live: 1, wantAssigned: []string{frA, frA}},
		{name: "2.30-2.37 update needs the new file resource", setup: []string{fileBody(fileA)}, opts: func(o *Options) { o.LegacyFileUpdate = true },
			body: fileBody(dv(deFile, "202401", ouA, frGone)), failed: "The import process failed: null", live: 1, wantAssigned: []string{frA}},
		{name: "2.30-2.37 update assigns the new file resource", setup: []string{fileBody(fileA)}, opts: func(o *Options) { o.LegacyFileUpdate = true },
			body: fileBody(dv(deFile, "202401", ouA, frB)), want: counts{0, 1, 0, 0}, live: 1, wantAssigned: []string{frA, frB}},
		{name: "2.30-2.37 unchanged value skips the file resource", setup: []string{fileBody(fileA)}, gone: []string{frA}, opts: func(o *Options) { o.LegacyFileUpdate = true },
			body: fileBody(fileA), want: counts{0, 1, 0, 0}, live: 1, wantAssigned: []string{frA}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			cat := &fileCatalog{fakeCatalog: newCatalog(), exists: map[string]bool{frA: true, frB: true}}
			for _, body := range tc.setup {
				if sum := importJSON(t, s, cat, opts(), body); sum.Status != StatusSuccess {
					t.Fatalf("setup: %+v", sum)
				}
			}
			for _, uid := range tc.gone {
				delete(cat.exists, uid)
			}
			o := opts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			sum := importJSON(t, s, cat, o, tc.body)
			if tc.failed != "" {
				if !sum.Failed || sum.Status != StatusError || sum.Description != tc.failed || countsOf(sum) != (counts{}) || len(sum.Conflicts) != 0 {
					t.Errorf("summary = %+v, want a failed import %q", sum, tc.failed)
				}
			} else if sum.Failed || sum.Status != StatusSuccess || countsOf(sum) != tc.want {
				t.Errorf("summary = %+v, want SUCCESS with %+v", sum, tc.want)
			}
			if _, live := s.Len(); live != tc.live {
				t.Errorf("live values = %d, want %d", live, tc.live)
			}
			if !slices.Equal(cat.assigned, tc.wantAssigned) {
				t.Errorf("assigned = %v, want %v", cat.assigned, tc.wantAssigned)
			}
		})
	}
}

// TestImportFileValuesWithoutFileCatalog: a catalog that knows no file
// resources leaves file values unchecked.
func TestImportFileValuesWithoutFileCatalog(t *testing.T) {
	t.Parallel()
	sum := importJSON(t, New(), newCatalog(), opts(), fileBody(dv(deFile, "202401", ouA, "FileGone001")))
	if sum.Status != StatusSuccess || sum.Imported != 1 {
		t.Errorf("summary = %+v", sum)
	}
}
