package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// asyncAbove is the chunk size above which an import runs as a server job
// (async=true with polling), so that no proxy timeout cuts it.
const asyncAbove = 2 << 20

// AtomicMode is DHIS2's atomicMode import parameter.
type AtomicMode string

// Atomic modes.
const (
	// AtomicAll rejects a whole chunk when one of its objects is invalid;
	// d2sync then re-sends the chunk without the invalid objects (and
	// what depends on them), once.
	AtomicAll AtomicMode = "ALL"
	// AtomicNone imports the valid objects of a chunk and reports the rest.
	AtomicNone AtomicMode = "NONE"
)

// ParseAtomicMode parses --atomic-mode (all, none; "" means all).
func ParseAtomicMode(s string) (AtomicMode, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "ALL":
		return AtomicAll, nil
	case "NONE":
		return AtomicNone, nil
	}
	return "", fmt.Errorf("unknown atomic mode %q: use all or none", s)
}

// importParams returns the POST /api/metadata parameters for a
// destination of version v (transform.ImportParams keeps only those v
// knows): the strategy by UID, the atomic mode, errors-only reports, and
// REPLACE merging where the parameter still exists.
func importParams(v dhis2.Version, strategy string, atomic AtomicMode, validate bool) url.Values {
	mode := "COMMIT"
	if validate {
		mode = "VALIDATE"
	}
	return transform.ImportParams(v, transform.ImportOptions{
		ImportMode: mode, Identifier: "UID", ImportReportMode: "ERRORS", PreheatMode: "REFERENCE",
		ImportStrategy: strategy, AtomicMode: string(atomic), MergeMode: "REPLACE", FlushMode: "AUTO",
	})
}

// importer sends chunks to the destination and records what failed.
type importer struct {
	dest     *Instance
	atomic   AtomicMode
	validate bool
	progress Progress
	names    map[string]string // UID → name, for failure lines
	// prepare, when set, runs before a chunk is sent (the metadata stage
	// copies the files the chunk's objects refer to); an error stops the
	// run.
	prepare func(ctx context.Context, c *chunk) error

	failed   map[string]bool // UIDs that could not be written
	checked  bool            // the destination answered an import (or checkAccepted gave up)
	failures []Failure
	resent   int // chunks re-sent after an unknown outcome
	sentOK   map[string]bool
	requests int
	done     int64
	total    int64
	chunks   []ChunkInfo
}

// fatalKinds abort a run: nothing more can succeed with these credentials.
var fatalKinds = []dhis2.ErrorKind{dhis2.KindUnauthorized, dhis2.KindForbidden, dhis2.KindLoginPage, dhis2.KindNotDHIS2, dhis2.KindTLS, dhis2.KindDNS}

