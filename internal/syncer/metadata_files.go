package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/d2sync/d2sync/internal/transform"
)

// metadataFileFields are the references from metadata objects to file
// resources: an internal document's url (DHIS2 refuses the document when
// the file is missing, E4015), an org unit's image and a user's avatar.
var metadataFileFields = []struct{ typ, field, domain string }{
	{"documents", "url", "DOCUMENT"},
	{"organisationUnits", "image", "ORG_UNIT"},
	{"users", "avatar", "USER_AVATAR"},
}

// chunkFile is one file reference of an object of a chunk.
type chunkFile struct {
	key      objKey
	name     string
	field    string // url, image or avatar
	value    string // the reference as the chunk holds it (mapped to the destination)
	src      string // the source file resource UID
	domain   string
	hint     string // the destination object's current reference, if any
	dataPath string // where the source serves the content (documents)
}

func (f chunkFile) spec() fileSpec {
	return fileSpec{UID: f.src, Domain: f.domain, Hint: f.hint, DataPath: f.dataPath}
}

// mdFiles copies, chunk by chunk, the files the objects of a metadata
// chunk refer to, just before the chunk is sent: only those of objects
// the run creates or updates, only when the destination lacks them. A run
// whose plan refers to no file never touches /api/fileResources. The
// copies are counted in the system scope's files stage when the run has
// the system scope, else in the metadata stage ("fileResources", "icons").
// Custom icons are copied here only when a chunk's object refers to one
// (style.icon); the system scope copies all of them.
type mdFiles struct {
	m  *mdRun
	s  *sysRun
	fc *fileCopier

	srcFile map[string]string // reference in a payload → source file UID (the pair's file mappings reversed)
	srcObj  map[string]string // destination object UID → source object UID
	// learned maps a reference as the plan holds it to the destination file
	// that replaced it in this run (a file uploaded under a new UID);
	// payloads, the expected objects and verification go through it.
	learned map[string]string
	counted map[string]bool // source file UIDs already counted

	iconsRead bool
	srcIcons  map[string]*icon
	dstIcons  map[string]*icon
}

// fileStep returns the metadata stage's file copier, creating it.
func (m *mdRun) fileStep() *mdFiles {
	if m.files != nil {
		return m.files
	}
	s := m.r.systemRun()
	if s.stage == nil {
		// No system scope in the run: the files are dependencies of the
		// metadata objects and are counted with them.
		s.stage = m.stage
	}
	f := &mdFiles{m: m, s: s, fc: m.r.fileCopier(), srcFile: map[string]string{}, srcObj: map[string]string{},
		learned: map[string]string{}, counted: map[string]bool{}}
	for typ, mm := range m.idmap {
		for src, dst := range mm {
			if typ == "fileResources" {
				f.srcFile[dst] = src
			}
			f.srcObj[dst] = src
		}
	}
	m.files = f
	return f
}

// refValue returns the file resource UID an object's field names: the
// url string of a document, the id of an image or avatar reference.
func refValue(o map[string]any, field string) string {
	switch v := o[field].(type) {
	case string:
		return v
	case map[string]any:
		return uidOf(v)
	}
	return ""
}

// refsOf lists the file references of a chunk's objects.
func (f *mdFiles) refsOf(c *chunk) []chunkFile {
	var out []chunkFile
	for _, ff := range metadataFileFields {
		dest := byUID(f.m.dest[ff.typ])
		for _, o := range c.Payload[ff.typ] {
			val := refValue(o, ff.field)
			if val == "" {
				continue
			}
			if ext, _ := o["external"].(bool); ext && ff.field == "url" {
				continue
			}
			id := uidOf(o)
			ref := chunkFile{key: objKey{ff.typ, id}, name: nameOf(o), field: ff.field, value: val, src: val, domain: ff.domain}
			if s, ok := f.srcFile[val]; ok {
				ref.src = s
			}
			if d := dest[id]; d != nil {
				ref.hint = refValue(d, ff.field)
			}
			if ff.typ == "documents" {
				srcID := id
				if s, ok := f.srcObj[id]; ok {
					srcID = s
				}
				ref.dataPath = "documents/" + url.PathEscape(srcID) + "/data"
			}
			out = append(out, ref)
		}
	}
	return out
}

// iconKeysOf returns the icon keys (style.icon) the chunk's objects use.
func iconKeysOf(c *chunk) []string {
	set := map[string]bool{}
	for _, objs := range c.Payload {
		for _, o := range objs {
			if st, ok := o["style"].(map[string]any); ok {
				if k, _ := st["icon"].(string); k != "" {
					set[k] = true
				}
			}
		}
	}
	return keysOf(set)
}

