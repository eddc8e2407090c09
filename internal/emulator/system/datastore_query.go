package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Query is the 2.38+ dataStore query API: GET /api/dataStore/{ns}?fields=
// with filter, rootJunction, order, page, pageSize, paging, headless and
// includeAll (DatastoreQuery, DatastoreParams).
type Query struct {
	Fields     []QueryField
	Filters    []QueryFilter
	AnyFilter  bool // rootJunction=OR
	OrderPath  string
	OrderDir   string // asc, desc, nasc, ndesc
	Paging     bool
	Page       int
	PageSize   int
	Headless   bool
	IncludeAll bool
}

// QueryField is one requested value path and the member name it is
// written under ("." is the whole value, written as "value").
type QueryField struct {
	Path  string
	Alias string
}

// QueryFilter is one filter expression <path>:<operator>[:<value>]; the
// path "_" is the key, "." the whole value.
type QueryFilter struct {
	Path, Op, Value string
}

// QueryResult is the answer of a query: the pager values and the entries,
// each a JSON object with "key" first and the fields in request order.
type QueryResult struct {
	Page, PageSize int
	Entries        []json.RawMessage
}

var pathPattern = regexp.MustCompile(`^[-_a-zA-Z0-9]{1,32}(?:\.[-_a-zA-Z0-9]{1,32}){0,5}$`)

// normalisePath turns a[0] into a.0 and checks the path (E7650).
func normalisePath(p string) (string, error) {
	n := regexp.MustCompile(`\[(\d+)]`).ReplaceAllString(p, ".$1")
	if p != "." && !pathPattern.MatchString(n) {
		return "", newError(KindConflict, "E7650", "Not a valid path: `%s`", p)
	}
	return n, nil
}

// ParseQuery reads the query parameters; fields must be present (an empty
// fields= selects keys only).
func ParseQuery(q url.Values) (Query, error) {
	out := Query{Paging: true, Page: 1, PageSize: 50, OrderPath: "_", OrderDir: "asc"}
	var err error
	if out.Fields, err = parseFields(q.Get("fields")); err != nil {
		return out, err
	}
	out.Headless = q.Get("headless") == "true"
	out.IncludeAll = q.Get("includeAll") == "true"
	out.Paging = q.Get("paging") != "false"
	out.AnyFilter = strings.EqualFold(q.Get("rootJunction"), "OR")
	if n, err := strconv.Atoi(q.Get("page")); err == nil {
		out.Page = max(1, n)
	}
	if n, err := strconv.Atoi(q.Get("pageSize")); err == nil {
		out.PageSize = max(1, min(1000, n))
	}
	if o := q.Get("order"); o != "" {
		parts := regexp.MustCompile(`::|:|~|@`).Split(o, -1)
		if len(parts) > 2 {
			return out, badRequest("Not a valid order expression: %s", o)
		}
		if len(parts) == 2 {
			out.OrderDir = strings.ToLower(parts[1])
			if !slices.Contains([]string{"asc", "desc", "nasc", "ndesc"}, out.OrderDir) {
				return out, badRequest("No enum constant org.hisp.dhis.datastore.DatastoreQuery.Direction.%s", strings.ToUpper(parts[1]))
			}
		}
		if out.OrderPath, err = normaliseOrKey(parts[0]); err != nil {
			return out, err
		}
	}
	for _, f := range q["filter"] {
		for _, expr := range splitFilters(f) {
			parsed, err := parseFilter(expr)
			if err != nil {
				return out, err
			}
			out.Filters = append(out.Filters, parsed)
		}
	}
	return out, nil
}

func normaliseOrKey(p string) (string, error) {
	if p == "_" {
		return p, nil
	}
	return normalisePath(p)
}

