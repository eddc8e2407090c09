package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Schema is one DHIS2 type as an instance's /api/schemas describes it:
// names, Java class, import order and JSON properties.
type Schema struct {
	Singular     string
	Plural       string
	Klass        string // fully qualified Java class
	Order        int    // DHIS2 import order (Schema.order); NoOrder when the type has none
	OrderKnown   bool   // the instance reported Order (older versions do not expose it)
	Metadata     bool   // a MetadataObject: importable through /api/metadata
	Persisted    bool
	Embedded     bool // an embedded object (only the emulator reports it at type level)
	Identifiable bool
	Shareable    bool
	Endpoint     string // relative API endpoint, e.g. "/dataElements"; "" when not exposed

	// Properties is keyed by the JSON key of the property (collectionName
	// for collections, name otherwise).
	Properties map[string]*Property
}

// NoOrder is the order DHIS2 gives a schema without one
// (Ordered.LOWEST_PRECEDENCE): such types import last.
const NoOrder = 1<<31 - 1

// SimpleName returns the class name without its package, e.g.
// "DataElement" (the form import reports and /api/deletedObjects use).
func (s *Schema) SimpleName() string {
	return s.Klass[strings.LastIndexByte(s.Klass, '.')+1:]
}

// Property is one JSON property of a Schema.
type Property struct {
	Key        string // JSON key in objects
	Name       string // DHIS2 property name (singular for collections)
	Type       string // propertyType: REFERENCE, COLLECTION, TEXT …
	ItemType   string // itemPropertyType for collections
	Klass      string
	ItemKlass  string
	Owner      bool
	Persisted  bool
	Embedded   bool // embeddedObject: the value is stored inside the owner
	Collection bool
	Required   bool
	Href       string // "/schemas/<singular>" of the referenced or embedded type, when reported
}

// IsReference reports whether the property refers to other stored objects
// (REFERENCE, or a COLLECTION of REFERENCE) rather than embedding them.
func (p *Property) IsReference() bool {
	if p.Embedded {
		return false
	}
	if p.Collection || p.Type == "COLLECTION" {
		return p.ItemType == "REFERENCE"
	}
	return p.Type == "REFERENCE"
}

// RefKlass returns the class a reference property points to.
func (p *Property) RefKlass() string {
	if p.Collection || p.Type == "COLLECTION" {
		return p.ItemKlass
	}
	return p.Klass
}

// Schemas is the set of schemas of one instance.
type Schemas struct {
	all        []*Schema
	byPlural   map[string]*Schema
	byKlass    map[string]*Schema
	bySimple   map[string]*Schema
	bySingular map[string]*Schema
}

type schemaJSON struct {
	Klass               string         `json:"klass"`
	Singular            string         `json:"singular"`
	Plural              string         `json:"plural"`
	Name                string         `json:"name"`
	CollectionName      string         `json:"collectionName"`
	Metadata            bool           `json:"metadata"`
	Persisted           bool           `json:"persisted"`
	EmbeddedObject      bool           `json:"embeddedObject"`
	Embedded            bool           `json:"embedded"`
	IdentifiableObject  bool           `json:"identifiableObject"`
	Shareable           bool           `json:"shareable"`
	RelativeAPIEndpoint string         `json:"relativeApiEndpoint"`
	APIEndpoint         string         `json:"apiEndpoint"`
	Order               *json.Number   `json:"order"`
	Properties          []propertyJSON `json:"properties"`
}

type propertyJSON struct {
	Name             string `json:"name"`
	FieldName        string `json:"fieldName"`
	CollectionName   string `json:"collectionName"`
	PropertyType     string `json:"propertyType"`
	ItemPropertyType string `json:"itemPropertyType"`
	Klass            string `json:"klass"`
	ItemKlass        string `json:"itemKlass"`
	Owner            bool   `json:"owner"`
	Persisted        bool   `json:"persisted"`
	EmbeddedObject   bool   `json:"embeddedObject"`
	Collection       bool   `json:"collection"`
	Required         bool   `json:"required"`
	Href             string `json:"href"`
}

