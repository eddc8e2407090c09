package seed

import (
	"fmt"
	"iter"
	"sort"
	"strings"
	"time"
)

// Built-in objects that exist on every DHIS2 instance. Seeds reference them
// and never define them.
const (
	DefaultCategoryCombo       = "bjDvmb4bfuf" // category combo "default"
	DefaultCategory            = "GLevLNI9wkl" // category "default"
	DefaultCategoryOption      = "xYerKDKCefk" // category option "default"
	DefaultCategoryOptionCombo = "HllvX50cXC0" // category option combo "default"
	AdminUser                  = "M5zQapPyTZI" // user "admin" (DefaultAdminUserPopulator)
	SuperuserRole              = "yrB6vc5Ip3r" // user role "Superuser" (DefaultAdminUserPopulator)
)

// Seed names accepted by Generate.
const (
	None     = "none"
	Demo     = "demo"
	National = "national"
)

// Names returns the valid seed names in a stable order.
func Names() []string { return []string{None, Demo, National} }

// Instance is the content of a seeded DHIS2 instance, in the NEWEST wire
// shape (DHIS2 2.42): sharing{} objects only (no legacy publicAccess or
// userGroupAccesses), users with username, userRoles and disabled on the user
// (no userCredentials), org unit geometry as GeoJSON, visualizations and
// eventVisualizations (no charts, reportTables, eventCharts or eventReports).
// Older emulator versions convert it with internal/transform before loading.
//
// Metadata values are JSON-decoded Go values (map[string]any, []any, string,
// float64, bool), exactly what encoding/json produces for a POST
// /api/metadata body. Callers must not modify them: Generate returns fresh
// maps on every call, but an Instance is shared by its iterators.
//
// The iterators are never nil (they yield nothing on the "none" seed), each
// call starts from the beginning and yields the same sequence, and values
// are generated lazily (the national seed has more than two million data
// values). Tracker maps are fresh on every yield and may be kept.
type Instance struct {
	Name     string
	Metadata map[string][]map[string]any // plural type -> objects, exactly a POST /api/metadata body

	DataValues            iter.Seq[DataValue]    // aggregate values, deterministic order
	CompleteRegistrations iter.Seq[Registration] // data set completions, deterministic order

	// Tracker data in the /api/tracker (2.42) wire shape.
	TrackedEntities iter.Seq[map[string]any] // nested enrollments → events, attributes, programOwners
	Events          iter.Seq[map[string]any] // event-program events (no enrollment of a tracked entity)
	Relationships   iter.Seq[map[string]any] // tracked entity to tracked entity relationships

	// System is the content outside metadata and data values: settings,
	// dataStore, files, icons, an app and interpretations (see system.go).
	System System

	Stats Stats // counts of each, for the emulator's start-up summary
}

// DataValue is one aggregate data value as DHIS2 stores it. Period is a
// DHIS2 period identifier (202401, 2024W1, 2024Q1); Created and LastUpdated
// are UTC and fall within the period or a few weeks after its end.
type DataValue struct {
	DataElement, Period, OrgUnit, CategoryOptionCombo, AttributeOptionCombo string
	Value, StoredBy, Comment                                                string
	Created, LastUpdated                                                    time.Time
	FollowUp                                                                bool
}

// Registration is one complete data set registration (JSON key
// organisationUnit on the wire, OrgUnit here).
type Registration struct {
	DataSet, Period, OrgUnit, AttributeOptionCombo, StoredBy string
	Date                                                     time.Time
	Completed                                                bool
}

// Stats counts the content of an instance.
type Stats struct {
	Metadata              map[string]int // objects per plural metadata type
	MetadataObjects       int            // sum of Metadata
	OrganisationUnits     int
	DataElements          int
	DataValues            int
	CompleteRegistrations int
	TrackedEntities       int // top-level tracked entities (enrolled women and their children)
	Enrollments           int
	TrackerEvents         int // events nested in enrollments
	Events                int // event-program events
	Relationships         int
}

// String renders the counts on one line for a start-up log.
func (s Stats) String() string {
	return fmt.Sprintf("%d metadata objects in %d types (%d org units, %d data elements), %d data values, "+
		"%d complete registrations, %d tracked entities, %d enrollments, %d tracker events, %d events, %d relationships",
		s.MetadataObjects, len(s.Metadata), s.OrganisationUnits, s.DataElements, s.DataValues,
		s.CompleteRegistrations, s.TrackedEntities, s.Enrollments, s.TrackerEvents, s.Events, s.Relationships)
}

// Generate builds the named instance. Valid names are "none", "demo" and
// "national"; any other name is an error that lists them. The same name
// always yields the same content.
func Generate(name string) (*Instance, error) {
	cfg, ok := configs()[name]
	if !ok {
		valid := Names()
		sort.Strings(valid)
		return nil, fmt.Errorf("generate seed %q: unknown seed name, valid names are %s", name, strings.Join(valid, ", "))
	}
	if name == None {
		return emptyInstance(), nil
	}
	w, md, err := build(cfg)
	if err != nil {
		return nil, fmt.Errorf("generate seed %q: %w", name, err)
	}
	inst := &Instance{
		Name:                  name,
		Metadata:              md,
		DataValues:            w.dataValues,
		CompleteRegistrations: w.registrations,
		TrackedEntities:       w.trackedEntities,
		Events:                w.events,
		Relationships:         w.relationships,
	}
	inst.System = addSystem(cfg, md)
	inst.Stats = w.stats(md)
	return inst, nil
}

func emptyInstance() *Instance {
	return &Instance{
		Name:                  None,
		Metadata:              map[string][]map[string]any{},
		DataValues:            func(func(DataValue) bool) {},
		CompleteRegistrations: func(func(Registration) bool) {},
		TrackedEntities:       func(func(map[string]any) bool) {},
		Events:                func(func(map[string]any) bool) {},
		Relationships:         func(func(map[string]any) bool) {},
		Stats:                 Stats{Metadata: map[string]int{}},
	}
}
