package tracker

import "slices"

// Index is a Catalog built from metadata objects in the shape of a
// POST /api/metadata body (plural type → objects). Add may be called
// several times before use; an Index is read-only (and then safe for
// concurrent use) once the tracker store uses it.
type Index struct {
	programs   map[string]*Program
	stages     map[string]*ProgramStage
	types      map[string]*TrackedEntityType
	attributes map[string]Attribute
	elements   map[string]DataElement
	orgUnits   map[string]string // uid → parent uid
	paths      map[string]string // uid → explicit path, when given
	relTypes   map[string]RelationshipType
	options    map[string]map[string]bool // option set → codes
	optionOf   map[string]string          // option uid → option set (options listed apart)
	optionCode map[string]string          // option uid → code
	cocs       map[string]bool
}

// NewIndex returns an Index of the given metadata (may be nil).
func NewIndex(metadata map[string][]map[string]any) *Index {
	x := &Index{
		programs: map[string]*Program{}, stages: map[string]*ProgramStage{}, types: map[string]*TrackedEntityType{},
		attributes: map[string]Attribute{}, elements: map[string]DataElement{}, orgUnits: map[string]string{},
		paths: map[string]string{}, relTypes: map[string]RelationshipType{}, options: map[string]map[string]bool{},
		optionOf: map[string]string{}, optionCode: map[string]string{}, cocs: map[string]bool{},
	}
	x.Add(metadata)
	return x
}

// Add indexes more metadata objects; later objects replace earlier ones
// with the same UID.
func (x *Index) Add(metadata map[string][]map[string]any) {
	for _, o := range metadata["organisationUnits"] {
		id := str(o["id"])
		x.orgUnits[id] = refID(o["parent"])
		if p := str(o["path"]); p != "" {
			x.paths[id] = p
		}
	}
	for _, o := range metadata["trackedEntityAttributes"] {
		id := str(o["id"])
		x.attributes[id] = Attribute{UID: id, ValueType: str(o["valueType"]), OptionSet: refID(o["optionSet"]), Unique: o["unique"] == true}
	}
	for _, o := range metadata["dataElements"] {
		id := str(o["id"])
		x.elements[id] = DataElement{UID: id, ValueType: str(o["valueType"]), OptionSet: refID(o["optionSet"])}
	}
	for _, o := range metadata["categoryOptionCombos"] {
		x.cocs[str(o["id"])] = true
	}
	x.addOptions(metadata)
	for _, o := range metadata["trackedEntityTypes"] {
		id := str(o["id"])
		t := &TrackedEntityType{UID: id}
		for _, a := range list(o["trackedEntityTypeAttributes"]) {
			if aid := refID(a["trackedEntityAttribute"]); aid != "" {
				t.Attributes = append(t.Attributes, aid)
			}
		}
		x.types[id] = t
	}
	x.addPrograms(metadata)
	for _, o := range metadata["relationshipTypes"] {
		id := str(o["id"])
		x.relTypes[id] = RelationshipType{UID: id, Bidirectional: o["bidirectional"] == true,
			From: constraintOf(o["fromConstraint"]), To: constraintOf(o["toConstraint"])}
	}
	for id := range x.orgUnits {
		if x.paths[id] == "" {
			x.paths[id] = x.buildPath(id)
		}
	}
}

// buildPath derives "/root/…/uid" from the parents.
func (x *Index) buildPath(uid string) string {
	path := "/" + uid
	parent := x.orgUnits[uid]
	for seen := 0; parent != "" && seen < 32; seen++ {
		path = "/" + parent + path
		parent = x.orgUnits[parent]
	}
	return path
}

func (x *Index) addOptions(metadata map[string][]map[string]any) {
	for _, o := range metadata["options"] {
		id := str(o["id"])
		x.optionCode[id] = str(o["code"])
		if set := refID(o["optionSet"]); set != "" {
			x.optionOf[id] = set
			x.optionSet(set)[str(o["code"])] = true
		}
	}
	for _, o := range metadata["optionSets"] {
		set := x.optionSet(str(o["id"]))
		for _, opt := range list(o["options"]) {
			code := str(opt["code"])
			if code == "" {
				code = x.optionCode[str(opt["id"])]
			}
			if code != "" {
				set[code] = true
			}
		}
	}
}

func (x *Index) optionSet(id string) map[string]bool {
	m := x.options[id]
	if m == nil {
		m = map[string]bool{}
		x.options[id] = m
	}
	return m
}