// splitFilters splits on commas outside [...] and (...).
func splitFilters(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

var filterOps = map[string]string{
	"null": "null", "!null": "!null", "empty": "empty", "!empty": "!empty", "in": "in", "!in": "!in",
	"eq": "eq", "!eq": "!eq", "neq": "!eq", "ne": "!eq", "lt": "lt", "lte": "le", "le": "le", "gt": "gt", "gte": "ge", "ge": "ge",
	"like": "like", "!like": "!like", "$like": "$like", "!$like": "!$like", "like$": "like$", "!like$": "!like$",
	"ieq": "ieq", "ilike": "ilike", "!ilike": "!ilike", "$ilike": "$ilike", "startswith": "$ilike", "!$ilike": "!$ilike",
	"!startswith": "!$ilike", "ilike$": "ilike$", "endswith": "ilike$", "!ilike$": "!ilike$", "!endswith": "!ilike$",
}

func parseFilter(expr string) (QueryFilter, error) {
	parts := regexp.MustCompile(`::|:|~|@`).Split(expr, -1)
	if len(parts) < 2 {
		return QueryFilter{}, newError(KindConflict, "E7652", "Illegal filter expression `%s`: expected expression of pattern: <property>:<operator>[:<value>]", expr)
	}
	op, ok := filterOps[strings.ToLower(parts[1])]
	if !ok {
		return QueryFilter{}, newError(KindConflict, "", "Unknown operator: `%s`", strings.ToUpper(parts[1]))
	}
	path, err := normaliseOrKey(parts[0])
	if err != nil {
		return QueryFilter{}, err
	}
	return QueryFilter{Path: path, Op: op, Value: strings.Join(parts[2:], ":")}, nil
}

// parseFields reads DHIS2's fields grammar: a,b.c, nesting with [..] or
// (..), and ~hoist(alias) renames.
func parseFields(s string) ([]QueryField, error) {
	var out []QueryField
	var parents []string
	add := func(name string) error {
		if name == "" {
			return nil
		}
		alias := ""
		if i := strings.Index(name, "~hoist("); i > 0 {
			alias = strings.TrimSuffix(name[i+7:], ")")
			name = name[:i]
		}
		full := strings.Join(append(slices.Clone(parents), name), ".")
		if len(parents) > 0 && name == "." {
			full = strings.Join(parents, ".")
		}
		p, err := normalisePath(full)
		if err != nil {
			return err
		}
		if alias == "" {
			alias = p
			if p == "." {
				alias = "value"
			}
		}
		out = append(out, QueryField{Path: p, Alias: alias})
		return nil
	}
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && (isNameChar(s[j])) {
			j++
		}
		if strings.HasPrefix(s[j:], "~") {
			end := strings.IndexByte(s[j:], ')')
			if end < 0 {
				return nil, newError(KindConflict, "E7651", "Illegal fields expression, expected `,`, `[` or `]` at position %d but found `%c`", j, s[j])
			}
			j += end + 1
		}
		name := s[i:j]
		if j >= len(s) {
			if err := add(name); err != nil {
				return nil, err
			}
			break
		}
		switch s[j] {
		case ',':
			if err := add(name); err != nil {
				return nil, err
			}
		case '[', '(':
			parents = append(parents, name)
		case ']', ')':
			if err := add(name); err != nil {
				return nil, err
			}
			if len(parents) > 0 {
				parents = parents[:len(parents)-1]
			}
		default:
			return nil, newError(KindConflict, "E7651", "Illegal fields expression, expected `,`, `[` or `]` at position %d but found `%c`", j, s[j])
		}
		i = j + 1
	}
	return out, nil
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

// missing marks a path that does not exist in a value (SQL NULL), as
// opposed to a JSON null.
type missingT struct{}

var missing = missingT{}

func decodeValue(raw []byte) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return missing
	}
	return v
}

// at returns the value at a dotted path ("." is the root).
func at(v any, path string) any {
	if path == "." {
		return v
	}
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return missing
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return missing
			}
			v = x[i]
		default:
			return missing
		}
	}
	return v
}

