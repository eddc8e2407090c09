package system

import (
	"strings"
	"testing"
	"time"
)

func TestFileUploadStorageStatus(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.40")
	fr, err := b.sys.Files.Upload(alice, Upload{Name: "report.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 test")})
	if err != nil {
		t.Fatal(err)
	}
	if fr.Domain != DomainDataValue || fr.ContentLength != 13 || fr.ContentMD5 == "" || !ValidUID(fr.ID) {
		t.Errorf("file resource = %+v", fr)
	}
	if s := b.sys.Files.Status(fr); s != StatusPending {
		t.Errorf("status right after upload = %s", s)
	}
	b.clock.advance(DefaultStoreDelay)
	got, _ := b.sys.Files.Get(fr.ID)
	if s := b.sys.Files.Status(got); s != StatusStored {
		t.Errorf("status after the delay = %s", s)
	}
	m := b.sys.Files.Render(got)
	if m["storageStatus"] != StatusStored || m["contentType"] != "application/pdf" || m["name"] != "report.pdf" {
		t.Errorf("render = %v", m)
	}
	if _, ok := m["assigned"]; ok {
		t.Error("2.40 renders no assigned field")
	}
	_, content, _ := b.sys.Files.Content(fr.ID)
	if string(content) != "%PDF-1.4 test" {
		t.Errorf("content = %q", content)
	}
}

