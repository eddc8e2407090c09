package tracker

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Org unit modes (OrganisationUnitSelectionMode).
const (
	OUSelected    = "SELECTED"
	OUChildren    = "CHILDREN"
	OUDescendants = "DESCENDANTS"
	OUAccessible  = "ACCESSIBLE"
	OUCapture     = "CAPTURE"
	OUAll         = "ALL"
)

// Order is one sort key of a query.
type Order struct {
	Field string // createdAt, updatedAt, occurredAt, scheduledAt, enrolledAt (old names accepted)
	Desc  bool
}

// Query selects objects of one kind. Zero fields do not filter.
type Query struct {
	Kind              Kind
	UIDs              []string // explicit objects (trackedEntities=, events=, enrollments=)
	Program           string
	ProgramStage      string
	TrackedEntityType string
	TrackedEntity     string   // events and enrollments of one TE
	OrgUnits          []string // with OrgUnitMode
	OrgUnitMode       string   // default SELECTED with OrgUnits, ACCESSIBLE without
	Status            string   // event status or enrollment status
	ProgramStatus     string   // TEs: status of the enrollment in Program
	UpdatedAfter      *time.Time
	UpdatedBefore     *time.Time
	OccurredAfter     *time.Time // events: occurredAt; enrollments: enrolledAt
	OccurredBefore    *time.Time
	IncludeDeleted    bool
	Order             []Order
	// Paging: Page is 1-based; PageSize default 50. NoPaging returns all.
	Page, PageSize int
	NoPaging       bool
	// Related selects relationships of one object (any kind's UID).
	Related string
}

// Result is one page of a query.
type Result struct {
	Items    []map[string]any
	Page     int
	PageSize int
	Total    int  // number of matches (all pages)
	HasNext  bool // more matches after this page
}

// Shape selects the wire shape of rendered objects.
type Shape int

// Shapes.
const (
	ShapeNew Shape = iota // /api/tracker (2.36+)
	ShapeOld              // /api/trackedEntityInstances, /api/events… (≤2.41)
)

// Find runs a query and renders the page in the given shape with the
// field filter f (nil = every field).
func (s *Store) Find(q Query, cat Catalog, shape Shape, f *Fields) (*Result, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, err := s.matcher(q, cat)
	if err != nil {
		return nil, err
	}
	r := &renderer{s: s, cat: cat, old: shape == ShapeOld, includeDeleted: q.IncludeDeleted}
	items, err := s.matches(q, m)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: len(items), Page: 1, PageSize: len(items)}
	if !q.NoPaging {
		res.Page, res.PageSize = max(q.Page, 1), q.PageSize
		if res.PageSize <= 0 {
			res.PageSize = 50
		}
		from := min((res.Page-1)*res.PageSize, len(items))
		to := min(from+res.PageSize, len(items))
		res.HasNext = to < len(items)
		items = items[from:to]
	}
	res.Items = make([]map[string]any, 0, len(items))
	for _, o := range items {
		res.Items = append(res.Items, f.Apply(o.render(r, f)))
	}
	return res, nil
}

// matches returns every object of a query in its order. A paged query's
// matches are kept until the store or the catalog changes, so reading
// the next page of a listing does not match the whole store again; the
// caller holds the read lock.
func (s *Store) matches(q Query, m *matcher) ([]obj, error) {
	var ck string
	idx, cacheable := m.cat.(*Index)
	if cacheable && !q.NoPaging && !s.scanOnly {
		ck = q.cacheKey()
		if items, ok := s.qcache.get(s.gen, idx, ck); ok {
			return items, nil
		}
	}
	items, err := s.match(q, m)
	if err != nil {
		return nil, err
	}
	if ck != "" {
		s.qcache.put(s.gen, idx, ck, items)
	}
	return items, nil
}

// match runs a query over the store (or the objects an index names).
func (s *Store) match(q Query, m *matcher) ([]obj, error) {
	var items []obj
	switch q.Kind {
	case KindTrackedEntity:
		items = s.matchTEs(q, m)
	case KindEnrollment:
		items = s.matchEnrollments(q, m)
	case KindEvent:
		items = s.matchEvents(q, m)
	case KindRelationship:
		items = s.matchRels(q)
	default:
		return nil, fmt.Errorf("query: unknown tracker kind %q", q.Kind)
	}
	sortObjs(items, q.Order)
	return items, nil
}

// obj is a stored object being queried.
type obj struct {
	st                                  *Stamps
	enrolledAt, occurredAt, scheduledAt *time.Time
	render                              func(r *renderer, f *Fields) map[string]any
}

func sortObjs(items []obj, order []Order) {
	if len(order) == 0 {
		if !sort.SliceIsSorted(items, func(i, j int) bool { return items[i].st.seq < items[j].st.seq }) {
			sort.SliceStable(items, func(i, j int) bool { return items[i].st.seq < items[j].st.seq })
		}
		slices.Reverse(items) // newest first
		return
	}
	sort.SliceStable(items, func(i, j int) bool {
		for _, o := range order {
			a, b := fieldTime(items[i], o.Field), fieldTime(items[j], o.Field)
			if a.Equal(b) {
				continue
			}
			if o.Desc {
				return a.After(b)
			}
			return a.Before(b)
		}
		return items[i].st.seq > items[j].st.seq
	})
}

