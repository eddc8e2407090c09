package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// dsInfo is what the data stage needs to know about a data set.
type dsInfo struct {
	ID         string
	Name       string
	PeriodType string
	Workflow   string
	elements   map[string]deInfo
}

// deInfo is what the data stage needs to know about a data element.
type deInfo struct {
	Name             string
	ValueType        string
	AggregationType  string
	ZeroIsSignficant bool
}

// isFile reports whether values of the element are file resource UIDs.
func (d deInfo) isFile() bool { return d.ValueType == "FILE_RESOURCE" || d.ValueType == "IMAGE" }

// dropsZero reports whether DHIS2 ignores a zero value of the element on
// import (a numeric element whose zeros are not significant; average
// aggregations keep them).
func (d deInfo) dropsZero(value string) bool {
	if d.ZeroIsSignficant || d.AggregationType == "AVERAGE" || d.AggregationType == "AVERAGE_SUM_ORG_UNIT" {
		return false
	}
	switch d.ValueType {
	case "NUMBER", "INTEGER", "INTEGER_POSITIVE", "INTEGER_NEGATIVE", "INTEGER_ZERO_OR_POSITIVE", "PERCENTAGE", "UNIT_INTERVAL":
	default:
		return false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	return err == nil && f == 0
}

type dataSetJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PeriodType string `json:"periodType"`
	Workflow   *struct {
		ID string `json:"id"`
	} `json:"workflow"`
	DataSetElements []struct {
		DataElement struct {
			ID                string `json:"id"`
			Name              string `json:"name"`
			ValueType         string `json:"valueType"`
			AggregationType   string `json:"aggregationType"`
			ZeroIsSignificant bool   `json:"zeroIsSignificant"`
		} `json:"dataElement"`
	} `json:"dataSetElements"`
}

const dataSetFields = "id,name,periodType,workflow[id],dataSetElements[dataElement[id,name,valueType,aggregationType,zeroIsSignificant]]"

// readDataSets lists the source's data sets (all, or those named).
func readDataSets(ctx context.Context, c *dhis2.Client, only []string) ([]*dsInfo, error) {
	q := url.Values{"fields": {dataSetFields}, "paging": {"false"}}
	if len(only) > 0 {
		q.Set("filter", "id:in:["+strings.Join(only, ",")+"]")
	}
	var out []*dsInfo
	for raw, err := range c.List(ctx, "dataSets", q, dhis2.ListOptions{Key: "dataSets"}) {
		if err != nil {
			return nil, fmt.Errorf("read the data sets: %w", err)
		}
		var j dataSetJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("read the data sets: %w", err)
		}
		ds := &dsInfo{ID: j.ID, Name: j.Name, PeriodType: j.PeriodType, elements: map[string]deInfo{}}
		if j.Workflow != nil {
			ds.Workflow = j.Workflow.ID
		}
		for _, e := range j.DataSetElements {
			d := e.DataElement
			ds.elements[d.ID] = deInfo{Name: d.Name, ValueType: d.ValueType, AggregationType: d.AggregationType, ZeroIsSignficant: d.ZeroIsSignificant}
		}
		out = append(out, ds)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if missing := missingIDs(only, out); len(missing) > 0 {
		return nil, fmt.Errorf("--data-sets: the source has no data set %s", strings.Join(missing, ", "))
	}
	return out, nil
}

func missingIDs(want []string, got []*dsInfo) []string {
	have := map[string]bool{}
	for _, d := range got {
		have[d.ID] = true
	}
	var out []string
	for _, w := range want {
		if !have[w] {
			out = append(out, w)
		}
	}
	return out
}

// existingIDs returns which of ids exist on an instance, for a plural
// type, asking in batches.
func existingIDs(ctx context.Context, c *dhis2.Client, plural string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(ids); start += 100 {
		batch := ids[start:min(start+100, len(ids))]
		q := url.Values{"fields": {"id"}, "paging": {"false"}, "filter": {"id:in:[" + strings.Join(batch, ",") + "]"}}
		for raw, err := range c.List(ctx, plural, q, dhis2.ListOptions{Key: plural}) {
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", plural, err)
			}
			var o struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &o) == nil {
				out[o.ID] = true
			}
		}
	}
	return out, nil
}

// ouNode is one org unit of the hierarchy.
type ouNode struct {
	ID       string
	Path     string
	Children []*ouNode
	Size     int // org units in the subtree, itself included
}

// ouTree is an instance's org unit hierarchy (UIDs and paths only: about
// 100 bytes per org unit).
type ouTree struct {
	nodes map[string]*ouNode
	roots []*ouNode
}

// readOrgUnits reads the hierarchy of an instance.
func readOrgUnits(ctx context.Context, c *dhis2.Client) (*ouTree, error) {
	q := url.Values{"fields": {"id,path"}, "paging": {"false"}}
	t := &ouTree{nodes: map[string]*ouNode{}}
	for raw, err := range c.List(ctx, "organisationUnits", q, dhis2.ListOptions{Key: "organisationUnits"}) {
		if err != nil {
			return nil, fmt.Errorf("read the org unit hierarchy: %w", err)
		}
		var o struct {
			ID   string `json:"id"`
			Path string `json:"path"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("read the org unit hierarchy: %w", err)
		}
		if o.Path == "" {
			o.Path = "/" + o.ID
		}
		t.nodes[o.ID] = &ouNode{ID: o.ID, Path: o.Path}
	}
	t.link()
	return t, nil
}

// link builds children lists from the paths and computes subtree sizes.
func (t *ouTree) link() {
	for _, n := range t.nodes {
		parts := strings.Split(strings.Trim(n.Path, "/"), "/")
		var parent *ouNode
		if len(parts) >= 2 {
			parent = t.nodes[parts[len(parts)-2]]
		}
		if parent == nil {
			t.roots = append(t.roots, n)
			continue
		}
		parent.Children = append(parent.Children, n)
	}
	byID := func(s []*ouNode) { sort.Slice(s, func(i, j int) bool { return s[i].ID < s[j].ID }) }
	byID(t.roots)
	var size func(n *ouNode) int
	size = func(n *ouNode) int {
		byID(n.Children)
		n.Size = 1
		for _, c := range n.Children {
			n.Size += size(c)
		}
		return n.Size
	}
	for _, r := range t.roots {
		size(r)
	}
}

// streamRoots returns the subtrees the data streams cover: the children
// of the given (or top-level) org units as whole subtrees, and the given
// org units themselves as single nodes, so that a stream is about a
// region. Nested selections are reduced to the outermost.
func (t *ouTree) streamRoots(only []string) (subtrees, singles []*ouNode, err error) {
	var tops []*ouNode
	if len(only) == 0 {
		tops = t.roots
	} else {
		for _, id := range only {
			n := t.nodes[id]
			if n == nil {
				return nil, nil, fmt.Errorf("--org-units: the source has no org unit %s", id)
			}
			tops = append(tops, n)
		}
		tops = outermost(tops)
	}
	for _, n := range tops {
		singles = append(singles, n)
		subtrees = append(subtrees, n.Children...)
	}
	return subtrees, singles, nil
}

// outermost drops the nodes that lie inside another one of the list.
func outermost(ns []*ouNode) []*ouNode {
	sort.Slice(ns, func(i, j int) bool { return ns[i].Path < ns[j].Path })
	var out []*ouNode
	for _, n := range ns {
		if len(out) > 0 {
			last := out[len(out)-1]
			if n.Path == last.Path || strings.HasPrefix(n.Path, last.Path+"/") {
				continue
			}
		}
		out = append(out, n)
	}
	return out
}