// FetchSchemas reads GET /api/schemas from an instance.
func FetchSchemas(ctx context.Context, c *dhis2.Client) (*Schemas, error) {
	rc, err := c.Stream(ctx, "schemas", nil)
	if err != nil {
		return nil, fmt.Errorf("read the schemas of %s: %w", c.Name(), err)
	}
	defer rc.Close()
	ss, err := ParseSchemas(rc)
	if err != nil {
		return nil, fmt.Errorf("read the schemas of %s: %w", c.Name(), err)
	}
	return ss, nil
}

// ParseSchemas decodes a /api/schemas body ({"schemas":[…]}). Types that
// do not report their import order get DHIS2's own order from a table
// (older versions did not expose Schema.order).
func ParseSchemas(r io.Reader) (*Schemas, error) {
	var body struct {
		Schemas []schemaJSON `json:"schemas"`
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("decode /api/schemas: %w", err)
	}
	if len(body.Schemas) == 0 {
		return nil, fmt.Errorf("decode /api/schemas: the answer lists no schema")
	}
	ss := &Schemas{byPlural: map[string]*Schema{}, byKlass: map[string]*Schema{}, bySimple: map[string]*Schema{}, bySingular: map[string]*Schema{}}
	for i := range body.Schemas {
		s := body.Schemas[i].schema()
		if s.Plural == "" || s.Klass == "" {
			continue
		}
		ss.add(s)
	}
	ss.sort()
	return ss, nil
}

func (j *schemaJSON) schema() *Schema {
	s := &Schema{
		Singular: j.Singular, Plural: j.Plural, Klass: j.Klass, Metadata: j.Metadata, Persisted: j.Persisted,
		Embedded: j.EmbeddedObject || j.Embedded, Identifiable: j.IdentifiableObject, Shareable: j.Shareable,
		Endpoint: j.RelativeAPIEndpoint, Order: NoOrder, Properties: map[string]*Property{},
	}
	if s.Plural == "" {
		s.Plural = j.CollectionName
	}
	if s.Endpoint == "" && j.APIEndpoint != "" {
		s.Endpoint = "/" + j.APIEndpoint[strings.LastIndexByte(j.APIEndpoint, '/')+1:]
	}
	if j.Order != nil {
		if n, err := j.Order.Int64(); err == nil {
			s.Order, s.OrderKnown = int(n), true
		}
	}
	if !s.OrderKnown {
		if o, ok := fallbackOrder[s.Plural]; ok {
			s.Order = o
		}
	}
	for _, pj := range j.Properties {
		p := pj.property()
		if p.Key != "" {
			s.Properties[p.Key] = p
		}
	}
	return s
}

func (pj *propertyJSON) property() *Property {
	p := &Property{
		Name: pj.Name, Type: pj.PropertyType, ItemType: pj.ItemPropertyType, Klass: pj.Klass, ItemKlass: pj.ItemKlass,
		Owner: pj.Owner, Persisted: pj.Persisted, Embedded: pj.EmbeddedObject,
		Collection: pj.Collection || pj.PropertyType == "COLLECTION", Required: pj.Required, Href: pj.Href,
	}
	p.Key = pj.Name
	if p.Collection && pj.CollectionName != "" {
		p.Key = pj.CollectionName
	}
	if p.Key == "" {
		p.Key = pj.FieldName
	}
	return p
}

func (ss *Schemas) add(s *Schema) {
	ss.all = append(ss.all, s)
	ss.byPlural[s.Plural] = s
	if s.Singular != "" {
		ss.bySingular[s.Singular] = s
	}
	if _, dup := ss.byKlass[s.Klass]; !dup {
		ss.byKlass[s.Klass] = s
		ss.bySimple[s.SimpleName()] = s
	}
}

func (ss *Schemas) sort() {
	sort.SliceStable(ss.all, func(i, j int) bool {
		if ss.all[i].Order != ss.all[j].Order {
			return ss.all[i].Order < ss.all[j].Order
		}
		return ss.all[i].Plural < ss.all[j].Plural
	})
}

// All returns every schema in import order (ties by plural name).
func (ss *Schemas) All() []*Schema { return ss.all }

// ByPlural finds a schema by its plural name ("dataElements").
func (ss *Schemas) ByPlural(plural string) (*Schema, bool) {
	s, ok := ss.byPlural[plural]
	return s, ok
}

