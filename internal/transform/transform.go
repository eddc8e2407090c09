package transform

import (
	"errors"
	"fmt"
	"sort"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Payload is a metadata payload: plural type name (e.g. "dataElements") to
// the objects of that type, exactly the body of POST /api/metadata.
// Transforms may add, remove or move whole types (charts → visualizations).
type Payload map[string][]map[string]any

// Transform is one named, version-gated conversion between an older wire
// shape and the canonical (2.42) shape.
type Transform struct {
	// Name identifies the transform in reports, e.g. "sharing-object".
	Name string
	// Gate is the minor version where the newer shape starts (38 means
	// 2.38). Up runs on payloads read from a version below Gate; Down runs
	// on payloads written to a version below Gate.
	Gate int
	// Doc says in one or two sentences what the transform converts.
	Doc string
	// Up lifts a payload read from a version below Gate to the canonical
	// shape. Nil means nothing to do.
	Up func(*Context, Payload) error
	// Down lowers a canonical payload for a version below Gate. Nil means
	// the canonical shape is accepted as is.
	Down func(*Context, Payload) error
	// Prune, when set, runs on payloads written to a version AT OR ABOVE
	// Gate. It removes what the canonical shape carries over from older
	// sources but the destination no longer has (sharing.external on 2.41+).
	Prune func(*Context, Payload) error
	// Fill, when set, also runs on payloads written to a version AT OR
	// ABOVE Gate, after Prune. It sets the properties that version requires
	// and a canonical object may lack because its source was older (a
	// short name, a category combination), the way DHIS2's own upgrade
	// migration fills them on existing rows. Objects that have them are
	// left alone.
	Fill func(*Context, Payload) error
	// Always makes Up run for every source version, not only those below
	// Gate. It is set where the older shape is recognisable by itself (a
	// property or type that only older versions have) or where the
	// canonical shape forbids something any version may export (duplicate
	// translations, top-level copies of embedded map views), so that a
	// payload mislabelled with a newer version, or a newer version still
	// echoing a deprecated shape, is repaired too. Lossy entries count only
	// for sources below Gate.
	Always bool
	// Lossy lists what cannot survive this transform in one direction or
	// the other.
	Lossy []Loss
}

// Loss is a property that a transform cannot carry between versions.
type Loss struct {
	// Type is the plural metadata type or tracker kind concerned; "*" means
	// every type.
	Type string
	// Property is the dotted property path lost, e.g. "sharing.external".
	// Every difference at or below this path is explained by the loss.
	Property string
	// Reason says why, in a sentence.
	Reason string
}

// Warning is something a transform changed or dropped on one object.
type Warning struct {
	// Transform is the name of the transform that emitted the warning.
	Transform string
	// Type is the plural metadata type or tracker kind of the object.
	Type string
	// ID is the uid of the object, "" if it has none.
	ID string
	// Property is the dotted path of the property concerned, "" for the
	// whole object.
	Property string
	// Message says what happened.
	Message string
}

// String formats the warning on one line.
func (w Warning) String() string {
	s := w.Transform + ": " + w.Type
	if w.ID != "" {
		s += " " + w.ID
	}
	if w.Property != "" {
		s += " " + w.Property
	}
	return s + ": " + w.Message
}

// Context is passed to every transform function. Transforms append
// warnings to it and may look at the versions involved.
type Context struct {
	// From is the source version (set by ToCanonical, zero otherwise).
	From dhis2.Version
	// To is the destination version (set by FromCanonical, zero otherwise).
	To dhis2.Version
	// Warnings collects what the transforms changed or dropped per object.
	Warnings []Warning

	transform string
}

// Warn records a warning about obj (of plural type typ) from the running
// transform.
func (c *Context) Warn(typ string, obj map[string]any, property, format string, args ...any) {
	id := str(obj, "id")
	if id == "" {
		id = trackerUID(typ, obj)
	}
	c.Warnings = append(c.Warnings, Warning{
		Transform: c.transform,
		Type:      typ,
		ID:        id,
		Property:  property,
		Message:   fmt.Sprintf(format, args...),
	})
}

// Report describes what ToCanonical, FromCanonical or Convert did.
type Report struct {
	// Applied lists the transforms run, in order, as "up:<name>",
	// "down:<name>", "prune:<name>" or "fill:<name>" (a fill only when it
	// set something).
	Applied []string
	// Warnings lists per-object changes and drops.
	Warnings []Warning
	// Losses lists what the applied transforms cannot carry across (the
	// union of their Lossy fields, deduplicated).
	Losses []Loss
}

func (r *Report) merge(o *Report) {
	r.Applied = append(r.Applied, o.Applied...)
	r.Warnings = append(r.Warnings, o.Warnings...)
	r.addLosses(o.Losses)
}

func (r *Report) addLosses(ls []Loss) {
	for _, l := range ls {
		dup := false
		for _, e := range r.Losses {
			if e == l {
				dup = true
				break
			}
		}
		if !dup {
			r.Losses = append(r.Losses, l)
		}
	}
}

// ErrUnknownVersion is returned when a zero dhis2.Version is given.
var ErrUnknownVersion = errors.New("transform: unknown DHIS2 version (zero value); read /api/system/info first")

// Registry returns every transform, in ascending gate order (ties in the
// order they must run Up). The slice is freshly built on each call.
func Registry() []Transform {
	ts := []Transform{
		programCaptureCoordinates(),
		programStageValidationStrategy(),
		orgUnitGeometry(),
		mapViewsEmbedded(),
		chartsToVisualizations(),
		dashboardItemVisualization(),
		reportVisualization(),
		sharingObject(),
		translationsUnique(),
		chartsRemoved(),
		visualizationLegend(),
		userCredentials(),
		eventVisualizations(),
		sharingLegacyFields(),
		userCredentialsDTO(),
		relativePeriodsList(),
		relationshipTypeFromToName(),
		shortNames(36, "V2_36_27", "categories", "dataElementGroupSets", "organisationUnitGroupSets"),
		shortNames(38, "V2_38_2", "categoryOptionGroupSets", "indicatorGroupSets"),
		predictorOrgUnitDescendants(),
		shortNames(39, "V2_39_6", "predictors"),
		shortNames(40, "V2_40_16", "categoryOptions", "constants", "dataElementGroups", "dataSets", "organisationUnitGroups"),
		shortNames(42, "V2_42_40", "trackedEntityTypes"),
		programIndicatorCombos(),
		approvalWorkflowCombo(),
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Gate < ts[j].Gate })
	return ts
}

