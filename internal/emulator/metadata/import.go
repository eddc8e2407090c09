package metadata

import (
	"encoding/json"
	"io"
	"sort"
)

// importer runs one /api/metadata import (DHIS2's ObjectBundle pipeline:
// preheat, validate every type, then commit in schema order).
type importer struct {
	store    *Store
	params   ImportParams
	userUID  string
	username string
	batches  []*batch          // schema order
	byPlural map[string]*batch // plural -> batch
	now      string
	// preheat indexes over the payload (first occurrence per uid)
	payload     map[string]map[string]*entry // plural -> uid -> entry
	payloadCode map[string]map[string]string // plural -> code -> uid
	singleUser  bool                         // exactly one user in the payload
	docFiles    []string                     // file resources of committed internal documents
}

// batch is the part of the payload of one type.
type batch struct {
	schema  *Schema
	entries []*entry
	stats   Stats
	reports map[int]*ObjectReport
	refErr  bool // ReferencesCheck found errors
}

// entry is one payload object.
type entry struct {
	index     int
	raw       Object // as received
	obj       Object // normalized to the version's native shape
	uid       string
	code      string
	existing  Object // stored object with the same identifier, nil when new
	removed   bool   // markForRemoval
	password  string // write-only password from the payload
	userRaw   []any  // userGroups of a single posted user
	hasGroups bool
}

func (im *importer) minor() int { return im.store.prof.Version.Minor }

// Import runs a POST /api/metadata import of a JSON body
// ({"dataElements":[…],…}). Unknown top-level keys and non-metadata types are
// ignored. Malformed JSON returns a *BadRequestError; everything else is
// reported in the ImportReport.
func (s *Store) Import(r io.Reader, ip ImportParams) (*ImportReport, error) {
	payload, err := DecodePayload(r)
	if err != nil {
		return nil, err
	}
	return s.ImportPayload(payload, ip)
}

// DecodePayload decodes a metadata import body into plural -> objects.
// Numbers are kept as json.Number.
func DecodePayload(r io.Reader) (map[string][]Object, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, badRequest("invalid metadata import body: %v", err)
	}
	out := make(map[string][]Object, len(top))
	for k, v := range top {
		arr, ok := v.([]any)
		if !ok {
			continue
		}
		objs := make([]Object, 0, len(arr))
		for _, it := range arr {
			if m, ok := it.(map[string]any); ok {
				objs = append(objs, m)
			}
		}
		out[k] = objs
	}
	return out, nil
}

// ImportObjects imports a payload already held as Go maps (the seed
// generator's form); the maps are not modified.
func (s *Store) ImportObjects(payload map[string][]map[string]any, ip ImportParams) (*ImportReport, error) {
	p := make(map[string][]Object, len(payload))
	for k, v := range payload {
		objs := make([]Object, len(v))
		for i, o := range v {
			objs[i] = o
		}
		p[k] = objs
	}
	return s.ImportPayload(p, ip)
}

// ImportPayload imports a decoded payload (plural -> objects).
func (s *Store) ImportPayload(payload map[string][]Object, ip ImportParams) (*ImportReport, error) {
	ip = mergeDefaults(ip)
	s.mu.Lock()
	im, err := s.newImporter(ip)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	im.load(payload)
	im.validate()
	rep, evs := im.finish()
	s.mu.Unlock()
	im.assignDocumentFiles()
	s.emit(evs)
	return rep, nil
}

// mergeDefaults fills the empty fields of ip with DHIS2's defaults.
func mergeDefaults(ip ImportParams) ImportParams {
	d := DefaultImportParams()
	for _, f := range []struct {
		dst *string
		def string
	}{
		{&ip.ImportMode, d.ImportMode}, {&ip.Identifier, d.Identifier}, {&ip.PreheatMode, d.PreheatMode},
		{&ip.ImportStrategy, d.ImportStrategy}, {&ip.AtomicMode, d.AtomicMode}, {&ip.MergeMode, d.MergeMode},
		{&ip.FlushMode, d.FlushMode}, {&ip.ImportReportMode, d.ImportReportMode}, {&ip.UserOverrideMode, d.UserOverrideMode},
	} {
		if *f.dst == "" {
			*f.dst = f.def
		}
	}
	return ip
}