// ByKlass finds a schema by its fully qualified class.
func (ss *Schemas) ByKlass(klass string) (*Schema, bool) {
	s, ok := ss.byKlass[klass]
	return s, ok
}

// BySimpleName finds a schema by its simple class name ("DataElement").
func (ss *Schemas) BySimpleName(name string) (*Schema, bool) {
	s, ok := ss.bySimple[name]
	return s, ok
}

// Rank returns the position of a plural type in import order, or
// len(All()) when the instance does not know the type.
func (ss *Schemas) Rank(plural string) int {
	for i, s := range ss.all {
		if s.Plural == plural {
			return i
		}
	}
	return len(ss.all)
}

// KnownProperties returns, per plural type, the JSON keys the instance
// stores: its owner, persisted properties (what fields=:owner exports and
// an import can set), plus id.
func (ss *Schemas) KnownProperties() map[string]map[string]bool {
	out := make(map[string]map[string]bool, len(ss.all))
	for _, s := range ss.all {
		out[s.Plural] = s.StoredKeys()
	}
	return out
}

// StoredKeys returns the JSON keys of the owner, persisted properties of
// the type, plus id.
func (s *Schema) StoredKeys() map[string]bool {
	m := make(map[string]bool, len(s.Properties)+1)
	m["id"] = true
	for k, p := range s.Properties {
		if p.Owner && p.Persisted {
			m[k] = true
		}
	}
	return m
}

// Exclusion is a metadata type d2sync deliberately does not replicate, with
// the reason shown in reports.
type Exclusion struct {
	Type   string
	Reason string
}

// excludedTypes are metadata schemas that are not replicated, by design.
// Everything else the source's /api/schemas marks as persisted metadata
// with an API endpoint is replicated: the list of replicated types is
// discovered, not hard-coded.
var excludedTypes = map[string]string{
	"jobConfigurations":           "secondary metadata: scheduled jobs are specific to each server",
	"oAuth2Clients":               "secondary metadata: OAuth2 client secrets are specific to each server",
	"oAuth2Authorizations":        "secondary metadata: OAuth2 state is specific to each server",
	"oAuth2AuthorizationConsents": "secondary metadata: OAuth2 state is specific to each server",
	"apiTokens":                   "personal access tokens are secrets bound to a user of one server",
	"metadataVersions":            "metadata versions drive DHIS2's own metadata sync of one server",
	"messageConversations":        "messages are not metadata",
	"interpretations":             "interpretations are not carried by /api/metadata",
	"externalFileResources":       "file resources are copied by the files stage",
	"fileResources":               "file resources are copied by the files stage",
	"dataStores":                  "dataStore entries are copied through /api/dataStore",
	"dashboardItems":              "embedded in dashboards",
	"trackedEntityTypeAttributes": "embedded in tracked entity types",
	"identifiableObjects":         "abstract type",
}

// supersededTypes are deprecated types whose objects the source also
// exposes under a newer type with the same UIDs: they are read only when
// the newer type is absent (older sources), and then lifted by the
// transforms.
var supersededTypes = map[string]string{
	"charts":       "visualizations",
	"reportTables": "visualizations",
	"eventCharts":  "eventVisualizations",
	"eventReports": "eventVisualizations",
}

// MetadataTypes returns the plural names of the types to replicate from
// this instance, in import order, and the metadata types it leaves out
// with the reason.
func (ss *Schemas) MetadataTypes() (types []string, excluded []Exclusion) {
	for _, s := range ss.all {
		if !s.Metadata {
			continue
		}
		if reason, ok := excludedTypes[s.Plural]; ok {
			excluded = append(excluded, Exclusion{s.Plural, reason})
			continue
		}
		if newer, ok := supersededTypes[s.Plural]; ok {
			if _, has := ss.byPlural[newer]; has {
				excluded = append(excluded, Exclusion{s.Plural, "deprecated: the same objects are read as " + newer})
				continue
			}
		}
		if !s.Persisted || s.Embedded || s.Endpoint == "" {
			continue
		}
		types = append(types, s.Plural)
	}
	return types, excluded
}

