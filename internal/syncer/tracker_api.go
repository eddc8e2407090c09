package syncer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// trkAPI speaks the tracker API of one instance: /api/tracker on 2.36+
// (preferred), the old endpoints before (DHIS2-API.md §5). Parameter
// names follow the version: 2.41+ names (orgUnits, orgUnitMode,
// trackedEntities=a,b, paging=false), the 2.36–2.40 names kept from the
// old API (orgUnit, ouMode, trackedEntity=a;b), and the old API's own
// (ou, ouMode, trackedEntityInstance=a;b, lastUpdatedStartDate).
type trkAPI struct {
	c *dhis2.Client
	v dhis2.Version
}

// old reports whether the instance only has the old tracker API.
func (a trkAPI) old() bool { return !a.v.AtLeast(36) }

// modern reports whether the 2.41+ parameter names apply.
func (a trkAPI) modern() bool { return a.v.AtLeast(41) }

// path and list key of a kind.
func (a trkAPI) path(kind string) (path, key string) {
	if a.old() {
		switch kind {
		case transform.KindTrackedEntity:
			return "trackedEntityInstances", "trackedEntityInstances"
		case transform.KindEnrollment:
			return "enrollments", "enrollments"
		case transform.KindEvent:
			return "events", "events"
		}
		return "relationships", "relationships"
	}
	p := map[string]string{transform.KindTrackedEntity: "trackedEntities", transform.KindEnrollment: "enrollments",
		transform.KindEvent: "events", transform.KindRelationship: "relationships"}[kind]
	return "tracker/" + p, p
}

// fields returns the field filter of a kind's exports: what the payload
// carries, without the server's bookkeeping (createdBy, updatedBy, nested
// collections) that would only cost bytes. The old API gets its default.
func (a trkAPI) fields(kind string) string {
	if a.old() {
		return ""
	}
	switch kind {
	case transform.KindTrackedEntity:
		return "*,!relationships,!enrollments,!events,!programOwners,!createdBy,!updatedBy,attributes[attribute,value]"
	case transform.KindEnrollment:
		return "*,!relationships,!events,!attributes,!createdBy,!updatedBy,notes[note,value,storedAt]"
	case transform.KindEvent:
		return "*,!relationships,!createdBy,!updatedBy,dataValues[dataElement,value,providedElsewhere],notes[note,value,storedAt]"
	}
	return ""
}

// uidField is the property that holds a kind's UID in the instance's shape.
func (a trkAPI) uidField(kind string) string {
	if kind == transform.KindTrackedEntity && a.old() {
		return "trackedEntityInstance"
	}
	return kind
}

// scope sets the program (or tracked entity type) and the org unit
// subtree of a list request.
func (a trkAPI) scope(q url.Values, kind, program, tet, root string, subtree bool) {
	if program != "" {
		q.Set("program", program)
	} else if tet != "" {
		q.Set("trackedEntityType", tet)
	}
	mode := "SELECTED"
	if subtree {
		mode = "DESCENDANTS"
	}
	switch {
	case a.modern():
		if kind == transform.KindEvent {
			q.Set("orgUnit", root)
		} else {
			q.Set("orgUnits", root)
		}
		q.Set("orgUnitMode", mode)
	case a.old() && kind != transform.KindEvent:
		q.Set("ou", root)
		q.Set("ouMode", mode)
	default:
		q.Set("orgUnit", root)
		q.Set("ouMode", mode)
	}
}

// uids restricts a list request to objects; false when the endpoint
// cannot (the old /api/enrollments).
func (a trkAPI) uids(q url.Values, kind string, ids []string) bool {
	switch {
	case a.modern():
		q.Set(map[string]string{transform.KindTrackedEntity: "trackedEntities", transform.KindEnrollment: "enrollments", transform.KindEvent: "events"}[kind], strings.Join(ids, ","))
	case a.old() && kind == transform.KindEnrollment:
		return false
	case kind == transform.KindTrackedEntity && a.old():
		q.Set("trackedEntityInstance", strings.Join(ids, ";"))
	default:
		q.Set(kind, strings.Join(ids, ";"))
	}
	return true
}

func (a trkAPI) updatedAfter(q url.Values, t string) {
	if a.old() {
		q.Set("lastUpdatedStartDate", t)
		return
	}
	q.Set("updatedAfter", t)
}

func (a trkAPI) unpaged(q url.Values) {
	if a.modern() {
		q.Set("paging", "false")
	} else {
		q.Set("skipPaging", "true")
	}
}

// errNoPager is returned for a page without paging information: a body
// that may have been cut or rewritten is never taken for the last page.
var errNoPager = errors.New("the page has no pager although paging was requested")

