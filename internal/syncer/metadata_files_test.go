package syncer

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// fileRequests returns the requests of an emulator's log that touch file
// resources or document content.
func fileRequests(srv *emulatortest.Server) []emulator.RequestRecord {
	var out []emulator.RequestRecord
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/fileResources") || strings.HasSuffix(r.Path, "/data") {
			out = append(out, r)
		}
	}
	return out
}

// isImport reports whether a logged request is a metadata import, and
// whether it is a VALIDATE one.
func isImport(r emulator.RequestRecord) (imp, validate bool) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.Path, "/metadata") {
		return false, false
	}
	return true, strings.Contains(r.Query, "importMode=VALIDATE")
}

// TestMetadataFilesPerChunk checks that a metadata run copies the files of
// the objects it sends just before the chunk that carries them, and no
// other: a run whose objects refer to no file, or whose documents are
// unchanged, never touches fileResources.
func TestMetadataFilesPerChunk(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	tests := []struct {
		name  string
		types []string
		// maxBytes splits the plan into several chunks when set.
		maxBytes int
		// uploads is the number of files the run copies; probe tells
		// whether an empty VALIDATE import must precede them (no import
		// was answered before the first chunk with files).
		uploads int
		probe   bool
	}{
		{"documents in a later chunk", nil, 64 << 10, 2, false},
		{"documents in the first chunk", []string{"documents"}, 0, 2, true},
		{"no object refers to a file", []string{"dataElements", "indicators"}, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPair(t, emulator.Options{Version: "2.40", Seed: "demo", SeedMetadataOnly: true}, emulator.Options{Version: "2.40"})
			o := p.options()
			o.Types, o.MaxRequestBytes = tc.types, tc.maxBytes
			rep := p.sync(t, o)
			requireVerified(t, rep)
			if rep.Status != StatusSuccess {
				t.Fatalf("status %s (%v)", rep.Status, rep.Failures)
			}
			if got := rep.Stages[0].Counts[partFiles]; got.Created != tc.uploads || got.Failed != 0 {
				t.Errorf("metadata stage file counts %+v, want %d created", got, tc.uploads)
			}
			if len(rep.Stages) != 1 {
				t.Errorf("a metadata-only run has %d stages, want 1", len(rep.Stages))
			}
			uploads, probes, imports, firstUpload := 0, 0, 0, -1
			for i, r := range p.dst.Requests() {
				if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/fileResources") {
					uploads++
					if firstUpload < 0 {
						firstUpload = i
						if imports == 0 {
							t.Errorf("a file was uploaded before any metadata import was answered")
						}
					}
				}
				if imp, validate := isImport(r); imp {
					imports++
					if validate {
						probes++
					}
				}
			}
			if uploads != tc.uploads {
				t.Errorf("%d uploads, want %d", uploads, tc.uploads)
			}
			if want := map[bool]int{true: 1}[tc.probe]; probes != want {
				t.Errorf("%d VALIDATE imports, want %d", probes, want)
			}
			if tc.uploads == 0 {
				if rs := append(fileRequests(p.src), fileRequests(p.dst)...); len(rs) > 0 {
					t.Errorf("a run without files touched them: %s %s …", rs[0].Method, rs[0].Path)
				}
			}
			if tc.maxBytes > 0 && len(rep.Stages[0].Chunks) < 3 {
				t.Fatalf("want several chunks, got %d", len(rep.Stages[0].Chunks))
			}

			// A second run sends no document: it reads no file either.
			p.src.ResetRequests()
			p.dst.ResetRequests()
			p.dst.ResetCounts()
			again := p.sync(t, o)
			requireVerified(t, again)
			if n := p.dst.WriteCounts().Total(); n != 0 {
				t.Errorf("the second run wrote %d times", n)
			}
			if rs := append(fileRequests(p.src), fileRequests(p.dst)...); len(rs) > 0 {
				t.Errorf("the second run touched files: %s %s …", rs[0].Method, rs[0].Path)
			}
		})
	}
}