// prepareChunk copies the files and custom icons c refers to and points
// c's objects at the destination's copies. gate, when not nil, is called
// once before anything is copied: it makes sure the destination accepts
// metadata imports, so that a run refused from its first import leaves
// nothing behind. It returns an error only when the run must stop.
func (f *mdFiles) prepareChunk(ctx context.Context, c *chunk, gate func(context.Context) error) error {
	refs := f.refsOf(c)
	var keys []string
	if f.m.r.Source.Version().AtLeast(customIconsSince) {
		keys = iconKeysOf(c)
	}
	if len(refs) == 0 && len(keys) == 0 {
		return nil
	}
	if gate != nil {
		if err := gate(ctx); err != nil {
			return err
		}
	}
	before := f.fc.requests()
	defer func() { f.s.request(f.fc.requests() - before) }()
	if err := f.copyRefs(ctx, c, refs); err != nil {
		return err
	}
	return f.copyIcons(ctx, keys)
}

// copyRefs copies the distinct files of refs (a few at a time) and
// rewrites the references whose destination copy has another UID.
func (f *mdFiles) copyRefs(ctx context.Context, c *chunk, refs []chunkFile) error {
	bySrc := map[string][]chunkFile{}
	for _, r := range refs {
		bySrc[r.src] = append(bySrc[r.src], r)
	}
	srcs := keysOf(bySrc)
	results := make([]fileCopy, len(srcs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fileConcurrency)
	for i, src := range srcs {
		g.Go(func() error {
			cp, err := f.copyOne(gctx, bySrc[src])
			if err != nil {
				return err
			}
			results[i] = cp
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, src := range srcs {
		dst := results[i].DstUID
		for _, r := range bySrc[src] {
			if dst != "" && dst != r.value {
				f.point(c, r, dst)
			}
		}
	}
	return nil
}

// copyOne copies the file the refs (same source file) name, counting it
// once per run. A failed copy is recorded; the objects are still sent and
// the destination's answer says what it makes of them.
func (f *mdFiles) copyOne(ctx context.Context, refs []chunkFile) (fileCopy, error) {
	r := refs[0]
	cp, err := f.fc.copy(ctx, r.spec())
	if err != nil {
		if ctx.Err() != nil {
			return cp, ctx.Err()
		}
		f.s.fail(partFiles, r.src, r.key.Type+" "+r.key.UID+" "+r.name, errorCode(err), err.Error())
		return fileCopy{}, nil
	}
	f.s.mu.Lock()
	first := !f.counted[r.src]
	f.counted[r.src] = true
	f.s.mu.Unlock()
	if first {
		f.s.count(partFiles, func(n *Counts) {
			if cp.Uploaded || cp.Planned {
				n.Created++
			} else {
				n.Unchanged++
			}
		})
	}
	return cp, nil
}

// point makes the chunk's object refer to the destination file dst (a
// copy; the planned objects stay as they are) and remembers the change
// for the expected objects.
func (f *mdFiles) point(c *chunk, r chunkFile, dst string) {
	for _, o := range c.Payload[r.key.Type] {
		if uidOf(o) != r.key.UID {
			continue
		}
		cl := transform.Clone(o)
		if r.field == "url" {
			cl[r.field] = dst
		} else {
			cl[r.field] = map[string]any{"id": dst}
		}
		replaceObject(c, r.key, cl)
		break
	}
	f.s.mu.Lock()
	f.learned[r.value] = dst
	f.s.mu.Unlock()
}

// copyIcons copies the source's custom icons that the keys name (an icon
// key that is no custom icon is one of DHIS2's built-in icons).
func (f *mdFiles) copyIcons(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if !f.iconsRead {
		src, dst, ok, err := f.s.readIcons(ctx)
		if err != nil {
			f.s.fail(partIcons, "", "", errorCode(err), fmt.Sprintf("read the custom icons: %v", err))
			return ctx.Err()
		}
		f.iconsRead = true
		if ok {
			f.srcIcons, f.dstIcons = src, dst
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		ic := f.srcIcons[k]
		if ic == nil || !f.s.claimIcon(k) {
			continue
		}
		if err := f.s.syncIcon(ctx, f.fc, ic, f.dstIcons[k]); err != nil {
			return err
		}
	}
	return nil
}

// applyLearned points the expected objects (and the baseline they came
// from) at the files this run uploaded under new UIDs, so that
// verification compares the document with its destination file.
func (m *mdRun) applyLearned() {
	if m.files == nil || len(m.files.learned) == 0 {
		return
	}
	n := rewriteUIDs(m.conv.expected, m.files.learned)
	rewriteUIDs(m.baseline, m.files.learned)
	m.log(slog.LevelDebug, "metadata.files.mapped", fmt.Sprintf("%d file references point at files uploaded under a new UID", n))
}
