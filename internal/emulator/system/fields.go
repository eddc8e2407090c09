package system

import (
	"fmt"
	"slices"
	"strings"
)

// SelectFields applies a DHIS2 fields expression to a rendered object:
// names, nested selections name[a,b], exclusions !name and the presets
// * / :all / :owner (everything) and :identifiable (id, name, code,
// created, lastUpdated). An empty expression selects def.
func SelectFields(obj map[string]any, fields, def string) map[string]any {
	if strings.TrimSpace(fields) == "" {
		fields = def
	}
	return selectFields(obj, splitTop(fields))
}

func selectFields(obj map[string]any, items []string) map[string]any {
	out := map[string]any{}
	var excluded []string
	for _, it := range items {
		it = strings.TrimSpace(it)
		switch {
		case it == "":
		case it == "*" || it == ":all" || it == ":owner" || it == ":persisted":
			for k, v := range obj {
				out[k] = v
			}
		case it == ":identifiable" || it == ":nameable":
			for _, k := range []string{"id", "name", "displayName", "code", "created", "lastUpdated", "shortName", "description"} {
				if v, ok := obj[k]; ok {
					out[k] = v
				}
			}
		case strings.HasPrefix(it, "!"):
			excluded = append(excluded, it[1:])
		default:
			name, sub := it, ""
			if i := strings.IndexAny(it, "[("); i > 0 && (strings.HasSuffix(it, "]") || strings.HasSuffix(it, ")")) {
				name, sub = it[:i], it[i+1:len(it)-1]
			}
			v, ok := obj[name]
			if !ok {
				continue
			}
			if sub != "" {
				v = selectValue(v, splitTop(sub))
			}
			out[name] = v
		}
	}
	for _, k := range excluded {
		delete(out, k)
	}
	return out
}

func selectValue(v any, items []string) any {
	switch x := v.(type) {
	case map[string]any:
		return selectFields(x, items)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = selectValue(e, items)
		}
		return out
	}
	return v
}

// splitTop splits on commas outside brackets.
func splitTop(s string) []string {
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
	return append(out, s[start:])
}

// MatchFilter evaluates a metadata-style filter <path>:<op>[:<value>]
// (eq, !eq, ne, in, !in, like, ilike, !like, !ilike, null, !null, gt, ge,
// lt, le) against a rendered object; paths are dotted (visualization.id).
// An unknown operator is an error.
func MatchFilter(obj map[string]any, expr string) (bool, error) {
	parts := strings.SplitN(expr, ":", 3)
	if len(parts) < 2 {
		return false, newError(KindBadRequest, "", "Invalid filter: %s", expr)
	}
	vals := values(obj, strings.Split(parts[0], "."))
	arg := ""
	if len(parts) == 3 {
		arg = parts[2]
	}
	op := parts[1]
	switch op {
	case "null":
		return len(vals) == 0, nil
	case "!null":
		return len(vals) > 0, nil
	}
	for _, v := range vals {
		s := fmt.Sprint(v)
		var ok bool
		switch op {
		case "eq":
			ok = s == arg
		case "!eq", "ne", "neq":
			ok = s != arg
		case "ieq":
			ok = strings.EqualFold(s, arg)
		case "in", "!in":
			ok = slices.Contains(strings.Split(strings.Trim(arg, "[]"), ","), s) == (op == "in")
		case "like", "!like":
			ok = strings.Contains(s, arg) == (op == "like")
		case "ilike", "!ilike", "token":
			ok = strings.Contains(strings.ToLower(s), strings.ToLower(arg)) == (op != "!ilike")
		case "gt":
			ok = s > arg
		case "ge":
			ok = s >= arg
		case "lt":
			ok = s < arg
		case "le":
			ok = s <= arg
		default:
			return false, newError(KindBadRequest, "", "`%s` is not a valid operator.", op)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// values collects the scalars at path, descending into arrays.
func values(v any, path []string) []any {
	if len(path) == 0 {
		if v == nil {
			return nil
		}
		return []any{v}
	}
	switch x := v.(type) {
	case map[string]any:
		return values(x[path[0]], path[1:])
	case []any:
		var out []any
		for _, e := range x {
			out = append(out, values(e, path)...)
		}
		return out
	}
	return nil
}
