package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// fileConcurrency bounds parallel file copies.
const fileConcurrency = 4

// fileRef is a file resource a metadata object refers to.
type fileRef struct {
	UID       string // source file resource UID
	Domain    string
	OwnerType string // plural type of the referring object
	OwnerID   string
	OwnerName string
	Hint      string // the destination object's current reference, if any
}

// spec is the copy request of a referenced file: documents are read
// through documents/{id}/data, which every version serves.
func (r fileRef) spec() fileSpec {
	sp := fileSpec{UID: r.UID, Domain: r.Domain, Hint: r.Hint}
	if r.OwnerType == "documents" {
		sp.DataPath = "documents/" + url.PathEscape(r.OwnerID) + "/data"
	}
	return sp
}

// ownerRef is what listOwners reads: an object and its file reference.
type ownerRef struct {
	ID, Name, File string
	External       bool
}

// listOwners reads id, name and one file reference of every object of a
// type. field is "url" (documents), "image" (org units) or "avatar"
// (users); object references are {"id": …}.
func listOwners(ctx context.Context, c *dhis2.Client, plural, field string) ([]ownerRef, error) {
	fields := "id,name,displayName," + field
	switch field {
	case "url":
		fields += ",external"
	default:
		fields = "id,name,displayName," + field + "[id]"
	}
	var out []ownerRef
	q := url.Values{"fields": {fields}, "paging": {"false"}}
	for raw, err := range c.List(ctx, plural, q, dhis2.ListOptions{Key: plural}) {
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", plural, err)
		}
		var o map[string]any
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("read %s: %w", plural, err)
		}
		r := ownerRef{ID: uidOf(o), Name: nameOf(o)}
		switch v := o[field].(type) {
		case string:
			r.File = v
		case map[string]any:
			r.File = uidOf(v)
		}
		r.External, _ = o["external"].(bool)
		out = append(out, r)
	}
	return out, nil
}

// fileSource describes one kind of metadata file reference.
type fileSource struct {
	plural, field, domain string
	since                 int // first DHIS2 minor version with the reference
	what                  string
}

var fileSources = []fileSource{
	{"documents", "url", "DOCUMENT", 30, "uploaded documents"},
	{"organisationUnits", "image", "ORG_UNIT", 38, "org unit images"},
	{"users", "avatar", "USER_AVATAR", 34, "user avatars"},
}

// collectFileRefs lists the file resources the source's metadata refers
// to, with the destination objects' current references as hints. Kinds
// the destination cannot hold are reported as not replicable.
func (s *sysRun) collectFileRefs(ctx context.Context) ([]fileRef, error) {
	var refs []fileRef
	for _, fs := range fileSources {
		if !s.r.Source.Version().AtLeast(fs.since) {
			continue
		}
		if fs.plural == "users" && s.r.Opts.Users == UsersSkip {
			continue
		}
		src, err := listOwners(ctx, s.r.Source.Client, fs.plural, fs.field)
		if err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		s.request(1)
		var these []fileRef
		for _, o := range src {
			if o.File == "" || (fs.field == "url" && o.External) {
				continue
			}
			these = append(these, fileRef{UID: o.File, Domain: fs.domain, OwnerType: fs.plural, OwnerID: o.ID, OwnerName: o.Name})
		}
		if len(these) == 0 {
			continue
		}
		if !s.r.Dest.Version().AtLeast(fs.since) {
			s.noteNotReplicable(fs.what, len(these), fmt.Sprintf("the destination's DHIS2 %s cannot hold them (added in 2.%d)", s.r.Dest.Info.VersionString, fs.since))
			continue
		}
		dst, err := listOwners(ctx, s.r.Dest.Client, fs.plural, fs.field)
		if err != nil {
			return nil, fmt.Errorf("destination: %w", err)
		}
		s.request(1)
		hints := map[string]string{}
		for _, o := range dst {
			hints[o.ID] = o.File
		}
		for i := range these {
			these[i].Hint = hints[s.mapped(ctx, fs.plural, these[i].OwnerID)]
		}
		refs = append(refs, these...)
	}
	return refs, nil
}