// ReferenceTypes returns the plural types an object of type plural
// refers to through owner reference properties, including references held
// by its embedded objects (dataSetElements → dataElement), sorted.
func (ss *Schemas) ReferenceTypes(plural string) []string {
	s, ok := ss.byPlural[plural]
	if !ok {
		return nil
	}
	set := map[string]bool{}
	ss.collectRefTypes(s, set, map[string]bool{}, true)
	delete(set, plural)
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

func (ss *Schemas) collectRefTypes(s *Schema, set, visited map[string]bool, top bool) {
	if visited[s.Klass] {
		return
	}
	visited[s.Klass] = true
	for _, p := range s.Properties {
		if skipRefKeys[p.Key] || (top && !p.Owner) {
			continue
		}
		t, ok := ss.target(p)
		if !ok {
			continue
		}
		switch {
		case p.IsReference():
			if t.Metadata {
				set[t.Plural] = true
			}
		case p.Embedded:
			ss.collectRefTypes(t, set, visited, false)
		}
	}
}

// target returns the schema a reference or embedded property points to,
// from its class or, when the instance did not report classes, its href.
func (ss *Schemas) target(p *Property) (*Schema, bool) {
	if t, ok := ss.byKlass[p.RefKlass()]; ok {
		return t, true
	}
	if i := strings.LastIndexByte(p.Href, '/'); i >= 0 {
		t, ok := ss.bySingular[p.Href[i+1:]]
		return t, ok
	}
	return nil, false
}

// skipRefKeys are reference properties that do not make a dependency:
// audit fields, the legacy owner and sharing, which DHIS2 re-attaches or
// tolerates.
var skipRefKeys = map[string]bool{"createdBy": true, "lastUpdatedBy": true, "user": true, "sharing": true, "userAccesses": true, "userGroupAccesses": true}

// fallbackOrder is DHIS2's import order (Schema.order, from the schema
// descriptors of 2.30 to 2.42; DHIS2-API.md §3), used only for instances
// whose /api/schemas does not expose "order".
var fallbackOrder = map[string]int{
	"attributes": 100, "userRoles": 100, "users": 101, "userGroups": 102,
	"expressionDimensionItems": 1000, "externalFileResources": 1000, "pushAnalysis": 1000, "sqlViews": 1010,
	"constants": 1030, "jobConfigurations": 1040, "options": 1040, "optionSets": 1050, "optionGroups": 1051,
	"optionGroupSets": 1051, "colorSets": 1080, "legendSets": 1080, "organisationUnits": 1100,
	"organisationUnitLevels": 1110, "organisationUnitGroups": 1120, "organisationUnitGroupSets": 1130,
	"categoryOptions": 1140, "categoryOptionGroups": 1150, "categoryOptionGroupSets": 1160, "categories": 1170,
	"categoryCombos": 1180, "categoryOptionCombos": 1190, "dataElements": 1200, "routes": 1200,
	"dataElementGroups": 1210, "dataElementGroupSets": 1220, "analyticsTableHooks": 1240, "indicatorTypes": 1240,
	"indicators": 1250, "indicatorGroups": 1260, "indicatorGroupSets": 1270, "dataEntryForms": 1300,
	"dataSets": 1310, "dataSetNotificationTemplates": 1311, "sections": 1320, "dataApprovalLevels": 1370,
	"dataApprovalWorkflows": 1380, "validationRules": 1390, "validationRuleGroups": 1400,
	"validationNotificationTemplates": 1410, "trackedEntityAttributes": 1450, "trackedEntityTypes": 1480,
	"programTrackedEntityAttributeGroups": 1500, "programNotificationTemplates": 1508, "programStageSections": 1508,
	"programStages": 1509, "smsCommands": 1509, "programs": 1520, "eventCharts": 1540, "programSections": 1550,
	"programIndicators": 1560, "programIndicatorGroups": 1600, "programRuleVariables": 1600,
	"relationshipTypes": 1600, "programRuleActions": 1610, "programRules": 1620, "eventReports": 1640,
	"aggregateDataExchanges": 1900, "eventHooks": 1900, "mapViews": 1900, "charts": 2000, "documents": 2000,
	"eventVisualizations": 2000, "externalMapLayers": 2000, "maps": 2000, "reports": 2000, "reportTables": 2000,
	"visualizations": 2000, "predictors": 2001, "predictorGroups": 2002, "dashboards": 3501,
}
