package system

import (
	"slices"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// Interpretation targets: the URL segment of POST
// /api/interpretations/{kind}/{uid}, with the AnalyticsFavoriteType and
// the property the target is written under.
var interpretationKinds = map[string]struct{ typ, prop string }{
	"visualization":      {"VISUALIZATION", "visualization"},
	"eventVisualization": {"EVENT_VISUALIZATION", "eventVisualization"},
	"map":                {"MAP", "map"},
	"eventReport":        {"EVENT_REPORT", "eventReport"},
	"eventChart":         {"EVENT_CHART", "eventChart"},
	"dataSetReport":      {"DATASET_REPORT", "dataSet"},
	"chart":              {"CHART", "chart"},
	"reportTable":        {"REPORT_TABLE", "reportTable"},
}

// InterpretationKinds returns the interpretation targets of the emulated
// version: chart and reportTable up to 2.36, visualization from 2.34,
// eventVisualization from 2.38; map, eventReport, eventChart and
// dataSetReport always.
func (s *System) InterpretationKinds() []string {
	p := s.prof
	kinds := []string{"map", "eventReport", "eventChart", "dataSetReport"}
	if p.Charts {
		kinds = append(kinds, "chart", "reportTable")
	}
	if p.Visualizations {
		kinds = append(kinds, "visualization")
	}
	if p.EventVisualizns {
		kinds = append(kinds, "eventVisualization")
	}
	slices.Sort(kinds)
	return kinds
}

// Comment is an interpretation comment.
type Comment struct {
	ID          string    `json:"id"`
	Text        string    `json:"text"`
	Created     time.Time `json:"created"`
	LastUpdated time.Time `json:"lastUpdated"`
	CreatedBy   UserRef   `json:"createdBy"`
}

// Interpretation is a user's comment on an analytical object. Its author
// and creation time are always the calling user and the server clock:
// the API cannot set them.
type Interpretation struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`   // visualization, map, … (the URL segment)
	Target      string     `json:"target"` // UID of the visualization, map, data set…
	Text        string     `json:"text"`
	Period      string     `json:"period,omitempty"`
	OrgUnit     string     `json:"orgUnit,omitempty"`
	Created     time.Time  `json:"created"`
	LastUpdated time.Time  `json:"lastUpdated"`
	CreatedBy   UserRef    `json:"createdBy"`
	Comments    []*Comment `json:"comments"`
	LikedBy     []UserRef  `json:"likedBy"`
}

func (it *Interpretation) clone() *Interpretation {
	c := *it
	c.Comments = make([]*Comment, len(it.Comments))
	for i, cm := range it.Comments {
		cc := *cm
		c.Comments[i] = &cc
	}
	c.LikedBy = slices.Clone(it.LikedBy)
	return &c
}

// Interpretations is /api/interpretations.
type Interpretations struct {
	sys *System

	mu   sync.RWMutex
	byID map[string]*Interpretation
}

func newInterpretations(s *System) *Interpretations {
	return &Interpretations{sys: s, byID: map[string]*Interpretation{}}
}

// Create records an interpretation of the target (which the caller has
// checked exists) with text, by c, now. It returns the new interpretation.
func (in *Interpretations) Create(c Caller, kind, target, text, period, orgUnit string) (*Interpretation, error) {
	if _, ok := interpretationKinds[kind]; !ok {
		return nil, badRequest("Unknown interpretation target %s", kind)
	}
	now := in.sys.now()
	it := &Interpretation{ID: NewUID(), Kind: kind, Target: target, Text: text, Period: period, OrgUnit: orgUnit,
		Created: now, LastUpdated: now, CreatedBy: c.ref(), Comments: []*Comment{}, LikedBy: []UserRef{}}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.byID[it.ID] = it
	return it.clone(), nil
}

// Get returns one interpretation.
func (in *Interpretations) Get(id string) (*Interpretation, bool) {
	in.mu.RLock()
	defer in.mu.RUnlock()
	it, ok := in.byID[id]
	if !ok {
		return nil, false
	}
	return it.clone(), true
}

// List returns every interpretation, oldest first (then by id).
func (in *Interpretations) List() []*Interpretation {
	in.mu.RLock()
	defer in.mu.RUnlock()
	out := make([]*Interpretation, 0, len(in.byID))
	for _, it := range in.byID {
		out = append(out, it.clone())
	}
	slices.SortFunc(out, func(a, b *Interpretation) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return compareStrings(a.ID, b.ID)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (in *Interpretations) missing(id string, notFound bool) *Error {
	if notFound {
		return in.sys.notFound("Interpretation does not exist: %s", id)
	}
	return in.sys.conflict("Interpretation does not exist: %s", id)
}

// UpdateText is PUT /api/interpretations/{id} (author or superuser).
func (in *Interpretations) UpdateText(c Caller, id, text string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	it, ok := in.byID[id]
	if !ok {
		return in.missing(id, true)
	}
	if it.CreatedBy.ID != c.ID && !c.Superuser() {
		return forbidden("You are not allowed to update this interpretation.")
	}
	it.Text, it.LastUpdated = text, in.sys.now()
	return nil
}

// Delete is DELETE /api/interpretations/{id} (author or superuser).
func (in *Interpretations) Delete(c Caller, id string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	it, ok := in.byID[id]
	if !ok {
		return in.missing(id, true)
	}
	if it.CreatedBy.ID != c.ID && !c.Superuser() {
		return forbidden("You are not allowed to delete this interpretation.")
	}
	delete(in.byID, id)
	return nil
}

// AddComment is POST /api/interpretations/{id}/comments.
func (in *Interpretations) AddComment(c Caller, id, text string) (*Comment, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	it, ok := in.byID[id]
	if !ok {
		return nil, in.missing(id, false)
	}
	now := in.sys.now()
	cm := &Comment{ID: NewUID(), Text: text, Created: now, LastUpdated: now, CreatedBy: c.ref()}
	it.Comments = append(it.Comments, cm)
	it.LastUpdated = now
	out := *cm
	return &out, nil
}

// UpdateComment is PUT /api/interpretations/{id}/comments/{cid}.
func (in *Interpretations) UpdateComment(c Caller, id, cid, text string) error {
	return in.onComment(c, id, cid, "update", func(it *Interpretation, i int) {
		it.Comments[i].Text = text
		it.Comments[i].LastUpdated = in.sys.now()
	})
}

// DeleteComment is DELETE /api/interpretations/{id}/comments/{cid}.
func (in *Interpretations) DeleteComment(c Caller, id, cid string) error {
	return in.onComment(c, id, cid, "delete", func(it *Interpretation, i int) {
		it.Comments = slices.Delete(it.Comments, i, i+1)
	})
}

func (in *Interpretations) onComment(c Caller, id, cid, verb string, f func(*Interpretation, int)) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	it, ok := in.byID[id]
	if !ok {
		return in.missing(id, false)
	}
	for i, cm := range it.Comments {
		if cm.ID != cid {
			continue
		}
		if cm.CreatedBy.ID != c.ID && !c.Superuser() {
			return forbidden("You are not allowed to %s this comment.", verb)
		}
		f(it, i)
		return nil
	}
	return nil
}

// Like is POST /api/interpretations/{id}/like; a second like by the same
// user is a 409.
func (in *Interpretations) Like(c Caller, id string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	it, ok := in.byID[id]
	if !ok {
		return in.missing(id, false)
	}
	if slices.ContainsFunc(it.LikedBy, func(u UserRef) bool { return u.ID == c.ID }) {
		return in.sys.conflict("Could not add like, user had already liked interpretation")
	}
	it.LikedBy = append(it.LikedBy, c.ref())
	return nil
}

// Unlike is DELETE /api/interpretations/{id}/like.
func (in *Interpretations) Unlike(c Caller, id string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	it, ok := in.byID[id]
	if !ok {
		return in.missing(id, false)
	}
	i := slices.IndexFunc(it.LikedBy, func(u UserRef) bool { return u.ID == c.ID })
	if i < 0 {
		return in.sys.conflict("Could not remove like, user had not previously liked interpretation")
	}
	it.LikedBy = slices.Delete(it.LikedBy, i, i+1)
	return nil
}

// Seed stores an interpretation as given (id, dates, author, comments
// kept): the seed's way to have history the API could not write.
func (in *Interpretations) Seed(it Interpretation) {
	if it.ID == "" {
		it.ID = NewUID()
	}
	if it.LastUpdated.IsZero() {
		it.LastUpdated = it.Created
	}
	if it.Comments == nil {
		it.Comments = []*Comment{}
	}
	if it.LikedBy == nil {
		it.LikedBy = []UserRef{}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.byID[it.ID] = it.clone()
}

// Render returns the full JSON of an interpretation for c in the shape of
// the emulated version.
func (in *Interpretations) Render(it *Interpretation, c Caller) map[string]any {
	s := in.sys
	k := interpretationKinds[it.Kind]
	legacyUser := s.prof.Version.Minor < 41
	comments := make([]any, len(it.Comments))
	for i, cm := range it.Comments {
		cj := map[string]any{"id": cm.ID, "text": cm.Text, "created": s.FormatTime(cm.Created), "lastUpdated": s.FormatTime(cm.LastUpdated),
			"createdBy": cm.CreatedBy.render(), "mentions": []any{}}
		if legacyUser {
			cj["user"] = cm.CreatedBy.render()
		}
		comments[i] = cj
	}
	liked := make([]any, len(it.LikedBy))
	for i, u := range it.LikedBy {
		liked[i] = u.render()
	}
	sh := Sharing{Owner: it.CreatedBy.ID, Public: "rw------"}
	m := map[string]any{
		"id": it.ID, "text": it.Text, "type": k.typ, k.prop: map[string]any{"id": it.Target},
		"created": s.FormatTime(it.Created), "lastUpdated": s.FormatTime(it.LastUpdated),
		"createdBy": it.CreatedBy.render(), "lastUpdatedBy": map[string]any{"id": it.CreatedBy.ID},
		"likes": len(it.LikedBy), "likedBy": liked, "comments": comments, "mentions": []any{},
		"attributeValues": []any{}, "translations": []any{}, "favorites": []any{}, "favorite": false,
		"access": access(c, sh),
	}
	if s.prof.EventVisualizns && (it.Kind == "eventReport" || it.Kind == "eventChart") {
		m["eventVisualization"] = map[string]any{"id": it.Target}
	}
	if it.Period != "" {
		m["period"] = map[string]any{"id": it.Period}
	}
	if it.OrgUnit != "" {
		m["organisationUnit"] = map[string]any{"id": it.OrgUnit}
	}
	if legacyUser {
		m["user"] = it.CreatedBy.render()
	}
	if s.prof.Sharing != profile.SharingLegacy {
		m["sharing"] = s.renderSharing(sh)
	}
	s.renderLegacySharing(m, sh)
	return m
}

func (in *Interpretations) restore(list []*Interpretation) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.byID = map[string]*Interpretation{}
	for _, it := range list {
		in.byID[it.ID] = it.clone()
	}
}