var orderAliases = map[string]string{"created": "createdAt", "lastUpdated": "updatedAt", "eventDate": "occurredAt",
	"dueDate": "scheduledAt", "enrollmentDate": "enrolledAt", "incidentDate": "occurredAt", "updatedAtClient": "updatedAt"}

func fieldTime(o obj, field string) time.Time {
	if a, ok := orderAliases[field]; ok {
		field = a
	}
	switch field {
	case "createdAt":
		return o.st.CreatedAt
	case "updatedAt":
		return o.st.UpdatedAt
	}
	var t *time.Time
	switch field {
	case "enrolledAt":
		t = o.enrolledAt
	case "occurredAt":
		t = o.occurredAt
	case "scheduledAt":
		t = o.scheduledAt
	}
	if t != nil {
		return *t
	}
	return time.Time{}
}

// ParseOrder reads order=field:asc|desc,… (unknown directions sort
// ascending).
func ParseOrder(s string) []Order {
	var out []Order
	for _, part := range strings.Split(s, ",") {
		name, dir, _ := strings.Cut(strings.TrimSpace(part), ":")
		if name != "" {
			out = append(out, Order{Field: name, Desc: strings.EqualFold(dir, "desc")})
		}
	}
	return out
}

// matcher holds the compiled common filters.
type matcher struct {
	q     Query
	cat   Catalog
	uids  map[string]bool
	units []string
	mode  string
}

func (s *Store) matcher(q Query, cat Catalog) (*matcher, error) {
	m := &matcher{q: q, cat: cat, mode: strings.ToUpper(q.OrgUnitMode)}
	if len(q.UIDs) > 0 {
		m.uids = map[string]bool{}
		for _, u := range q.UIDs {
			m.uids[u] = true
		}
	}
	if m.mode == "" {
		m.mode = OUSelected
		if len(q.OrgUnits) == 0 {
			m.mode = OUAccessible
		}
	}
	for _, ou := range q.OrgUnits {
		if _, ok := cat.OrgUnit(ou); !ok {
			return nil, fmt.Errorf("%w: organisation unit does not exist: %s", ErrBadQuery, ou)
		}
		m.units = append(m.units, ou)
	}
	return m, nil
}

// ErrBadQuery marks query errors that DHIS2 answers with 400/409.
var ErrBadQuery = fmt.Errorf("bad tracker query")

// ouMatch applies the org unit scope to one org unit.
func (m *matcher) ouMatch(ou string) bool {
	switch m.mode {
	case OUAll, OUAccessible, OUCapture:
		if len(m.units) == 0 {
			return true
		}
	}
	if len(m.units) == 0 {
		return true
	}
	unit, ok := m.cat.OrgUnit(ou)
	if !ok {
		return false
	}
	for _, sel := range m.units {
		switch m.mode {
		case OUChildren:
			if ou == sel || parentOf(unit.Path) == sel {
				return true
			}
		case OUDescendants, OUAll, OUAccessible, OUCapture:
			if strings.Contains(unit.Path+"/", "/"+sel+"/") {
				return true
			}
		default:
			if ou == sel {
				return true
			}
		}
	}
	return false
}

func parentOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

// common applies deleted, UID and updatedAt filters.
func (m *matcher) common(uid string, st *Stamps) bool {
	if st.Deleted && !m.q.IncludeDeleted {
		return false
	}
	if m.uids != nil && !m.uids[uid] {
		return false
	}
	if m.q.UpdatedAfter != nil && st.UpdatedAt.Before(*m.q.UpdatedAfter) {
		return false
	}
	if m.q.UpdatedBefore != nil && st.UpdatedAt.After(*m.q.UpdatedBefore) {
		return false
	}
	return true
}

func inRange(t *time.Time, after, before *time.Time) bool {
	if after == nil && before == nil {
		return true
	}
	if t == nil {
		return false
	}
	return (after == nil || !t.Before(*after)) && (before == nil || !t.After(*before))
}

func (s *Store) matchTEs(q Query, m *matcher) []obj {
	var out []obj
	for _, te := range candidates(s.teOrder, s.uidsToVisit(q), s.tes, func(te *TrackedEntity) uint64 { return te.seq }) {
		if !m.common(te.UID, &te.Stamps) {
			continue
		}
		if q.TrackedEntityType != "" && te.TrackedEntityType != q.TrackedEntityType {
			continue
		}
		ou := te.OrgUnit
		if q.Program != "" {
			en := s.programEnrollment(te.UID, q.Program, q.ProgramStatus)
			if en == nil {
				continue
			}
			if owner, ok := s.owners[te.UID][q.Program]; ok {
				ou = owner
			}
		}
		if !m.ouMatch(ou) {
			continue
		}
		out = append(out, obj{st: &te.Stamps, render: func(r *renderer, f *Fields) map[string]any { return r.trackedEntity(te, f) }})
	}
	return out
}