// prepareFiles copies the files metadata refers to: before the other
// stages in a run without the metadata scope, after the metadata stage
// otherwise, for the files its chunks did not need (it copied the others,
// see metadata_files.go).
func (s *sysRun) prepareFiles(ctx context.Context) error {
	refs, err := s.collectFileRefs(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.fileRefs = refs
	s.mu.Unlock()
	fc := s.r.fileCopier()
	before := fc.requests()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fileConcurrency)
	for _, ref := range refs {
		if fc.has(ref.UID) {
			continue
		}
		g.Go(func() error {
			c, err := fc.copy(gctx, ref.spec())
			if err != nil {
				if gctx.Err() != nil {
					return err
				}
				s.fail(partFiles, ref.UID, ref.OwnerType+" "+ref.OwnerID+" "+ref.OwnerName, errorCode(err), err.Error())
				return nil
			}
			s.count(partFiles, func(n *Counts) {
				switch {
				case c.Uploaded, c.Planned:
					n.Created++
				default:
					n.Unchanged++
				}
			})
			return nil
		})
	}
	err = g.Wait()
	s.request(fc.requests() - before)
	if n := s.stage.Counts[partFiles]; n.Created > 0 {
		s.log(slog.LevelInfo, "system.files.copied", fmt.Sprintf("%d files referred to by metadata copied (%d already there)", n.Created, n.Unchanged))
	}
	return err
}

// verifyFiles compares, per domain, the files the source's metadata refers
// to with the destination's copies (present, same MD5 or size). Files are
// collected again in a verify-only run.
func (s *sysRun) verifyFiles(ctx context.Context) error {
	if s.r.Opts.DryRun {
		return nil
	}
	s.mu.Lock()
	refs := s.fileRefs
	s.mu.Unlock()
	if s.r.VerifyOnly {
		var err error
		if refs, err = s.collectFileRefs(ctx); err != nil {
			return err
		}
	}
	fc := s.r.fileCopier()
	items := map[string]*VerifyItem{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fileConcurrency)
	for _, ref := range refs {
		g.Go(func() error {
			kind, note, err := s.checkFile(gctx, fc, ref)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			addFileCheck(items, ref, kind, note)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("verification: %w", err)
	}
	var out []VerifyItem
	for _, k := range keysOf(items) {
		out = append(out, *items[k])
	}
	s.verified(out...)
	return nil
}

// checkFile compares one referenced file: "match", "differ" or "missing".
func (s *sysRun) checkFile(ctx context.Context, fc *fileCopier, ref fileRef) (string, string, error) {
	src, err := fc.sourceMeta(ctx, ref.UID)
	if err != nil {
		return "", "", err
	}
	dst, err := fc.destMeta(ctx, s.mapped(ctx, "fileResources", ref.UID))
	if err != nil {
		return "", "", err
	}
	switch {
	case dst == nil:
		return "missing", "", nil
	case !src.sameContent(dst):
		return "differ", fmt.Sprintf("source %d bytes md5 %s, destination %d bytes md5 %s", src.size(), src.ContentMd5, dst.size(), dst.ContentMd5), nil
	}
	return "match", "", nil
}

func addFileCheck(items map[string]*VerifyItem, ref fileRef, kind, note string) {
	typ := partFiles + " (" + ref.Domain + ")"
	it := items[typ]
	if it == nil {
		it = &VerifyItem{Type: typ}
		items[typ] = it
	}
	it.Source++
	name := ref.OwnerType + " " + ref.OwnerID
	if ref.OwnerName != "" {
		name += " " + ref.OwnerName
	}
	switch kind {
	case "match":
		it.Dest++
		it.Match++
	case "differ":
		it.Dest++
		it.Differ++
		it.Details = append(it.Details, VerifyDetail{Kind: kind, UID: ref.UID, Name: name, Note: note})
	default:
		it.Missing++
		it.Details = append(it.Details, VerifyDetail{Kind: kind, UID: ref.UID, Name: name})
	}
	sort.SliceStable(it.Details, func(i, j int) bool { return it.Details[i].UID < it.Details[j].UID })
}
