package datavalue

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// Registration is a complete data set registration.
type Registration struct {
	DataSet              string
	Period               string // canonical ISO identifier
	OrgUnit              string
	AttributeOptionCombo string
	Date                 time.Time
	StoredBy             string
	LastUpdatedBy        string
	LastUpdated          time.Time
	Completed            bool
}

type regKey struct{ ds, pe, ou, aoc string }

// Registrations stores complete data set registrations keyed by data set,
// period, org unit and attribute option combo. Safe for concurrent use.
type Registrations struct {
	mu sync.RWMutex
	m  map[regKey]Registration
}

func newRegistrations() *Registrations { return &Registrations{m: map[regKey]Registration{}} }

func canonicalPeriod(id string) (period.Period, error) { return period.Parse(strings.TrimSpace(id)) }

// Put stores r, replacing the registration with the same key. The period
// is stored in its canonical form.
func (rs *Registrations) Put(r Registration) error {
	p, err := canonicalPeriod(r.Period)
	if err != nil {
		return fmt.Errorf("datavalue.Registrations.Put: %w", err)
	}
	r.Period = p.String()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.m[regKey{r.DataSet, r.Period, r.OrgUnit, r.AttributeOptionCombo}] = r
	return nil
}

// Get returns the registration with the given key.
func (rs *Registrations) Get(dataSet, periodID, orgUnit, attributeOptionCombo string) (Registration, bool) {
	p, err := canonicalPeriod(periodID)
	if err != nil {
		return Registration{}, false
	}
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	r, ok := rs.m[regKey{dataSet, p.String(), orgUnit, attributeOptionCombo}]
	return r, ok
}

// Delete removes a registration and reports whether it existed.
func (rs *Registrations) Delete(dataSet, periodID, orgUnit, attributeOptionCombo string) bool {
	p, err := canonicalPeriod(periodID)
	if err != nil {
		return false
	}
	k := regKey{dataSet, p.String(), orgUnit, attributeOptionCombo}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	_, ok := rs.m[k]
	delete(rs.m, k)
	return ok
}

// Len returns the number of registrations.
func (rs *Registrations) Len() int {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	return len(rs.m)
}

// RegistrationQuery selects registrations; empty lists mean "any".
type RegistrationQuery struct {
	DataSets []string
	Periods  []string
	// StartDate and EndDate, when both set, select periods within them.
	StartDate, EndDate time.Time
	OrgUnits           []string
	// Created, when set, selects registrations dated on or after it
	// (DHIS2's created parameter compares the registration date).
	Created time.Time
	Limit   int
}

// List returns the matching registrations ordered by period start, data
// set, org unit and attribute option combo.
func (rs *Registrations) List(q RegistrationQuery) []Registration {
	periods := map[string]bool{}
	for _, id := range q.Periods {
		if p, err := canonicalPeriod(id); err == nil {
			periods[p.String()] = true
		}
	}
	byDate := !q.StartDate.IsZero() && !q.EndDate.IsZero()
	dss, ous := set(q.DataSets), set(q.OrgUnits)
	// Periods repeat across registrations: each is parsed once.
	parsed := map[string]period.Period{}
	parse := func(id string) period.Period {
		p, ok := parsed[id]
		if !ok {
			p = period.MustParse(id)
			parsed[id] = p
		}
		return p
	}
	type listed struct {
		r Registration
		p period.Period
	}
	rs.mu.RLock()
	var found []listed
	for _, r := range rs.m {
		if (dss != nil && !dss[r.DataSet]) || (ous != nil && !ous[r.OrgUnit]) ||
			(!q.Created.IsZero() && r.Date.Before(q.Created)) {
			continue
		}
		p := parse(r.Period)
		if len(q.Periods) > 0 || byDate {
			if !periods[r.Period] && !(byDate && p.Within(q.StartDate, q.EndDate)) {
				continue
			}
		}
		found = append(found, listed{r, p})
	}
	rs.mu.RUnlock()
	slices.SortFunc(found, func(a, b listed) int {
		return cmp.Or(comparePeriods(a.p, b.p), cmp.Compare(a.r.DataSet, b.r.DataSet),
			cmp.Compare(a.r.OrgUnit, b.r.OrgUnit), cmp.Compare(a.r.AttributeOptionCombo, b.r.AttributeOptionCombo))
	})
	if q.Limit > 0 && len(found) > q.Limit {
		found = found[:q.Limit]
	}
	if len(found) == 0 {
		return nil
	}
	out := make([]Registration, len(found))
	for i, f := range found {
		out[i] = f.r
	}
	return out
}

