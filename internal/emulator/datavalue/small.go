package datavalue

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MinMaxValue is a min-max range of a data element and category option
// combo at an org unit (/api/minMaxDataElements).
type MinMaxValue struct {
	OrgUnit     string // DHIS2 "source"
	DataElement string
	OptionCombo string
	Min, Max    int
	Generated   bool
}

type minMaxKey struct{ ou, de, coc string }

// MinMax stores min-max values keyed by (org unit, data element, option
// combo). Safe for concurrent use.
type MinMax struct {
	mu sync.RWMutex
	m  map[minMaxKey]MinMaxValue
}

func newMinMax() *MinMax { return &MinMax{m: map[minMaxKey]MinMaxValue{}} }

// Put upserts v (DHIS2's POST upserts on the same key).
func (mm *MinMax) Put(v MinMaxValue) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	mm.m[minMaxKey{v.OrgUnit, v.DataElement, v.OptionCombo}] = v
}

// Get returns the value for the key.
func (mm *MinMax) Get(orgUnit, dataElement, optionCombo string) (MinMaxValue, bool) {
	mm.mu.RLock()
	defer mm.mu.RUnlock()
	v, ok := mm.m[minMaxKey{orgUnit, dataElement, optionCombo}]
	return v, ok
}

// Delete removes the value for the key and reports whether it existed.
func (mm *MinMax) Delete(orgUnit, dataElement, optionCombo string) bool {
	k := minMaxKey{orgUnit, dataElement, optionCombo}
	mm.mu.Lock()
	defer mm.mu.Unlock()
	_, ok := mm.m[k]
	delete(mm.m, k)
	return ok
}

// List returns every value ordered by org unit, data element and option
// combo.
func (mm *MinMax) List() []MinMaxValue {
	mm.mu.RLock()
	out := make([]MinMaxValue, 0, len(mm.m))
	for _, v := range mm.m {
		out = append(out, v)
	}
	mm.mu.RUnlock()
	slices.SortFunc(out, func(a, b MinMaxValue) int {
		return cmp.Or(cmp.Compare(a.OrgUnit, b.OrgUnit), cmp.Compare(a.DataElement, b.DataElement), cmp.Compare(a.OptionCombo, b.OptionCombo))
	})
	return out
}

// LockException lets data be entered for a locked data set period at one
// org unit (/api/lockExceptions).
type LockException struct {
	DataSet string
	Period  string // canonical ISO identifier
	OrgUnit string
}

// LockExceptions is a set of lock exceptions. Safe for concurrent use.
type LockExceptions struct {
	mu sync.RWMutex
	m  map[LockException]struct{}
}

func newLockExceptions() *LockExceptions { return &LockExceptions{m: map[LockException]struct{}{}} }

// Add inserts a lock exception; the period is canonicalised.
func (le *LockExceptions) Add(e LockException) error {
	p, err := canonicalPeriod(e.Period)
	if err != nil {
		return fmt.Errorf("datavalue.LockExceptions.Add: %w", err)
	}
	e.Period = p.String()
	le.mu.Lock()
	defer le.mu.Unlock()
	le.m[e] = struct{}{}
	return nil
}

// Has reports whether the exception exists.
func (le *LockExceptions) Has(e LockException) bool {
	if p, err := canonicalPeriod(e.Period); err == nil {
		e.Period = p.String()
	}
	le.mu.RLock()
	defer le.mu.RUnlock()
	_, ok := le.m[e]
	return ok
}

// Remove deletes the exceptions of a data set and period, at one org unit
// or, when orgUnit is "", at all of them (DHIS2's DELETE with and without
// ou). It returns how many it removed.
func (le *LockExceptions) Remove(dataSet, periodID, orgUnit string) int {
	p, err := canonicalPeriod(periodID)
	if err != nil {
		return 0
	}
	le.mu.Lock()
	defer le.mu.Unlock()
	n := 0
	for e := range le.m {
		if e.DataSet == dataSet && e.Period == p.String() && (orgUnit == "" || e.OrgUnit == orgUnit) {
			delete(le.m, e)
			n++
		}
	}
	return n
}

// List returns every exception ordered by data set, period and org unit.
func (le *LockExceptions) List() []LockException {
	le.mu.RLock()
	out := make([]LockException, 0, len(le.m))
	for e := range le.m {
		out = append(out, e)
	}
	le.mu.RUnlock()
	slices.SortFunc(out, func(a, b LockException) int {
		return cmp.Or(cmp.Compare(a.DataSet, b.DataSet), cmp.Compare(a.Period, b.Period), cmp.Compare(a.OrgUnit, b.OrgUnit))
	})
	return out
}

// Approval is the approval state of a workflow, period, org unit and
// attribute option combo (/api/dataApprovals). State is one of DHIS2's
// DataApprovalState names (APPROVED_HERE, ACCEPTED_HERE, …).
type Approval struct {
	Workflow             string
	Period               string // canonical ISO identifier
	OrgUnit              string
	AttributeOptionCombo string
	State                string
	ApprovedBy           string
	ApprovedAt           time.Time
	AcceptedBy           string
	AcceptedAt           time.Time
}

type approvalKey struct{ wf, pe, ou, aoc string }

// Approvals stores approval states. Safe for concurrent use.
type Approvals struct {
	mu sync.RWMutex
	m  map[approvalKey]Approval
}

func newApprovals() *Approvals { return &Approvals{m: map[approvalKey]Approval{}} }

// Put stores a, replacing the state with the same key.
func (ap *Approvals) Put(a Approval) error {
	p, err := canonicalPeriod(a.Period)
	if err != nil {
		return fmt.Errorf("datavalue.Approvals.Put: %w", err)
	}
	a.Period = p.String()
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.m[approvalKey{a.Workflow, a.Period, a.OrgUnit, a.AttributeOptionCombo}] = a
	return nil
}

// Get returns the state with the given key.
func (ap *Approvals) Get(workflow, periodID, orgUnit, attributeOptionCombo string) (Approval, bool) {
	p, err := canonicalPeriod(periodID)
	if err != nil {
		return Approval{}, false
	}
	ap.mu.RLock()
	defer ap.mu.RUnlock()
	a, ok := ap.m[approvalKey{workflow, p.String(), orgUnit, attributeOptionCombo}]
	return a, ok
}

// Delete removes a state and reports whether it existed.
func (ap *Approvals) Delete(workflow, periodID, orgUnit, attributeOptionCombo string) bool {
	p, err := canonicalPeriod(periodID)
	if err != nil {
		return false
	}
	k := approvalKey{workflow, p.String(), orgUnit, attributeOptionCombo}
	ap.mu.Lock()
	defer ap.mu.Unlock()
	_, ok := ap.m[k]
	delete(ap.m, k)
	return ok
}

// List returns every state ordered by workflow, period, org unit and
// attribute option combo.
func (ap *Approvals) List() []Approval {
	ap.mu.RLock()
	out := make([]Approval, 0, len(ap.m))
	for _, a := range ap.m {
		out = append(out, a)
	}
	ap.mu.RUnlock()
	slices.SortFunc(out, func(a, b Approval) int {
		return cmp.Or(cmp.Compare(a.Workflow, b.Workflow), cmp.Compare(a.Period, b.Period),
			cmp.Compare(a.OrgUnit, b.OrgUnit), cmp.Compare(a.AttributeOptionCombo, b.AttributeOptionCombo))
	})
	return out
}