func (s *Store) newImporter(ip ImportParams) (*importer, error) {
	im := &importer{store: s, params: ip, byPlural: map[string]*batch{}, now: s.nowString(),
		payload: map[string]map[string]*entry{}, payloadCode: map[string]map[string]string{}}
	im.username = ip.Username
	if im.username == "" {
		im.username = s.admin
	}
	uid, ok := s.userUIDByUsername(im.username)
	if !ok {
		uid = AdminUserUID
	}
	im.userUID = uid
	return im, nil
}

// load normalizes the payload into batches and builds the preheat indexes.
func (im *importer) load(payload map[string][]Object) {
	for _, sc := range im.store.schemas.Metadata() {
		objs, ok := payload[sc.Plural]
		if !ok || len(objs) == 0 || im.store.types[sc.Plural] == nil {
			continue
		}
		b := &batch{schema: sc, reports: map[int]*ObjectReport{}}
		for i, raw := range objs {
			e := im.newEntry(sc, i, raw)
			if isDefaultUID(e.uid) {
				continue // cleanDefaults: built-in default objects are skipped silently
			}
			b.entries = append(b.entries, e)
		}
		im.batches = append(im.batches, b)
		im.byPlural[sc.Plural] = b
	}
	if b := im.byPlural["users"]; b != nil && len(b.entries) == 1 {
		im.singleUser = true
	}
	for _, b := range im.batches {
		pl := b.schema.Plural
		im.payload[pl] = map[string]*entry{}
		im.payloadCode[pl] = map[string]string{}
		for _, e := range b.entries {
			if _, dup := im.payload[pl][e.uid]; !dup && e.uid != "" {
				im.payload[pl][e.uid] = e
			}
			if e.code != "" {
				if _, dup := im.payloadCode[pl][e.code]; !dup {
					im.payloadCode[pl][e.code] = e.uid
				}
			}
		}
	}
	// resolve references given by code now that every payload object has a uid
	for _, b := range im.batches {
		for _, e := range b.entries {
			im.resolveCodeRefs(b.schema, e.obj)
		}
	}
}

func (im *importer) newEntry(sc *Schema, index int, raw Object) *entry {
	e := &entry{index: index, raw: raw}
	e.obj = im.normalize(sc, raw, e)
	e.uid = str(e.obj["id"])
	e.code = str(e.obj["code"])
	ts := im.store.types[sc.Plural]
	switch im.params.Identifier {
	case "CODE":
		if uid, ok := ts.byCode[e.code]; ok && e.code != "" {
			e.existing = ts.objs[uid]
			e.uid = uid
		}
	case "AUTO":
		if o, ok := ts.objs[e.uid]; ok && e.uid != "" {
			e.existing = o
		} else if uid, ok := ts.byCode[e.code]; ok && e.code != "" {
			e.existing = ts.objs[uid]
			e.uid = uid
		}
	default:
		if e.uid != "" {
			e.existing = ts.objs[e.uid]
		}
	}
	if e.uid == "" && im.params.ImportStrategy != "DELETE" {
		e.uid = NewUID()
	}
	if e.uid != "" {
		e.obj["id"] = e.uid
	}
	return e
}

// persisted reports whether the entry matched a stored object.
func (e *entry) persisted() bool { return e.existing != nil }

// ordered returns the entries as DHIS2's bundle lists them: persisted
// objects first, then new ones, each in payload order.
func (b *batch) ordered() []*entry {
	out := make([]*entry, 0, len(b.entries))
	for _, e := range b.entries {
		if e.persisted() {
			out = append(out, e)
		}
	}
	for _, e := range b.entries {
		if !e.persisted() {
			out = append(out, e)
		}
	}
	return out
}

