package emulator

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/url"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
)

// getRegistrations serves GET /api/completeDataSetRegistrations: data set
// (required), period or start/end dates or created, org unit (children)
// or org unit group, limit.
func (e *Emulator) getRegistrations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rq, err := e.registrationQuery(q)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := datavalue.WriteRegistrationsJSON(bw, e.values.Registrations.List(rq), e.loc); err != nil {
		return nil // the answer has started
	}
	bw.Flush()
	return nil
}

func (e *Emulator) registrationQuery(q url.Values) (datavalue.RegistrationQuery, error) {
	var rq datavalue.RegistrationQuery
	rq.DataSets = e.resolveIDs(listParam(q, "dataSet"), "dataSets", scheme(q, "dataSetIdScheme", "idScheme"))
	if len(rq.DataSets) == 0 {
		return rq, illegalQuery("E2013", "At least one data set must be specified")
	}
	var dq datavalue.Query
	if s := q.Get("created"); s != "" {
		t, err := parseDate(s, e.loc)
		if err != nil {
			return rq, illegalQuery("E2002", "At least one valid period, start/end dates, last updated or last updated duration must be specified")
		}
		rq.Created = t
	}
	if s := q.Get("createdDuration"); s != "" {
		d, err := parseDHIS2Duration(s)
		if err != nil {
			return rq, illegalQuery("E2005", "Duration is not valid: `%s`", s)
		}
		rq.Created = e.now().Add(-d)
	}
	if rq.Created.IsZero() || len(listParam(q, "period")) > 0 || q.Get("startDate") != "" {
		if err := e.periodParams(q, &dq); err != nil {
			return rq, err
		}
	}
	if err := e.orgUnitParams(q, &dq); err != nil {
		return rq, err
	}
	rq.Periods, rq.StartDate, rq.EndDate, rq.OrgUnits = dq.Periods, dq.StartDate, dq.EndDate, dq.OrgUnits
	var lq datavalue.Query
	if err := limitParam(q, &lq); err != nil {
		return rq, err
	}
	rq.Limit = lq.Limit
	return rq, nil
}

// postRegistrations serves POST /api/completeDataSetRegistrations:
// {"completeDataSetRegistrations":[…]}, synchronous or async
// (COMPLETE_DATA_SET_REGISTRATION_IMPORT job).
func (e *Emulator) postRegistrations(w http.ResponseWriter, r *http.Request) error {
	opts := e.dataImportOptions(r)
	body, err := importBody(r)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	in, err := datavalue.DecodeRegistrationsJSON(bytes.NewReader(data))
	if err != nil {
		return errStatus(http.StatusBadRequest, "%v", err)
	}
	q := r.URL.Query()
	if boolParam(q, "async") {
		return e.startJob(w, r, jobCDSRImport, "completeDataSetRegistrationImport", "Process started", func() (any, string) {
			return e.summaryJSON(e.importRegistrations(in, opts), q, opts, true), "Import done"
		})
	}
	return e.writeImportSummary(w, r, e.summaryJSON(e.importRegistrations(in, opts), q, opts, false))
}

func (e *Emulator) importRegistrations(in []datavalue.RegistrationInput, opts datavalue.Options) *datavalue.Summary {
	sum := e.values.Registrations.Import(in, e.catalog(), opts)
	if !opts.DryRun {
		e.counts.update(func(c *WriteCounts) {
			c.Registrations.Imported += int64(sum.Imported)
			c.Registrations.Updated += int64(sum.Updated)
			c.Registrations.Deleted += int64(sum.Deleted)
			c.Registrations.Ignored += int64(sum.Ignored)
		})
		if sum.Imported+sum.Updated+sum.Deleted > 0 {
			e.markDirty()
		}
	}
	return sum
}

// deleteRegistrations serves DELETE /api/completeDataSetRegistrations
// ?ds=&pe=&ou=[&cc=&cp=][&multiOu=true]: 204 No Content.
func (e *Emulator) deleteRegistrations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dss, pe, ous := listParam(q, "ds"), q.Get("pe"), listParam(q, "ou")
	if len(dss) == 0 || pe == "" || len(ous) == 0 {
		return errStatus(http.StatusConflict, "Parameters ds, pe and ou are required")
	}
	if boolParam(q, "multiOu") {
		var expanded []string
		for _, ou := range ous {
			d, _ := e.catalog().OrgUnitDescendants(ou)
			expanded = append(expanded, d...)
		}
		ous = expanded
	}
	var in []datavalue.RegistrationInput
	for _, ds := range dss {
		for _, ou := range ous {
			in = append(in, datavalue.RegistrationInput{DataSet: ds, Period: pe, OrgUnit: ou, AttributeOptionCombo: q.Get("cc")})
		}
	}
	opts := e.dataImportOptions(r)
	opts.Strategy = datavalue.Delete
	e.importRegistrations(in, opts)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