// Query runs q on namespace ns.
func (d *DataStore) Query(c Caller, ns string, q Query) (*QueryResult, error) {
	d.mu.RLock()
	if err := d.checkNamespace(c, ns, false); err != nil {
		d.mu.RUnlock()
		return nil, err
	}
	type row struct {
		key string
		val any
	}
	var rows []row
	for k, e := range d.namespaces[ns] {
		if !d.user && !e.Sharing.canRead(c) {
			continue
		}
		rows = append(rows, row{k, e.parsed}) // decoded when written
	}
	d.mu.RUnlock()
	var kept []row
	for _, r := range rows {
		if !q.IncludeAll && len(q.Fields) > 0 && !slices.ContainsFunc(q.Fields, func(f QueryField) bool { return at(r.val, f.Path) != missing }) {
			continue
		}
		if len(q.Filters) > 0 && !q.matches(r.key, r.val) {
			continue
		}
		kept = append(kept, r)
	}
	var sortErr error
	slices.SortStableFunc(kept, func(a, b row) int {
		c, err := q.compare(a.key, a.val, b.key, b.val)
		if err != nil && sortErr == nil {
			sortErr = err
		}
		return c
	})
	if sortErr != nil {
		return nil, sortErr
	}
	if q.Paging {
		from := min((q.Page-1)*q.PageSize, len(kept))
		kept = kept[from:min(from+q.PageSize, len(kept))]
	}
	res := &QueryResult{Page: q.Page, PageSize: q.PageSize, Entries: make([]json.RawMessage, 0, len(kept))}
	for _, r := range kept {
		res.Entries = append(res.Entries, q.render(r.key, r.val))
	}
	return res, nil
}

// render writes {"key":…, fields…} with nested members for dotted aliases.
func (q Query) render(key string, v any) json.RawMessage {
	root := &orderedObject{}
	root.set([]string{"key"}, key)
	for _, f := range q.Fields {
		val := at(v, f.Path)
		if val == missing {
			val = nil
		}
		root.set(strings.Split(f.Alias, "."), val)
	}
	b, _ := json.Marshal(root)
	return b
}

// orderedObject is a JSON object that keeps member order.
type orderedObject struct {
	keys []string
	vals map[string]any
}

func (o *orderedObject) set(path []string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	name := path[0]
	if len(path) == 1 {
		if _, ok := o.vals[name]; !ok {
			o.keys = append(o.keys, name)
		}
		o.vals[name] = v
		return
	}
	child, ok := o.vals[name].(*orderedObject)
	if !ok {
		child = &orderedObject{}
		if _, exists := o.vals[name]; !exists {
			o.keys = append(o.keys, name)
		}
		o.vals[name] = child
	}
	child.set(path[1:], v)
}

