package emulator

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
)

// dataImportOptions maps the import parameters of /api/dataValueSets and
// /api/completeDataSetRegistrations to store options for the emulated
// version. Invalid strategies fall back to CREATE_AND_UPDATE, as DHIS2's
// enum binding does.
func (e *Emulator) dataImportOptions(r *http.Request) datavalue.Options {
	q := r.URL.Query()
	strategy := q.Get("importStrategy")
	if strategy == "" {
		strategy = q.Get("strategy")
	}
	st, _ := datavalue.ParseStrategy(strategy)
	return datavalue.Options{
		Strategy:                    st,
		DryRun:                      boolParam(q, "dryRun"),
		KeepTimestamps:              e.prof.KeepsDataValueTimestamps,
		IgnoreUnchanged:             e.prof.IgnoresUnchangedValues,
		User:                        userOf(r).Username,
		Now:                         e.opts.Clock,
		Location:                    e.loc,
		Force:                       boolParam(q, "force"),
		StrictPeriods:               boolParam(q, "strictPeriods"),
		StrictDataElements:          boolParam(q, "strictDataElements"),
		StrictCategoryOptionCombos:  boolParam(q, "strictCategoryOptionCombos"),
		StrictAttributeOptionCombos: boolParam(q, "strictAttributeOptionCombos"),
		StrictOrganisationUnits:     boolParam(q, "strictOrganisationUnits"),
		RequireCategoryOptionCombo:  boolParam(q, "requireCategoryOptionCombo"),
		RequireAttributeOptionCombo: boolParam(q, "requireAttributeOptionCombo"),
		LegacyFileUpdate:            e.version.Minor <= 37,
		HelpfulNPE:                  e.version.Minor >= 41,
	}
}

// postDataValueSets serves POST /api/dataValueSets: a streamed JSON import
// (gzip or zip bodies sniffed), synchronous or, with async=true, as a
// DATAVALUE_IMPORT job.
func (e *Emulator) postDataValueSets(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") && !strings.Contains(ct, "octet-stream") &&
		!strings.Contains(ct, "gzip") && !strings.Contains(ct, "zip") && !strings.Contains(ct, "text/plain") {
		return errStatus(http.StatusUnsupportedMediaType, "Content type '%s' is not supported by the emulator; send JSON", ct)
	}
	opts := e.dataImportOptions(r)
	body, err := importBody(r)
	if err != nil {
		return err
	}
	if boolParam(r.URL.Query(), "async") {
		data, err := io.ReadAll(body)
		if err != nil {
			return errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
		}
		q := r.URL.Query()
		return e.startJob(w, r, jobDataValueImport, "dataValueImport", "Process started", func() (any, string) {
			sum, err := e.importDataValues(bytes.NewReader(data), opts)
			if err != nil {
				return e.failedSummary(err, q, opts), "Import failed: " + err.Error()
			}
			return e.summaryJSON(sum, q, opts, true), "Import done"
		})
	}
	sum, err := e.importDataValues(body, opts)
	if err != nil {
		return errStatus(http.StatusBadRequest, "Invalid dataValueSet JSON: %v", err)
	}
	return e.writeImportSummary(w, r, e.summaryJSON(sum, r.URL.Query(), opts, false))
}

// importDataValues runs one import and counts its writes.
func (e *Emulator) importDataValues(body io.Reader, opts datavalue.Options) (*datavalue.Summary, error) {
	sum, err := e.values.ImportJSON(body, e.catalog(), opts)
	if err != nil {
		return nil, err
	}
	if !opts.DryRun {
		e.counts.update(func(c *WriteCounts) {
			c.DataValues.Imported += int64(sum.Imported)
			c.DataValues.Updated += int64(sum.Updated)
			c.DataValues.Deleted += int64(sum.Deleted)
			c.DataValues.Ignored += int64(sum.Ignored)
		})
		if sum.Imported+sum.Updated+sum.Deleted > 0 || sum.Failed {
			e.markDirty() // a failed import keeps the values before the failing one
		}
	}
	return sum, nil
}