func checkVersion(v dhis2.Version) error {
	if v.IsZero() {
		return ErrUnknownVersion
	}
	return nil
}

// below reports whether v is older than 2.gate.
func below(v dhis2.Version, gate int) bool { return !v.AtLeast(gate) }

// ToCanonical lifts p, read from a DHIS2 source of version from, to the
// canonical shape, in place. It runs Up for every transform whose gate is
// above from (and every Always transform), in ascending gate order.
func ToCanonical(p Payload, from dhis2.Version) (*Report, error) {
	if err := checkVersion(from); err != nil {
		return nil, err
	}
	ctx := &Context{From: from}
	rep := &Report{}
	for _, t := range Registry() {
		if t.Up == nil || (!t.Always && !below(from, t.Gate)) {
			continue
		}
		if err := run(ctx, rep, "up", t, t.Up, p, below(from, t.Gate)); err != nil {
			return rep, err
		}
	}
	rep.Warnings = ctx.Warnings
	return rep, nil
}

// FromCanonical lowers the canonical payload p for a destination of
// version to, in place. It runs Down for every transform whose gate is
// above to, in descending gate order, then Prune and Fill for transforms at
// or below to, in ascending gate order.
func FromCanonical(p Payload, to dhis2.Version) (*Report, error) {
	if err := checkVersion(to); err != nil {
		return nil, err
	}
	ctx := &Context{To: to}
	rep := &Report{}
	ts := Registry()
	for i := len(ts) - 1; i >= 0; i-- {
		t := ts[i]
		if below(to, t.Gate) && t.Down != nil {
			if err := run(ctx, rep, "down", t, t.Down, p, true); err != nil {
				return rep, err
			}
		}
	}
	for _, t := range ts {
		if !below(to, t.Gate) && t.Prune != nil {
			if err := run(ctx, rep, "prune", t, t.Prune, p, true); err != nil {
				return rep, err
			}
		}
		if !below(to, t.Gate) && t.Fill != nil {
			if err := runFill(ctx, rep, t, p); err != nil {
				return rep, err
			}
		}
	}
	rep.Warnings = ctx.Warnings
	return rep, nil
}

func run(ctx *Context, rep *Report, dir string, t Transform, f func(*Context, Payload) error, p Payload, lossy bool) error {
	ctx.transform = t.Name
	if err := f(ctx, p); err != nil {
		return fmt.Errorf("transform %s %s: %w", dir, t.Name, err)
	}
	rep.Applied = append(rep.Applied, dir+":"+t.Name)
	if lossy {
		rep.addLosses(t.Lossy)
	}
	return nil
}

// runFill runs a Fill step; it is listed in the report only when it set
// something (each fill warns once per object it changes).
func runFill(ctx *Context, rep *Report, t Transform, p Payload) error {
	ctx.transform = t.Name
	before := len(ctx.Warnings)
	if err := t.Fill(ctx, p); err != nil {
		return fmt.Errorf("transform fill %s: %w", t.Name, err)
	}
	if len(ctx.Warnings) > before {
		rep.Applied = append(rep.Applied, "fill:"+t.Name)
		rep.addLosses(t.Lossy)
	}
	return nil
}

// Convert lifts p from version from to the canonical shape, then lowers it
// for version to, in place. The report concatenates both steps.
func Convert(p Payload, from, to dhis2.Version) (*Report, error) {
	up, err := ToCanonical(p, from)
	if err != nil {
		return up, err
	}
	down, err := FromCanonical(p, to)
	if down != nil {
		up.merge(down)
	}
	return up, err
}

// LossesBetween returns the losses Convert(from, to) can incur: the Lossy
// entries of every transform it would run. The verifier uses it with
// Documented to tell documented differences from errors.
func LossesBetween(from, to dhis2.Version) []Loss {
	rep := &Report{}
	for _, t := range Registry() {
		up := t.Up != nil && below(from, t.Gate)
		down := t.Down != nil && below(to, t.Gate)
		prune := (t.Prune != nil || t.Fill != nil) && !below(to, t.Gate)
		if up || down || prune {
			rep.addLosses(t.Lossy)
		}
	}
	return rep.Losses
}

// keyLosses builds one Loss per key of typ, with the same reason.
func keyLosses(typ string, keys []string, reason string) []Loss {
	out := make([]Loss, 0, len(keys))
	for _, k := range keys {
		out = append(out, Loss{Type: typ, Property: k, Reason: reason})
	}
	return out
}

// eachObject calls f for every object of the given plural type.
func eachObject(p Payload, typ string, f func(obj map[string]any)) {
	for _, obj := range p[typ] {
		if obj != nil {
			f(obj)
		}
	}
}

// eachTyped calls f for every object of every type, in sorted type order
// (deterministic warnings).
func eachTyped(p Payload, f func(typ string, obj map[string]any)) {
	for _, typ := range sortedKeys(p) {
		for _, obj := range p[typ] {
			if obj != nil {
				f(typ, obj)
			}
		}
	}
}
