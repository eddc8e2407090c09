package metadata

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// filterExpr is one "path:operator[:value]" filter.
type filterExpr struct {
	path  []string
	op    string
	value string
}

var filterOps = map[string]bool{
	"eq": true, "!eq": true, "ieq": true, "ne": true, "neq": true, "like": true, "!like": true, "$like": true,
	"!$like": true, "like$": true, "!like$": true, "ilike": true, "!ilike": true, "$ilike": true, "!$ilike": true,
	"ilike$": true, "!ilike$": true, "gt": true, "ge": true, "gte": true, "lt": true, "le": true, "lte": true,
	"null": true, "!null": true, "empty": true, "!empty": true, "token": true, "!token": true, "in": true, "!in": true,
}

// parseFilter parses "dataSets.id:eq:abc", "name:null" or "id:in:[a,b]".
func parseFilter(s string) (filterExpr, error) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 || parts[0] == "" || !filterOps[parts[1]] {
		return filterExpr{}, badRequest("invalid filter `%s`: expected property:operator:value with one of eq, !eq, ieq, ne, like, !like, $like, like$, ilike, !ilike, $ilike, ilike$, gt, ge, lt, le, null, !null, empty, token, in, !in", s)
	}
	f := filterExpr{path: strings.Split(parts[0], "."), op: parts[1]}
	if len(parts) == 3 {
		f.value = parts[2]
	}
	switch f.op {
	case "null", "!null", "empty", "!empty":
	default:
		if len(parts) < 3 {
			return filterExpr{}, badRequest("invalid filter `%s`: operator %s needs a value", s, f.op)
		}
	}
	return f, nil
}

// checkPath verifies that the filter path exists in the schema.
func (s *Store) checkPath(sc *Schema, path []string) error {
	cur := sc
	for i, seg := range path {
		if cur == nil {
			return nil // free-form embedded JSON
		}
		p, ok := cur.Property(seg)
		if !ok {
			if i == 0 && ValidUID(seg) {
				if _, isAttr := s.lookup("attributes", seg); isAttr {
					return nil
				}
			}
			return badRequest("Unknown path property: %s", strings.Join(path[:i+1], "."))
		}
		cur, _ = s.schemas.ByKlass(p.RefKlass())
	}
	return nil
}

// match evaluates a filter on an object: any value reached through the path
// may satisfy it (collections are "any member").
func (s *Store) match(rc *renderCtx, sc *Schema, o Object, f filterExpr) bool {
	vals, typ := s.pathValues(rc, sc, o, f.path)
	neg := strings.HasPrefix(f.op, "!") || f.op == "ne" || f.op == "neq"
	switch f.op {
	case "null":
		return len(vals) == 0
	case "!null":
		return len(vals) > 0
	case "empty":
		return len(vals) == 0 || len(vals) == 1 && isEmptyValue(vals[0])
	case "!empty":
		return !(len(vals) == 0 || len(vals) == 1 && isEmptyValue(vals[0]))
	}
	any := false
	for _, v := range flatten(vals) {
		if compare(f.op, typ, v, f.value, s.loc) {
			any = true
			break
		}
	}
	if neg {
		return !any
	}
	return any
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case []any:
		return len(x) == 0
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	}
	return v == nil
}

func flatten(vals []any) []any {
	var out []any
	for _, v := range vals {
		if l, ok := v.([]any); ok {
			out = append(out, flatten(l)...)
			continue
		}
		out = append(out, v)
	}
	return out
}

// pathValues follows a property path through references and embedded objects.
func (s *Store) pathValues(rc *renderCtx, sc *Schema, o Object, path []string) ([]any, PropertyType) {
	if len(path) == 1 && ValidUID(path[0]) {
		if _, ok := sc.Property(path[0]); !ok {
			if v, ok := attributeValueMap(o)[path[0]]; ok {
				return []any{v}, Text
			}
			return nil, Text
		}
	}
	cur := []any{o}
	curSchema := sc
	var typ PropertyType = Text
	for i, seg := range path {
		var next []any
		var p *Property
		if curSchema != nil {
			p, _ = curSchema.Property(seg)
		}
		for _, c := range cur {
			m, ok := c.(map[string]any)
			if !ok {
				continue
			}
			var v any
			var has bool
			if p != nil && curSchema != nil {
				v, has = s.valueOf(rc, curSchema, m, p)
			} else {
				v, has = m[seg]
			}
			if !has || v == nil {
				continue
			}
			last := i == len(path)-1
			if p != nil && p.IsReference() && !last {
				for _, it := range asList(v) {
					id := refID(it)
					if id == "" {
						continue
					}
					if rsc, ok := s.schemas.ByKlass(p.RefKlass()); ok {
						if ro, ok := s.lookup(rsc.Plural, id); ok {
							next = append(next, ro)
							continue
						}
					}
					next = append(next, it)
				}
				continue
			}
			if items, ok := v.([]any); ok && !last {
				next = append(next, items...)
				continue
			}
			next = append(next, v)
		}
		if p != nil {
			typ = p.Type
			if p.Collection() && p.ItemType != "" && p.ItemType != Reference && p.ItemType != Complex {
				typ = p.ItemType
			}
			curSchema, _ = s.schemas.ByKlass(p.RefKlass())
		} else {
			curSchema = nil
		}
		cur = next
	}
	return cur, typ
}

