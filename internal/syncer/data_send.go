package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// send imports values into the destination and records what it refused.
// An import whose outcome is unknown (the answer was lost after the body
// was sent) is returned as unknown, not as an error: the caller reads the
// chunk back and sends again what is missing. Any other failure (after
// the client's retries) is an error.
func (sr *streamRun) send(ctx context.Context, vs []*dataValue, rejected map[dvKey]bool) (unknown, err error) {
	d := sr.d
	if err := d.copyFiles(ctx, sr.s.ds, vs); err != nil {
		return nil, err
	}
	res, err := d.importValues(ctx, vs, nil)
	if err != nil {
		if isUnknown(err) {
			d.log(slog.LevelWarn, "data.import.unknown", fmt.Sprintf("%s: %d values, outcome unknown; reading the chunk back", sr.s.name, len(vs)))
			return err, nil
		}
		return nil, fmt.Errorf("destination: import %d values: %w", len(vs), err)
	}
	t := &sr.cp.Tally
	t.Writes.Created += res.Stats.Created
	t.Writes.Updated += res.Stats.Updated
	t.Writes.Ignored += res.Stats.Ignored
	t.Writes.Deleted += res.Stats.Deleted
	d.log(slog.LevelDebug, "data.chunk.imported", fmt.Sprintf("%s chunk %d: %d values sent, %s", sr.s.name, sr.chunk, len(vs), res.Summary()),
		slog.String("stream", sr.s.name), slog.Int("values", len(vs)))
	sr.conflicts(res, vs, rejected)
	return nil, nil
}

// conflicts records each value the destination refused, with DHIS2's code.
func (sr *streamRun) conflicts(res *dhis2.ImportResult, vs []*dataValue, rejected map[dvKey]bool) {
	d := sr.d
	t := &sr.cp.Tally
	if res.Status == dhis2.StatusError && len(res.Conflicts) == 0 {
		for _, v := range vs {
			rejected[v.dvKey()] = true
		}
		t.Writes.Failed += len(vs)
		d.fail(Failure{Type: "dataValues", Chunk: sr.s.name, Message: fmt.Sprintf("the destination refused %d values: %s", len(vs), res.Message)})
		return
	}
	unindexed := false
	for _, c := range res.Conflicts {
		if len(c.Indexes) == 0 {
			unindexed = true
			d.fail(Failure{Type: "dataValues", Chunk: sr.s.name, UID: c.Object, Code: c.Code, Message: c.Value})
			continue
		}
		for _, i := range c.Indexes {
			if i < 0 || i >= len(vs) {
				continue
			}
			v := vs[i]
			if !rejected[v.dvKey()] {
				t.Writes.Failed++
			}
			rejected[v.dvKey()] = true
			d.fail(Failure{Type: "dataValues", UID: v.dvKey().String(), Code: c.Code, Message: describeValue(v) + ": " + c.Value})
		}
	}
	if unindexed {
		// DHIS2 before 2.37 does not say which values it refused: retrying
		// the chunk would only repeat the conflicts.
		for _, v := range vs {
			rejected[v.dvKey()] = true
		}
	}
}

// importValues posts values (or, with strategy DELETE, deletions) to the
// destination: gzipped unless disabled, async above the configured size.
func (d *dataRun) importValues(ctx context.Context, vs []*dataValue, extra url.Values) (*dhis2.ImportResult, error) {
	p := newDVPayload(!d.opts.NoGzip)
	for _, v := range vs {
		p.add(v)
	}
	body := dhis2.BytesBody(p.bytes(), "application/json")
	body.Idempotent = true // UIDs and CREATE_AND_UPDATE: a replay changes nothing
	params := url.Values{"importStrategy": {"CREATE_AND_UPDATE"}}
	for k, v := range extra {
		params[k] = v
	}
	if d.opts.AsyncValues > 0 && len(vs) >= d.opts.AsyncValues {
		params.Set("async", "true")
	}
	return d.dst.ImportDataValues(ctx, body, params)
}