func (x *Index) addPrograms(metadata map[string][]map[string]any) {
	for _, o := range metadata["programStages"] {
		id := str(o["id"])
		st := x.stage(id)
		st.Program = refID(o["program"])
		st.Repeatable = o["repeatable"] == true
		for _, psde := range list(o["programStageDataElements"]) {
			if de := refID(psde["dataElement"]); de != "" {
				st.DataElements[de] = true
			}
		}
	}
	for _, psde := range metadata["programStageDataElements"] {
		if st, de := refID(psde["programStage"]), refID(psde["dataElement"]); st != "" && de != "" {
			x.stage(st).DataElements[de] = true
		}
	}
	for _, o := range metadata["programs"] {
		id := str(o["id"])
		p := &Program{
			UID: id, WithRegistration: str(o["programType"]) == "WITH_REGISTRATION",
			TrackedEntityType: refID(o["trackedEntityType"]), OrgUnits: map[string]bool{},
			OnlyEnrollOnce: o["onlyEnrollOnce"] == true, DisplayIncidentDate: o["displayIncidentDate"] == true,
			FutureEnrollmentDates: o["selectEnrollmentDatesInFuture"] == true,
			FutureIncidentDates:   o["selectIncidentDatesInFuture"] == true,
			CategoryCombo:         refID(o["categoryCombo"]),
		}
		if str(o["programType"]) == "" && p.TrackedEntityType != "" {
			p.WithRegistration = true
		}
		for _, s := range list(o["programStages"]) {
			sid := str(s["id"])
			p.Stages = append(p.Stages, sid)
			// Program.programStages is the owning side: it re-parents the stage.
			x.stage(sid).Program = id
		}
		for _, a := range list(o["programTrackedEntityAttributes"]) {
			aid := refID(a["trackedEntityAttribute"])
			if aid == "" {
				p.Attributes, p.attrsUnknown = nil, true
				break
			}
			p.Attributes = append(p.Attributes, aid)
		}
		for _, ou := range list(o["organisationUnits"]) {
			p.OrgUnits[str(ou["id"])] = true
		}
		x.programs[id] = p
	}
	for _, a := range metadata["programTrackedEntityAttributes"] {
		if p, aid := x.programs[refID(a["program"])], refID(a["trackedEntityAttribute"]); p != nil && aid != "" && !contains(p.Attributes, aid) {
			p.Attributes, p.attrsUnknown = append(p.Attributes, aid), false
		}
	}
	for sid, st := range x.stages {
		if p := x.programs[st.Program]; p != nil && !contains(p.Stages, sid) {
			p.Stages = append(p.Stages, sid)
		}
	}
	for _, p := range x.programs {
		p.Stages = slices.DeleteFunc(p.Stages, func(sid string) bool { return x.stages[sid].Program != p.UID })
	}
}

func (x *Index) stage(id string) *ProgramStage {
	st := x.stages[id]
	if st == nil {
		st = &ProgramStage{UID: id, DataElements: map[string]bool{}}
		x.stages[id] = st
	}
	return st
}

func constraintOf(v any) Constraint {
	m, _ := v.(map[string]any)
	return Constraint{Entity: str(m["relationshipEntity"]), TrackedEntityType: refID(m["trackedEntityType"]),
		Program: refID(m["program"]), ProgramStage: refID(m["programStage"])}
}

// Program implements Catalog.
func (x *Index) Program(uid string) (Program, bool) {
	p, ok := x.programs[uid]
	if !ok {
		return Program{}, false
	}
	return *p, true
}

// ProgramStage implements Catalog.
func (x *Index) ProgramStage(uid string) (ProgramStage, bool) {
	s, ok := x.stages[uid]
	if !ok {
		return ProgramStage{}, false
	}
	return *s, true
}

// TrackedEntityType implements Catalog.
func (x *Index) TrackedEntityType(uid string) (TrackedEntityType, bool) {
	t, ok := x.types[uid]
	if !ok {
		return TrackedEntityType{}, false
	}
	return *t, true
}

// Attribute implements Catalog.
func (x *Index) Attribute(uid string) (Attribute, bool) { a, ok := x.attributes[uid]; return a, ok }

// DataElement implements Catalog.
func (x *Index) DataElement(uid string) (DataElement, bool) { d, ok := x.elements[uid]; return d, ok }

// RelationshipType implements Catalog.
func (x *Index) RelationshipType(uid string) (RelationshipType, bool) {
	r, ok := x.relTypes[uid]
	return r, ok
}

// OptionExists implements Catalog.
func (x *Index) OptionExists(optionSet, code string) bool { return x.options[optionSet][code] }

// CategoryOptionCombo implements Catalog.
func (x *Index) CategoryOptionCombo(uid string) bool { return x.cocs[uid] }

// OrgUnit implements Catalog: the path is the explicit one, or is built
// from the parents.
func (x *Index) OrgUnit(uid string) (OrgUnit, bool) {
	if _, ok := x.orgUnits[uid]; !ok {
		return OrgUnit{}, false
	}
	if p := x.paths[uid]; p != "" {
		return OrgUnit{UID: uid, Path: p}, true
	}
	return OrgUnit{UID: uid, Path: x.buildPath(uid)}, true
}

// str returns v as a string ("" for non-strings).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// refID returns the id of a {"id": …} reference or a bare string.
func refID(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["id"])
	}
	return ""
}

// list returns the objects of a JSON array.
func list(v any) []map[string]any {
	arr, _ := v.([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
