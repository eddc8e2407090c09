package tracker

// ImportSummaries renders a report in the old API's shape: an
// ImportSummaries object (responseType, status, imported, updated,
// deleted, ignored, total, importSummaries) with one ImportSummary per
// top-level object of kind, nesting enrollments (of TEs) and events (of
// enrollments) as DHIS2 2.30–2.41 do. hrefBase, when set, gives each
// successful summary an href (hrefBase + "/" + uid).
func (r *Report) ImportSummaries(b *Bundle, kind Kind, tops []string, hrefBase string) map[string]any {
	sb := summaryBuilder{r: r, b: b, errs: map[string][]ErrorReport{}, acts: map[string]action{}}
	for _, e := range r.ValidationReport.ErrorReports {
		k := key(e.TrackerType, e.UID)
		sb.errs[k] = append(sb.errs[k], e)
	}
	if r.BundleReport != nil {
		for _, tr := range r.BundleReport.TypeReportMap {
			for _, o := range tr.ObjectReports {
				sb.acts[key(o.TrackerType, o.UID)] = o.act
			}
		}
	}
	return sb.summaries(kind, tops, hrefBase)
}

type summaryBuilder struct {
	r    *Report
	b    *Bundle
	errs map[string][]ErrorReport
	acts map[string]action
}

func (sb *summaryBuilder) summaries(kind Kind, uids []string, hrefBase string) map[string]any {
	list := []any{}
	var imported, updated, deleted, ignored int
	status := "SUCCESS"
	for _, uid := range uids {
		s := sb.summary(kind, uid, hrefBase)
		c := s["importCount"].(map[string]any)
		imported += c["imported"].(int)
		updated += c["updated"].(int)
		deleted += c["deleted"].(int)
		ignored += c["ignored"].(int)
		if s["status"] == "ERROR" {
			status = "ERROR"
		}
		list = append(list, s)
	}
	return map[string]any{"responseType": "ImportSummaries", "status": status, "imported": imported, "updated": updated,
		"deleted": deleted, "ignored": ignored, "total": len(uids), "importSummaries": list}
}

func (sb *summaryBuilder) summary(kind Kind, uid, hrefBase string) map[string]any {
	count := map[string]any{"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
	s := map[string]any{"responseType": "ImportSummary", "status": "SUCCESS", "importCount": count, "reference": uid}
	conflicts := []any{}
	errs := sb.errs[key(kind, uid)]
	for _, e := range errs {
		conflicts = append(conflicts, map[string]any{"object": uid, "value": e.Message, "errorCode": string(e.ErrorCode)})
	}
	s["conflicts"] = conflicts
	a, done := sb.acts[key(kind, uid)]
	switch {
	case len(errs) > 0 || (!done && sb.r.Status == "ERROR"):
		s["status"] = "ERROR"
		count["ignored"] = 1
		if len(errs) > 0 {
			s["description"] = errs[0].Message
		}
	case a == actCreate:
		count["imported"] = 1
	case a == actUpdate:
		count["updated"] = 1
	case a == actDelete:
		count["deleted"] = 1
	default:
		count["ignored"] = 1
	}
	if hrefBase != "" && s["status"] == "SUCCESS" {
		s["href"] = hrefBase + "/" + uid
	}
	switch kind {
	case KindTrackedEntity:
		var ens []string
		for _, en := range sb.b.Enrollments {
			if en.TrackedEntity == uid {
				ens = append(ens, en.UID)
			}
		}
		s["enrollments"] = sb.summaries(KindEnrollment, ens, "")
	case KindEnrollment:
		var evs []string
		for _, ev := range sb.b.Events {
			if ev.Enrollment == uid {
				evs = append(evs, ev.UID)
			}
		}
		s["events"] = sb.summaries(KindEvent, evs, "")
	}
	return s
}
