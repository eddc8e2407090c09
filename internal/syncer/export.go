package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// idBatch is how many UIDs one id:in:[…] filter carries (about 1.3 KB of
// URL, well under every proxy's limit).
const idBatch = 100

// exportRequest selects what exportTypes reads.
type exportRequest struct {
	Types []string
	// Filter is a DHIS2 filter applied to every type, e.g.
	// "lastUpdated:ge:2024-01-01T00:00:00.000+01:00"; empty for all objects.
	Filter string
	// IDs, when not nil, restricts each type to these UIDs (read with
	// id:in:[…] filters in batches); a type with no ID is not read.
	IDs map[string][]string
}

// exportTypes reads the objects of the requested types from an instance
// with fields=:owner (every owned property, so sharing, translations and
// attribute values travel) and defaults=INCLUDE, type by type, a few types
// at a time. The payload is in the instance's own wire shape.
func exportTypes(ctx context.Context, in *Instance, req exportRequest, progress func(typ string, n int)) (transform.Payload, error) {
	p := transform.Payload{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(3)
	for _, typ := range req.Types {
		queries := exportQueries(typ, req, in.Version())
		if len(queries) == 0 {
			continue
		}
		g.Go(func() error {
			var objs []map[string]any
			for _, q := range queries {
				got, err := exportOne(gctx, in, typ, q)
				if err != nil {
					return err
				}
				objs = append(objs, got...)
			}
			mu.Lock()
			defer mu.Unlock()
			p[typ] = append(p[typ], objs...)
			if progress != nil {
				progress(typ, len(objs)) // under the lock: callers need no synchronisation
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for typ, objs := range p {
		sort.SliceStable(objs, func(i, j int) bool { return uidOf(objs[i]) < uidOf(objs[j]) })
		p[typ] = dedupe(objs)
	}
	return p, nil
}

func exportQueries(typ string, req exportRequest, v dhis2.Version) []url.Values {
	fields := strings.Join(append([]string{":owner"}, transform.UnownedStoredProperties(v, typ)...), ",")
	base := func() url.Values {
		return url.Values{typ: {"true"}, "fields": {fields}, "defaults": {"INCLUDE"}}
	}
	if req.IDs == nil {
		q := base()
		if req.Filter != "" {
			q.Set("filter", req.Filter)
		}
		return []url.Values{q}
	}
	ids := req.IDs[typ]
	var out []url.Values
	for i := 0; i < len(ids); i += idBatch {
		j := min(i+idBatch, len(ids))
		q := base()
		q.Set("filter", "id:in:["+strings.Join(ids[i:j], ",")+"]")
		out = append(out, q)
	}
	return out
}

// exportAttempts is how many times exportOne reads one query in full when
// its body fails mid-way with a transient error (connection reset, body
// cut short, idle timeout). The client retries failures that happen before
// the body starts; a stream that breaks after objects were delivered can
// only be read again from the start, which is safe here because the
// objects of a failed attempt are discarded.
const exportAttempts = 3

// exportRetryWait is the pause before re-reading a broken export, times
// the attempt number.
const exportRetryWait = 500 * time.Millisecond

func exportOne(ctx context.Context, in *Instance, typ string, q url.Values) ([]map[string]any, error) {
	for attempt := 1; ; attempt++ {
		objs, err := exportOnce(ctx, in, typ, q)
		if err == nil || attempt == exportAttempts || !brokenMidway(err) {
			if err != nil {
				return nil, fmt.Errorf("%s: export %s: %w", in.Role, typ, err)
			}
			return objs, nil
		}
		in.rereads.Add(1)
		t := time.NewTimer(time.Duration(attempt) * exportRetryWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%s: export %s: %w", in.Role, typ, ctx.Err())
		case <-t.C:
		}
	}
}

// brokenMidway reports whether err is a transient failure that the client
// did not retry itself: a response body that broke after it started.
func brokenMidway(err error) bool {
	e, ok := errors.AsType[*dhis2.Error](err)
	return ok && e.Kind.Transient() && e.Attempts <= 1
}

func exportOnce(ctx context.Context, in *Instance, typ string, q url.Values) ([]map[string]any, error) {
	var objs []map[string]any
	_, err := in.Client.ExportMetadata(ctx, q, func(t string, raw json.RawMessage) error {
		if t != typ {
			return nil
		}
		o, err := decodeObject(raw)
		if err != nil {
			return fmt.Errorf("decode a %s object: %w", typ, err)
		}
		objs = append(objs, o)
		return nil
	})
	return objs, err
}

// dedupe drops repeated UIDs (a paged or batched read may repeat one) from
// a slice sorted by UID; objects without UID are kept.
func dedupe(objs []map[string]any) []map[string]any {
	out := objs[:0]
	last := ""
	for _, o := range objs {
		id := uidOf(o)
		if id != "" && id == last {
			continue
		}
		last = id
		out = append(out, o)
	}
	return out
}
