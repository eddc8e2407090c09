package emulator

import (
	"net/http"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/period"
)

// getLockExceptions serves GET /api/lockExceptions.
func (e *Emulator) getLockExceptions(w http.ResponseWriter, r *http.Request) error {
	var items []any
	for _, le := range e.values.LockExceptions.List() {
		items = append(items, map[string]any{
			"name":             le.DataSet + " (" + le.Period + ")",
			"period":           map[string]string{"id": le.Period},
			"organisationUnit": idRef{le.OrgUnit},
			"dataSet":          idRef{le.DataSet},
		})
	}
	return writeJSON(w, http.StatusOK, pageOf(r, "lockExceptions", items))
}

// postLockException serves POST /api/lockExceptions?ds=&pe=&ou= (ou may
// list several units): 201 with a WebMessage.
func (e *Emulator) postLockException(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ds, pe, ous := q.Get("ds"), q.Get("pe"), listParam(q, "ou")
	if ds == "" || pe == "" || len(ous) == 0 {
		return errStatus(http.StatusConflict, "Parameters ds, pe and ou are required")
	}
	if _, ok := e.catalog().DataSet(ds); !ok {
		return errStatus(http.StatusConflict, "Can't find data set with id = %s", ds)
	}
	if _, err := period.Parse(pe); err != nil {
		return errStatus(http.StatusConflict, "Can't find period with id = %s", pe)
	}
	for _, ou := range ous {
		if !e.catalog().OrgUnitExists(ou) {
			return errStatus(http.StatusConflict, "Can't find organisation unit with id = %s", ou)
		}
	}
	for _, ou := range ous {
		if err := e.values.LockExceptions.Add(datavalue.LockException{DataSet: ds, Period: pe, OrgUnit: ou}); err != nil {
			return errStatus(http.StatusConflict, "%v", err)
		}
	}
	e.counts.update(func(c *WriteCounts) { c.LockExceptions += int64(len(ous)) })
	e.markDirty()
	return writeWebMessage(w, newWebMessage(http.StatusCreated, "OK", "LockException created successfully."))
}

// deleteLockException serves DELETE /api/lockExceptions?ds=&pe=[&ou=]:
// without ou, the exceptions of every unit go.
func (e *Emulator) deleteLockException(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ds, pe := q.Get("ds"), q.Get("pe")
	if ds == "" || pe == "" {
		return errStatus(http.StatusConflict, "Parameters ds and pe are required")
	}
	ous := listParam(q, "ou")
	if len(ous) == 0 {
		ous = []string{""}
	}
	n := 0
	for _, ou := range ous {
		n += e.values.LockExceptions.Remove(ds, pe, ou)
	}
	e.counts.update(func(c *WriteCounts) { c.LockExceptions += int64(n) })
	e.markDirty()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
