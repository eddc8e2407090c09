package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// metadataStage replicates every metadata type: discover, read both sides,
// map IDs, plan, import in chunks, delete, verify.
type metadataStage struct{}

// Name implements Stage.
func (metadataStage) Name() string { return ScopeMetadata }

// Run implements Stage.
func (metadataStage) Run(ctx context.Context, r *Run) error {
	m := &mdRun{r: r, sel: selection{types: r.Opts.Types, objects: r.Opts.Objects, orgUnit: r.Opts.OrgUnit}}
	m.stage = &StageReport{Name: ScopeMetadata, StartedAt: r.Opts.Now(), Counts: map[string]Counts{}}
	r.Report.Stages = append(r.Report.Stages, m.stage)
	err := m.run(ctx)
	r.systemRun().closeFiles()
	m.stage.FinishedAt = r.Opts.Now()
	if err != nil {
		m.stage.Status = StatusFailed
		m.stage.Note = err.Error()
	}
	return err
}

// mdRun is the state of one metadata stage.
type mdRun struct {
	r     *Run
	sel   selection
	stage *StageReport

	since       time.Time // lower bound of an incremental run
	incremental bool

	srcTypes  []string        // source wire types read
	scope     []string        // canonical types compared
	inScope   map[string]bool // scope as a set
	destTypes []string        // destination wire types read in full mode

	baseline transform.Payload // canonical source, mapped, policy applied
	dest     transform.Payload // canonical destination
	conv     *conversion
	cmp      comparer
	plan     *Plan
	names    map[string]string
	// retriesAtStart is clientRetries when the stage began.
	retriesAtStart int64
	// passwords are those generated for the users of the last pickSend;
	// only the users the destination accepted reach the report.
	passwords []GeneratedPassword
	idmap     IDMap    // the pair's mappings applied to the baseline
	files     *mdFiles // copies the files of each chunk (metadata_files.go)
}

func (m *mdRun) log(level slog.Level, code, msg string) { m.r.Opts.Progress.Log(level, code, msg) }

func (m *mdRun) run(ctx context.Context) error {
	m.retriesAtStart = m.clientRetries()
	if err := m.window(ctx); err != nil {
		return err
	}
	if err := m.readSource(ctx); err != nil {
		return err
	}
	if err := m.readDest(ctx); err != nil {
		return err
	}
	// Stages with work before the first import prepare it now, once both
	// sides were read. The files metadata objects refer to are copied
	// later, chunk by chunk (metadata_files.go).
	if err := m.r.runPreparers(ctx); err != nil {
		return err
	}
	if err := m.mapIDs(ctx); err != nil {
		return err
	}
	if err := m.applyUsersPolicy(ctx); err != nil {
		return err
	}
	if err := m.convert(); err != nil {
		return err
	}
	m.plan = buildPlan(m.scope, m.conv.expected, m.dest, m.cmp)
	if err := m.planDeletes(ctx); err != nil {
		return err
	}
	m.r.Report.Plan = m.plan
	switch {
	case m.r.VerifyOnly:
		m.verify(m.dest)
		m.stage.Status = StatusSuccess
		return nil
	case m.r.Opts.DryRun:
		return m.dryRun(ctx)
	}
	return m.apply(ctx)
}

// window decides between a full and an incremental run.
func (m *mdRun) window(ctx context.Context) error {
	o := m.r.Opts
	switch {
	case m.r.VerifyOnly || o.Full:
		return nil
	case !o.Since.IsZero():
		m.since, m.incremental = o.Since, true
	case o.SinceText != "":
		t, err := dhis2.ParseTime(o.SinceText, m.r.Source.Info.Location)
		if err != nil {
			return fmt.Errorf("--since: %w", err)
		}
		m.since, m.incremental = t, true
	default:
		c, ok, err := o.State.Cursor(ctx, m.r.PairKey, ScopeMetadata)
		if err != nil {
			return fmt.Errorf("read the incremental cursor: %w", err)
		}
		if !ok {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, c)
		if err != nil {
			return fmt.Errorf("the stored metadata cursor %q is not a valid time (run with --full to reset it): %w", c, err)
		}
		m.since, m.incremental = t.Add(-o.Overlap), true
	}
	m.r.Report.Incremental = true
	m.log(slog.LevelInfo, "metadata.incremental", "incremental run: objects changed since "+dhis2.FormatTimeOffset(m.since.In(m.r.Source.Info.Location)))
	return nil
}

