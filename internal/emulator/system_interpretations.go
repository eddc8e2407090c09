package emulator

import (
	"net/http"
	"slices"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/system"
	"github.com/d2sync/d2sync/internal/period"
)

// interpretationTargets maps the URL kind to the metadata types that may
// hold the target and the name DHIS2 uses in its "does not exist" message.
var interpretationTargets = map[string]struct {
	plurals []string
	name    string
}{
	"visualization":      {[]string{"visualizations"}, "Visualization"},
	"eventVisualization": {[]string{"eventVisualizations"}, "EventVisualization"},
	"map":                {[]string{"maps"}, "Map"},
	"eventReport":        {[]string{"eventReports", "eventVisualizations"}, "Event report"},
	"eventChart":         {[]string{"eventCharts", "eventVisualizations"}, "Event chart"},
	"chart":              {[]string{"charts"}, "Chart"},
	"reportTable":        {[]string{"reportTables"}, "Report table"},
	"dataSetReport":      {[]string{"dataSets"}, "Data set"},
}

// listInterpretations serves GET /api/interpretations (fields, filter,
// paging; default fields id).
func (e *Emulator) listInterpretations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	c := caller(r)
	items := []any{}
	for _, it := range e.sys.Interpretations.List() {
		m := e.sys.Interpretations.Render(it, c)
		keep := true
		for _, f := range q["filter"] {
			ok, err := system.MatchFilter(m, f)
			if err != nil {
				return sysErr(err)
			}
			keep = keep && ok
		}
		if keep {
			items = append(items, system.SelectFields(m, strings.Join(q["fields"], ","), "id"))
		}
	}
	return writeJSON(w, http.StatusOK, pageOf(r, "interpretations", items))
}

// getInterpretation serves GET /api/interpretations/{id}.
func (e *Emulator) getInterpretation(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	it, ok := e.sys.Interpretations.Get(id)
	if !ok {
		return errNotFound("Interpretation", id)
	}
	m := e.sys.Interpretations.Render(it, caller(r))
	return writeJSON(w, http.StatusOK, system.SelectFields(m, strings.Join(r.URL.Query()["fields"], ","), "*"))
}

// interpretationText reads the text/plain (or text/html) body.
func interpretationText(r *http.Request) (string, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "text/plain") && !strings.HasPrefix(ct, "text/html") {
		return "", errUnsupported(ct)
	}
	b, err := readBody(r, maxSystemBody)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// postInterpretation serves POST /api/interpretations/{kind}/{uid} with a
// text body (kinds per version; dataSetReport needs ?pe= and ?ou=). The
// author and creation time are the caller and now.
func (e *Emulator) postInterpretation(w http.ResponseWriter, r *http.Request) error {
	kind, uid := r.PathValue("kind"), r.PathValue("uid")
	if !slices.Contains(e.sys.InterpretationKinds(), kind) {
		return e.notFoundAPI(w, r)
	}
	text, err := interpretationText(r)
	if err != nil {
		return err
	}
	t := interpretationTargets[kind]
	if !slices.ContainsFunc(t.plurals, func(p string) bool { return e.meta.Exists(p, uid) }) {
		return errStatus(http.StatusConflict, "%s does not exist or is not accessible: %s", t.name, uid)
	}
	q := r.URL.Query()
	pe, ou := q.Get("pe"), q.Get("ou")
	if kind == "dataSetReport" {
		p, err := period.Parse(pe)
		if err != nil {
			return errStatus(http.StatusConflict, "Period identifier not valid: %s", pe)
		}
		pe = p.String()
	}
	if ou != "" && !e.meta.Exists("organisationUnits", ou) || kind == "dataSetReport" && ou == "" {
		return errStatus(http.StatusConflict, "Organisation unit does not exist or is not accessible: %s", ou)
	}
	it, err := e.sys.Interpretations.Create(caller(r), kind, uid, text, pe, ou)
	if err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.InterpretationsCreated++ })
	w.Header().Set("Location", apiURL(r)+"/interpretations/"+it.ID)
	return writeMessage(w, http.StatusCreated, "Interpretation created")
}

// putInterpretation serves PUT /api/interpretations/{id}: new text (204).
func (e *Emulator) putInterpretation(w http.ResponseWriter, r *http.Request) error {
	text, err := interpretationText(r)
	if err != nil {
		return err
	}
	if err := e.sys.Interpretations.UpdateText(caller(r), r.PathValue("id"), text); err != nil {
		return sysErr(err)
	}
	return e.interpretationChanged(w)
}

// deleteInterpretation serves DELETE /api/interpretations/{id} (204).
func (e *Emulator) deleteInterpretation(w http.ResponseWriter, r *http.Request) error {
	if err := e.sys.Interpretations.Delete(caller(r), r.PathValue("id")); err != nil {
		return sysErr(err)
	}
	return e.interpretationChanged(w)
}

func (e *Emulator) interpretationChanged(w http.ResponseWriter) error {
	e.countSystem(func(c *SystemCounts) { c.InterpretationChanges++ })
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// postComment serves POST /api/interpretations/{id}/comments (201).
func (e *Emulator) postComment(w http.ResponseWriter, r *http.Request) error {
	text, err := interpretationText(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	cm, err := e.sys.Interpretations.AddComment(caller(r), id, text)
	if err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.CommentsCreated++ })
	w.Header().Set("Location", apiURL(r)+"/interpretations/"+id+"/comments/"+cm.ID)
	return writeMessage(w, http.StatusCreated, "Commented created")
}

// putComment serves PUT /api/interpretations/{id}/comments/{cid} (204).
func (e *Emulator) putComment(w http.ResponseWriter, r *http.Request) error {
	text, err := interpretationText(r)
	if err != nil {
		return err
	}
	if err := e.sys.Interpretations.UpdateComment(caller(r), r.PathValue("id"), r.PathValue("cid"), text); err != nil {
		return sysErr(err)
	}
	return e.interpretationChanged(w)
}

// deleteComment serves DELETE /api/interpretations/{id}/comments/{cid}.
func (e *Emulator) deleteComment(w http.ResponseWriter, r *http.Request) error {
	if err := e.sys.Interpretations.DeleteComment(caller(r), r.PathValue("id"), r.PathValue("cid")); err != nil {
		return sysErr(err)
	}
	return e.interpretationChanged(w)
}

// likeInterpretation serves POST (like) and DELETE (unlike)
// /api/interpretations/{id}/like; DHIS2 answers 201 to both.
func (e *Emulator) likeInterpretation(like bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		msg := "Like added to interpretation"
		err := e.sys.Interpretations.Like(caller(r), id)
		if !like {
			msg = "Like removed from interpretation"
			err = e.sys.Interpretations.Unlike(caller(r), id)
		}
		if err != nil {
			return sysErr(err)
		}
		e.countSystem(func(c *SystemCounts) { c.InterpretationChanges++ })
		return writeMessage(w, http.StatusCreated, msg)
	}
}