// page reads one page of a list: the items as generic objects.
func (a trkAPI) page(ctx context.Context, kind string, q url.Values, page, size int) ([]map[string]any, error) {
	q.Set("page", strconv.Itoa(page))
	q.Set("pageSize", strconv.Itoa(size))
	items, env, err := a.read(ctx, kind, q)
	if err == nil && env != nil && env.Pager == nil && env.Page == nil {
		err = fmt.Errorf("read %s page %d: %w", kind, page, errNoPager)
	}
	return items, err
}

// trackerEnvelope holds the list of any tracker list answer: the typed
// key (2.41+, old API), or "instances" (2.36–2.40).
type trackerEnvelope struct {
	Instances              []map[string]any `json:"instances"`
	TrackedEntities        []map[string]any `json:"trackedEntities"`
	TrackedEntityInstances []map[string]any `json:"trackedEntityInstances"`
	Enrollments            []map[string]any `json:"enrollments"`
	Events                 []map[string]any `json:"events"`
	Relationships          []map[string]any `json:"relationships"`
	Pager                  json.RawMessage  `json:"pager"`
	Page                   *int             `json:"page"`
}

func (e *trackerEnvelope) items(key string) ([]map[string]any, bool) {
	switch {
	case e.Instances != nil:
		return e.Instances, true
	case key == "trackedEntities" && e.TrackedEntities != nil:
		return e.TrackedEntities, true
	case key == "trackedEntityInstances" && e.TrackedEntityInstances != nil:
		return e.TrackedEntityInstances, true
	case key == "enrollments" && e.Enrollments != nil:
		return e.Enrollments, true
	case key == "events" && e.Events != nil:
		return e.Events, true
	case key == "relationships" && e.Relationships != nil:
		return e.Relationships, true
	}
	return nil, false
}

// list reads a list answer (paged or not) in any envelope.
func (a trkAPI) list(ctx context.Context, kind string, q url.Values) ([]map[string]any, error) {
	items, _, err := a.read(ctx, kind, q)
	return items, err
}

// read reads a list answer, decoding the body once as it streams in; the
// envelope is nil for the old API's bare arrays.
func (a trkAPI) read(ctx context.Context, kind string, q url.Values) ([]map[string]any, *trackerEnvelope, error) {
	path, key := a.path(kind)
	rc, err := a.c.Stream(ctx, path, q)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	first, err := peekNonSpace(br)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	dec := json.NewDecoder(br)
	if first == '[' { // the old /api/relationships answers a bare array
		var items []map[string]any
		if err := dec.Decode(&items); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
		return items, nil, nil
	}
	var env trackerEnvelope
	if err := dec.Decode(&env); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	items, ok := env.items(key)
	if !ok {
		return nil, nil, fmt.Errorf("read %s: the answer has no %q list: %w", path, key, errNoPager)
	}
	return items, &env, nil
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			if err == io.EOF {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte()
			continue
		}
		return b[0], nil
	}
}

// get reads one object; nil when it does not exist.
func (a trkAPI) get(ctx context.Context, kind, uid string) (map[string]any, error) {
	path, _ := a.path(kind)
	var obj map[string]any
	err := a.c.GetJSON(ctx, path+"/"+url.PathEscape(uid), url.Values{"fields": {"*"}}, &obj)
	if dhis2.KindOf(err) == dhis2.KindNotFound {
		return nil, nil
	}
	return obj, err
}

// importObjects writes objects of one kind: a flat /api/tracker payload
// (atomicMode=OBJECT: each object stands alone) or the old endpoint.
func (a trkAPI) importObjects(ctx context.Context, kind string, objs []map[string]any, strategy string) (*dhis2.ImportResult, error) {
	_, key := a.path(kind)
	if a.old() {
		body := dhis2.JSONBody(map[string]any{key: objs})
		body.Idempotent = strategy != "DELETE"
		ik := map[string]dhis2.ImportKind{transform.KindTrackedEntity: dhis2.ImportKindTrackedEntityInstances, transform.KindEnrollment: dhis2.ImportKindEnrollments,
			transform.KindEvent: dhis2.ImportKindEvents, transform.KindRelationship: dhis2.ImportKindRelationships}[kind]
		return a.c.ImportOldTracker(ctx, ik, body, url.Values{"strategy": {strategy}})
	}
	body := dhis2.JSONBody(map[string]any{key: objs})
	body.Idempotent = strategy != "DELETE"
	body.Gzip = true
	params := url.Values{"importStrategy": {strategy}, "atomicMode": {"OBJECT"}, "reportMode": {"ERRORS"}}
	if len(objs) >= 2000 {
		params.Set("async", "true")
	}
	return a.c.ImportTracker(ctx, body, params)
}
