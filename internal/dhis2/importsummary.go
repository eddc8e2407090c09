package dhis2

import "encoding/json"

// parseSummaries handles old-tracker ImportSummaries: top-level counts are
// the result's Stats; nested enrollment/event summaries add to TypeStats.
func parseSummaries(res *ImportResult, s *summariesJSON) {
	res.ResponseType = "ImportSummaries"
	res.Status = normStatus(s.Status)
	res.Stats = s.stats()
	top := topTypeFor(res.Kind)
	addTypeStats(res, top, res.Stats)
	for i := range s.ImportSummaries {
		walkSummary(res, &s.ImportSummaries[i], top)
	}
}

// walkSummary collects errors and conflicts of one summary of type typ
// and recurses into its nested summaries.
func walkSummary(res *ImportResult, s *summaryJSON, typ string) {
	if normStatus(s.Status) == StatusError {
		msg := s.Description
		if msg == "" && len(s.Conflicts) > 0 {
			msg = s.Conflicts[0].Value
		}
		res.Errors = append(res.Errors, ImportError{Type: typ, UID: s.Reference, Index: -1, Message: msg})
	}
	for _, c := range s.Conflicts {
		res.Conflicts = append(res.Conflicts, conflict(c, typ, s.Reference))
	}
	res.RejectedIndexes = append(res.RejectedIndexes, s.RejectedIndexes...)
	nested := []struct {
		s   *summariesJSON
		typ string
	}{{s.Enrollments, "ENROLLMENT"}, {s.Events, "EVENT"}, {s.Relationships, "RELATIONSHIP"}}
	for _, n := range nested {
		if n.s == nil {
			continue
		}
		addTypeStats(res, n.typ, n.s.stats())
		for i := range n.s.ImportSummaries {
			walkSummary(res, &n.s.ImportSummaries[i], n.typ)
		}
	}
}

func conflict(c conflictJSON, typ, ref string) ImportConflict {
	return ImportConflict{Object: c.Object, Objects: c.Objects, Value: c.Value, Code: c.ErrorCode, Property: c.Property, Indexes: c.Indexes, Type: typ, Reference: ref}
}

// parseSummary handles a single ImportSummary (data values, complete
// registrations, one old-tracker object).
func parseSummary(res *ImportResult, s *summaryJSON) {
	res.ResponseType = "ImportSummary"
	res.Status = normStatus(s.Status)
	res.Stats = s.ImportCount.stats()
	res.Reference = s.Reference
	if res.Message == "" || res.Wrapped {
		res.Message = firstNonEmpty(s.Description, res.Message)
	}
	top := topTypeFor(res.Kind)
	addTypeStats(res, top, res.Stats)
	before := len(res.Conflicts)
	walkSummary(res, s, top)
	if res.Kind == ImportKindDataValues || res.Kind == ImportKindCompleteRegistrations {
		// Conflicts of aggregate imports are about values, not objects.
		for i := before; i < len(res.Conflicts); i++ {
			res.Conflicts[i].Type, res.Conflicts[i].Reference = "", ""
		}
	}
}

func parseTypeSummary(res *ImportResult, r *reportJSON, raw []byte) {
	res.ResponseType = "ImportTypeSummary"
	res.Status = normStatus(r.Status)
	res.Stats = r.ImportCount.stats()
	res.Reference = r.LastImported
	addTypeStats(res, r.Type, res.Stats)
	var s summaryJSON
	if json.Unmarshal(raw, &s) == nil {
		for _, c := range s.Conflicts {
			res.Conflicts = append(res.Conflicts, conflict(c, r.Type, ""))
		}
	}
}