func (m *mdRun) sinceFilter() string {
	return "lastUpdated:ge:" + dhis2.FormatTimeOffset(m.since.In(m.r.Source.Info.Location))
}

// readSource reads the source's metadata and makes it canonical.
func (m *mdRun) readSource(ctx context.Context) error {
	src := m.r.Source
	all, excluded := src.Schemas.MetadataTypes()
	for _, e := range excluded {
		m.log(slog.LevelDebug, "metadata.type.excluded", e.Type+": "+e.Reason)
	}
	var err error
	if m.srcTypes, err = m.sel.sourceTypes(src.Schemas, all); err != nil {
		return err
	}
	req := exportRequest{Types: m.srcTypes}
	if m.incremental {
		req.Filter = m.sinceFilter()
	}
	done := 0
	p, err := exportTypes(ctx, src, req, func(typ string, n int) {
		done++
		m.r.Opts.Progress.Step("metadata: read source", int64(done), int64(len(m.srcTypes)), "types")
	})
	if err != nil {
		return err
	}
	m.stage.Requests += len(m.srcTypes)
	ws, err := toCanonical(p, src.Version())
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	m.addWarnings(summarizeTransformWarnings(ws, "from the source's shape"))
	m.inScope = map[string]bool{}
	for _, t := range m.srcTypes {
		m.inScope[canonicalType(t)] = true
	}
	for t := range p {
		if !m.inScope[t] {
			delete(p, t)
		}
	}
	p, sw, err := m.sel.apply(p)
	if err != nil {
		return err
	}
	m.addWarnings(sw)
	m.baseline = p
	m.setScope()
	m.log(slog.LevelInfo, "metadata.source.read", fmt.Sprintf("read %d objects of %d types from the source", countObjects(p), len(m.srcTypes)))
	return nil
}

func (m *mdRun) setScope() {
	m.scope = m.scope[:0]
	for t := range m.inScope {
		m.scope = append(m.scope, t)
	}
	sort.Strings(m.scope)
}

// readDest reads what the destination holds of the types (full run) or
// objects (incremental or selective run) in scope, and makes it canonical.
func (m *mdRun) readDest(ctx context.Context) error {
	dst := m.r.Dest
	req, err := m.destRequest()
	if err != nil {
		return err
	}
	done := 0
	p, err := exportTypes(ctx, dst, req, func(string, int) {
		done++
		m.r.Opts.Progress.Step("metadata: read destination", int64(done), int64(len(req.Types)), "types")
	})
	if err != nil {
		return err
	}
	if _, err := toCanonical(p, dst.Version()); err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	m.dest = p
	return nil
}

// fullRead reports whether the destination is read in full (so objects
// only on the destination can be reported as extra).
func (m *mdRun) fullRead() bool { return !m.incremental && !m.sel.active() }

func (m *mdRun) destRequest() (exportRequest, error) {
	dst := m.r.Dest
	if m.fullRead() {
		all, _ := dst.Schemas.MetadataTypes()
		var types []string
		for _, t := range all {
			if m.inScope[canonicalType(t)] || (t == "mapViews" && m.inScope["maps"]) {
				types = append(types, t)
			}
		}
		m.destTypes = types
		return exportRequest{Types: types}, nil
	}
	return m.idRequest(dst, m.baseline), nil
}

