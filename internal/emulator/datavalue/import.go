package datavalue

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// Status is an ImportSummary status.
type Status string

// Import summary statuses.
const (
	StatusSuccess Status = "SUCCESS"
	StatusWarning Status = "WARNING"
	StatusError   Status = "ERROR"
)

// Summary is the outcome of one import, the content of DHIS2's
// ImportSummary (the HTTP layer adds responseType, importOptions and the
// version's envelope).
type Summary struct {
	Status          Status
	Description     string
	Imported        int
	Updated         int
	Ignored         int
	Deleted         int
	Conflicts       []Conflict
	RejectedIndexes []int
	// DataSetComplete is "false", or the completion date (yyyy-MM-dd) when
	// the payload completed its data set.
	DataSetComplete string
	// Failed reports an import that stopped with an exception in DHIS2
	// (a file value naming a missing file resource): Status is ERROR, the
	// Description "The import process failed: …", and DHIS2's summary has
	// no counts, conflicts, importOptions or dataSetComplete.
	Failed bool
}

// batchSize is the number of validated values applied per lock.
const batchSize = 1024

// ImportJSON decodes a dataValueSet JSON body from r (streaming) and
// imports it. A body that is not valid JSON, or not a dataValueSet, is an
// error; validation problems are conflicts in the Summary.
func (s *Store) ImportJSON(r io.Reader, cat Catalog, opts Options) (*Summary, error) {
	dec := NewDecoder(r)
	h, err := dec.Header()
	if err != nil {
		return nil, err
	}
	return s.Import(h, dec.Next, cat, opts)
}

// Import validates and applies the values that next returns until it
// returns io.EOF, with the data value set header h. Any other error from
// next stops the import and is returned (values applied so far stay, as
// they would in DHIS2 when a stream breaks mid-way).
func (s *Store) Import(h Header, next func() (Input, error), cat Catalog, opts Options) (*Summary, error) {
	if h.DryRun != nil {
		opts.DryRun = *h.DryRun
	}
	if h.Strategy != "" {
		st, err := ParseStrategy(h.Strategy)
		if err != nil {
			return nil, fmt.Errorf("dataValueSet strategy: %w", err)
		}
		opts.Strategy = st
	}
	im := &importer{s: s, cat: cat, opts: opts, now: opts.now(), sum: &Summary{DataSetComplete: "false"},
		des: map[string]*DataElement{}, ous: map[string]bool{}, cocs: map[string]*OptionCombo{}, pes: map[string]period.Period{}}
	im.files, _ = cat.(FileCatalog)
	if !im.header(h) {
		im.sum.Status, im.sum.Description = StatusError, "Import process was aborted"
		im.sum.Conflicts = im.cs.list
		return im.sum, nil
	}
	for index := 0; im.failure == ""; index++ {
		in, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			im.flush()
			return nil, err
		}
		if op, ok := im.validate(index, in); ok {
			im.batch = append(im.batch, op)
			if len(im.batch) == batchSize {
				im.flush()
			}
		}
	}
	im.flush()
	if im.failure != "" {
		return im.failed(), nil
	}
	im.sum.Conflicts = im.cs.list
	im.sum.Status, im.sum.Description = StatusSuccess, "Import process completed successfully"
	if im.cs.total > 0 {
		im.sum.Status = StatusWarning
	}
	return im.sum, nil
}

// FromSlice returns a value source for Import that yields ins in order
// (for single-value endpoints and decoders that produce a slice).
func FromSlice(ins ...Input) func() (Input, error) {
	return func() (Input, error) {
		if len(ins) == 0 {
			return Input{}, io.EOF
		}
		in := ins[0]
		ins = ins[1:]
		return in, nil
	}
}

// importer is the state of one import.
type importer struct {
	s     *Store
	cat   Catalog
	opts  Options
	now   time.Time
	sum   *Summary
	cs    conflicts
	batch []op

	files   FileCatalog // nil when the catalog knows no file resources
	assign  []string    // file resources to mark assigned after the batch
	failure string      // set when the import failed as a whole

	ds       *DataSet
	dsID     string
	outerPe  period.Period
	outerOU  string
	outerAOC string

	des  map[string]*DataElement
	ous  map[string]bool
	cocs map[string]*OptionCombo
	pes  map[string]period.Period
}