func set(ids []string) map[string]bool {
	if len(ids) == 0 {
		return nil
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// RegistrationInput is one registration as posted to
// /api/completeDataSetRegistrations.
type RegistrationInput struct {
	DataSet              string
	Period               string
	OrgUnit              string // JSON "organisationUnit"
	AttributeOptionCombo string
	Date                 string
	StoredBy             string
	LastUpdatedBy        string
	Completed            *bool // nil means true
}

// Import applies registrations with DHIS2's semantics
// (DefaultCompleteDataSetRegistrationExchangeService.batchImport, 2.41):
// existing registrations are updated (CREATE_AND_UPDATE, UPDATE, SYNC) or
// deleted (DELETE); new ones are created (CREATE_AND_UPDATE, CREATE,
// SYNC); everything else is ignored. An unknown attribute option combo
// falls back to the default one, as in DHIS2. The status is ERROR when
// every registration was ignored and SUCCESS otherwise; conflicts use the
// informal {object, value} form.
func (rs *Registrations) Import(in []RegistrationInput, cat Catalog, opts Options) *Summary {
	sum := &Summary{}
	var cs conflicts
	now := opts.now()
	for _, r := range in {
		reg, ok := validateRegistration(r, cat, &opts, &cs, now)
		if !ok {
			continue
		}
		k := regKey{reg.DataSet, reg.Period, reg.OrgUnit, reg.AttributeOptionCombo}
		rs.mu.Lock()
		_, exists := rs.m[k]
		switch {
		case exists && (opts.Strategy == CreateAndUpdate || opts.Strategy == Update || opts.Strategy == Sync):
			sum.Updated++
			if !opts.DryRun {
				rs.m[k] = reg
			}
		case exists && opts.Strategy == Delete:
			sum.Deleted++
			if !opts.DryRun {
				delete(rs.m, k)
			}
		case !exists && (opts.Strategy == CreateAndUpdate || opts.Strategy == Create || opts.Strategy == Sync):
			sum.Imported++
			if !opts.DryRun {
				rs.m[k] = reg
			}
		}
		rs.mu.Unlock()
	}
	sum.Ignored = len(in) - sum.Imported - sum.Updated - sum.Deleted
	sum.Conflicts = cs.list
	sum.Status, sum.Description = StatusSuccess, "Import process complete."
	if sum.Ignored == len(in) {
		sum.Status = StatusError
	}
	return sum
}

func validateRegistration(r RegistrationInput, cat Catalog, opts *Options, cs *conflicts, now time.Time) (Registration, bool) {
	dsID, ouID, aocID := strings.TrimSpace(r.DataSet), strings.TrimSpace(r.OrgUnit), strings.TrimSpace(r.AttributeOptionCombo)
	ds, found := cat.DataSet(dsID)
	if dsID == "" || !found {
		cs.addLegacy(r.DataSet, "Data set not found or not accessible")
		return Registration{}, false
	}
	p, err := canonicalPeriod(r.Period)
	if err != nil {
		cs.addLegacy(r.Period, "Period not valid")
		return Registration{}, false
	}
	if ouID == "" || !cat.OrgUnitExists(ouID) {
		cs.addLegacy(r.OrgUnit, "Organisation unit not found or not accessible")
		return Registration{}, false
	}
	aoc, found := cat.OptionCombo(aocID)
	if aocID == "" || !found {
		if opts.RequireAttributeOptionCombo {
			cs.addLegacy("Attribute option combo", "Attribute option combo is required but is not specified")
			return Registration{}, false
		}
		aocID = opts.defaultCombo()
		aoc, _ = cat.OptionCombo(aocID)
	}
	if opts.StrictAttributeOptionCombos && aoc.CategoryCombo != ds.CategoryCombo {
		cs.addLegacy(aoc.CategoryCombo, fmt.Sprintf("Attribute option combo: %s must have category combo: %s", aoc.CategoryCombo, ds.CategoryCombo))
		return Registration{}, false
	}
	if opts.StrictPeriods && ds.PeriodType != p.Type() {
		cs.addLegacy(p.String(), fmt.Sprintf("Period type of period: %s is not equal to the period type of data set: %s", p, ds.PeriodType))
		return Registration{}, false
	}
	if opts.StrictOrganisationUnits && !cat.DataSetAssigned(dsID, ouID) {
		cs.addLegacy(dsID, fmt.Sprintf("Data set %s is not assigned to organisation unit %s", dsID, ouID))
		return Registration{}, false
	}
	for _, by := range []string{r.StoredBy, r.LastUpdatedBy} {
		if utf16Len(by) > maxStoredByLength {
			cs.addLegacy(by, errorText("stored_by_length_greater_than_max_length"))
			return Registration{}, false
		}
	}
	reg := Registration{DataSet: dsID, Period: p.String(), OrgUnit: ouID, AttributeOptionCombo: aocID,
		Date: now, StoredBy: r.StoredBy, LastUpdatedBy: r.LastUpdatedBy, Completed: true}
	if t, ok := parseDateOrTimestamp(strings.TrimSpace(r.Date), opts.location()); ok {
		reg.Date = t
	}
	reg.LastUpdated = reg.Date // DHIS2 stores the registration date as lastUpdated
	if strings.TrimSpace(reg.StoredBy) == "" {
		reg.StoredBy = opts.User
	}
	if strings.TrimSpace(reg.LastUpdatedBy) == "" {
		reg.LastUpdatedBy = opts.User
	}
	if r.Completed != nil {
		reg.Completed = *r.Completed
	}
	return reg, true
}
