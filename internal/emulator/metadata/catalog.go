package metadata

import (
	"sort"
	"strconv"
)

// DataElementInfo is what the data-value store needs about a data element.
type DataElementInfo struct {
	Name              string
	Code              string
	ValueType         string // "NUMBER", "INTEGER_POSITIVE", "TEXT", …
	AggregationType   string
	DomainType        string // "AGGREGATE" or "TRACKER"
	ZeroIsSignificant bool
	CategoryCombo     string   // UID of the element's category combo (default combo when unset)
	OptionSet         string   // UID of the option set, "" when none
	DataSets          []string // UIDs of the data sets containing the element, sorted
}

// OrgUnitInfo describes an organisation unit.
type OrgUnitInfo struct {
	Name   string
	Code   string
	Parent string // "" for a root
	Path   string // "/root/…/uid"
	Level  int    // 1 for a root
}

// OptionComboInfo describes a category option combo.
type OptionComboInfo struct {
	Name          string
	Code          string
	CategoryCombo string // UID of the combo it belongs to
	// Attribute reports whether its combo has dataDimensionType ATTRIBUTE
	// (or is the default combo), i.e. it can be an attribute option combo.
	Attribute bool
}

// DataSetInfo describes a data set.
type DataSetInfo struct {
	Name              string
	Code              string
	PeriodType        string   // "Monthly", "Quarterly", …
	CategoryCombo     string   // attribute category combo (default combo when unset)
	OpenFuturePeriods int      // 0 = only up to the current period
	DataElements      []string // from dataSetElements, payload order
	OrgUnits          []string // assigned organisation units
}

// catalog is an immutable lookup snapshot built after each commit.
type catalog struct {
	dataElements map[string]*DataElementInfo
	orgUnits     map[string]*OrgUnitInfo
	children     map[string][]string
	cocs         map[string]*OptionComboInfo
	dataSets     map[string]*DataSetInfo
	dsOrgUnits   map[string]map[string]bool
	options      map[string]map[string]bool // option set -> option codes
	optionCodes  map[string][]string
	groups       map[string][]string // "plural/uid" -> members
	codes        map[string]map[string]string
}

