package metadata

import (
	"strings"
)

// fieldNode is one entry of a DHIS2 field filter such as
// "id,name,categoryCombo[id,name],!href,:owner,name~rename(n)".
type fieldNode struct {
	name         string // property, "*", or a ":preset"
	exclude      bool
	children     []*fieldNode // nil = no sub-selection
	transformers []transformer
}

type transformer struct {
	name string // size, isEmpty, isNotEmpty, rename, pluck, keyBy
	arg  string
}

// parseFields parses a fields expression. Brackets [] and parentheses () both
// nest. Unknown syntax is tolerated like DHIS2: stray separators are skipped.
func parseFields(s string) []*fieldNode {
	nodes, _ := parseFieldList(s, 0)
	return nodes
}

func parseFieldList(s string, i int) ([]*fieldNode, int) {
	var nodes []*fieldNode
	for i < len(s) {
		switch s[i] {
		case ',', ' ':
			i++
			continue
		case ']', ')':
			return nodes, i + 1
		}
		n, next := parseFieldNode(s, i)
		if n != nil {
			nodes = append(nodes, n)
		}
		i = next
	}
	return nodes, i
}

func parseFieldNode(s string, i int) (*fieldNode, int) {
	n := &fieldNode{}
	if s[i] == '!' {
		n.exclude = true
		i++
	}
	start := i
	for i < len(s) && !strings.ContainsRune(",[]()~", rune(s[i])) {
		i++
	}
	n.name = strings.TrimSpace(s[start:i])
	for i < len(s) && s[i] == '~' {
		i++
		ts := i
		for i < len(s) && !strings.ContainsRune(",[]()~", rune(s[i])) {
			i++
		}
		t := transformer{name: s[ts:i]}
		if i < len(s) && s[i] == '(' {
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				end = len(s) - i
			}
			t.arg = s[i+1 : i+end]
			i += end + 1
		}
		n.transformers = append(n.transformers, t)
	}
	if i < len(s) && (s[i] == '[' || s[i] == '(') {
		n.children, i = parseFieldList(s, i+1)
		if n.children == nil {
			n.children = []*fieldNode{}
		}
	}
	for i < len(s) && s[i] == '~' { // transformers after children: a[b]~size
		i++
		ts := i
		for i < len(s) && !strings.ContainsRune(",[]()~", rune(s[i])) {
			i++
		}
		t := transformer{name: s[ts:i]}
		if i < len(s) && s[i] == '(' {
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				end = len(s) - i
			}
			t.arg = s[i+1 : i+end]
			i += end + 1
		}
		n.transformers = append(n.transformers, t)
	}
	if n.name == "" {
		return nil, i
	}
	return n, i
}

// selection is one property to render with its sub-selection.
type selection struct {
	prop         *Property
	children     []*fieldNode
	transformers []transformer
}

var presetFields = map[string][]string{
	":identifiable": {"id", "name", "code", "created", "lastUpdated", "lastUpdatedBy"},
	":nameable":     {"id", "name", "shortName", "description", "code", "created", "lastUpdated"},
	":idName":       {"id", "displayName"},
	":id":           {"id"},
	":code":         {"code"},
}

// resolveFields expands a parsed filter against a schema into the ordered
// list of properties to render. Unknown names are ignored, as in DHIS2.
func resolveFields(sc *Schema, nodes []*fieldNode) []selection {
	byName := map[string]*selection{}
	var order []string
	add := func(p *Property, n *fieldNode) {
		if p.WriteOnly {
			return
		}
		if sel, ok := byName[p.Name]; ok {
			if n != nil && (n.children != nil || len(n.transformers) > 0) {
				sel.children, sel.transformers = n.children, n.transformers
			}
			return
		}
		sel := &selection{prop: p}
		if n != nil {
			sel.children, sel.transformers = n.children, n.transformers
		}
		byName[p.Name] = sel
		order = append(order, p.Name)
	}
	excluded := map[string]bool{}
	for _, n := range nodes {
		if n.exclude {
			excluded[n.name] = true
			continue
		}
		switch n.name {
		case "*", ":all":
			for _, p := range sc.Properties {
				add(p, nil)
			}
		case ":owner":
			for _, p := range sc.Properties {
				if p.Owner {
					add(p, nil)
				}
			}
		case ":persisted":
			for _, p := range sc.Properties {
				if p.Persisted {
					add(p, nil)
				}
			}
		case ":simple":
			for _, p := range sc.Properties {
				if simpleType(p.Type) {
					add(p, nil)
				}
			}
		default:
			if names, ok := presetFields[n.name]; ok {
				for _, name := range names {
					if p, ok := sc.Property(name); ok {
						add(p, nil)
					}
				}
				continue
			}
			if p, ok := sc.Property(n.name); ok {
				add(p, n)
			}
		}
	}
	out := make([]selection, 0, len(order))
	for _, name := range order {
		if !excluded[name] {
			out = append(out, *byName[name])
		}
	}
	return out
}

// applyTransformers applies ~size, ~isEmpty, ~isNotEmpty, ~rename, ~pluck.
// It returns the output key and value.
func applyTransformers(key string, v any, ts []transformer) (string, any) {
	for _, t := range ts {
		switch t.name {
		case "size":
			switch x := v.(type) {
			case []any:
				v = len(x)
			case string:
				v = len(x)
			case map[string]any:
				v = len(x)
			default:
				v = 0
			}
		case "isEmpty", "isNotEmpty":
			empty := true
			switch x := v.(type) {
			case []any:
				empty = len(x) == 0
			case string:
				empty = x == ""
			case map[string]any:
				empty = len(x) == 0
			case nil:
			default:
				empty = false
			}
			v = empty == (t.name == "isEmpty")
		case "rename":
			if t.arg != "" {
				key = t.arg
			}
		case "pluck":
			field := t.arg
			if field == "" {
				field = "id"
			}
			if items, ok := v.([]any); ok {
				out := make([]any, 0, len(items))
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						if x, ok := m[field]; ok {
							out = append(out, x)
						}
					}
				}
				v = out
			}
		case "keyBy":
			field := t.arg
			if field == "" {
				field = "id"
			}
			if items, ok := v.([]any); ok {
				out := map[string]any{}
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						out[stringValue(m[field])] = m
					}
				}
				v = out
			}
		}
	}
	return key, v
}
