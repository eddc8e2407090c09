package seed

import "regexp"

// trackerModel holds the UIDs the tracker data generators need.
type trackerModel struct {
	tet, program, eventProgram, relType string
	teas                                map[string]string // key -> uid
	stages                              map[string]string // stage key -> uid
	units                               []int             // facilities enrolling women
	caseUnits                           []int             // facilities notifying malaria cases
	cumUnits, cumCase                   []float64         // cumulative populations of units and caseUnits
	districtHD                          map[int]int       // district index -> its district hospital
}

var (
	trkStageDE = regexp.MustCompile(`#\{([A-Z][A-Z0-9]*)\.([A-Z0-9_]+)\}`)
	trkAttr    = regexp.MustCompile(`A\{([A-Z]+)\}`)
	trkStage   = regexp.MustCompile(`@([A-Z][A-Z0-9]*)`)
)

// trkExpr resolves #{S1.TRK_HB}, A{DDN} and '@S1' to UIDs.
func (b *builder) trkExpr(s string) string {
	s = trkStageDE.ReplaceAllStringFunc(s, func(m string) string {
		p := trkStageDE.FindStringSubmatch(m)
		return "#{" + b.uid("programStage", p[1]) + "." + b.deUID(p[2]) + "}"
	})
	s = trkAttr.ReplaceAllStringFunc(s, func(m string) string {
		return "A{" + b.uid("trackedEntityAttribute", trkAttr.FindStringSubmatch(m)[1]) + "}"
	})
	return trkStage.ReplaceAllStringFunc(s, func(m string) string { return b.uid("programStage", m[1:]) })
}

func (b *builder) buildTrackerMetadata() {
	t := &b.w.trk
	t.teas, t.stages = map[string]string{}, map[string]string{}
	t.tet = b.uid("trackedEntityType", "personne")
	t.program = b.uid("program", "anc")
	t.eventProgram = b.uid("program", "palu")
	t.relType = b.uid("relationshipType", "mere_enfant")
	b.buildTEAs()
	b.buildRelationshipTypes()
	t.districtHD = map[int]int{}
	for fi, f := range b.w.facilities {
		if maskOf(ftCHU, ftCHR, ftHD, ftCM, ftCS, ftCSC).has(f.typ) {
			t.units = append(t.units, fi)
			t.cumUnits = append(t.cumUnits, last(t.cumUnits)+f.pop)
		}
		if maskReporting.has(f.typ) {
			t.caseUnits = append(t.caseUnits, fi)
			t.cumCase = append(t.cumCase, last(t.cumCase)+f.pop)
		}
		if f.typ == ftHD {
			t.districtHD[f.dist] = fi
		}
	}
	b.buildNotificationTemplates()
	for i, s := range ancStages {
		b.buildStage("anc", t.program, s, i+1)
	}
	b.buildStage("palu", t.eventProgram, casePalStage, 1)
	b.buildPrograms()
	b.buildProgramRules()
	b.buildProgramIndicators()
}

func (b *builder) buildTEAs() {
	t := &b.w.trk
	var tetAttrs []any
	for _, a := range teaCatalog {
		id := b.uid("trackedEntityAttribute", a.key)
		t.teas[a.key] = id
		o := obj{
			"id": id, "name": a.fr, "shortName": a.frShort, "code": "TEA_" + a.key, "valueType": a.vt,
			"aggregationType": "NONE", "unique": a.unique, "generated": false, "confidential": false, "inherit": false,
			"displayInListNoProgram": a.inTET, "orgunitScope": false,
			"translations": tr("NAME", a.fr, a.en, "SHORT_NAME", a.frShort, a.en),
			"sharing":      b.sharing("rwrw----"),
		}
		if a.optSet != "" {
			o["optionSet"] = ref(b.optionSetUID(a.optSet))
		}
		b.add("trackedEntityAttributes", o)
		if a.inTET {
			tetAttrs = append(tetAttrs, obj{
				"id": b.uid("trackedEntityTypeAttribute", a.key), "trackedEntityType": ref(t.tet),
				"trackedEntityAttribute": ref(id), "displayInList": true, "mandatory": a.key == "PRENOM" || a.key == "NOM",
				"searchable": a.searchable,
			})
		}
	}
	b.add("trackedEntityTypes", obj{
		"id": t.tet, "name": "Personne", "shortName": "Personne", "code": "TET_PERSONNE", "description": "Personne suivie individuellement",
		"featureType": "NONE", "allowAuditLog": false, "minAttributesRequiredToSearch": 1, "maxTeiCountToReturn": 0,
		"trackedEntityTypeAttributes": tetAttrs,
		"translations":                tr("NAME", "Personne", "Person"),
		"sharing":                     b.sharing("rwrw----"),
	})
}