func isFatal(err error) bool {
	for _, k := range fatalKinds {
		if errors.Is(err, k) {
			return true
		}
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// run sends the chunks in order. A chunk whose dependencies failed is not
// sent and its objects are listed as failed. It returns an error only for
// failures that end the run (credentials, authority, cancellation).
func (im *importer) run(ctx context.Context, chunks []*chunk) error {
	im.failed, im.sentOK = map[string]bool{}, map[string]bool{}
	for _, c := range chunks {
		im.total += int64(len(c.Members))
	}
	for _, c := range chunks {
		info := ChunkInfo{Index: c.Index + 1, Objects: countObjects(c.Payload), Bytes: c.Bytes, Outcome: "skipped"}
		if dep := im.failedDependency(c); dep != "" {
			im.failChunk(c, "SKIPPED", fmt.Sprintf("not sent: it depends on %s, which could not be written", dep))
			im.chunks = append(im.chunks, info)
			continue
		}
		if im.prepare != nil {
			if err := im.prepare(ctx, c); err != nil {
				return err
			}
		}
		before := len(im.failures)
		if err := im.send(ctx, c, c.Payload, 0); err != nil {
			return err
		}
		switch n := len(im.failures) - before; {
		case n == 0:
			info.Outcome = "ok"
		case n >= info.Objects:
			info.Outcome = "failed"
		default:
			info.Outcome = "partial"
		}
		im.chunks = append(im.chunks, info)
		im.done += int64(len(c.Members))
		im.progress.Step("metadata", im.done, im.total, "objects")
	}
	return nil
}

func (im *importer) failedDependency(c *chunk) string {
	var deps []string
	for uid := range c.Needs {
		if im.failed[uid] {
			deps = append(deps, uid)
		}
	}
	if len(deps) == 0 {
		return ""
	}
	sort.Strings(deps)
	return deps[0]
}

// send posts one payload (a chunk, or a chunk without its invalid objects)
// and records the outcome per object.
func (im *importer) send(ctx context.Context, c *chunk, p transform.Payload, attempt int) error {
	params := importParams(im.dest.Version(), "CREATE_AND_UPDATE", im.atomic, im.validate)
	if c.Bytes > asyncAbove {
		params.Set("async", "true")
	}
	res, err := im.post(ctx, p, params)
	if err != nil {
		if isFatal(err) {
			return fmt.Errorf("import chunk %d into the destination: %w", c.Index+1, err)
		}
		im.progress.Log(slog.LevelWarn, "metadata.chunk.failed", fmt.Sprintf("chunk %d (%d objects) failed: %v", c.Index+1, countObjects(p), err))
		im.failPayload(p, "CHUNK", err.Error(), c.Index)
		return nil
	}
	im.progress.Log(slog.LevelInfo, "metadata.chunk.imported", fmt.Sprintf("chunk %d: %s", c.Index+1, res.Summary()))
	if res.OK() {
		im.markSent(p)
		return nil
	}
	bad := im.failedObjects(p, res)
	if len(bad) == 0 {
		msg := res.Message
		if msg == "" {
			msg = "the destination rejected the chunk (" + res.Summary() + ")"
		}
		im.failPayload(p, string(res.Status), msg, c.Index)
		return nil
	}
	for k, f := range bad {
		f.Chunk = fmt.Sprint(c.Index + 1)
		im.fail(k, f)
	}
	rest := withoutObjects(p, bad)
	if res.Status == dhis2.StatusError && im.atomic == AtomicAll {
		// Nothing was written: re-send the valid objects once.
		if countObjects(rest) == 0 {
			return nil
		}
		if attempt > 0 {
			im.failPayload(rest, "ATOMIC", "not imported: the destination rejected the chunk as a whole (atomicMode=ALL)", c.Index)
			return nil
		}
		return im.send(ctx, c, rest, attempt+1)
	}
	im.markSent(rest)
	return nil
}

// post sends a payload; an unknown outcome (answer lost after the body
// was sent) is resolved by re-sending once, which is safe: same UIDs and
// CREATE_AND_UPDATE.
func (im *importer) post(ctx context.Context, p transform.Payload, params url.Values) (*dhis2.ImportResult, error) {
	body := dhis2.JSONBody(p)
	body.Idempotent = true
	im.requests++
	res, err := im.dest.Client.ImportMetadata(ctx, body, params)
	if err != nil && errors.Is(err, dhis2.ErrUnknownOutcome) {
		im.resent++
		im.progress.Log(slog.LevelWarn, "metadata.chunk.resent", "the answer to an import was lost; re-sending the same payload (idempotent)")
		body = dhis2.JSONBody(p)
		body.Idempotent = true
		im.requests++
		res, err = im.dest.Client.ImportMetadata(ctx, body, params)
	}
	if err == nil {
		im.checked = true
	}
	return res, err
}

// checkAccepted makes sure, before the first write that is not an import
// (a file upload), that the destination accepts metadata imports at all:
// until an import was answered it sends an empty import in VALIDATE mode,
// which writes nothing. A refusal (credentials, authority) stops the run
// before anything was written; other errors are left to the chunk's own
// import.
func (im *importer) checkAccepted(ctx context.Context, c *chunk) error {
	if im.checked {
		return nil
	}
	params := importParams(im.dest.Version(), "CREATE_AND_UPDATE", im.atomic, true)
	_, err := im.post(ctx, transform.Payload{}, params)
	switch {
	case err == nil:
	case isFatal(err):
		return fmt.Errorf("import chunk %d into the destination (checked before copying the files it refers to): %w", c.Index+1, err)
	default:
		im.progress.Log(slog.LevelWarn, "metadata.import.check", fmt.Sprintf("the check that the destination accepts imports failed (%v); going on", err))
		im.checked = true
	}
	return nil
}

// failedObjects maps the errors of an import result to objects of p.
func (im *importer) failedObjects(p transform.Payload, res *dhis2.ImportResult) map[objKey]Failure {
	out := map[objKey]Failure{}
	for _, e := range res.Errors {
		typ := ""
		if s, ok := im.dest.Schemas.BySimpleName(e.Type); ok {
			typ = s.Plural
		}
		uid := e.UID
		if uid == "" && typ != "" && e.Index >= 0 && e.Index < len(p[typ]) {
			uid = uidOf(p[typ][e.Index])
		}
		if uid == "" {
			continue
		}
		if typ == "" {
			typ = findType(p, uid)
		}
		k := objKey{typ, uid}
		if _, dup := out[k]; dup {
			continue
		}
		out[k] = Failure{Scope: "metadata", Type: typ, UID: uid, Name: im.names[uid], Code: e.Code, Message: e.Message}
	}
	return out
}

func findType(p transform.Payload, uid string) string {
	for typ, objs := range p {
		for _, o := range objs {
			if uidOf(o) == uid {
				return typ
			}
		}
	}
	return ""
}

// withoutObjects returns p without the given objects and without the
// objects that refer to them, transitively.
func withoutObjects(p transform.Payload, bad map[objKey]Failure) transform.Payload {
	drop := map[string]bool{}
	for k := range bad {
		drop[k.UID] = true
	}
	for changed := true; changed; {
		changed = false
		for _, objs := range p {
			for _, o := range objs {
				id := uidOf(o)
				if drop[id] {
					continue
				}
				collectRefs(o, func(_, uid string) {
					if drop[uid] && !drop[id] {
						drop[id] = true
						changed = true
					}
				})
			}
		}
	}
	out := transform.Payload{}
	for typ, objs := range p {
		for _, o := range objs {
			if !drop[uidOf(o)] {
				out[typ] = append(out[typ], o)
			}
		}
	}
	return out
}

func (im *importer) markSent(p transform.Payload) {
	for _, objs := range p {
		for _, o := range objs {
			im.sentOK[uidOf(o)] = true
		}
	}
}

func (im *importer) fail(k objKey, f Failure) {
	if im.failed[k.UID] {
		return
	}
	im.failed[k.UID] = true
	im.failures = append(im.failures, f)
}

func (im *importer) failPayload(p transform.Payload, code, msg string, index int) {
	for _, typ := range sortedTypes(p) {
		for _, o := range p[typ] {
			id := uidOf(o)
			im.fail(objKey{typ, id}, Failure{Scope: "metadata", Type: typ, UID: id, Name: im.names[id], Code: code, Message: msg, Chunk: fmt.Sprint(index + 1)})
		}
	}
}

func (im *importer) failChunk(c *chunk, code, msg string) {
	im.failPayload(c.Payload, code, msg, c.Index)
}
