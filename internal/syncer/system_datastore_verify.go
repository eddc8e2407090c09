package syncer

import (
	"context"
	"fmt"
)

// verifyDataStore compares every copied namespace: keys (missing on the
// destination), values (per the policy) and, where both versions have it,
// per-key sharing. Keys only the destination has are documented, never
// deleted: d2sync does not remove dataStore entries.
func (s *sysRun) verifyDataStore(ctx context.Context, spaces []*dsNamespace) error {
	it := VerifyItem{Type: partDataStore}
	sh := VerifyItem{Type: partDataStoreShares}
	for _, n := range spaces {
		if !s.r.VerifyOnly && n.refused == "" {
			if err := s.readDestNamespace(ctx, n); err != nil {
				return fmt.Errorf("verification: %w", err)
			}
		}
		s.verifyNamespace(ctx, n, &it, &sh)
	}
	items := []VerifyItem{it}
	if s.withSharing() {
		items = append(items, sh)
	}
	s.verified(items...)
	return nil
}

func (s *sysRun) verifyNamespace(ctx context.Context, n *dsNamespace, it, sh *VerifyItem) {
	for _, k := range keysOf(n.src) {
		id := n.name + "/" + k
		src, dst := n.src[k], n.dst[k]
		it.Source++
		if dst == nil {
			if n.refused != "" {
				it.Documented++
				it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Note: "protected namespace: the destination refused the write"})
				continue
			}
			it.Missing++
			it.Details = append(it.Details, VerifyDetail{Kind: "missing", UID: id})
			continue
		}
		it.Dest++
		if n.refused != "" && !sameJSON(src.value, dst.value) {
			it.Documented++
			it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Note: "protected namespace: the destination refused the write"})
			continue
		}
		s.classifyValue(it, id, src, dst)
		if s.withSharing() && src.meta != nil && src.meta.Sharing != nil {
			sh.Source++
			sh.Dest++
			if sameSharing(s.mapSharing(ctx, src.meta.Sharing), dst.meta.sharingOrNil()) {
				sh.Match++
			} else {
				sh.Differ++
				sh.Details = append(sh.Details, VerifyDetail{Kind: "differ", UID: id, Paths: []string{"sharing"}})
			}
		}
	}
	for _, k := range n.onlyOnDst {
		it.Documented++
		it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: n.name + "/" + k, Note: "only on the destination: d2sync never deletes dataStore keys"})
	}
}

// classifyValue compares one value under the collision policy.
func (s *sysRun) classifyValue(it *VerifyItem, id string, src, dst *dsEntry) {
	switch {
	case sameJSON(src.value, dst.value):
		it.Match++
	case s.opts.DataStorePolicy == DataStoreKeep:
		it.Documented++
		it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Note: "the destination's value kept (--datastore-policy keep)"})
	case s.opts.DataStorePolicy == DataStoreMerge && mergeCovers(src.value, dst.value):
		it.Documented++
		it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: id, Note: "fields only the destination has kept (--datastore-policy merge)"})
	default:
		it.Differ++
		it.Details = append(it.Details, VerifyDetail{Kind: "differ", UID: id, Paths: []string{"value"}})
	}
}

func (m *dsMeta) sharingOrNil() *sharing {
	if m == nil {
		return nil
	}
	return m.Sharing
}