func (b *builder) buildRelationshipTypes() {
	t := &b.w.trk
	constraint := func() obj {
		return obj{"relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": ref(t.tet),
			"trackerDataView": obj{"attributes": []any{t.teas["PRENOM"], t.teas["NOM"]}, "dataElements": []any{}}}
	}
	b.add("relationshipTypes", obj{
		"id": t.relType, "name": "Mère - enfant", "code": "REL_MERE_ENFANT",
		"fromToName": "Mère de", "toFromName": "Enfant de", "bidirectional": true,
		"fromConstraint": constraint(), "toConstraint": constraint(),
		"translations": tr("NAME", "Mère - enfant", "Mother - child", "FROM_TO_NAME", "Mère de", "Mother of", "TO_FROM_NAME", "Enfant de", "Child of"),
		"sharing":      b.sharing("rwrw----"),
	})
}

func (b *builder) buildNotificationTemplates() {
	tpls := []obj{
		{"id": b.uid("programNotificationTemplate", "rappel_cpn"), "name": "Rappel de rendez-vous CPN", "code": "PNT_RAPPEL_CPN",
			"notificationTrigger": "SCHEDULED_DAYS_DUE_DATE", "relativeScheduledDays": -2,
			"notificationRecipient": "TRACKED_ENTITY_INSTANCE", "deliveryChannels": []any{"SMS"},
			"subjectTemplate": "Rappel CPN",
			"messageTemplate": b.trkExpr("Bonjour A{PRENOM}, votre prochaine consultation prénatale à V{org_unit_name} est prévue le V{due_date}.")},
		{"id": b.uid("programNotificationTemplate", "inscription"), "name": "Confirmation d'inscription au suivi prénatal", "code": "PNT_INSCRIPTION",
			"notificationTrigger": "ENROLLMENT", "notificationRecipient": "TRACKED_ENTITY_INSTANCE", "deliveryChannels": []any{"SMS"},
			"subjectTemplate": "Inscription",
			"messageTemplate": b.trkExpr("A{PRENOM} A{NOM}, vous êtes inscrite au suivi prénatal de V{org_unit_name}. Numéro : A{NIU}.")},
		{"id": b.uid("programNotificationTemplate", "alerte_anemie"), "name": "Alerte anémie sévère", "code": "PNT_ALERTE_ANEMIE",
			"notificationTrigger": "PROGRAM_RULE", "notificationRecipient": "USER_GROUP",
			"recipientUserGroup": ref(b.uid("userGroup", "agents")), "deliveryChannels": []any{},
			"subjectTemplate": "Anémie sévère",
			"messageTemplate": b.trkExpr("Anémie sévère (Hb inférieure à 7 g/dl) chez A{PRENOM} A{NOM} suivie à V{org_unit_name}.")},
	}
	en := []string{"Antenatal appointment reminder", "Antenatal enrollment confirmation", "Severe anaemia alert"}
	for i, o := range tpls {
		o["translations"] = tr("NAME", o["name"].(string), en[i])
		b.add("programNotificationTemplates", o)
	}
}

func (b *builder) buildStage(programKey, programID string, s stageDef, order int) {
	t := &b.w.trk
	id := b.uid("programStage", s.key)
	t.stages[s.key] = id
	var psdes, sections []any
	for i, code := range s.des {
		psdes = append(psdes, obj{
			"id": b.uid("programStageDataElement", s.key+":"+code), "programStage": ref(id), "dataElement": ref(b.deUID(code)),
			"compulsory": contains(s.compulsory, code), "sortOrder": i + 1, "displayInReports": true,
			"allowFutureDate": false, "allowProvidedElsewhere": false,
		})
	}
	for i, sec := range s.sections {
		sid := b.uid("programStageSection", s.key+":"+sec[0])
		sections = append(sections, ref(sid))
		var des []string
		for _, code := range s.sectionDEs[i] {
			des = append(des, b.deUID(code))
		}
		b.add("programStageSections", obj{
			"id": sid, "name": sec[1], "sortOrder": i + 1, "programStage": ref(id), "dataElements": refList(des),
			"renderType":   obj{"DESKTOP": obj{"type": "LISTING"}, "MOBILE": obj{"type": "LISTING"}},
			"translations": tr("NAME", sec[1], sec[2]),
		})
	}
	o := obj{
		"id": id, "name": s.fr, "description": s.desc, "program": ref(programID), "sortOrder": order,
		"repeatable": s.repeatable, "minDaysFromStart": s.minDays, "autoGenerateEvent": order == 1,
		"generatedByEnrollmentDate": false, "openAfterEnrollment": false, "blockEntryForm": false,
		"validationStrategy": "ON_UPDATE_AND_INSERT", "featureType": "NONE", "enableUserAssignment": false,
		"executionDateLabel":       s.executionLabel,
		"programStageDataElements": psdes,
		"programStageSections":     sections,
		"translations":             tr("NAME", s.fr, s.en),
		"sharing":                  b.sharing("rwrw----"),
	}
	if s.repeatable {
		o["standardInterval"] = s.interval
		o["dueDateLabel"] = s.dueLabel
		o["notificationTemplates"] = []any{ref(b.uid("programNotificationTemplate", "rappel_cpn"))}
	}
	b.add("programStages", o)
}

