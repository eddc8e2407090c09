package metadata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// SystemHeader is the "system" member that starts a /api/metadata export.
type SystemHeader struct {
	ID      string `json:"id"`
	Rev     string `json:"rev"`
	Version string `json:"version"`
	Date    string `json:"date"`
}

// TypeExport holds per-type overrides (<plural>:fields=, :filter=, :order=).
type TypeExport struct {
	Fields  string
	Filters []string
	Order   []string
}

// ExportParams are the GET /api/metadata parameters.
type ExportParams struct {
	// Types selects types by plural (<plural>=true or any <plural>:… param);
	// empty = a full export.
	Types        map[string]*TypeExport
	Fields       string   // default ":owner"
	Filters      []string // default filter for every type
	Order        []string // default order
	RootJunction string
	Defaults     string // "INCLUDE" (default) or "EXCLUDE"
	SkipSharing  bool
	System       SystemHeader
	BaseURL      string // server root for href values
}

// ParseExportParams reads GET /api/metadata parameters. The system header is
// left for the caller to fill.
func ParseExportParams(q url.Values, ss *Schemas) ExportParams {
	ep := ExportParams{Types: map[string]*TypeExport{}, Fields: strings.Join(q["fields"], ","), Filters: q["filter"],
		Order: q["order"], RootJunction: strings.ToUpper(q.Get("rootJunction")),
		Defaults: strings.ToUpper(q.Get("defaults")), SkipSharing: strings.EqualFold(q.Get("skipSharing"), "true")}
	for key, vals := range q {
		plural, attr, hasAttr := strings.Cut(key, ":")
		sc, ok := ss.ByPlural(plural)
		if !ok || !sc.Metadata {
			continue
		}
		te := ep.Types[plural]
		if !hasAttr {
			if len(vals) == 0 || !strings.EqualFold(vals[0], "true") {
				continue
			}
		}
		if te == nil {
			te = &TypeExport{}
			ep.Types[plural] = te
		}
		switch attr {
		case "fields":
			te.Fields = strings.Join(vals, ",")
		case "filter":
			te.Filters = vals
		case "order":
			te.Order = vals
		}
	}
	return ep
}

// inFullExport reports whether a type is part of an export without type
// selection: identifiable persisted metadata, not secondary, and from 2.39 on
// not the deprecated eventCharts/eventReports (DEPRECATED_ANALYTICS_SCHEMAS).
func (s *Store) inFullExport(sc *Schema) bool {
	if !sc.Metadata || !sc.Identifiable || !sc.Persisted || sc.Secondary {
		return false
	}
	if s.prof.Version.Minor >= 39 && (sc.Singular == "eventChart" || sc.Singular == "eventReport") {
		return false
	}
	return true
}

// Export streams a /api/metadata export to w: the system header, then one
// array per type (types without objects are left out), object by object.
func (s *Store) Export(w io.Writer, ep ExportParams) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	bw := bufio.NewWriterSize(w, 64<<10)
	rc := &renderCtx{baseURL: strings.TrimSuffix(ep.BaseURL, "/"), excludeDefaults: ep.Defaults == "EXCLUDE", skipSharing: ep.SkipSharing}
	hdr, err := json.Marshal(ep.System)
	if err != nil {
		return fmt.Errorf("encode system header: %w", err)
	}
	bw.WriteString(`{"system":`)
	bw.Write(hdr)
	for _, sc := range s.schemas.Metadata() {
		ts := s.types[sc.Plural]
		if ts == nil {
			continue
		}
		te, selected := ep.Types[sc.Plural]
		if len(ep.Types) > 0 && !selected || len(ep.Types) == 0 && !s.inFullExport(sc) {
			continue
		}
		if te == nil {
			te = &TypeExport{}
		}
		if err := s.exportType(bw, rc, ts, ep, te); err != nil {
			return err
		}
	}
	bw.WriteString("}")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write metadata export: %w", err)
	}
	return nil
}

func (s *Store) exportType(bw *bufio.Writer, rc *renderCtx, ts *typeStore, ep ExportParams, te *TypeExport) error {
	sc := ts.schema
	filters, order, fields := ep.Filters, ep.Order, ep.Fields
	if te.Filters != nil {
		filters = te.Filters
	}
	if te.Order != nil {
		order = te.Order
	}
	if te.Fields != "" {
		fields = te.Fields
	}
	if fields == "" {
		fields = ":owner"
	}
	objs, err := s.query(rc, ts, filters, ep.RootJunction == "OR", "", order, rc.excludeDefaults)
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		return nil
	}
	sels := resolveFields(sc, parseFields(fields))
	bw.WriteString(",")
	bw.WriteString(strconv.Quote(sc.Plural))
	bw.WriteString(":[")
	for i, o := range objs {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := marshalJSON(s.render(rc, sc, o, sels))
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", sc.Plural, str(o["id"]), err)
		}
		bw.Write(b)
	}
	bw.WriteString("]")
	return nil
}
