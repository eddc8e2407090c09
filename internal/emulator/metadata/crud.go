package metadata

import (
	"encoding/json"
	"io"
	"strings"
)

// ObjectResult is the outcome of a single-object write on /api/<plural>[/{id}].
// The HTTP layer answers 201 (create) or 200 with an ObjectReport WebMessage
// when Status is OK, and 409 with Status ERROR otherwise.
type ObjectResult struct {
	Status       string // OK or ERROR
	UID          string
	Klass        string
	ErrorReports []ErrorReport
	Report       *ImportReport // the underlying import report
}

// Response returns the WebMessage "response" member
// {"responseType":"ObjectReport","uid","klass","errorReports"}.
func (r *ObjectResult) Response() ObjectReportResponse {
	ers := r.ErrorReports
	if ers == nil {
		ers = []ErrorReport{}
	}
	return ObjectReportResponse{ResponseType: "ObjectReport", UID: r.UID, Klass: r.Klass, ErrorReports: ers}
}

// DecodeObject decodes one JSON object (numbers kept as json.Number).
func DecodeObject(r io.Reader) (Object, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var o Object
	if err := dec.Decode(&o); err != nil {
		return nil, badRequest("invalid JSON object: %v", err)
	}
	if o == nil {
		return nil, badRequest("invalid JSON object: body is empty or null")
	}
	return o, nil
}

func (s *Store) typeOf(plural string) (*typeStore, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ts := s.types[plural]
	if ts == nil {
		return nil, &NotFoundError{Type: plural}
	}
	return ts, nil
}

// CreateObject is POST /api/<plural>: a CREATE import of one object
// (translations dropped, FULL report). ip carries the other query parameters.
func (s *Store) CreateObject(plural string, o Object, ip ImportParams) (*ObjectResult, error) {
	ts, err := s.typeOf(plural)
	if err != nil {
		return nil, err
	}
	o = copyObject(o)
	delete(o, "translations")
	ip = mergeDefaults(ip)
	ip.ImportStrategy, ip.ImportReportMode = "CREATE", "FULL"
	return s.singleImport(ts.schema, o, ip)
}

// ReplaceObject is PUT /api/<plural>/{uid}: an UPDATE import of the body with
// its id forced to uid. A missing object is a *NotFoundError.
func (s *Store) ReplaceObject(plural, uid string, o Object, ip ImportParams) (*ObjectResult, error) {
	ts, err := s.typeOf(plural)
	if err != nil {
		return nil, err
	}
	if !s.Exists(plural, uid) {
		return nil, &NotFoundError{Type: ts.schema.SimpleName(), UID: uid}
	}
	o = copyObject(o)
	o["id"] = uid
	ip = mergeDefaults(ip)
	ip.ImportStrategy, ip.ImportReportMode, ip.Identifier = "UPDATE", "FULL", "UID"
	return s.singleImport(ts.schema, o, ip)
}

// DeleteObject is DELETE /api/<plural>/{uid}. A missing object is a
// *NotFoundError; an object others depend on gives Status ERROR with E4030.
func (s *Store) DeleteObject(plural, uid string, ip ImportParams) (*ObjectResult, error) {
	ts, err := s.typeOf(plural)
	if err != nil {
		return nil, err
	}
	if !s.Exists(plural, uid) {
		return nil, &NotFoundError{Type: ts.schema.SimpleName(), UID: uid}
	}
	if isDefaultUID(uid) {
		er, _ := s.deleteBlocked(ts.schema, uid, s.prof.Version.Minor)
		return &ObjectResult{Status: StatusError, UID: uid, Klass: ts.schema.Klass, ErrorReports: []ErrorReport{er},
			Report: &ImportReport{Status: StatusError, TypeReports: []TypeReport{}}}, nil
	}
	ip = mergeDefaults(ip)
	ip.ImportStrategy, ip.ImportReportMode, ip.Identifier = "DELETE", "FULL", "UID"
	return s.singleImport(ts.schema, Object{"id": uid}, ip)
}

// PatchObject is PATCH /api/<plural>/{uid} with an RFC 6902 JSON Patch
// (add, remove, replace, move, copy, test) applied to the stored object,
// then imported as an UPDATE. Invalid patches are *BadRequestError values.
func (s *Store) PatchObject(plural, uid string, patch []byte, ip ImportParams) (*ObjectResult, error) {
	ts, err := s.typeOf(plural)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	cur, ok := ts.objs[uid]
	if ok {
		cur = copyObject(cur)
	}
	s.mu.RUnlock()
	if !ok {
		return nil, &NotFoundError{Type: ts.schema.SimpleName(), UID: uid}
	}
	var ops []patchOp
	dec := json.NewDecoder(strings.NewReader(string(patch)))
	dec.UseNumber()
	if err := dec.Decode(&ops); err != nil {
		return nil, badRequest("invalid JSON Patch: %v", err)
	}
	doc := any(cur)
	for i, op := range ops {
		doc, err = applyPatchOp(doc, op)
		if err != nil {
			return nil, badRequest("JSON Patch operation %d (%s %s): %v", i, op.Op, op.Path, err)
		}
	}
	o, ok := doc.(map[string]any)
	if !ok {
		return nil, badRequest("JSON Patch must leave an object")
	}
	o["id"] = uid
	ip = mergeDefaults(ip)
	ip.ImportStrategy, ip.ImportReportMode, ip.Identifier = "UPDATE", "FULL", "UID"
	return s.singleImport(ts.schema, o, ip)
}

func (s *Store) singleImport(sc *Schema, o Object, ip ImportParams) (*ObjectResult, error) {
	rep, err := s.ImportPayload(map[string][]Object{sc.Plural: {o}}, ip)
	if err != nil {
		return nil, err
	}
	res := &ObjectResult{Status: StatusOK, Klass: sc.Klass, Report: rep, UID: str(o["id"])}
	for _, tr := range rep.TypeReports {
		for _, or := range tr.ObjectReports {
			if res.UID == "" {
				res.UID = or.UID
			}
			res.ErrorReports = append(res.ErrorReports, or.ErrorReports...)
		}
	}
	if rep.Status != StatusOK || len(res.ErrorReports) > 0 {
		res.Status = StatusError
	}
	return res, nil
}