// selected returns the entries a strategy-dependent check looks at
// (selectObjectsBasedOnImportStrategy).
func (im *importer) selected(b *batch) []*entry {
	var out []*entry
	for _, e := range b.ordered() {
		switch im.params.ImportStrategy {
		case "CREATE":
			if !e.persisted() {
				out = append(out, e)
			}
		case "UPDATE":
			if e.persisted() {
				out = append(out, e)
			}
		default:
			out = append(out, e)
		}
	}
	return out
}

// report adds error reports for an entry (one ObjectValidationCheck hit:
// the object is ignored once per failing check, as in DHIS2).
func (im *importer) report(b *batch, e *entry, remove bool, ers ...ErrorReport) {
	if len(ers) == 0 {
		return
	}
	or := b.reports[e.index]
	if or == nil {
		or = &ObjectReport{Klass: b.schema.Klass, Index: e.index, UID: e.uid, DisplayName: displayNameOf(e.obj)}
		b.reports[e.index] = or
	}
	or.ErrorReports = append(or.ErrorReports, ers...)
	if remove {
		b.stats.Ignored++
		e.removed = true
	}
}

// finish computes statistics, commits when allowed and builds the report.
func (im *importer) finish() (*ImportReport, []WriteEvent) {
	hasErrors := false
	for _, b := range im.batches {
		if len(b.reports) > 0 {
			hasErrors = true
		}
		if b.refErr && im.params.atomic() {
			b.stats.Ignored++
		}
		for _, e := range b.entries {
			if e.removed {
				continue
			}
			switch {
			case im.params.ImportStrategy == "DELETE":
				if e.persisted() {
					b.stats.Deleted++
				}
			case e.persisted() && im.params.ImportStrategy != "CREATE":
				b.stats.Updated++
			case !e.persisted() && im.params.ImportStrategy != "UPDATE":
				b.stats.Created++
			}
		}
	}
	rep := &ImportReport{Status: StatusOK, omitEmptyArrays: im.minor() <= 34}
	var evs []WriteEvent
	commit := !hasErrors || !im.params.atomic()
	if commit && !im.params.validate() {
		evs = im.commit()
	}
	if !commit {
		rep.Status = StatusError
	} else if hasErrors {
		rep.Status = StatusWarning
	}
	for _, b := range im.batches {
		if !commit {
			b.stats.ignoreAll()
		}
		b.stats.fix()
		if b.stats.Total == 0 && !im.params.validate() {
			continue // ImportReport.clean drops empty type reports
		}
		tr := TypeReport{Klass: b.schema.Klass, Stats: b.stats, ObjectReports: []ObjectReport{}}
		idx := make([]int, 0, len(b.reports))
		for i := range b.reports {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			or := *b.reports[i]
			errorsOnly := im.params.ImportReportMode == "ERRORS" || im.params.ImportReportMode == "ERRORS_NOT_OWNER"
			if len(or.ErrorReports) == 0 && errorsOnly && !im.params.validate() {
				continue
			}
			if or.ErrorReports == nil {
				or.ErrorReports = []ErrorReport{}
			}
			if im.params.ImportReportMode != "DEBUG" && !im.params.validate() {
				or.DisplayName = ""
			}
			tr.ObjectReports = append(tr.ObjectReports, or)
		}
		rep.TypeReports = append(rep.TypeReports, tr)
		rep.Stats.add(b.stats)
	}
	rep.Stats.fix()
	if rep.TypeReports == nil {
		rep.TypeReports = []TypeReport{}
	}
	if im.store.prof.ImportParamsInRept {
		rep.ImportParams = reportParams(im.params, im.minor(), im.username)
	}
	return rep, evs
}

// objectName is the display name used in messages.
func objectName(o Object) string { return displayNameOf(o) }

func (im *importer) ident(sc *Schema, o Object, uid string) string {
	return identifiersWithName(objectName(o), uid, sc.SimpleName())
}
