package syncer

import (
	"context"

	"github.com/d2sync/d2sync/internal/transform"
)

// relationshipsPage replicates the relationships of a page of tracked
// entities: each relationship is handled with its "from" tracked entity
// (or its "to" one when "from" is not a tracked entity), once.
func (t *trackerRun) relationshipsPage(ctx context.Context, s *trkStream, tes []map[string]any, cp *trkCheckpoint) error {
	var owners []string
	var rels []map[string]any
	seen := map[string]bool{}
	for _, te := range tes {
		id := uidOfKind(transform.KindTrackedEntity, te)
		list, _ := te["relationships"].([]any)
		for _, r := range list {
			rel, ok := r.(map[string]any)
			if !ok || !ownsRelationship(id, rel) {
				continue
			}
			rid := uidOfKind(transform.KindRelationship, rel)
			if rid == "" || seen[rid] || rel["deleted"] == true {
				continue
			}
			seen[rid] = true
			rels = append(rels, rel)
			owners = append(owners, id)
		}
	}
	if len(rels) == 0 {
		return nil
	}
	fields := t.dst.uidField(transform.KindTrackedEntity) + ",relationships"
	read := func() (map[string]map[string]any, error) {
		tes, err := t.fetchDest(ctx, transform.KindTrackedEntity, uniqueStrings(owners), fields)
		if err != nil {
			return nil, err
		}
		out := map[string]map[string]any{}
		for _, te := range tes {
			list, _ := te["relationships"].([]any)
			for _, r := range list {
				if rel, ok := r.(map[string]any); ok && rel["deleted"] != true {
					out[uidOfKind(transform.KindRelationship, rel)] = rel
				}
			}
		}
		return out, nil
	}
	dst := map[string]map[string]any{}
	if !t.absentOnDest(s) { // tracked entities of a type still to create hold no relationship
		var err error
		if dst, err = read(); err != nil {
			return err
		}
	}
	h := t.newHasher(transform.KindRelationship)
	send, err := t.changed(transform.KindRelationship, rels, dst, cp, h)
	if err != nil {
		return err
	}
	if t.writes && len(send) > 0 {
		if err := t.send(ctx, s, send, cp); err != nil {
			return err
		}
		if dst, err = read(); err != nil {
			return err
		}
		h.dst = map[string]string{}
	}
	t.tally(transform.KindRelationship, rels, dst, cp, h)
	return nil
}

// ownsRelationship reports whether the tracked entity te carries the
// relationship's replication.
func ownsRelationship(te string, rel map[string]any) bool {
	from := itemTE(rel["from"])
	if from != "" {
		return from == te
	}
	return itemTE(rel["to"]) == te
}

// itemTE returns the tracked entity of a canonical relationship item.
func itemTE(item any) string {
	m, _ := item.(map[string]any)
	switch x := m["trackedEntity"].(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["trackedEntity"].(string)
		return s
	}
	return ""
}

func uniqueStrings(s []string) []string {
	seen := map[string]bool{}
	out := s[:0:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
