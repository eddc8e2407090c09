package syncer

import (
	"fmt"
	"slices"
	"strings"
)

// The data and tracker stages need the destination to hold the data sets
// and programs of the source. In a run with the metadata scope, the
// metadata stage runs first and creates them; in a dry run it only plans
// to. A dry run then plans the data of those data sets and programs as
// created in full: the destination holds none of it (it does not even
// hold the data set or program, and is never asked about it: DHIS2
// refuses to export the values of an unknown data set).

// lackedObject is an object of the source the destination lacks.
type lackedObject struct {
	ID, Name string
}

func (o lackedObject) String() string { return o.ID + " (" + o.Name + ")" }

// metadataOutcome says what the metadata stage of this run did (or, in a
// dry run, plans to do) with an object of a canonical type.
type metadataOutcome int

const (
	mdNoStage   metadataOutcome = iota // the run has no metadata scope (or only verifies)
	mdUncovered                        // the stage does not cover the object
	mdFailed                           // the stage failed (or its validation refused) to create it
	mdCreated                          // created (planned, in a dry run)
)

// metadataOutcome returns what the metadata stage of this run does with
// an object the destination lacked when the run began.
func (r *Run) metadataOutcome(typ, uid string) metadataOutcome {
	if r.VerifyOnly || !slices.Contains(r.Opts.Scopes, ScopeMetadata) || r.Report.Plan == nil {
		return mdNoStage
	}
	planned := false
	for _, tp := range r.Report.Plan.Types {
		if tp.Type == typ {
			planned = slices.ContainsFunc(tp.Create, func(it PlanItem) bool { return it.UID == uid })
			break
		}
	}
	if !planned {
		return mdUncovered
	}
	for _, f := range r.Report.Failures {
		if f.Scope == ScopeMetadata && f.UID == uid {
			return mdFailed
		}
	}
	return mdCreated
}

// plannedByMetadata splits the objects of a type the destination lacks
// into those the metadata stage of this dry run plans to create (the
// stage plans their data as created) and the others. Outside a dry run
// everything is left: a real run's metadata stage has already created
// what it could.
func (r *Run) plannedByMetadata(typ string, lacked []lackedObject) (planned map[string]bool, left []lackedObject) {
	planned = map[string]bool{}
	for _, o := range lacked {
		if r.Opts.DryRun && !r.VerifyOnly && r.metadataOutcome(typ, o.ID) == mdCreated {
			planned[o.ID] = true
			continue
		}
		left = append(left, o)
	}
	return planned, left
}

// lacksError explains that the destination lacks objects a stage needs,
// and why: no metadata scope in the run, a metadata stage that does not
// cover them, or one that failed to create them.
func (r *Run) lacksError(typ, noun, scope string, lacked []lackedObject) error {
	groups := map[metadataOutcome][]string{}
	for _, o := range lacked {
		k := r.metadataOutcome(typ, o.ID)
		groups[k] = append(groups[k], o.String())
	}
	var parts []string
	for _, k := range []metadataOutcome{mdNoStage, mdUncovered, mdFailed, mdCreated} {
		list := groups[k]
		if len(list) == 0 {
			continue
		}
		var why string
		switch k {
		case mdNoStage:
			why = fmt.Sprintf("replicate the metadata first (--scope %s,%s)", ScopeMetadata, scope)
			if r.VerifyOnly {
				why = fmt.Sprintf("replicate the metadata first (d2sync sync --scope %s,%s)", ScopeMetadata, scope)
			}
		case mdUncovered:
			o := r.Opts
			switch {
			case len(o.Types)+len(o.Objects) > 0 || o.OrgUnit != "":
				why = "the metadata stage of this run does not cover them: its selection (--types, --objects, --org-unit) leaves them out; include them, or replicate them first"
			case r.Report.Incremental:
				why = "the metadata stage of this run does not cover them: it is incremental and they did not change on the source since its last run; run it with --full to create them"
			default:
				why = "the metadata stage of this run does not plan to create them"
			}
		case mdFailed:
			if r.Opts.DryRun {
				why = "the destination's validation of the metadata refused them (see the metadata failures)"
			} else {
				why = "the metadata stage of this run failed to create them (see the metadata failures)"
			}
		case mdCreated:
			why = "the metadata stage of this run reported them created, yet the destination does not list them"
		}
		parts = append(parts, fmt.Sprintf("%s; %s", strings.Join(list, ", "), why))
	}
	return fmt.Errorf("the destination lacks %d %s of the source: %s", len(lacked), noun, strings.Join(parts, "; and "))
}

// dryRunNote is the note of the data and tracker stages of a dry run.
const dryRunNote = "dry run: nothing was written; counts are what a real run would do"

// dryRunCreates returns the UIDs of the objects the metadata stage of
// this dry run plans to create, of any type (nil outside such a run):
// the destination does not hold them yet, and DHIS2 refuses queries
// about some of them (E2006 for the values of an unknown org unit, 409
// for the approvals of an unknown workflow), so the data and tracker
// stages never ask it about them.
func (r *Run) dryRunCreates() map[string]bool {
	if !r.Opts.DryRun || r.VerifyOnly || !slices.Contains(r.Opts.Scopes, ScopeMetadata) || r.Report.Plan == nil {
		return nil
	}
	out := map[string]bool{}
	for _, tp := range r.Report.Plan.Types {
		for _, it := range tp.Create {
			out[it.UID] = true
		}
	}
	return out
}