func TestFileUploadRules(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n....")
	tests := []struct {
		name    string
		version string
		up      Upload
		kind    Kind
		msg     string
		check   func(t *testing.T, fr *FileResource)
	}{
		{name: "uid ignored before 2.39", version: "2.38", up: Upload{Name: "a.txt", Content: []byte("a"), UID: "Abcdefghij1"},
			check: func(t *testing.T, fr *FileResource) {
				if fr.ID == "Abcdefghij1" {
					t.Error("uid honoured on 2.38")
				}
			}},
		{name: "uid kept from 2.39", version: "2.39", up: Upload{Name: "a.txt", Content: []byte("a"), UID: "Abcdefghij1"},
			check: func(t *testing.T, fr *FileResource) {
				if fr.ID != "Abcdefghij1" {
					t.Errorf("id = %s", fr.ID)
				}
			}},
		{name: "invalid uid", version: "2.39", up: Upload{Name: "a.txt", Content: []byte("a"), UID: "1bad"}, kind: KindConflict},
		{name: "empty file", version: "2.41", up: Upload{Name: "a.txt"}, kind: KindConflict, msg: "Could not read file or file is empty."},
		{name: "blocked extension", version: "2.38", up: Upload{Name: "x.js", ContentType: "application/octet-stream", Content: []byte("1")}, kind: KindConflict, msg: "File type not allowed"},
		{name: "blocked type", version: "2.38", up: Upload{Name: "x.txt", ContentType: "text/html; charset=utf-8", Content: []byte("1")}, kind: KindConflict, msg: "File type not allowed"},
		{name: "no blocklist on 2.31", version: "2.31", up: Upload{Name: "x.html", ContentType: "text/html", Content: []byte("1")}},
		{name: "domain unknown to version", version: "2.37", up: Upload{Name: "x.png", Content: png, Domain: DomainOrgUnit}, kind: KindBadRequest},
		{name: "org unit image", version: "2.38", up: Upload{Name: "x.png", ContentType: "image/png", Content: png, Domain: DomainOrgUnit}},
		{name: "icon must be png", version: "2.40", up: Upload{Name: "x.svg", ContentType: "image/svg+xml", Content: []byte("<svg/>"), Domain: DomainIcon}, kind: KindConflict, msg: "Wrong file extension, valid extensions are: png"},
		{name: "too large on 2.40", version: "2.40", up: Upload{Name: "big.dat", Content: make([]byte, DefaultMaxUploadSize+1)}, kind: KindConflict,
			msg: "File size can't be bigger than 10000000, current file size 10000001"},
		{name: "no size check on 2.39", version: "2.39", up: Upload{Name: "big.dat", Content: make([]byte, DefaultMaxUploadSize+1)}},
		{name: "defaults", version: "2.42", up: Upload{Content: []byte("x"), ContentType: "not a type"},
			check: func(t *testing.T, fr *FileResource) {
				if fr.Name != "untitled" || fr.ContentType != "application/octet-stream" {
					t.Errorf("name %q type %q", fr.Name, fr.ContentType)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fr, err := setup(t, tt.version).sys.Files.Upload(alice, tt.up)
			if tt.kind != 0 {
				mustKind(t, err, tt.kind, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, fr)
			}
		})
	}
}

func TestFileUIDConflict(t *testing.T) {
	t.Parallel()
	f := setup(t, "2.40").sys.Files
	if _, err := f.Upload(alice, Upload{Name: "a.txt", Content: []byte("a"), UID: "Abcdefghij1"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.Upload(alice, Upload{Name: "a.txt", Content: []byte("a"), UID: "Abcdefghij1"})
	mustKind(t, err, KindConflict, "FileResource already exists: `Abcdefghij1`")
	if err.(*Error).Code != "E1119" {
		t.Errorf("code = %s", err.(*Error).Code)
	}
}

func TestFilePurge(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.41")
	f := b.sys.Files
	keep, _ := f.Upload(alice, Upload{Name: "kept.txt", Content: []byte("k")})
	gone, _ := f.Upload(alice, Upload{Name: "gone.txt", Content: []byte("g")})
	claimed, _ := f.Upload(alice, Upload{Name: "claimed.txt", Content: []byte("c")})
	f.SetAssigned(keep.ID, true)
	b.clock.advance(UnassignedTTL - time.Minute)
	if n := f.Purge(nil); n != 0 {
		t.Fatalf("purged %d before two hours", n)
	}
	b.clock.advance(2 * time.Minute)
	if n := f.Purge(func(uid string) bool { return uid == claimed.ID }); n != 1 {
		t.Fatalf("purged %d, want 1", n)
	}
	if _, err := f.Get(gone.ID); err == nil {
		t.Error("unassigned file survived")
	}
	got, err := f.Get(keep.ID)
	if err != nil || f.Render(got)["assigned"] != true {
		t.Errorf("assigned file: %v %v", got, err)
	}
	_, err = f.Get("Nope0000000")
	mustKind(t, err, KindNotFound, "FileResource with id Nope0000000 could not be found.")
}

func TestFileRenderShapes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version          string
		sharing, legacy  bool
		assigned         bool
		domainsContainOU bool
	}{{"2.35", false, true, false, false}, {"2.38", true, true, false, true}, {"2.41", true, false, true, true}} {
		f := setup(t, tt.version).sys.Files
		fr, _ := f.Upload(admin, Upload{Name: "a.txt", Content: []byte("a")})
		m := f.Render(fr)
		_, sh := m["sharing"]
		_, legacy := m["userGroupAccesses"]
		_, assigned := m["assigned"]
		if sh != tt.sharing || legacy != tt.legacy || assigned != tt.assigned {
			t.Errorf("%s: sharing %v legacy %v assigned %v", tt.version, sh, legacy, assigned)
		}
		if got := strings.Contains(strings.Join(f.Domains(), ","), DomainOrgUnit); got != tt.domainsContainOU {
			t.Errorf("%s: domains %v", tt.version, f.Domains())
		}
	}
}

// TestAssignDocument: a file resource becomes a document's file (assigned,
// domain DOCUMENT); a missing one is reported.
func TestAssignDocument(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.41")
	fr, err := b.sys.Files.Upload(alice, Upload{Name: "plan.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 plan")})
	if err != nil {
		t.Fatal(err)
	}
	if !b.sys.Files.AssignDocument(fr.ID) || b.sys.Files.AssignDocument("Nope0000001") {
		t.Fatal("AssignDocument: wrong result")
	}
	got, _ := b.sys.Files.Get(fr.ID)
	if !got.Assigned || got.Domain != DomainDocument {
		t.Errorf("after AssignDocument: %+v", got)
	}
}

// TestPurgeReferencedMayReadFiles: Purge calls referenced without holding
// the file store's lock, so the lookup may read other stores whose writers
// call into Files (the metadata and data imports assign file resources).
func TestPurgeReferencedMayReadFiles(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.41")
	keep, _ := b.sys.Files.Upload(alice, Upload{Name: "keep.pdf", Content: []byte("k")})
	drop, _ := b.sys.Files.Upload(alice, Upload{Name: "drop.pdf", Content: []byte("d")})
	b.clock.advance(UnassignedTTL + time.Minute)
	done := make(chan int, 1)
	go func() {
		done <- b.sys.Files.Purge(func(uid string) bool {
			b.sys.Files.SetAssigned(keep.ID, true) // a writer reached through the lookup
			return false
		})
	}()
	select {
	case n := <-done:
		if n != 1 {
			t.Errorf("purged %d, want 1", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Purge deadlocked: it calls referenced with the store's lock held")
	}
	if _, err := b.sys.Files.Get(drop.ID); err == nil {
		t.Error("the expired unassigned file was kept")
	}
	if _, err := b.sys.Files.Get(keep.ID); err != nil {
		t.Error("a file assigned meanwhile was purged")
	}
}