// failedSummary is the summary of an async import whose body was not a
// dataValueSet.
func (e *Emulator) failedSummary(err error, q url.Values, opts datavalue.Options) map[string]any {
	return e.summaryJSON(&datavalue.Summary{Status: datavalue.StatusError, Description: "The import process failed: " + err.Error(), Failed: true}, q, opts, true)
}

// summaryJSON renders an ImportSummary in the version's shape: conflicts
// carry errorCode, property, indexes and objects from 2.37 only. A failed
// import's summary (DHIS2's catch of an exception) has no importOptions.
func (e *Emulator) summaryJSON(sum *datavalue.Summary, q url.Values, opts datavalue.Options, async bool) map[string]any {
	conflicts := make([]map[string]any, 0, len(sum.Conflicts))
	for _, c := range sum.Conflicts {
		m := map[string]any{"value": c.Value}
		if c.Object != "" {
			m["object"] = c.Object
		}
		if e.prof.ConflictDetails {
			if len(c.Objects) > 0 {
				m["objects"] = c.Objects
			}
			if c.ErrorCode != "" {
				m["errorCode"] = c.ErrorCode
			}
			if c.Property != "" {
				m["property"] = c.Property
			}
			if len(c.Indexes) > 0 {
				m["indexes"] = c.Indexes
			}
		}
		conflicts = append(conflicts, m)
	}
	out := map[string]any{
		"responseType":  "ImportSummary",
		"status":        string(sum.Status),
		"importOptions": e.importOptionsJSON(q, opts, async),
		"description":   sum.Description,
		"importCount":   map[string]int{"imported": sum.Imported, "updated": sum.Updated, "ignored": sum.Ignored, "deleted": sum.Deleted},
		"conflicts":     conflicts,
	}
	if sum.DataSetComplete != "" {
		out["dataSetComplete"] = sum.DataSetComplete
	}
	if sum.Failed {
		delete(out, "importOptions")
	}
	if e.prof.ConflictDetails && len(sum.RejectedIndexes) > 0 {
		out["rejectedIndexes"] = sum.RejectedIndexes
	}
	return out
}

// importOptionsJSON is the ImportOptions echo of an ImportSummary.
func (e *Emulator) importOptionsJSON(q url.Values, opts datavalue.Options, async bool) map[string]any {
	ids := map[string]any{}
	for _, k := range []string{"idScheme", "dataElementIdScheme", "orgUnitIdScheme", "categoryOptionComboIdScheme", "dataSetIdScheme"} {
		if v := q.Get(k); v != "" {
			ids[k] = strings.ToUpper(v)
		}
	}
	m := map[string]any{
		"idSchemes": ids, "dryRun": opts.DryRun, "preheatCache": boolParam(q, "preheatCache"), "async": async, "importStrategy": opts.Strategy.String(),
		"reportMode": "FULL", "skipExistingCheck": boolParam(q, "skipExistingCheck"), "sharing": false,
		"skipNotifications": boolParam(q, "skipNotifications"), "skipAudit": boolParam(q, "skipAudit"),
		"datasetAllowsPeriods": false, "strictPeriods": opts.StrictPeriods, "strictDataElements": opts.StrictDataElements,
		"strictCategoryOptionCombos": opts.StrictCategoryOptionCombos, "strictAttributeOptionCombos": opts.StrictAttributeOptionCombos,
		"strictOrganisationUnits": opts.StrictOrganisationUnits, "requireCategoryOptionCombo": opts.RequireCategoryOptionCombo,
		"requireAttributeOptionCombo": opts.RequireAttributeOptionCombo, "skipPatternValidation": false,
		"ignoreEmptyCollection": false, "force": opts.Force, "firstRowIsHeader": true,
		"skipLastUpdated": boolParam(q, "skipLastUpdated"), "mergeDataValues": false, "skipCache": false,
	}
	if e.prof.MergeMode {
		m["mergeMode"] = "REPLACE"
	}
	return m
}