func last(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (b *builder) buildPrograms() {
	t := &b.w.trk
	var ptea, regSections []any
	for i, key := range []string{"NIU", "PRENOM", "NOM", "DDN", "TEL", "VILLAGE"} {
		ptea = append(ptea, obj{
			"id": b.uid("programTrackedEntityAttribute", key), "program": ref(t.program),
			"trackedEntityAttribute": ref(t.teas[key]), "sortOrder": i + 1, "displayInList": key != "VILLAGE",
			"mandatory": key == "PRENOM" || key == "NOM" || key == "DDN", "searchable": key == "NIU" || key == "TEL",
			"allowFutureDate": false, "renderOptionsAsRadio": false,
		})
	}
	for i, s := range []struct {
		key, fr, en string
		attrs       []string
	}{
		{"identite", "Identité", "Identity", []string{"NIU", "PRENOM", "NOM", "DDN"}},
		{"contact", "Contact et résidence", "Contact and residence", []string{"TEL", "VILLAGE"}},
	} {
		id := b.uid("programSection", s.key)
		regSections = append(regSections, ref(id))
		var attrs []string
		for _, k := range s.attrs {
			attrs = append(attrs, t.teas[k])
		}
		b.add("programSections", obj{
			"id": id, "name": s.fr, "sortOrder": i + 1, "program": ref(t.program), "trackedEntityAttributes": refList(attrs),
			"translations": tr("NAME", s.fr, s.en),
		})
	}
	var ancStageIDs []string
	for _, s := range ancStages {
		ancStageIDs = append(ancStageIDs, t.stages[s.key])
	}
	b.add("programs", obj{
		"id": t.program, "name": "Suivi prénatal et postnatal", "shortName": "Suivi prénatal", "code": "PRG_SUIVI_PRENATAL",
		"description": "Suivi individuel des femmes enceintes de la première CPN à la consultation postnatale",
		"programType": "WITH_REGISTRATION", "trackedEntityType": ref(t.tet), "categoryCombo": ref(DefaultCategoryCombo),
		"enrollmentDateLabel": "Date d'inscription", "incidentDateLabel": "Date des dernières règles", "displayIncidentDate": true,
		"onlyEnrollOnce": false, "selectEnrollmentDatesInFuture": false, "selectIncidentDatesInFuture": false,
		"accessLevel": "PROTECTED", "featureType": "NONE", "minAttributesRequiredToSearch": 1, "maxTeiCountToReturn": 0,
		"expiryDays": 0, "completeEventsExpiryDays": 0, "ignoreOverdueEvents": false, "skipOffline": false,
		"displayFrontPageList": true, "useFirstStageDuringRegistration": true, "version": 1,
		"style":                          obj{"color": "#c2185b", "icon": "pregnant_0p_positive"},
		"organisationUnits":              refList(b.facilityUIDs(t.units)),
		"programStages":                  refList(ancStageIDs),
		"programTrackedEntityAttributes": ptea,
		"programSections":                regSections,
		"notificationTemplates": refList([]string{b.uid("programNotificationTemplate", "inscription"),
			b.uid("programNotificationTemplate", "alerte_anemie")}),
		"attributeValues": b.attrValue("PRG-SUIVI-PRENATAL"),
		"translations": tr("NAME", "Suivi prénatal et postnatal", "Antenatal and postnatal follow-up",
			"SHORT_NAME", "Suivi prénatal", "Antenatal follow-up"),
		"sharing": b.sharing("r-------", "national", "rwrw----", "agents", "rwrw----", "gestionnaires", "r-r-----"),
	})
	b.add("programs", obj{
		"id": t.eventProgram, "name": "Notification des cas de paludisme", "shortName": "Notification paludisme", "code": "PRG_NOTIF_PALU",
		"description": "Fiche individuelle de notification des cas de paludisme vus en consultation",
		"programType": "WITHOUT_REGISTRATION", "categoryCombo": ref(DefaultCategoryCombo),
		"accessLevel": "OPEN", "featureType": "NONE", "expiryDays": 0, "completeEventsExpiryDays": 0, "version": 1,
		"style":             obj{"color": "#f57c00", "icon": "malaria_testing_positive"},
		"organisationUnits": refList(b.facilityUIDs(t.caseUnits)),
		"programStages":     []any{ref(t.stages["E1"])},
		"attributeValues":   b.attrValue("PRG-NOTIF-PALU"),
		"translations": tr("NAME", "Notification des cas de paludisme", "Malaria case notification",
			"SHORT_NAME", "Notification paludisme", "Malaria notification"),
		"sharing": b.sharing("r-------", "national", "rwrw----", "gestionnaires", "rwrw----", "agents", "rwrw----"),
	})
}

func (b *builder) facilityUIDs(idx []int) []string {
	out := make([]string, len(idx))
	for i, fi := range idx {
		out[i] = b.w.facilities[fi].uid
	}
	return out
}

func (b *builder) programUID(key string) string { return b.uid("program", key) }

func (b *builder) buildProgramRules() {
	vars := map[string]string{}
	for _, v := range ruleVarCatalog {
		id := b.uid("programRuleVariable", v.program+":"+v.name)
		vars[v.name] = id
		o := obj{"id": id, "name": v.name, "program": ref(b.programUID(v.program)),
			"programRuleVariableSourceType": v.source, "valueType": v.vt, "useCodeForOptionSet": true}
		if v.de != "" {
			o["dataElement"] = ref(b.deUID(v.de))
		}
		if v.tea != "" {
			o["trackedEntityAttribute"] = ref(b.uid("trackedEntityAttribute", v.tea))
		}
		b.add("programRuleVariables", o)
	}
	for _, r := range ruleCatalog {
		ruleID := b.uid("programRule", r.key)
		var actions []string
		for i, a := range r.actions {
			id := b.uid("programRuleAction", r.key+":"+string(rune('a'+i)))
			actions = append(actions, id)
			o := obj{"id": id, "programRule": ref(ruleID), "programRuleActionType": a[0]}
			if a[1] != "" {
				o["dataElement"] = ref(b.deUID(a[1]))
			}
			if a[2] != "" {
				o["trackedEntityAttribute"] = ref(b.uid("trackedEntityAttribute", a[2]))
			}
			if a[3] != "" {
				o["content"] = a[3]
			}
			if a[4] != "" {
				o["templateUid"] = b.uid("programNotificationTemplate", a[4])
			}
			if a[5] != "" {
				o["location"] = a[5]
			}
			b.add("programRuleActions", o)
		}
		b.add("programRules", obj{
			"id": ruleID, "name": r.fr, "description": r.desc, "program": ref(b.programUID(r.program)),
			"condition": r.condition, "priority": r.priority, "programRuleActions": refList(actions),
		})
	}
}

func (b *builder) buildProgramIndicators() {
	groups := map[string][]string{}
	for _, p := range programIndicatorCatalog {
		id := b.uid("programIndicator", p.code)
		groups[p.program] = append(groups[p.program], id)
		target := "EVENT_DATE"
		if p.analytics == "ENROLLMENT" {
			target = "ENROLLMENT_DATE"
		}
		o := obj{
			"id": id, "name": p.fr, "shortName": p.frShort, "code": p.code, "program": ref(b.programUID(p.program)),
			"expression": b.trkExpr(p.expr), "analyticsType": p.analytics, "aggregationType": p.agg,
			"decimals": 1, "displayInForm": false,
			"analyticsPeriodBoundaries": []any{
				obj{"id": b.uid("analyticsPeriodBoundary", p.code+":start"), "analyticsPeriodBoundaryType": "AFTER_START_OF_REPORTING_PERIOD", "boundaryTarget": target},
				obj{"id": b.uid("analyticsPeriodBoundary", p.code+":end"), "analyticsPeriodBoundaryType": "BEFORE_END_OF_REPORTING_PERIOD", "boundaryTarget": target},
			},
			"translations": tr("NAME", p.fr, p.en),
			"sharing":      b.sharing("rw------"),
		}
		if p.filter != "" {
			o["filter"] = b.trkExpr(p.filter)
		}
		b.add("programIndicators", o)
	}
	for _, g := range []groupDef{
		{"anc", "Suivi prénatal (individuel)", "Antenatal follow-up (individual)", "PIG_ANC"},
		{"palu", "Notification des cas de paludisme", "Malaria case notification", "PIG_PALU"},
	} {
		b.add("programIndicatorGroups", obj{
			"id": b.uid("programIndicatorGroup", g.key), "name": g.fr, "code": g.code,
			"programIndicators": refList(groups[g.key]),
			"translations":      tr("NAME", g.fr, g.en),
		})
	}
}