// snapshotCatalog returns the current catalog, building it when needed.
func (s *Store) snapshotCatalog() *catalog {
	s.mu.RLock()
	c := s.cat
	s.mu.RUnlock()
	if c != nil {
		return c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cat == nil {
		s.cat = s.buildCatalog()
	}
	return s.cat
}

func (s *Store) objsOf(plural string) map[string]Object {
	if ts := s.types[plural]; ts != nil {
		return ts.objs
	}
	return nil
}

func (s *Store) buildCatalog() *catalog {
	c := &catalog{dataElements: map[string]*DataElementInfo{}, orgUnits: map[string]*OrgUnitInfo{},
		children: map[string][]string{}, cocs: map[string]*OptionComboInfo{}, dataSets: map[string]*DataSetInfo{},
		dsOrgUnits: map[string]map[string]bool{}, options: map[string]map[string]bool{},
		optionCodes: map[string][]string{}, groups: map[string][]string{}, codes: map[string]map[string]string{}}
	for uid, o := range s.objsOf("organisationUnits") {
		lvl, _ := toFloat(o["level"])
		parent := refID(o["parent"])
		c.orgUnits[uid] = &OrgUnitInfo{Name: str(o["name"]), Code: str(o["code"]), Parent: parent, Path: str(o["path"]), Level: int(lvl)}
		if parent != "" {
			c.children[parent] = append(c.children[parent], uid)
		}
	}
	for _, kids := range c.children {
		sort.Strings(kids)
	}
	combos := s.objsOf("categoryCombos")
	for uid, o := range s.objsOf("categoryOptionCombos") {
		combo := refID(o["categoryCombo"])
		attr := combo == DefaultCategoryComboUID || str(combos[combo]["dataDimensionType"]) == "ATTRIBUTE"
		c.cocs[uid] = &OptionComboInfo{Name: str(o["name"]), Code: str(o["code"]), CategoryCombo: combo, Attribute: attr}
	}
	deSets := map[string][]string{}
	for uid, o := range s.objsOf("dataSets") {
		ds := &DataSetInfo{Name: str(o["name"]), Code: str(o["code"]), PeriodType: str(o["periodType"]),
			CategoryCombo: refID(o["categoryCombo"]), OrgUnits: refList(o["organisationUnits"])}
		if ds.CategoryCombo == "" {
			ds.CategoryCombo = DefaultCategoryComboUID
		}
		if f, ok := toFloat(o["openFuturePeriods"]); ok {
			ds.OpenFuturePeriods = int(f)
		}
		for _, it := range asAnyList(o["dataSetElements"]) {
			m, _ := it.(map[string]any)
			if de := refID(m["dataElement"]); de != "" {
				ds.DataElements = append(ds.DataElements, de)
				deSets[de] = append(deSets[de], uid)
			}
		}
		c.dataSets[uid] = ds
		ous := map[string]bool{}
		for _, ou := range ds.OrgUnits {
			ous[ou] = true
		}
		c.dsOrgUnits[uid] = ous
	}
	for uid, o := range s.objsOf("dataElements") {
		de := &DataElementInfo{Name: str(o["name"]), Code: str(o["code"]), ValueType: str(o["valueType"]),
			AggregationType: str(o["aggregationType"]), DomainType: str(o["domainType"]),
			CategoryCombo: refID(o["categoryCombo"]), OptionSet: refID(o["optionSet"])}
		de.ZeroIsSignificant, _ = o["zeroIsSignificant"].(bool)
		if de.CategoryCombo == "" {
			de.CategoryCombo = DefaultCategoryComboUID
		}
		de.DataSets = deSets[uid]
		sort.Strings(de.DataSets)
		c.dataElements[uid] = de
	}
	options := s.objsOf("options")
	for uid, o := range s.objsOf("optionSets") {
		set := map[string]bool{}
		var codes []string
		for _, id := range refList(o["options"]) {
			if code := str(options[id]["code"]); code != "" {
				set[code] = true
				codes = append(codes, code)
			}
		}
		for id, opt := range options { // options that only point at their set
			if refID(opt["optionSet"]) == uid && !set[str(opt["code"])] && str(opt["code"]) != "" {
				set[str(opt["code"])] = true
				codes = append(codes, str(opt["code"]))
				_ = id
			}
		}
		c.options[uid] = set
		c.optionCodes[uid] = codes
	}
	for _, g := range []struct{ plural, member string }{
		{"dataElementGroups", "dataElements"}, {"organisationUnitGroups", "organisationUnits"},
		{"indicatorGroups", "indicators"}, {"userGroups", "users"},
	} {
		for uid, o := range s.objsOf(g.plural) {
			c.groups[g.plural+"/"+uid] = refList(o[g.member])
		}
	}
	for plural, ts := range s.types {
		m := make(map[string]string, len(ts.byCode))
		for code, uid := range ts.byCode {
			m[code] = uid
		}
		c.codes[plural] = m
	}
	return c
}

// DataElement returns a data element's value type, category combo, option
// set and data sets.
func (s *Store) DataElement(uid string) (DataElementInfo, bool) {
	de, ok := s.snapshotCatalog().dataElements[uid]
	if !ok {
		return DataElementInfo{}, false
	}
	return *de, true
}

// OrgUnit returns an organisation unit's path and level.
func (s *Store) OrgUnit(uid string) (OrgUnitInfo, bool) {
	ou, ok := s.snapshotCatalog().orgUnits[uid]
	if !ok {
		return OrgUnitInfo{}, false
	}
	return *ou, true
}

// OrgUnitExists reports whether the organisation unit exists.
func (s *Store) OrgUnitExists(uid string) bool {
	_, ok := s.snapshotCatalog().orgUnits[uid]
	return ok
}

// OrgUnitDescendants returns uid and every unit below it (depth first,
// children sorted by uid); false when the unit does not exist.
func (s *Store) OrgUnitDescendants(uid string) ([]string, bool) {
	c := s.snapshotCatalog()
	if _, ok := c.orgUnits[uid]; !ok {
		return nil, false
	}
	out := []string{uid}
	for i := 0; i < len(out); i++ {
		out = append(out, c.children[out[i]]...)
	}
	return out, true
}

// OrgUnitChildren returns the direct children of an organisation unit.
func (s *Store) OrgUnitChildren(uid string) []string {
	return append([]string(nil), s.snapshotCatalog().children[uid]...)
}

// OptionCombo returns a category option combo and the combo it belongs to.
func (s *Store) OptionCombo(uid string) (OptionComboInfo, bool) {
	coc, ok := s.snapshotCatalog().cocs[uid]
	if !ok {
		return OptionComboInfo{}, false
	}
	return *coc, true
}

// COCInCombo reports whether the option combo belongs to the category combo.
func (s *Store) COCInCombo(cocUID, comboUID string) bool {
	coc, ok := s.snapshotCatalog().cocs[cocUID]
	return ok && coc.CategoryCombo == comboUID
}

// AttributeOptionCombo reports whether uid is an option combo usable as an
// attribute option combo (its combo is an ATTRIBUTE combo or the default).
func (s *Store) AttributeOptionCombo(uid string) bool {
	coc, ok := s.snapshotCatalog().cocs[uid]
	return ok && coc.Attribute
}

// DataSet returns a data set's period type, attribute combo, data elements
// and organisation units.
func (s *Store) DataSet(uid string) (DataSetInfo, bool) {
	ds, ok := s.snapshotCatalog().dataSets[uid]
	if !ok {
		return DataSetInfo{}, false
	}
	return *ds, true
}

// DataSetElements returns the data elements of a data set.
func (s *Store) DataSetElements(uid string) ([]string, bool) {
	ds, ok := s.snapshotCatalog().dataSets[uid]
	if !ok {
		return nil, false
	}
	return append([]string(nil), ds.DataElements...), true
}

// DataSetAssigned reports whether the data set is assigned to the org unit.
func (s *Store) DataSetAssigned(dataSet, orgUnit string) bool {
	return s.snapshotCatalog().dsOrgUnits[dataSet][orgUnit]
}

// OptionExists reports whether an option set has an option with the code.
func (s *Store) OptionExists(optionSet, code string) bool {
	return s.snapshotCatalog().options[optionSet][code]
}

// OptionSetCodes returns the option codes of an option set in order.
func (s *Store) OptionSetCodes(uid string) ([]string, bool) {
	codes, ok := s.snapshotCatalog().optionCodes[uid]
	return append([]string(nil), codes...), ok
}

// DataElementGroupMembers returns the data elements of a group.
func (s *Store) DataElementGroupMembers(uid string) ([]string, bool) {
	return s.groupMembers("dataElementGroups", uid)
}

// OrgUnitGroupMembers returns the organisation units of a group.
func (s *Store) OrgUnitGroupMembers(uid string) ([]string, bool) {
	return s.groupMembers("organisationUnitGroups", uid)
}

func (s *Store) groupMembers(plural, uid string) ([]string, bool) {
	m, ok := s.snapshotCatalog().groups[plural+"/"+uid]
	return append([]string(nil), m...), ok
}

// Code returns the code of an object of a plural type.
func (s *Store) Code(plural, uid string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.lookup(plural, uid)
	if !ok {
		return "", false
	}
	c := str(o["code"])
	return c, c != ""
}

// UIDByCode returns the uid of the object of a plural type with the code.
func (s *Store) UIDByCode(plural, code string) (string, bool) {
	uid, ok := s.snapshotCatalog().codes[plural][code]
	return uid, ok
}

// Generation increases on every committed write; callers can cache derived
// data keyed by it.
func (s *Store) Generation() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen
}

func itoa(n int) string { return strconv.Itoa(n) }
