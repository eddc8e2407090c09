package metadata

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// PropertyType is DHIS2's schema property type (org.hisp.dhis.schema.PropertyType).
type PropertyType string

// Property types used by the schema table.
const (
	Identifier  PropertyType = "IDENTIFIER"
	Text        PropertyType = "TEXT"
	Boolean     PropertyType = "BOOLEAN"
	Integer     PropertyType = "INTEGER"
	Number      PropertyType = "NUMBER"
	Date        PropertyType = "DATE"
	Constant    PropertyType = "CONSTANT"
	Reference   PropertyType = "REFERENCE"
	Collection  PropertyType = "COLLECTION"
	Complex     PropertyType = "COMPLEX"
	URL         PropertyType = "URL"
	Email       PropertyType = "EMAIL"
	PhoneNumber PropertyType = "PHONENUMBER"
	Password    PropertyType = "PASSWORD"
	Color       PropertyType = "COLOR"
	Geolocation PropertyType = "GEOLOCATION"
	Username    PropertyType = "USERNAME"
)

type typeFlags uint16

const (
	tMetadata typeFlags = 1 << iota
	tSecondary
	tEmbedded
	tIdentifiable
	tNameable
	tPersisted
	tShareable
	tDataShareable
	tTranslatable
	tFavoritable
	tDefaultPrivate
)

type propFlags uint16

const (
	pOwner propFlags = 1 << iota
	pRequired
	pUnique
	pPersisted
	pReadOnly
	pWriteOnly
	pOrdered
	pTranslatable
	pEmbedded
	pIdentifiable
	pNameable
	pNonNull
)

// typeDef is one row of the declarative schema table (schema_table.go).
type typeDef struct {
	singular, plural string
	until            int // last minor version that has the type; 0 = still present in 2.42
	versions         []typeVersion
	props            []propDef
}

// typeVersion holds the type-level facts from one minor version on.
type typeVersion struct {
	since    int
	klass    string
	order    int
	flags    typeFlags
	endpoint string
	plural   string // set only when the plural differs from the row's
}

// propDef is one JSON property of a type for a range of versions.
type propDef struct {
	name, field    string
	typ            PropertyType
	klass          string
	item           PropertyType
	itemKlass      string
	flags          propFlags
	length         int
	xmlName        string
	collectionName string
	def            string // JSON of the Java default (field initializer or primitive zero); "" = none
	since, until   int
}

// Schema is one DHIS2 type as a given version has it: names, class, import
// order, flags and JSON properties.
type Schema struct {
	Singular            string
	Plural              string
	Klass               string // fully qualified Java class, as import reports print it
	Order               int    // import order (DHIS2 Schema.order); 2147483647 = none
	Metadata            bool   // a MetadataObject: importable through /api/metadata
	Secondary           bool   // secondary metadata: left out of full exports
	Embedded            bool   // EmbeddedObject: lives inside its owner
	Identifiable        bool
	Nameable            bool
	Persisted           bool
	Shareable           bool
	DataShareable       bool
	Translatable        bool
	Favoritable         bool
	DefaultPrivate      bool
	RelativeAPIEndpoint string      // e.g. "/dataElements"; empty for embedded types
	Properties          []*Property // sorted by name

	byName map[string]*Property
}

// SimpleName is the class name without its package, e.g. "DataElement".
func (s *Schema) SimpleName() string {
	return s.Klass[strings.LastIndexByte(s.Klass, '.')+1:]
}

// Property returns the JSON property called name.
func (s *Schema) Property(name string) (*Property, bool) {
	p, ok := s.byName[name]
	return p, ok
}

// Property is one JSON property of a Schema.
type Property struct {
	Name           string // JSON key
	FieldName      string // Java field name (persistence name)
	Type           PropertyType
	Klass          string // Java class of the value (collection interface for collections)
	ItemType       PropertyType
	ItemKlass      string
	XMLName        string // singular element name DHIS2 reports as "name" for collections
	CollectionName string
	Length         int // maximum length from the mapping, 0 = unknown
	Owner          bool
	Required       bool
	Unique         bool
	Persisted      bool
	ReadOnly       bool // computed or READ_ONLY: ignored on input
	WriteOnly      bool // never written on output (password, settings)
	Ordered        bool // a List
	Translatable   bool
	Embedded       bool // value or items are embedded objects, stored inline
	Identifiable   bool // value or items are identifiable objects
	Nameable       bool
	NonNull        bool   // the Java value is never null (primitive or initialized), so E4000 never fires
	Default        string // JSON of the value a new object gets when the input omits it; "" = none

	collection bool // the Java value is a collection, whatever Type says
}

