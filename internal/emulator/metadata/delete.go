package metadata

import (
	"sort"
	"strings"
	"time"
)

// deleteBlocked reports whether another object requires the object (a
// required single reference to it), which DHIS2's deletion handlers refuse
// with E4030.
func (s *Store) deleteBlocked(sc *Schema, uid string, minor int) (ErrorReport, bool) {
	if isDefaultUID(uid) {
		return ErrorReport{Message: errorMessage(minor, "E4030", sc.SimpleName()), MainKlass: sc.Klass, ErrorCode: "E4030"}, true
	}
	for _, other := range s.schemas.Metadata() {
		ts := s.types[other.Plural]
		if ts == nil {
			continue
		}
		for _, p := range other.Properties {
			if !p.Persisted || !p.Owner || !p.Required || !p.singleRef() || p.Klass != sc.Klass {
				continue
			}
			for ouid, o := range ts.objs {
				if ouid != uid && refID(o[p.Name]) == uid {
					return ErrorReport{Message: errorMessage(minor, "E4030", other.SimpleName()),
						MainKlass: sc.Klass, ErrorCode: "E4030"}, true
				}
			}
		}
	}
	return ErrorReport{}, false
}

// deleteObject removes an object, detaches it from other objects' owner
// collections and optional references, and records the deletion in
// /api/deletedObjects (metadata that is not embedded).
func (s *Store) deleteObject(ts *typeStore, uid, username string) {
	o := ts.objs[uid]
	ts.remove(uid)
	delete(s.passwords, uid)
	sc := ts.schema
	if ev := s.types["eventVisualizations"]; ev != nil && (sc.Singular == "eventReport" || sc.Singular == "eventChart") {
		ev.remove(uid)
	}
	for _, other := range s.schemas.Metadata() {
		ots := s.types[other.Plural]
		if ots == nil {
			continue
		}
		for _, p := range other.Properties {
			if !p.Persisted || p.Embedded || p.RefKlass() != sc.Klass {
				continue
			}
			for _, oo := range ots.objs {
				detach(oo, p, uid)
			}
		}
	}
	if !sc.Embedded {
		s.deleted = append(s.deleted, DeletedObject{Klass: sc.SimpleName(), UID: uid, Code: str(o["code"]),
			DeletedAt: s.nowString(), DeletedBy: username})
	}
}

func detach(o Object, p *Property, uid string) {
	v, ok := o[p.Name]
	if !ok {
		return
	}
	if !p.Collection() {
		if refID(v) == uid && !p.Required {
			delete(o, p.Name)
		}
		return
	}
	items, _ := v.([]any)
	kept := items[:0:0]
	for _, it := range items {
		if refID(it) != uid {
			kept = append(kept, it)
		}
	}
	if len(kept) != len(items) {
		o[p.Name] = kept
	}
}

// DeletedObjectsQuery selects /api/deletedObjects entries.
type DeletedObjectsQuery struct {
	Klass     []string  // simple class names; empty = all
	UID       []string  // empty = all
	Code      []string  // empty = all
	DeletedAt time.Time // zero = no lower bound; entries deleted at or after it
	Paging    bool      // false = every entry, no pager
	Page      int       // 1-based (default 1)
	PageSize  int       // default 50
	BaseURL   string    // absolute URL of /api/deletedObjects for pager links
	Query     string    // the request's other query parameters, kept in pager links
}

// DeletedObjects returns the matching deletions in deletion order, the pager
// (nil when Paging is false) and the total.
func (s *Store) DeletedObjects(q DeletedObjectsQuery) ([]DeletedObject, *Pager) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	in := func(list []string, v string) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	var out []DeletedObject
	for _, d := range s.deleted {
		if !in(q.Klass, d.Klass) || !in(q.UID, d.UID) || !in(q.Code, d.Code) {
			continue
		}
		if !q.DeletedAt.IsZero() {
			t, err := ParseDate(d.DeletedAt, s.loc)
			if err == nil && t.Before(q.DeletedAt) {
				continue
			}
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DeletedAt < out[j].DeletedAt })
	if !q.Paging {
		return out, nil
	}
	pg := newPager(q.Page, q.PageSize, len(out), q.BaseURL, q.Query)
	lo, hi := pg.bounds()
	return out[lo:hi], pg
}

// deletedKlassList splits klass parameters given comma separated or repeated.
func deletedKlassList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