// MarshalJSON writes the members in insertion order.
func (o *orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (q Query) matches(key string, v any) bool {
	for _, f := range q.Filters {
		ok := f.match(key, v)
		if q.AnyFilter && ok {
			return true
		}
		if !q.AnyFilter && !ok {
			return false
		}
	}
	return !q.AnyFilter
}

// jsonType is Postgres' jsonb_typeof.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

var numberPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]*)?$`)

// argType is DatastoreQueryBuilder.deriveNodeType.
func argType(value string) string {
	switch {
	case value == "true" || value == "false":
		return "boolean"
	case value == "" || value == "null":
		return ""
	case strings.HasPrefix(value, "{") && strings.HasSuffix(value, "}"):
		return "object"
	case strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]"):
		return "array"
	case numberPattern.MatchString(value):
		return "number"
	}
	return "string"
}

func (f QueryFilter) match(key string, root any) bool {
	if f.Path == "_" {
		return textMatch(f.Op, key, f.Value)
	}
	v := at(root, f.Path)
	if v == missing {
		return false
	}
	typ := jsonType(v)
	switch f.Op {
	case "null":
		return typ == "null"
	case "!null":
		return typ != "null"
	case "empty", "!empty":
		empty := v == "" || typ == "array" && len(v.([]any)) == 0 || typ == "object" && len(v.(map[string]any)) == 0
		if typ != "string" && typ != "array" && typ != "object" {
			return false
		}
		return empty == (f.Op == "empty")
	case "in", "!in":
		return typ == "string" && textMatch(f.Op, v.(string), f.Value)
	}
	if f.Value == "null" && (f.Op == "eq" || f.Op == "!eq") {
		return (typ == "null") == (f.Op == "eq")
	}
	switch argType(f.Value) {
	case "string":
		return typ == "string" && textMatch(f.Op, v.(string), f.Value)
	case "number":
		if typ != "number" {
			return false
		}
		a, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
		b, _ := strconv.ParseFloat(f.Value, 64)
		return cmpMatch(f.Op, cmpFloat(a, b))
	case "boolean":
		if typ != "boolean" {
			return false
		}
		eq := v.(bool) == (f.Value == "true")
		return f.Op == "eq" && eq || f.Op == "!eq" && !eq
	}
	raw, _ := json.Marshal(v)
	eq := jsonEqual(raw, []byte(f.Value))
	return f.Op == "eq" && eq || f.Op == "!eq" && !eq
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpMatch(op string, c int) bool {
	switch op {
	case "eq", "ieq":
		return c == 0
	case "!eq":
		return c != 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	}
	return false
}

// textMatch applies a comparison or pattern operator to text.
func textMatch(op, s, arg string) bool {
	switch op {
	case "in", "!in":
		items := strings.Split(strings.TrimSuffix(strings.TrimPrefix(arg, "["), "]"), ",")
		return slices.Contains(items, s) == (op == "in")
	case "ieq":
		return strings.EqualFold(s, arg)
	}
	neg := strings.HasPrefix(op, "!")
	base := strings.TrimPrefix(op, "!")
	if strings.Contains(base, "like") {
		if strings.Contains(base, "ilike") {
			s, arg = strings.ToLower(s), strings.ToLower(arg)
		}
		var ok bool
		switch {
		case strings.HasPrefix(base, "$"):
			ok = strings.HasPrefix(s, arg)
		case strings.HasSuffix(base, "$"):
			ok = strings.HasSuffix(s, arg)
		default:
			ok = strings.Contains(s, arg)
		}
		return ok != neg
	}
	return cmpMatch(op, strings.Compare(s, arg))
}

// compare orders two rows by the query's order (key ascending by default;
// desc puts missing values last; nasc/ndesc compare numerically).
func (q Query) compare(ka string, va any, kb string, vb any) (int, error) {
	desc := strings.HasSuffix(q.OrderDir, "desc")
	sign := 1
	if desc {
		sign = -1
	}
	if q.OrderPath == "_" {
		return sign * strings.Compare(ka, kb), nil
	}
	a, b := at(va, q.OrderPath), at(vb, q.OrderPath)
	am, bm := a == missing || a == nil, b == missing || b == nil
	switch {
	case am && bm:
		return strings.Compare(ka, kb), nil
	case am:
		if desc {
			return 1, nil
		}
		return -sign, nil
	case bm:
		if desc {
			return -1, nil
		}
		return sign, nil
	}
	if strings.HasPrefix(q.OrderDir, "n") {
		x, errA := strconv.ParseFloat(fmt.Sprint(a), 64)
		y, errB := strconv.ParseFloat(fmt.Sprint(b), 64)
		if errA != nil || errB != nil || math.IsNaN(x) || math.IsNaN(y) {
			return 0, badRequest("Cannot use numeric sort order on property `%s` as the property contains non-numeric values for matching entries. Use %s instead or apply a filter that only matches entries with numeric values for %s.",
				q.OrderPath, strings.TrimPrefix(q.OrderDir, "n"), q.OrderPath)
		}
		return sign * cmpFloat(x, y), nil
	}
	ta, tb := jsonRank(a), jsonRank(b)
	if ta != tb {
		return sign * (ta - tb), nil
	}
	if jsonType(a) == "number" {
		x, _ := strconv.ParseFloat(fmt.Sprint(a), 64)
		y, _ := strconv.ParseFloat(fmt.Sprint(b), 64)
		return sign * cmpFloat(x, y), nil
	}
	return sign * strings.Compare(fmt.Sprint(a), fmt.Sprint(b)), nil
}

// jsonRank is Postgres' jsonb ordering of types: null < string < number <
// boolean < array < object.
func jsonRank(v any) int {
	return slices.Index([]string{"null", "string", "number", "boolean", "array", "object"}, jsonType(v))
}
