package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
)

// minMaxJSON is a /api/minMaxDataElements object.
type minMaxJSON struct {
	Min         *int   `json:"min"`
	Max         *int   `json:"max"`
	Generated   bool   `json:"generated"`
	Source      *idRef `json:"source"`
	DataElement *idRef `json:"dataElement"`
	OptionCombo *idRef `json:"optionCombo"`
}

type idRef struct {
	ID string `json:"id"`
}

func minMaxOut(v datavalue.MinMaxValue) map[string]any {
	return map[string]any{"min": v.Min, "max": v.Max, "generated": v.Generated,
		"source": idRef{v.OrgUnit}, "dataElement": idRef{v.DataElement}, "optionCombo": idRef{v.OptionCombo}}
}

// getMinMax serves GET /api/minMaxDataElements with the eq and in filters
// on source.id, dataElement.id and optionCombo.id, and paging.
func (e *Emulator) getMinMax(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	keep, err := minMaxFilter(q["filter"])
	if err != nil {
		return err
	}
	var items []any
	for _, v := range e.values.MinMax.List() {
		if keep(v) {
			items = append(items, minMaxOut(v))
		}
	}
	return writeJSON(w, http.StatusOK, pageOf(r, "minMaxDataElements", items))
}

// minMaxFilter compiles DHIS2 filters "prop:eq:v" and "prop:in:[a,b]".
func minMaxFilter(filters []string) (func(datavalue.MinMaxValue) bool, error) {
	type cond struct {
		prop string
		vals map[string]bool
	}
	var conds []cond
	for _, f := range filters {
		parts := strings.SplitN(f, ":", 3)
		if len(parts) != 3 || (parts[1] != "eq" && parts[1] != "in") {
			return nil, errStatus(http.StatusBadRequest, "Unsupported filter %q: minMaxDataElements supports eq and in", f)
		}
		vals := map[string]bool{}
		for _, v := range strings.Split(strings.Trim(parts[2], "[]"), ",") {
			vals[strings.TrimSpace(v)] = true
		}
		conds = append(conds, cond{strings.TrimSuffix(parts[0], ".id"), vals})
	}
	return func(v datavalue.MinMaxValue) bool {
		for _, c := range conds {
			var got string
			switch c.prop {
			case "source":
				got = v.OrgUnit
			case "dataElement":
				got = v.DataElement
			case "optionCombo":
				got = v.OptionCombo
			case "min":
				got = fmt.Sprint(v.Min)
			case "max":
				got = fmt.Sprint(v.Max)
			case "generated":
				got = fmt.Sprint(v.Generated)
			}
			if !c.vals[got] {
				return false
			}
		}
		return true
	}, nil
}

// readMinMax decodes and checks a min-max body.
func (e *Emulator) readMinMax(r *http.Request, needBounds bool) (datavalue.MinMaxValue, error) {
	var in minMaxJSON
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		return datavalue.MinMaxValue{}, errStatus(http.StatusBadRequest, "Invalid minMaxDataElement JSON: %v", err)
	}
	if in.Source == nil || in.DataElement == nil || in.OptionCombo == nil || (needBounds && (in.Min == nil || in.Max == nil)) {
		return datavalue.MinMaxValue{}, errStatus(http.StatusConflict, "Missing required input property: source, dataElement, optionCombo, min and max are required")
	}
	cat := e.catalog()
	if !cat.OrgUnitExists(in.Source.ID) {
		return datavalue.MinMaxValue{}, errStatus(http.StatusConflict, "Organisation unit does not exist: %s", in.Source.ID)
	}
	if _, ok := cat.DataElement(in.DataElement.ID); !ok {
		return datavalue.MinMaxValue{}, errStatus(http.StatusConflict, "Data element does not exist: %s", in.DataElement.ID)
	}
	if _, ok := cat.OptionCombo(in.OptionCombo.ID); !ok {
		return datavalue.MinMaxValue{}, errStatus(http.StatusConflict, "Category option combo does not exist: %s", in.OptionCombo.ID)
	}
	v := datavalue.MinMaxValue{OrgUnit: in.Source.ID, DataElement: in.DataElement.ID, OptionCombo: in.OptionCombo.ID, Generated: in.Generated}
	if in.Min != nil {
		v.Min = *in.Min
	}
	if in.Max != nil {
		v.Max = *in.Max
	}
	return v, nil
}

// postMinMax serves POST /api/minMaxDataElements: upsert, 201 Created.
func (e *Emulator) postMinMax(w http.ResponseWriter, r *http.Request) error {
	v, err := e.readMinMax(r, true)
	if err != nil {
		return err
	}
	e.values.MinMax.Put(v)
	e.counts.update(func(c *WriteCounts) { c.MinMax++ })
	e.markDirty()
	w.WriteHeader(http.StatusCreated)
	return nil
}

// deleteMinMax serves DELETE /api/minMaxDataElements with the object as
// body: 204, or 404 when absent.
func (e *Emulator) deleteMinMax(w http.ResponseWriter, r *http.Request) error {
	v, err := e.readMinMax(r, false)
	if err != nil {
		return err
	}
	if !e.values.MinMax.Delete(v.OrgUnit, v.DataElement, v.OptionCombo) {
		return errStatus(http.StatusNotFound, "Can not find MinMaxDataElement.")
	}
	e.counts.update(func(c *WriteCounts) { c.MinMax++ })
	e.markDirty()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
