package metadata

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// patchOp is one RFC 6902 operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from"`
	Value any    `json:"value"`
}

func applyPatchOp(doc any, op patchOp) (any, error) {
	switch op.Op {
	case "add":
		return pointerSet(doc, op.Path, deepCopy(op.Value), true)
	case "replace":
		if _, err := pointerGet(doc, op.Path); err != nil {
			return nil, err
		}
		return pointerSet(doc, op.Path, deepCopy(op.Value), false)
	case "remove":
		return pointerRemove(doc, op.Path)
	case "move", "copy":
		v, err := pointerGet(doc, op.From)
		if err != nil {
			return nil, err
		}
		v = deepCopy(v)
		if op.Op == "move" {
			if doc, err = pointerRemove(doc, op.From); err != nil {
				return nil, err
			}
		}
		return pointerSet(doc, op.Path, v, true)
	case "test":
		v, err := pointerGet(doc, op.Path)
		if err != nil {
			return nil, err
		}
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(op.Value)
		if string(a) != string(b) {
			return nil, fmt.Errorf("test failed: value is %s", a)
		}
		return doc, nil
	}
	return nil, fmt.Errorf("unsupported operation %q", op.Op)
}

func splitPointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("path %q must start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func pointerGet(doc any, p string) (any, error) {
	parts, err := splitPointer(p)
	if err != nil {
		return nil, err
	}
	cur := doc
	for _, k := range parts {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[k]
			if !ok {
				return nil, fmt.Errorf("path %q does not exist", p)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("index %q out of range", k)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("path %q does not exist", p)
		}
	}
	return cur, nil
}

// pointerSet sets (insert=true: adds/inserts) the value at p, returning the new document.
func pointerSet(doc any, p string, v any, insert bool) (any, error) {
	parts, err := splitPointer(p)
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return v, nil
	}
	return setIn(doc, parts, v, insert)
}

func setIn(cur any, parts []string, v any, insert bool) (any, error) {
	k := parts[0]
	last := len(parts) == 1
	switch c := cur.(type) {
	case map[string]any:
		if last {
			c[k] = v
			return c, nil
		}
		child, ok := c[k]
		if !ok {
			return nil, fmt.Errorf("member %q does not exist", k)
		}
		nv, err := setIn(child, parts[1:], v, insert)
		if err != nil {
			return nil, err
		}
		c[k] = nv
		return c, nil
	case []any:
		if last && k == "-" && insert {
			return append(c, v), nil
		}
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i > len(c) || (!insert || !last) && i == len(c) {
			return nil, fmt.Errorf("index %q out of range", k)
		}
		if last {
			if insert {
				c = append(c, nil)
				copy(c[i+1:], c[i:])
				c[i] = v
				return c, nil
			}
			c[i] = v
			return c, nil
		}
		nv, err := setIn(c[i], parts[1:], v, insert)
		if err != nil {
			return nil, err
		}
		c[i] = nv
		return c, nil
	}
	return nil, fmt.Errorf("cannot set %q on a scalar", k)
}

func pointerRemove(doc any, p string) (any, error) {
	parts, err := splitPointer(p)
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("cannot remove the whole document")
	}
	return removeIn(doc, parts)
}

func removeIn(cur any, parts []string) (any, error) {
	k := parts[0]
	last := len(parts) == 1
	switch c := cur.(type) {
	case map[string]any:
		child, ok := c[k]
		if !ok {
			return nil, fmt.Errorf("member %q does not exist", k)
		}
		if last {
			delete(c, k)
			return c, nil
		}
		nv, err := removeIn(child, parts[1:])
		if err != nil {
			return nil, err
		}
		c[k] = nv
		return c, nil
	case []any:
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(c) {
			return nil, fmt.Errorf("index %q out of range", k)
		}
		if last {
			return append(c[:i:i], c[i+1:]...), nil
		}
		nv, err := removeIn(c[i], parts[1:])
		if err != nil {
			return nil, err
		}
		c[i] = nv
		return c, nil
	}
	return nil, fmt.Errorf("cannot remove %q from a scalar", k)
}