// Collection reports whether the property holds a collection. As in DHIS2
// (Property.isCollection, set from the Java return type), this does not
// depend on Type: from 2.36 the item lists of the embedded dimension
// objects (categoryDimension.categoryOptions, …) are annotated
// @Property(REFERENCE), so /api/schemas reports propertyType REFERENCE for
// them, yet they are lists of references.
func (p *Property) Collection() bool { return p.collection }

// IsReference reports whether the property refers to other stored objects
// (a REFERENCE or a collection of REFERENCEs) rather than embedding them.
func (p *Property) IsReference() bool {
	if p.Embedded {
		return false
	}
	if p.Collection() {
		return p.ItemType == Reference
	}
	return p.Type == Reference
}

// singleRef reports whether the property holds one reference to a stored
// object (not a collection, not embedded).
func (p *Property) singleRef() bool {
	return p.Type == Reference && !p.Embedded && !p.Collection()
}

// refList reports whether the property holds a list of references to stored
// objects.
func (p *Property) refList() bool {
	return p.Collection() && p.ItemType == Reference && !p.Embedded
}

// RefKlass is the class referenced by a reference property (item class for collections).
func (p *Property) RefKlass() string {
	if p.Collection() {
		return p.ItemKlass
	}
	return p.Klass
}

// Schemas is the set of schemas of one DHIS2 version.
type Schemas struct {
	minor      int
	all        []*Schema // sorted by order, then singular
	byPlural   map[string]*Schema
	bySingular map[string]*Schema
	byKlass    map[string]*Schema
	bySimple   map[string]*Schema
}

var (
	schemaCacheMu sync.Mutex
	schemaCache   = map[int]*Schemas{}
)

// SchemasFor returns the schemas of the profile's DHIS2 version. The result
// is shared and must not be modified.
func SchemasFor(p profile.Profile) *Schemas {
	return schemasForMinor(p.Version.Minor)
}

func schemasForMinor(minor int) *Schemas {
	schemaCacheMu.Lock()
	defer schemaCacheMu.Unlock()
	if s, ok := schemaCache[minor]; ok {
		return s
	}
	s := buildSchemas(minor)
	schemaCache[minor] = s
	return s
}

func buildSchemas(minor int) *Schemas {
	ss := &Schemas{minor: minor, byPlural: map[string]*Schema{}, bySingular: map[string]*Schema{},
		byKlass: map[string]*Schema{}, bySimple: map[string]*Schema{}}
	for i := range schemaTable {
		s := resolveType(&schemaTable[i], minor)
		if s == nil {
			continue
		}
		ss.all = append(ss.all, s)
		ss.byPlural[s.Plural] = s
		ss.bySingular[s.Singular] = s
		if _, dup := ss.byKlass[s.Klass]; !dup {
			ss.byKlass[s.Klass] = s
			ss.bySimple[s.SimpleName()] = s
		}
	}
	sort.SliceStable(ss.all, func(i, j int) bool {
		if ss.all[i].Order != ss.all[j].Order {
			return ss.all[i].Order < ss.all[j].Order
		}
		return ss.all[i].Singular < ss.all[j].Singular
	})
	return ss
}

