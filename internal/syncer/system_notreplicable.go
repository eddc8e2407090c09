package syncer

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// noteNotReplicable records something the run could not carry, with its
// count; a second note of the same thing replaces the first.
func (s *sysRun) noteNotReplicable(what string, count int, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nr == nil {
		s.nr = map[string]NotReplicable{}
	}
	s.nr[what] = NotReplicable{What: what, Count: count, Reason: reason}
}

// notReplicable completes the list of what the DHIS2 API cannot carry
// (user passwords, audit history) and adds it to the report, after what
// other stages listed. docs/not-replicable.md explains each item.
func (s *sysRun) notReplicable(ctx context.Context) error {
	if n, err := s.countSourceObjects(ctx, "users"); err != nil {
		return fmt.Errorf("source: %w", err)
	} else if n > 0 {
		s.noteNotReplicable("user passwords", n, "DHIS2 never exports passwords (only their hashes exist, and they cannot be read); users missing on the destination get a random password (see --users)")
	}
	if n := s.replicatedObjects(); n > 0 {
		s.noteNotReplicable("audit history", n, "the change history (audits) of the objects and values replicated stays on the source: DHIS2 has no API to write audit entries, so the destination's history starts with this copy")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	have := map[string]bool{}
	for i, nr := range s.r.Report.NotReplicable {
		have[nr.What] = true
		if nr.Count == 0 {
			s.r.Report.NotReplicable[i].Count = s.countFor(nr.What)
		}
	}
	for _, what := range keysOf(s.nr) {
		if !have[what] {
			s.r.Report.NotReplicable = append(s.r.Report.NotReplicable, s.nr[what])
		}
	}
	sort.SliceStable(s.r.Report.NotReplicable, func(i, j int) bool {
		return s.r.Report.NotReplicable[i].What < s.r.Report.NotReplicable[j].What
	})
	return nil
}

// countSourceObjects returns the number of objects of a metadata type on the
// source (the list's pager total).
func (s *sysRun) countSourceObjects(ctx context.Context, plural string) (int, error) {
	var page struct {
		Pager struct {
			Total int `json:"total"`
		} `json:"pager"`
	}
	q := url.Values{"fields": {"id"}, "pageSize": {"1"}}
	if err := s.r.Source.Client.GetJSON(ctx, plural, q, &page); err != nil {
		return 0, fmt.Errorf("count %s: %w", plural, err)
	}
	s.request(1)
	return page.Pager.Total, nil
}

// countSources derive the count of items other stages list without one,
// from their verification rows: scope, and the prefix of the row types.
var countSources = []struct{ what, scope, typePrefix string }{
	{"data value created/lastUpdated", ScopeData, "dataValues:"},
	{"data approval", ScopeData, "dataApprovals"},
	{"tracker createdAt/updatedAt", ScopeTracker, ""},
	{"tracked entity program owners", ScopeTracker, "enrollments"},
}

// countFor returns the count of a not-replicable item listed without one
// (0 when unknown). The caller holds s.mu.
func (s *sysRun) countFor(what string) int {
	v := s.r.Report.Verification
	if v == nil {
		return 0
	}
	for _, cs := range countSources {
		if !strings.HasPrefix(what, cs.what) {
			continue
		}
		n := 0
		for _, it := range v.Items {
			if it.Scope == cs.scope && strings.HasPrefix(it.Type, cs.typePrefix) {
				n += it.Source
			}
		}
		return n
	}
	return 0
}

// replicatedObjects sums the source side of the verification rows of the
// other scopes (metadata objects, data values, tracker objects): each has
// an audit trail on the source that does not travel.
func (s *sysRun) replicatedObjects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.r.Report.Verification
	if v == nil {
		return 0
	}
	n := 0
	for _, it := range v.Items {
		// Value buckets group values that the dataValues rows count.
		if it.Scope != ScopeSystem && !strings.HasPrefix(it.Type, "dataValueBuckets") {
			n += it.Source
		}
	}
	return n
}
