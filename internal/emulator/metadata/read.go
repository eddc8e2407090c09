package metadata

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// ListParams are the /api/<plural> list parameters.
type ListParams struct {
	Fields       string   // default "id,displayName"
	Filters      []string // "prop:op:value", AND-ed unless RootJunction is OR
	RootJunction string   // "AND" (default) or "OR"
	Order        []string // "prop:asc|desc|iasc|idesc"
	Query        string   // query=: case-insensitive match on name, or exact id/code
	Paging       bool     // true (ParseListParams default) = pages with a pager; false = every object
	Page         int      // 1-based, default 1
	PageSize     int      // default 50
	Defaults     string   // "INCLUDE" (default) or "EXCLUDE"
	// BaseURL is the server root ("http://127.0.0.1:8080"); it builds href
	// values and, with the endpoint path, the pager's nextPage/prevPage.
	BaseURL string
	// RawQuery is the request's query string; pager links repeat it with
	// another page.
	RawQuery url.Values
}

// ParseListParams reads list parameters from a request query. baseURL is the
// server root used for href and pager links.
func ParseListParams(q url.Values, baseURL string) ListParams {
	lp := ListParams{Fields: q.Get("fields"), Filters: q["filter"], RootJunction: strings.ToUpper(q.Get("rootJunction")),
		Order: q["order"], Query: q.Get("query"), Paging: true, Page: atoiDefault(q.Get("page"), 1),
		PageSize: atoiDefault(q.Get("pageSize"), 50), Defaults: strings.ToUpper(q.Get("defaults")),
		BaseURL: strings.TrimSuffix(baseURL, "/"), RawQuery: q}
	if v := q.Get("paging"); strings.EqualFold(v, "false") {
		lp.Paging = false
	}
	if strings.EqualFold(q.Get("skipPaging"), "true") {
		lp.Paging = false
	}
	if len(q["fields"]) > 1 {
		lp.Fields = strings.Join(q["fields"], ",")
	}
	return lp
}

func atoiDefault(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return def
	}
	return n
}

// Pager is DHIS2's list pager.
type Pager struct {
	Page      int    `json:"page"`
	PageCount int    `json:"pageCount"`
	Total     int    `json:"total"`
	PageSize  int    `json:"pageSize"`
	NextPage  string `json:"nextPage,omitempty"`
	PrevPage  string `json:"prevPage,omitempty"`
}

func newPager(page, size, total int, baseURL, rawQuery string) *Pager {
	if size < 1 {
		size = 50
	}
	if page < 1 {
		page = 1
	}
	pc := (total + size - 1) / size
	pg := &Pager{Page: page, PageCount: pc, Total: total, PageSize: size}
	link := func(p int) string {
		q, _ := url.ParseQuery(rawQuery)
		if q == nil {
			q = url.Values{}
		}
		q.Set("page", strconv.Itoa(p))
		return baseURL + "?" + q.Encode()
	}
	if baseURL != "" {
		if page < pc {
			pg.NextPage = link(page + 1)
		}
		if page > 1 {
			pg.PrevPage = link(page - 1)
		}
	}
	return pg
}

func (p *Pager) bounds() (int, int) {
	lo := (p.Page - 1) * p.PageSize
	if lo > p.Total {
		lo = p.Total
	}
	hi := lo + p.PageSize
	if hi > p.Total {
		hi = p.Total
	}
	return lo, hi
}

// ListResult is one page of a list: rendered objects and the pager (nil when
// paging is off).
type ListResult struct {
	Plural  string
	Objects []map[string]any
	Pager   *Pager
}