func resolveType(td *typeDef, minor int) *Schema {
	if td.until != 0 && minor > td.until {
		return nil
	}
	var tv *typeVersion
	for i := range td.versions {
		if td.versions[i].since <= minor {
			tv = &td.versions[i]
		}
	}
	if tv == nil {
		return nil
	}
	s := &Schema{
		Singular: td.singular, Plural: td.plural, Klass: tv.klass, Order: tv.order,
		Metadata: tv.flags&tMetadata != 0, Secondary: tv.flags&tSecondary != 0,
		Embedded: tv.flags&tEmbedded != 0, Identifiable: tv.flags&tIdentifiable != 0,
		Nameable: tv.flags&tNameable != 0, Persisted: tv.flags&tPersisted != 0,
		Shareable: tv.flags&tShareable != 0, DataShareable: tv.flags&tDataShareable != 0,
		Translatable: tv.flags&tTranslatable != 0, Favoritable: tv.flags&tFavoritable != 0,
		DefaultPrivate: tv.flags&tDefaultPrivate != 0, RelativeAPIEndpoint: tv.endpoint,
		byName: map[string]*Property{},
	}
	if tv.plural != "" {
		s.Plural = tv.plural
	}
	first := td.versions[0].since
	for i := range td.props {
		pd := &td.props[i]
		since, until := pd.since, pd.until
		if since == 0 {
			since = first
		}
		if until == 0 {
			until = 99
		}
		if minor < since || minor > until {
			continue
		}
		p := newProperty(pd)
		adjustProperty(s, p)
		s.Properties = append(s.Properties, p)
		s.byName[p.Name] = p
	}
	return s
}

func newProperty(pd *propDef) *Property {
	p := &Property{
		Name: pd.name, FieldName: pd.field, Type: pd.typ, Klass: pd.klass, ItemType: pd.item,
		ItemKlass: pd.itemKlass, XMLName: pd.xmlName, CollectionName: pd.collectionName, Length: pd.length,
		Owner: pd.flags&pOwner != 0, Required: pd.flags&pRequired != 0, Unique: pd.flags&pUnique != 0,
		Persisted: pd.flags&pPersisted != 0, ReadOnly: pd.flags&pReadOnly != 0,
		WriteOnly: pd.flags&pWriteOnly != 0, Ordered: pd.flags&pOrdered != 0,
		Translatable: pd.flags&pTranslatable != 0, Embedded: pd.flags&pEmbedded != 0,
		Identifiable: pd.flags&pIdentifiable != 0, Nameable: pd.flags&pNameable != 0,
		NonNull: pd.flags&pNonNull != 0, Default: pd.def,
		collection: pd.typ == Collection || pd.item != "",
	}
	if p.FieldName == "" {
		p.FieldName = p.Name
	}
	if p.Collection() && p.CollectionName == "" {
		p.CollectionName = p.Name
	}
	return p
}

// adjustProperty applies the few behaviours DHIS2 implements in code rather
// than in its schema metadata.
func adjustProperty(s *Schema, p *Property) {
	switch {
	case s.Singular == "user" && p.Name == "userCredentials":
		// ≤2.37 UserCredentials is a separate identifiable class, but it is owned
		// by the user and always travels inside it.
		p.Embedded = true
	case p.Name == "href" || p.Name == "access" || strings.HasPrefix(p.Name, "display") && !p.Persisted:
		p.ReadOnly = true
	}
}

// Minor is the minor DHIS2 version (30–42) these schemas describe.
func (ss *Schemas) Minor() int { return ss.minor }

// All returns every schema of the version in import order (ties by singular name).
func (ss *Schemas) All() []*Schema { return ss.all }

// Metadata returns the metadata schemas (MetadataObject) in import order.
func (ss *Schemas) Metadata() []*Schema {
	var out []*Schema
	for _, s := range ss.all {
		if s.Metadata {
			out = append(out, s)
		}
	}
	return out
}

// ByPlural finds a schema by its plural name ("dataElements").
func (ss *Schemas) ByPlural(plural string) (*Schema, bool) {
	s, ok := ss.byPlural[plural]
	return s, ok
}

// BySingular finds a schema by its singular name ("dataElement").
func (ss *Schemas) BySingular(singular string) (*Schema, bool) {
	s, ok := ss.bySingular[singular]
	return s, ok
}

// ByKlass finds a schema by its fully qualified Java class.
func (ss *Schemas) ByKlass(klass string) (*Schema, bool) {
	s, ok := ss.byKlass[klass]
	return s, ok
}

// BySimpleName finds a schema by its simple class name ("DataElement"), the
// form /api/deletedObjects uses.
func (ss *Schemas) BySimpleName(name string) (*Schema, bool) {
	s, ok := ss.bySimple[name]
	return s, ok
}

// EnumConstants returns the constants of a Java enum used by CONSTANT properties.
func EnumConstants(klass string) []string {
	return slices.Clone(enumConstants[klass])
}
