package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// deletedObject is one entry of /api/deletedObjects.
type deletedObject struct {
	Klass     string `json:"klass"`
	UID       string `json:"uid"`
	Code      string `json:"code"`
	DeletedAt string `json:"deletedAt"`
}

// ErrDeleteGuard is matched by the error of a run stopped by the
// max-delete guard.
var ErrDeleteGuard = errors.New("max-delete guard")

// readDeletions lists the source's metadata deletions since a time and
// returns, per canonical type in scope, the UIDs deleted.
func readDeletions(ctx context.Context, src *Instance, since time.Time, scope map[string]bool) (map[string][]string, error) {
	q := url.Values{"deletedAt": {dhis2.FormatTimeOffset(since.In(src.Info.Location))}}
	out := map[string][]string{}
	for raw, err := range src.Client.List(ctx, "deletedObjects", q, dhis2.ListOptions{Key: "deletedObjects", PageSize: 1000}) {
		if err != nil {
			return nil, fmt.Errorf("source: read /api/deletedObjects: %w", err)
		}
		var d deletedObject
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("source: decode a deleted object: %w", err)
		}
		s, ok := src.Schemas.BySimpleName(d.Klass)
		if !ok || d.UID == "" {
			continue
		}
		typ := canonicalType(s.Plural)
		if scope[typ] {
			out[typ] = append(out[typ], d.UID)
		}
	}
	for typ := range out {
		sort.Strings(out[typ])
	}
	return out, nil
}

// countDest returns how many objects of a wire type the destination has,
// from the pager of a one-object page (no full read).
func countDest(ctx context.Context, dest *Instance, typ string) (int, error) {
	var body struct {
		Pager struct {
			Total int `json:"total"`
		} `json:"pager"`
	}
	q := url.Values{"fields": {"id"}, "pageSize": {"1"}, "page": {"1"}}
	if err := dest.Client.GetJSON(ctx, typ, q, &body); err != nil {
		return 0, fmt.Errorf("destination: count %s: %w", typ, err)
	}
	return body.Pager.Total, nil
}

// guardDeletes applies the max-delete guard: it returns an ErrDeleteGuard
// error when the deletions exceed maxDelete objects or maxPercent of the
// destination's metadata objects in the run's scope (negative limits are
// not checked).
func guardDeletes(n, total, maxDelete int, maxPercent float64) error {
	if n == 0 {
		return nil
	}
	if maxDelete >= 0 && n > maxDelete {
		return fmt.Errorf("%w: the run would delete %d objects on the destination, more than --max-delete=%d; nothing was written or deleted: check the source (a mass deletion there?), then raise --max-delete if it is intended",
			ErrDeleteGuard, n, maxDelete)
	}
	if maxPercent >= 0 && total > 0 {
		pct := float64(n) * 100 / float64(total)
		if pct > maxPercent {
			return fmt.Errorf("%w: the run would delete %d of the destination's %d metadata objects (%.1f %%), more than --max-delete-percent=%g; nothing was written or deleted: check the source, then raise --max-delete-percent if it is intended",
				ErrDeleteGuard, n, total, pct, maxPercent)
		}
	}
	return nil
}

// applyDeletes deletes the planned objects on the destination, one request
// per wire type in reverse import order (dependents first), and returns
// the failures and the number deleted per canonical type.
func applyDeletes(ctx context.Context, dest *Instance, plan *Plan, atomic AtomicMode, progress Progress) (map[string]int, []Failure, error) {
	byWire := map[string][]map[string]any{}
	canon := map[string]string{}
	for _, tp := range plan.Types {
		for _, it := range tp.Delete {
			for _, w := range wireTypes(dest.Schemas, tp.Type) {
				byWire[w] = append(byWire[w], map[string]any{"id": it.UID})
				canon[w] = tp.Type
				break
			}
		}
	}
	types := make([]string, 0, len(byWire))
	for t := range byWire {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return dest.Schemas.Rank(types[i]) > dest.Schemas.Rank(types[j]) })
	deleted := map[string]int{}
	var failures []Failure
	for _, typ := range types {
		p := transform.Payload{typ: byWire[typ]}
		body := dhis2.JSONBody(p)
		body.Idempotent = true
		res, err := dest.Client.ImportMetadata(ctx, body, importParams(dest.Version(), "DELETE", atomic, false))
		if err != nil {
			if isFatal(err) {
				return deleted, failures, fmt.Errorf("delete %s on the destination: %w", typ, err)
			}
			for _, o := range byWire[typ] {
				failures = append(failures, Failure{Scope: "metadata", Type: canon[typ], UID: uidOf(o), Code: "DELETE", Message: err.Error()})
			}
			continue
		}
		bad := map[string]bool{}
		for _, e := range res.Errors {
			uid := e.UID
			if uid == "" && e.Index >= 0 && e.Index < len(byWire[typ]) {
				uid = uidOf(byWire[typ][e.Index])
			}
			bad[uid] = true
			failures = append(failures, Failure{Scope: "metadata", Type: canon[typ], UID: uid, Code: e.Code, Message: e.Message})
		}
		if !res.OK() && len(res.Errors) == 0 {
			for _, o := range byWire[typ] {
				failures = append(failures, Failure{Scope: "metadata", Type: canon[typ], UID: uidOf(o), Code: string(res.Status), Message: res.Summary()})
			}
			continue
		}
		if res.Status == dhis2.StatusError && atomic == AtomicAll {
			continue
		}
		deleted[canon[typ]] += len(byWire[typ]) - len(bad)
		progress.Log(slog.LevelInfo, "metadata.deleted", fmt.Sprintf("deleted %d %s on the destination", len(byWire[typ])-len(bad), typ))
	}
	return deleted, failures, nil
}