func compare(op string, typ PropertyType, v any, want string, loc *time.Location) bool {
	base := strings.TrimPrefix(op, "!")
	sv := stringValue(v)
	if m, ok := v.(map[string]any); ok {
		sv = str(m["id"])
	}
	switch base {
	case "eq", "ne", "neq":
		if typ == Boolean {
			return strings.EqualFold(sv, want)
		}
		if isNumeric(typ) {
			a, aok := toFloat(v)
			b, err := strconv.ParseFloat(want, 64)
			return aok && err == nil && a == b
		}
		if typ == Date {
			return compareDates(sv, want, loc) == 0
		}
		return sv == want
	case "ieq":
		return strings.EqualFold(sv, want)
	case "like":
		return strings.Contains(sv, want)
	case "ilike":
		return strings.Contains(strings.ToLower(sv), strings.ToLower(want))
	case "$like":
		return strings.HasPrefix(sv, want)
	case "$ilike":
		return strings.HasPrefix(strings.ToLower(sv), strings.ToLower(want))
	case "like$":
		return strings.HasSuffix(sv, want)
	case "ilike$":
		return strings.HasSuffix(strings.ToLower(sv), strings.ToLower(want))
	case "gt", "ge", "gte", "lt", "le", "lte":
		c, ok := order(typ, v, sv, want, loc)
		if !ok {
			return false
		}
		switch base {
		case "gt":
			return c > 0
		case "ge", "gte":
			return c >= 0
		case "lt":
			return c < 0
		default:
			return c <= 0
		}
	case "in":
		for _, w := range splitList(want) {
			if sv == w {
				return true
			}
		}
		return false
	case "token":
		words := strings.Fields(strings.ToLower(sv))
		for _, t := range strings.Fields(strings.ToLower(want)) {
			found := false
			for _, w := range words {
				if strings.HasPrefix(w, t) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return false
}

func isNumeric(t PropertyType) bool { return t == Integer || t == Number }

func order(typ PropertyType, v any, sv, want string, loc *time.Location) (int, bool) {
	if isNumeric(typ) {
		a, aok := toFloat(v)
		b, err := strconv.ParseFloat(want, 64)
		if !aok || err != nil {
			return 0, false
		}
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	}
	if typ == Date {
		return compareDates(sv, want, loc), true
	}
	return strings.Compare(sv, want), true
}

// compareDates compares two dates; values without zone are in the server
// time zone (stored dates are written that way).
func compareDates(a, b string, loc *time.Location) int {
	ta, errA := ParseDate(a, loc)
	tb, errB := ParseDate(b, loc)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return ta.Compare(tb)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return math.NaN(), false
}

// splitList parses "[a,b]" (brackets optional).
func splitList(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "["), "]")
	parts := strings.Split(s, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// orderExpr is one "prop:asc|desc|iasc|idesc".
type orderExpr struct {
	prop       string
	desc, ci   bool
	isExplicit bool
}

func parseOrders(specs []string) []orderExpr {
	var out []orderExpr
	for _, spec := range specs {
		for _, part := range strings.Split(spec, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			name, dir, _ := strings.Cut(part, ":")
			oe := orderExpr{prop: name, isExplicit: true}
			switch strings.ToLower(dir) {
			case "desc":
				oe.desc = true
			case "iasc":
				oe.ci = true
			case "idesc":
				oe.ci, oe.desc = true, true
			}
			out = append(out, oe)
		}
	}
	return out
}

// sortObjects orders objects by the order expressions (stable on uid).
func (s *Store) sortObjects(rc *renderCtx, sc *Schema, objs []Object, orders []orderExpr) {
	if len(orders) == 0 {
		return
	}
	key := func(o Object, oe orderExpr) (any, PropertyType) {
		p, ok := sc.Property(oe.prop)
		if !ok {
			return nil, Text
		}
		v, _ := s.valueOf(rc, sc, o, p)
		return v, p.Type
	}
	sort.SliceStable(objs, func(i, j int) bool {
		for _, oe := range orders {
			a, typ := key(objs[i], oe)
			b, _ := key(objs[j], oe)
			c := cmpValues(typ, a, b, oe.ci)
			if c == 0 {
				continue
			}
			if oe.desc {
				return c > 0
			}
			return c < 0
		}
		return false
	})
}

func cmpValues(typ PropertyType, a, b any, ci bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1 // nulls last
	case b == nil:
		return -1
	}
	if isNumeric(typ) {
		x, _ := toFloat(a)
		y, _ := toFloat(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	sa, sb := stringValue(a), stringValue(b)
	if ci {
		sa, sb = strings.ToLower(sa), strings.ToLower(sb)
	}
	return strings.Compare(sa, sb)
}