// MarshalJSON writes {"pager":{…},"<plural>":[…]} like DHIS2.
func (lr *ListResult) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	if lr.Pager != nil {
		pj, err := json.Marshal(lr.Pager)
		if err != nil {
			return nil, err
		}
		b.WriteString(`"pager":`)
		b.Write(pj)
		b.WriteByte(',')
	}
	b.WriteString(strconv.Quote(lr.Plural))
	b.WriteString(":")
	objs := lr.Objects
	if objs == nil {
		objs = []map[string]any{}
	}
	oj, err := marshalJSON(objs)
	if err != nil {
		return nil, err
	}
	b.Write(oj)
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// List returns one page of /api/<plural>. Unknown types and invalid filters
// are *BadRequestError / *NotFoundError values.
func (s *Store) List(plural string, lp ListParams) (*ListResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ts := s.types[plural]
	if ts == nil {
		return nil, &NotFoundError{Type: plural, UID: ""}
	}
	sc := ts.schema
	rc := &renderCtx{baseURL: lp.BaseURL, excludeDefaults: lp.Defaults == "EXCLUDE"}
	objs, err := s.query(rc, ts, lp.Filters, lp.RootJunction == "OR", lp.Query, lp.Order, rc.excludeDefaults)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Plural: plural}
	if lp.Paging {
		endpoint := lp.BaseURL + "/api" + sc.RelativeAPIEndpoint
		if lp.BaseURL == "" {
			endpoint = ""
		}
		res.Pager = newPager(lp.Page, lp.PageSize, len(objs), endpoint, lp.RawQuery.Encode())
		lo, hi := res.Pager.bounds()
		objs = objs[lo:hi]
	}
	fields := lp.Fields
	if fields == "" {
		fields = "id,displayName"
	}
	sels := resolveFields(sc, parseFields(fields))
	res.Objects = make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		res.Objects = append(res.Objects, s.render(rc, sc, o, sels))
	}
	return res, nil
}

// query selects and orders the objects of a type.
func (s *Store) query(rc *renderCtx, ts *typeStore, filters []string, or bool, q string, orders []string, excludeDefaults bool) ([]Object, error) {
	sc := ts.schema
	var fs []filterExpr
	for _, f := range filters {
		fe, err := parseFilter(f)
		if err != nil {
			return nil, err
		}
		if err := s.checkPath(sc, fe.path); err != nil {
			return nil, err
		}
		fs = append(fs, fe)
	}
	var out []Object
	ql := strings.ToLower(q)
	for _, uid := range ts.sortedUIDs() {
		o := ts.objs[uid]
		if excludeDefaults && isDefaultUID(uid) {
			continue
		}
		if q != "" && !(strings.Contains(strings.ToLower(displayNameOf(o)), ql) || uid == q || str(o["code"]) == q) {
			continue
		}
		if len(fs) > 0 && !s.matchAll(rc, sc, o, fs, or) {
			continue
		}
		out = append(out, o)
	}
	s.sortObjects(rc, sc, out, parseOrders(orders))
	return out, nil
}

func (s *Store) matchAll(rc *renderCtx, sc *Schema, o Object, fs []filterExpr, or bool) bool {
	for _, f := range fs {
		m := s.match(rc, sc, o, f)
		if or && m {
			return true
		}
		if !or && !m {
			return false
		}
	}
	return !or
}

// Get returns one object rendered with fields (default "*", all fields, as
// DHIS2's single-object GET). baseURL is the server root for href.
func (s *Store) Get(plural, uid, fields, baseURL string) (map[string]any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ts := s.types[plural]
	if ts == nil {
		return nil, &NotFoundError{Type: plural, UID: uid}
	}
	o, ok := ts.objs[uid]
	if !ok {
		return nil, &NotFoundError{Type: ts.schema.SimpleName(), UID: uid}
	}
	if fields == "" {
		fields = "*"
	}
	rc := &renderCtx{baseURL: strings.TrimSuffix(baseURL, "/")}
	return s.render(rc, ts.schema, o, resolveFields(ts.schema, parseFields(fields))), nil
}

// Exists reports whether an object of a type exists.
func (s *Store) Exists(plural, uid string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.lookup(plural, uid)
	return ok
}

// Count returns the number of stored objects of a type.
func (s *Store) Count(plural string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ts := s.types[plural]; ts != nil {
		return len(ts.objs)
	}
	return 0
}

// WriteList streams a list page as JSON.
func (s *Store) WriteList(w io.Writer, plural string, lp ListParams) error {
	res, err := s.List(plural, lp)
	if err != nil {
		return err
	}
	b, err := res.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode %s list: %w", plural, err)
	}
	_, err = w.Write(b)
	return err
}