// idRequest builds a by-UID read of the objects of p (canonical) from an
// instance, under the wire types the instance stores them as.
func (m *mdRun) idRequest(in *Instance, p transform.Payload) exportRequest {
	ids := map[string][]string{}
	add := func(canonical string, uids []string) {
		for _, w := range wireTypes(in.Schemas, canonical) {
			ids[w] = append(ids[w], uids...)
		}
	}
	for typ, objs := range p {
		var uids []string
		for _, o := range objs {
			uids = append(uids, uidOf(o))
			if typ == "maps" {
				var views []string
				for _, v := range asSlice(o["mapViews"]) {
					if id := refID(v); id != "" {
						views = append(views, id)
					}
				}
				add("mapViews", views)
			}
		}
		add(typ, uids)
	}
	req := exportRequest{IDs: ids}
	for t, list := range ids {
		sort.Strings(list)
		ids[t] = compactStrings(list)
		req.Types = append(req.Types, t)
	}
	sort.Strings(req.Types)
	return req
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// defaultsOf reads the four default category objects of an instance (a
// filtered read by name, never a full export) and makes them canonical.
func (m *mdRun) defaultsOf(ctx context.Context, in *Instance) (transform.Payload, error) {
	var types []string
	for typ := range DefaultUIDs {
		if _, ok := in.Schemas.ByPlural(typ); ok {
			types = append(types, typ)
		}
	}
	sort.Strings(types)
	p, err := exportTypes(ctx, in, exportRequest{Types: types, Filter: "name:eq:default"}, nil)
	if err != nil {
		return nil, err
	}
	if _, err := toCanonical(p, in.Version()); err != nil {
		return nil, fmt.Errorf("%s: %w", in.Role, err)
	}
	return p, nil
}

// mapIDs maps the source's default category objects and users that exist
// on the destination under another UID, merges the pair's stored and
// configured mappings, and rewrites the baseline's references.
func (m *mdRun) mapIDs(ctx context.Context) error {
	o := m.r.Opts
	srcDefaults, err := m.defaultsOf(ctx, m.r.Source)
	if err != nil {
		return err
	}
	dstDefaults, err := m.defaultsOf(ctx, m.r.Dest)
	if err != nil {
		return err
	}
	idmap, err := o.State.IDMap(ctx, m.r.PairKey)
	if err != nil {
		return fmt.Errorf("read the ID mappings: %w", err)
	}
	m.idmap = idmap
	found := IDMap{}
	mapDefaults(found, srcDefaults, dstDefaults)
	destUsers, err := m.destUsersByName(ctx)
	if err != nil {
		return err
	}
	mapUsersByUsername(found, m.baseline, destUsers)
	for typ, mm := range found {
		for s, d := range mm {
			idmap.Set(typ, s, d)
		}
	}
	if found.Len() > 0 {
		if err := o.State.SaveIDMap(ctx, m.r.PairKey, found); err != nil {
			return fmt.Errorf("save the ID mappings: %w", err)
		}
	}
	if n := rewriteUIDs(m.baseline, idmap.Flat()); n > 0 {
		m.log(slog.LevelInfo, "metadata.idmap", fmt.Sprintf("%d source UIDs mapped to destination UIDs (%d references rewritten)", idmap.Len(), n))
	}
	m.cmp = comparer{policy: o.Users, protected: map[string]bool{}}
	for typ := range DefaultUIDs {
		if id := findDefault(dstDefaults, typ); id != "" {
			m.cmp.protected[id] = true
		}
	}
	if me := m.r.Dest.Me; me != nil && me.ID != "" {
		m.cmp.protected[me.ID] = true
	}
	return nil
}

// destUsersByName returns the destination users that share a username with
// a source user of the baseline (the whole destination users list in a
// full read).
func (m *mdRun) destUsersByName(ctx context.Context) (transform.Payload, error) {
	if m.fullRead() || len(m.baseline["users"]) == 0 {
		return transform.Payload{"users": m.dest["users"]}, nil
	}
	var names []string
	for _, u := range m.baseline["users"] {
		if n, _ := u["username"].(string); n != "" {
			names = append(names, n)
		}
	}
	field := "username"
	if !m.r.Dest.Version().AtLeast(38) {
		field = "userCredentials.username"
	}
	out := transform.Payload{}
	for i := 0; i < len(names); i += idBatch {
		j := min(i+idBatch, len(names))
		p, err := exportTypes(ctx, m.r.Dest, exportRequest{Types: []string{"users"}, Filter: field + ":in:[" + strings.Join(names[i:j], ",") + "]"}, nil)
		if err != nil {
			return nil, err
		}
		if _, err := toCanonical(p, m.r.Dest.Version()); err != nil {
			return nil, fmt.Errorf("destination: %w", err)
		}
		out["users"] = append(out["users"], p["users"]...)
	}
	return out, nil
}

// applyUsersPolicy removes passwords and, for --users skip, every user and
// the references to users the destination lacks.
func (m *mdRun) applyUsersPolicy(ctx context.Context) error {
	stripPasswords(m.baseline)
	if m.r.Opts.Users != UsersSkip {
		return nil
	}
	have, err := m.destUserIDs(ctx)
	if err != nil {
		return err
	}
	m.addWarnings(skipUsers(m.baseline, have))
	delete(m.inScope, "users")
	m.setScope()
	m.r.Report.NotReplicable = append(m.r.Report.NotReplicable, NotReplicable{What: "users", Reason: "skipped by the users policy (--users skip)"})
	return nil
}

// destUserIDs returns the UIDs of the destination users the baseline
// refers to (all destination users in a full read).
func (m *mdRun) destUserIDs(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	if m.fullRead() {
		for _, u := range m.dest["users"] {
			out[uidOf(u)] = true
		}
		return out, nil
	}
	refs := map[string]bool{}
	for _, objs := range m.baseline {
		for _, o := range objs {
			userRefs(o, refs)
		}
	}
	for _, u := range m.baseline["users"] {
		refs[uidOf(u)] = true
	}
	ids := make([]string, 0, len(refs))
	for id := range refs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	p, err := exportTypes(ctx, m.r.Dest, exportRequest{Types: []string{"users"}, IDs: map[string][]string{"users": ids}}, nil)
	if err != nil {
		return nil, err
	}
	for _, u := range p["users"] {
		out[uidOf(u)] = true
	}
	return out, nil
}

// userRefs adds to refs the user UIDs an object names: creator fields,
// sharing owner and entries, and user group members.
func userRefs(o map[string]any, refs map[string]bool) {
	for _, k := range []string{"createdBy", "lastUpdatedBy", "user"} {
		if id := refID(o[k]); id != "" {
			refs[id] = true
		}
	}
	if sh, ok := o["sharing"].(map[string]any); ok {
		if id, _ := sh["owner"].(string); id != "" {
			refs[id] = true
		}
		if users, ok := sh["users"].(map[string]any); ok {
			for id := range users {
				refs[id] = true
			}
		}
	}
	for _, e := range asSlice(o["users"]) {
		if id := refID(e); id != "" {
			refs[id] = true
		}
	}
}

// convert brings the baseline into the destination's shape and back.
func (m *mdRun) convert() error {
	c, err := convertForDest(m.baseline, m.r.Dest)
	if err != nil {
		return err
	}
	m.conv = c
	m.cmp.srcKnown = sourceKnown(m.r.Source.Schemas)
	m.addWarnings(c.warnings)
	m.names = map[string]string{}
	for _, objs := range m.baseline {
		for _, o := range objs {
			m.names[uidOf(o)] = nameOf(o)
		}
	}
	return nil
}

// planDeletes reads the source's deletions since the cursor and plans the
// deletion of those the destination still has, under the max-delete guard.
func (m *mdRun) planDeletes(ctx context.Context) error {
	if !m.incremental || m.r.VerifyOnly || m.sel.active() {
		return nil
	}
	dels, err := readDeletions(ctx, m.r.Source, m.since, m.inScope)
	if errors.Is(err, dhis2.KindForbidden) {
		m.r.warn("metadata.deletions.forbidden", "deletions are not propagated: the source user may not read /api/deletedObjects (it needs the ALL authority)")
		return nil
	}
	if err != nil {
		return err
	}
	current := indexPayload(m.baseline)
	ids := transform.Payload{}
	for typ, uids := range dels {
		for _, id := range uids {
			if _, exists := current[id]; !exists {
				ids[typ] = append(ids[typ], map[string]any{"id": id})
			}
		}
	}
	if countObjects(ids) == 0 {
		return nil
	}
	req := m.idRequest(m.r.Dest, ids)
	p, err := exportTypes(ctx, m.r.Dest, req, nil)
	if err != nil {
		return err
	}
	if _, err := toCanonical(p, m.r.Dest.Version()); err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	n := 0
	for _, typ := range sortedTypes(p) {
		if !m.inScope[typ] || len(p[typ]) == 0 {
			continue
		}
		tp := m.plan.Type(typ)
		for _, o := range p[typ] {
			if m.cmp.protected[uidOf(o)] {
				continue
			}
			tp.Delete = append(tp.Delete, PlanItem{UID: uidOf(o), Name: nameOf(o), DestHash: hashOf(typ, o)})
			n++
		}
	}
	total := 0
	if n > 0 {
		// The share is taken over the destination's objects in the run's
		// scope, counted from pagers (no full read).
		for _, typ := range m.scope {
			for _, w := range wireTypes(m.r.Dest.Schemas, typ) {
				c, err := countDest(ctx, m.r.Dest, w)
				if err != nil {
					return err
				}
				total += c
			}
		}
	}
	m.plan.sort()
	return guardDeletes(n, total, m.r.Opts.MaxDelete, m.r.Opts.MaxDeletePercent)
}

// dryRun reports the plan as the stage's counts and the chunks a real run
// would send; with --validate it also has the destination validate the
// whole plan in one request (importMode=VALIDATE: references between
// chunks can only be checked together, since nothing is committed).
func (m *mdRun) dryRun(ctx context.Context) error {
	for _, tp := range m.plan.Types {
		m.stage.Counts[tp.Type] = tp.Counts()
	}
	m.stage.Status = StatusSuccess
	m.stage.Note = "dry run: nothing was written; counts are what a real run would do"
	chunks, err := m.chunkPlan(m.r.Opts.MaxRequestBytes)
	if err != nil {
		return err
	}
	files := m.fileStep()
	for _, c := range chunks {
		m.stage.Chunks = append(m.stage.Chunks, ChunkInfo{Index: c.Index + 1, Objects: countObjects(c.Payload), Bytes: c.Bytes, Outcome: "planned"})
		// The files a real run would copy before sending the chunk.
		if err := files.prepareChunk(ctx, c, nil); err != nil {
			return err
		}
	}
	if !m.r.Opts.Validate {
		return nil
	}
	all, err := m.chunkPlan(math.MaxInt)
	if err != nil {
		return err
	}
	im := &importer{dest: m.r.Dest, atomic: AtomicNone, validate: true, progress: m.r.Opts.Progress, names: m.names}
	if err := im.run(ctx, all); err != nil {
		return err
	}
	failures := m.unvalidatableDocuments(all, im.failures)
	m.r.Report.Failures = append(m.r.Report.Failures, failures...)
	if len(failures) > 0 {
		m.stage.Status = StatusPartial
	}
	return nil
}

// unvalidatableDocuments removes from a VALIDATE dry run's failures the
// documents the destination refused only because their file is not there
// yet (E4015 naming the document's own file resource): a real run copies
// that file before importing the document, a dry run copies nothing. Each
// becomes a warning saying the document was not validated.
func (m *mdRun) unvalidatableDocuments(chunks []*chunk, failures []Failure) []Failure {
	fileOf := map[string]string{} // document uid → its file resource uid
	for _, c := range chunks {
		for _, d := range c.Payload["documents"] {
			if ext, _ := d["external"].(bool); !ext {
				id, _ := d["id"].(string)
				url, _ := d["url"].(string)
				fileOf[id] = url
			}
		}
	}
	var kept []Failure
	for _, f := range failures {
		file := fileOf[f.UID]
		if f.Type == "documents" && f.Code == "E4015" && file != "" && strings.Contains(f.Message, file) {
			m.addWarnings([]Warning{{Scope: ScopeMetadata, Code: "metadata.validate.document-file",
				Message: fmt.Sprintf("document %s (%s) was not validated by the destination: its file %s is copied only by a real run", f.UID, f.Name, file)}})
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// apply imports the plan, deletes, verifies and moves the cursor.
func (m *mdRun) apply(ctx context.Context) error {
	before := m.retriesAtStart // the reads of both sides count too
	im, err := m.sendPlan(ctx)
	if err != nil {
		return err
	}
	m.r.Report.Failures = append(m.r.Report.Failures, im.failures...)
	m.stage.Requests += im.requests
	m.stage.Retries += im.resent + int(m.clientRetries()-before)
	m.stage.Chunks = im.chunks
	deleted, err := m.applyDeletes(ctx, len(im.failures) > 0)
	if err != nil {
		return err
	}
	m.count(im, deleted)
	if n := len(m.baseline["users"]); n > 0 {
		m.r.Report.NotReplicable = append(m.r.Report.NotReplicable, NotReplicable{What: "user passwords", Count: n,
			Reason: "DHIS2 never exports passwords: new users got a random password (report file only), existing destination users kept theirs"})
	}
	if err := m.verifyAfter(ctx); err != nil {
		return err
	}
	return m.moveCursor(ctx)
}

// chunkPlan converts the planned creates and updates and chunks them.
func (m *mdRun) chunkPlan(maxBytes int) ([]*chunk, error) {
	ck := &chunker{schemas: m.r.Dest.Schemas, maxBytes: maxBytes}
	chunks, err := ck.chunks(m.pickSend())
	if err != nil {
		return nil, err
	}
	if maxBytes == m.r.Opts.MaxRequestBytes {
		m.addWarnings(ck.warnings)
	}
	return chunks, nil
}

// sendPlan imports the planned creates and updates in chunks.
func (m *mdRun) sendPlan(ctx context.Context) (*importer, error) {
	chunks, err := m.chunkPlan(m.r.Opts.MaxRequestBytes)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, c := range chunks {
		m.stage.Bytes += int64(c.Bytes)
		n += countObjects(c.Payload)
	}
	m.log(slog.LevelInfo, "metadata.plan", fmt.Sprintf("plan: %s; %d objects to send in %d chunks", planSummary(m.plan), n, len(chunks)))
	im := &importer{dest: m.r.Dest, atomic: m.r.Opts.AtomicMode, progress: m.r.Opts.Progress, names: m.names}
	files := m.fileStep()
	im.prepare = func(ctx context.Context, c *chunk) error {
		return files.prepareChunk(ctx, c, func(ctx context.Context) error { return im.checkAccepted(ctx, c) })
	}
	err = im.run(ctx, chunks)
	m.applyLearned()
	m.reportPasswords(im)
	if err != nil {
		return nil, err
	}
	return im, nil
}

// reportPasswords lists in the report the generated passwords of the users
// the destination accepted, also when the run stops early; users that were
// not written (failed, skipped, or a dry run) have none.
func (m *mdRun) reportPasswords(im *importer) {
	for _, pw := range m.passwords {
		if im.sentOK[pw.UID] && !im.failed[pw.UID] {
			m.r.Report.Passwords = append(m.r.Report.Passwords, pw)
		}
	}
}

// pickSend returns the destination-shape objects to create or update, with
// the users policy applied to users.
func (m *mdRun) pickSend() transform.Payload {
	m.passwords = nil
	want := m.plan.sendSet()
	creates := map[string]bool{}
	for _, it := range m.plan.Type("users").Create {
		creates[it.UID] = true
	}
	destUsers := byUID(m.dest["users"])
	srcUsers := byUID(m.baseline["users"])
	out := transform.Payload{}
	for typ, objs := range m.conv.destShape {
		for _, o := range objs {
			id := uidOf(o)
			if !want[id] {
				continue
			}
			if typ == "users" {
				o = transform.Clone(o)
				m.userFields(o, creates[id], srcUsers[id], destUsers[id])
			}
			out[typ] = append(out[typ], o)
		}
	}
	return out
}

// userFields applies the users policy to one destination-shape user: a new
// user gets a random password and is disabled; an existing user keeps its
// password (none is sent) and stays disabled if the policy disabled it.
func (m *mdRun) userFields(u map[string]any, create bool, src, dst map[string]any) {
	target := u
	if uc, ok := u["userCredentials"].(map[string]any); ok {
		target = uc
	}
	delete(target, "password")
	if m.r.Opts.Users != UsersCreateDisabled {
		return
	}
	if !create {
		if dst != nil && src != nil && usersDisabledByPolicy(src, dst) {
			target["disabled"] = true
		}
		return
	}
	username, _ := target["username"].(string)
	pw, err := GeneratePassword(username)
	if err != nil {
		m.r.warn("users.password", err.Error())
		return
	}
	target["password"] = pw
	target["disabled"] = true
	m.passwords = append(m.passwords, GeneratedPassword{Username: username, UID: uidOf(u), Password: pw})
}

// applyDeletes performs the planned deletions, unless the run had errors.
func (m *mdRun) applyDeletes(ctx context.Context, hadErrors bool) (map[string]int, error) {
	n := 0
	for _, tp := range m.plan.Types {
		n += len(tp.Delete)
	}
	if n == 0 {
		return nil, nil
	}
	if hadErrors {
		m.r.warn("metadata.deletions.skipped", fmt.Sprintf("%d deletions skipped: errors occurred in this run; they will be applied by the next run without errors", n))
		return nil, nil
	}
	deleted, failures, err := applyDeletes(ctx, m.r.Dest, m.plan, m.r.Opts.AtomicMode, m.r.Opts.Progress)
	m.r.Report.Failures = append(m.r.Report.Failures, failures...)
	return deleted, err
}

// count fills the stage's per-type counts from the plan and the failures.
func (m *mdRun) count(im *importer, deleted map[string]int) {
	canon := indexPayload(m.conv.expected)
	failed := map[string]int{}
	failedUID := map[string]bool{}
	for _, f := range m.r.Report.Failures {
		if f.Scope != "metadata" || failedUID[f.UID] {
			continue
		}
		failedUID[f.UID] = true
		t := canon[f.UID]
		if t == "" {
			t = canonicalType(f.Type)
		}
		failed[t]++
	}
	attempted := 0
	for _, tp := range m.plan.Types {
		c := Counts{Unchanged: len(tp.Unchanged), Deleted: deleted[tp.Type], Failed: failed[tp.Type]}
		for _, it := range tp.Create {
			if !failedUID[it.UID] {
				c.Created++
			}
		}
		for _, it := range tp.Update {
			if !failedUID[it.UID] {
				c.Updated++
			}
		}
		attempted += len(tp.Create) + len(tp.Update) + len(tp.Delete)
		m.stage.Counts[tp.Type] = c
	}
	for _, part := range []string{partFiles, partIcons} { // copied by this stage when the run has no system scope
		c := m.stage.Counts[part]
		attempted += c.Created + c.Updated + c.Failed
	}
	tot := m.stage.Total()
	switch {
	case tot.Failed == 0:
		m.stage.Status = StatusSuccess
	case tot.Failed >= attempted:
		m.stage.Status = StatusFailed
	default:
		m.stage.Status = StatusPartial
	}
}

// verifyAfter reads the destination back and verifies it.
func (m *mdRun) verifyAfter(ctx context.Context) error {
	var req exportRequest
	if m.fullRead() {
		req = exportRequest{Types: m.destTypes}
	} else {
		req = m.idRequest(m.r.Dest, m.baseline)
	}
	p, err := exportTypes(ctx, m.r.Dest, req, nil)
	if err != nil {
		return fmt.Errorf("verification: %w", err)
	}
	if _, err := toCanonical(p, m.r.Dest.Version()); err != nil {
		return fmt.Errorf("verification: destination: %w", err)
	}
	m.verify(p)
	return nil
}

func (m *mdRun) verify(dest transform.Payload) {
	items := verifyMetadata(verifyInput{
		types: m.scope, baseline: m.baseline, expected: m.conv.expected, dest: dest,
		full: m.fullRead(), cmp: m.cmp, losses: transform.LossesBetween(m.r.Source.Version(), m.r.Dest.Version()),
	})
	m.r.addVerification(items)
	t := (&Verification{Items: items}).Totals()
	m.log(slog.LevelInfo, "metadata.verified", fmt.Sprintf("verification: %d match, %d differ, %d missing, %d extra, %d documented", t.Match, t.Differ, t.Missing, t.Extra, t.Documented))
}

// moveCursor records the source's start time as the pair's cursor after a
// complete, clean run (not for selective runs, which do not cover
// everything).
func (m *mdRun) moveCursor(ctx context.Context) error {
	v := m.r.Report.Verification
	if m.stage.Status != StatusSuccess || m.sel.active() || (v != nil && !v.Clean()) {
		return nil
	}
	hw := m.r.Start.In(m.r.Source.Info.Location).Format(time.RFC3339Nano)
	if err := m.r.Opts.State.SetCursor(ctx, m.r.PairKey, ScopeMetadata, hw, m.r.Opts.RunID); err != nil {
		return fmt.Errorf("save the incremental cursor: %w", err)
	}
	return nil
}

// clientRetries returns the retries made so far on both sides: the
// clients' own and the exports read again after a broken body.
func (m *mdRun) clientRetries() int64 {
	return m.r.Source.Client.Counters().Retries + m.r.Dest.Client.Counters().Retries +
		m.r.Source.rereads.Load() + m.r.Dest.rereads.Load()
}

func (m *mdRun) addWarnings(ws []Warning) {
	for _, w := range ws {
		m.r.Report.Warnings = append(m.r.Report.Warnings, w)
		m.log(slog.LevelWarn, w.Code, w.Message)
	}
}

func planSummary(p *Plan) string {
	t := p.Totals()
	return fmt.Sprintf("%d to create, %d to update, %d to delete, %d unchanged", t.Created, t.Updated, t.Deleted, t.Unchanged)
}