// programEnrollment returns a live enrollment of te in program with the
// given status ("" = any).
func (s *Store) programEnrollment(te, program, status string) *Enrollment {
	for _, en := range s.enByTE[te] {
		if en.Program == program && !en.Deleted && (status == "" || en.Status == status) {
			return en
		}
	}
	return nil
}

func (s *Store) matchEnrollments(q Query, m *matcher) []obj {
	var out []obj
	for _, en := range candidates(s.enOrder, s.uidsToVisit(q), s.enrollments, func(en *Enrollment) uint64 { return en.seq }) {
		if !m.common(en.UID, &en.Stamps) || (q.Program != "" && en.Program != q.Program) ||
			(q.TrackedEntity != "" && en.TrackedEntity != q.TrackedEntity) || (q.Status != "" && en.Status != q.Status) ||
			!inRange(en.EnrolledAt, q.OccurredAfter, q.OccurredBefore) || !m.ouMatch(en.OrgUnit) {
			continue
		}
		if q.TrackedEntityType != "" {
			if te := s.tes[en.TrackedEntity]; te == nil || te.TrackedEntityType != q.TrackedEntityType {
				continue
			}
		}
		out = append(out, obj{st: &en.Stamps, enrolledAt: en.EnrolledAt, occurredAt: en.OccurredAt,
			render: func(r *renderer, f *Fields) map[string]any { return r.enrollment(en, f) }})
	}
	return out
}

func (s *Store) matchEvents(q Query, m *matcher) []obj {
	var out []obj
	for _, ev := range candidates(s.evOrder, s.uidsToVisit(q), s.events, func(ev *Event) uint64 { return ev.seq }) {
		if !m.common(ev.UID, &ev.Stamps) || (q.Program != "" && ev.Program != q.Program) ||
			(q.ProgramStage != "" && ev.ProgramStage != q.ProgramStage) || (q.TrackedEntity != "" && ev.TrackedEntity != q.TrackedEntity) ||
			(q.Status != "" && ev.Status != q.Status) || !inRange(ev.OccurredAt, q.OccurredAfter, q.OccurredBefore) || !m.ouMatch(ev.OrgUnit) {
			continue
		}
		out = append(out, obj{st: &ev.Stamps, occurredAt: ev.OccurredAt, scheduledAt: ev.ScheduledAt,
			render: func(r *renderer, f *Fields) map[string]any { return r.event(ev, f) }})
	}
	return out
}

func (s *Store) matchRels(q Query) []obj {
	var out []obj
	src := s.relOrder
	if q.Related != "" {
		src = s.relByID[q.Related]
	}
	for _, rel := range src {
		if rel.Deleted && !q.IncludeDeleted {
			continue
		}
		if q.UpdatedAfter != nil && rel.UpdatedAt.Before(*q.UpdatedAfter) {
			continue
		}
		out = append(out, obj{st: &rel.Stamps, render: func(r *renderer, f *Fields) map[string]any { return r.relationship(rel) }})
	}
	return out
}

// Get renders one object by UID. Deleted objects are found only with
// includeDeleted.
func (s *Store) Get(k Kind, uid string, cat Catalog, shape Shape, f *Fields, includeDeleted bool) (map[string]any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := &renderer{s: s, cat: cat, old: shape == ShapeOld, includeDeleted: includeDeleted}
	var st *Stamps
	var out map[string]any
	switch k {
	case KindTrackedEntity:
		if te := s.tes[uid]; te != nil {
			st, out = &te.Stamps, r.trackedEntity(te, f)
		}
	case KindEnrollment:
		if en := s.enrollments[uid]; en != nil {
			st, out = &en.Stamps, r.enrollment(en, f)
		}
	case KindEvent:
		if ev := s.events[uid]; ev != nil {
			st, out = &ev.Stamps, r.event(ev, f)
		}
	case KindRelationship:
		if rel := s.rels[uid]; rel != nil {
			st, out = &rel.Stamps, r.relationship(rel)
		}
	}
	if st == nil || (st.Deleted && !includeDeleted) {
		return nil, false
	}
	return f.Apply(out), true
}

// uidsToVisit returns the UIDs a query names, nil to visit every object.
func (s *Store) uidsToVisit(q Query) []string {
	if s.scanOnly {
		return nil
	}
	return q.UIDs
}

// candidates returns the objects a query must look at, in store order:
// all of them, or only those it names by UID (when it names fewer than
// the store holds).
func candidates[T any](all []T, uids []string, byUID map[string]T, seq func(T) uint64) []T {
	if len(uids) == 0 || len(uids) >= len(all) {
		return all
	}
	out := make([]T, 0, len(uids))
	seen := make(map[string]bool, len(uids))
	for _, u := range uids {
		if o, ok := byUID[u]; ok && !seen[u] {
			seen[u] = true
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(seq(a), seq(b)) })
	return out
}
