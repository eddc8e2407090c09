package metadata

// checkHooks runs the ObjectBundleHook validations (users, program stages,
// documents).
func (im *importer) checkHooks(b *batch) {
	switch b.schema.Singular {
	case "document":
		for _, e := range im.selected(b) {
			im.report(b, e, true, im.documentHookErrors(e)...)
		}
	case "user":
		if im.minor() >= 38 {
			for _, e := range im.selected(b) {
				im.report(b, e, true, im.userHookErrors(b.schema, e)...)
			}
		}
	case "programStage":
		for _, e := range im.selected(b) {
			var ers []ErrorReport
			if de := refID(e.obj["nextScheduleDate"]); de != "" && !im.validNextScheduleDate(e.obj, de) {
				ers = append(ers, im.newError(b.schema.Klass, "E6001", e.uid, de))
			}
			if im.minor() >= 35 && refID(e.obj["program"]) == "" && !im.programListsStage(e.uid) {
				ers = append(ers, im.newError(b.schema.Klass, "E4053", e.uid))
			}
			im.report(b, e, true, ers...)
		}
	}
}

// validNextScheduleDate checks ProgramStageObjectBundleHook's rule: the next
// schedule date data element belongs to the stage and has value type DATE.
func (im *importer) validNextScheduleDate(stage Object, de string) bool {
	inStage := false
	for _, it := range asAnyList(stage["programStageDataElements"]) {
		m, _ := it.(map[string]any)
		if refID(m["dataElement"]) == de {
			inStage = true
		}
	}
	var o Object
	if e, ok := im.payload["dataElements"][de]; ok {
		o = e.obj
	} else if so, ok := im.store.lookup("dataElements", de); ok {
		o = so
	}
	return inStage && o != nil && str(o["valueType"]) == "DATE"
}

func (im *importer) programListsStage(stage string) bool {
	pb := im.byPlural["programs"]
	if pb == nil {
		return false
	}
	for _, e := range pb.entries {
		for _, id := range refList(e.obj["programStages"]) {
			if id == stage {
				return true
			}
		}
	}
	return false
}

func (im *importer) usernameOfEntry(e *entry) string { return im.store.usernameOf(e.obj) }

// userHookErrors is UserObjectBundleHook.validate (2.38+).
func (im *importer) userHookErrors(sc *Schema, e *entry) []ErrorReport {
	var ers []ErrorReport
	const klass = "org.hisp.dhis.user.User"
	create := im.params.ImportStrategy == "CREATE"
	username := im.store.usernameOf(e.obj)
	mk := func(code string, args ...any) ErrorReport {
		er := im.newError(klass, code, args...)
		er.ErrorProperty = "username"
		return er
	}
	if create && !ValidUID(e.uid) {
		er := im.newError(klass, "E4014", e.uid, "uid")
		er.ErrorProperty = "uid"
		ers = append(ers, er)
	}
	if create && !usernameValid(username) {
		ers = append(ers, mk("E4049", "username", username))
	}
	if _, taken := im.store.userUIDByUsername(username); create && taken && username != "" {
		ers = append(ers, mk("E4054", "username", username))
	}
	if im.params.ImportStrategy == "UPDATE" && e.existing != nil && username != "" && username != im.store.usernameOf(e.existing) {
		ers = append(ers, mk("E4056", "username", username))
	}
	if len(im.store.userRolesOf(e.obj)) == 0 {
		ers = append(ers, mk("E4055", "username", username))
	}
	return ers
}