// op is a validated value ready to apply.
type op struct {
	index                int
	de, ou, coc, aoc     string
	pe                   period.Period
	file, zero           bool
	fileOK               bool   // the file resource the value names exists
	value, comment       string // trimmed; "" is null
	storedBy             string
	created, lastUpdated int64
	keepCreated          bool
	followUp, deleted    bool
	key                  key   // interned key, set when applying
	rec                  int64 // record number of the existing value, -1 if none
}

// header validates the data value set level (validateDataSet* in
// DataValueSetImportValidator) and handles completion. It returns false
// when the import must be aborted.
func (im *importer) header(h Header) bool {
	ok := true
	if id := strings.TrimSpace(h.DataSet); id != "" {
		if ds, found := im.cat.DataSet(id); found {
			im.ds, im.dsID = &ds, id
		} else {
			im.cs.add(-1, e7600, h.DataSet)
			ok = false
		}
	}
	if id := strings.TrimSpace(h.OrgUnit); id != "" {
		if im.cat.OrgUnitExists(id) {
			im.outerOU = id
		} else {
			im.cs.add(-1, e7603, h.OrgUnit, h.DataSet)
			ok = false
		}
	}
	if id := strings.TrimSpace(h.AttributeOptionCombo); id != "" {
		if _, found := im.cat.OptionCombo(id); found {
			im.outerAOC = id
		} else {
			im.cs.add(-1, e7604, h.AttributeOptionCombo, h.DataSet)
			ok = false
		}
	}
	if id := strings.TrimSpace(h.Period); id != "" {
		im.outerPe, _ = period.Parse(id)
	}
	if ok && im.ds != nil {
		im.complete(h)
	}
	return ok
}

// complete registers completion of the header's data set
// (DefaultDataValueSetService.handleComplete). Unlike DHIS2 it writes
// nothing in a dry run.
func (im *importer) complete(h Header) {
	date, ok := completionDate(h.CompleteDate, im.now, im.opts.location())
	if !ok {
		return
	}
	if im.outerOU == "" {
		im.cs.addLegacy("OrganisationUnit", "Must be provided to complete data set")
		return
	}
	if im.outerPe.IsZero() {
		im.cs.addLegacy("Period", "Must be provided to complete data set")
		return
	}
	aoc := im.outerAOC
	if aoc == "" {
		aoc = im.opts.defaultCombo()
	}
	if !im.opts.DryRun {
		user := im.opts.User
		im.s.Registrations.Put(Registration{DataSet: im.dsID, Period: im.outerPe.String(), OrgUnit: im.outerOU,
			AttributeOptionCombo: aoc, Date: date, StoredBy: user, LastUpdatedBy: user, LastUpdated: im.now, Completed: true})
	}
	im.sum.DataSetComplete = date.Format(time.DateOnly)
}

// completionDate is DefaultDataValueSetService.getCompletionDate: "true"
// is today, "false" or empty is none, a date in the future is today.
func completionDate(v string, now time.Time, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	today := now.In(loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	switch strings.ToLower(v) {
	case "", "false":
		return time.Time{}, false
	case "true":
		return today, true
	}
	t, ok := parseDateOrTimestamp(v, loc)
	if !ok {
		return time.Time{}, false
	}
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	if t.After(today) {
		return today, true
	}
	return t, true
}

func (im *importer) reject(index int) {
	im.sum.Ignored++
	im.sum.RejectedIndexes = append(im.sum.RejectedIndexes, index)
}

func (im *importer) dataElement(id string) *DataElement {
	if de, ok := im.des[id]; ok {
		return de
	}
	var p *DataElement
	if de, ok := im.cat.DataElement(id); ok {
		p = &de
	}
	im.des[id] = p
	return p
}

func (im *importer) optionCombo(id string) *OptionCombo {
	if c, ok := im.cocs[id]; ok {
		return c
	}
	var p *OptionCombo
	if c, ok := im.cat.OptionCombo(id); ok {
		p = &c
	}
	im.cocs[id] = p
	return p
}

func (im *importer) orgUnit(id string) bool {
	if ok, seen := im.ous[id]; seen {
		return ok
	}
	ok := im.cat.OrgUnitExists(id)
	im.ous[id] = ok
	return ok
}

func (im *importer) period(id string) period.Period {
	if p, ok := im.pes[id]; ok {
		return p
	}
	p, _ := period.Parse(id)
	if len(im.pes) < 1<<16 {
		im.pes[id] = p
	}
	return p
}
