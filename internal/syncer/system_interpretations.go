package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// interpretationFields are read from both sides.
const interpretationFields = "id,type,text,created,user[id,username],createdBy[id,username]," +
	"visualization[id],map[id],eventReport[id],eventChart[id],eventVisualization[id],chart[id],reportTable[id]," +
	"dataSet[id],period[id],organisationUnit[id],likes,likedBy[id],comments[id,text,created,user[id,username],createdBy[id,username]]"

// interpretationTargets are the properties naming what an interpretation
// is about, with the endpoint that creates one.
var interpretationTargets = []struct{ field, endpoint string }{
	{"visualization", "visualization"}, {"map", "map"}, {"eventVisualization", "eventVisualization"},
	{"eventReport", "eventReport"}, {"eventChart", "eventChart"}, {"chart", "chart"},
	{"reportTable", "reportTable"}, {"dataSet", "dataSetReport"},
}

type comment struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// interpretation is what d2sync reads of one interpretation.
type interpretation struct {
	ID       string           `json:"id"`
	Text     string           `json:"text"`
	Likes    int              `json:"likes"`
	Period   *idRef           `json:"period"`
	OrgUnit  *idRef           `json:"organisationUnit"`
	Comments []comment        `json:"comments"`
	refs     map[string]idRef // target field → object
}

// target returns the target's field and UID ("", "" when unknown).
func (in *interpretation) target() (string, string) {
	for _, t := range interpretationTargets {
		if r, ok := in.refs[t.field]; ok && r.ID != "" {
			return t.field, r.ID
		}
	}
	return "", ""
}

func decodeInterpretation(raw json.RawMessage) (*interpretation, error) {
	var in interpretation
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	in.refs = map[string]idRef{}
	for _, t := range interpretationTargets {
		var r idRef
		if v, ok := all[t.field]; ok && json.Unmarshal(v, &r) == nil && r.ID != "" {
			in.refs[t.field] = r
		}
	}
	return &in, nil
}

// listInterpretations reads every interpretation of an instance.
func listInterpretations(ctx context.Context, c *dhis2.Client) ([]*interpretation, error) {
	var out []*interpretation
	q := url.Values{"fields": {interpretationFields}, "paging": {"false"}}
	for raw, err := range c.List(ctx, "interpretations", q, dhis2.ListOptions{Key: "interpretations"}) {
		if err != nil {
			return nil, fmt.Errorf("read the interpretations: %w", err)
		}
		in, err := decodeInterpretation(raw)
		if err != nil {
			return nil, fmt.Errorf("read the interpretations: %w", err)
		}
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// targetKey identifies what an interpretation is about, on the
// destination: the target's (mapped) UID plus period and org unit.
func (s *sysRun) targetKey(ctx context.Context, in *interpretation, mapIDs bool) string {
	field, id := in.target()
	field = canonicalTargetField(field)
	if mapIDs {
		id = s.mapped(ctx, field+"s", id)
	}
	k := field + ":" + id
	if in.Period != nil {
		k += "/" + in.Period.ID
	}
	if in.OrgUnit != nil {
		ou := in.OrgUnit.ID
		if mapIDs {
			ou = s.mapped(ctx, "organisationUnits", ou)
		}
		k += "@" + ou
	}
	return k
}

// canonicalTargetField folds 2.33 charts and report tables into
// visualizations (2.34 kept their UIDs).
func canonicalTargetField(f string) string {
	if f == "chart" || f == "reportTable" {
		return "visualization"
	}
	return f
}

// interpretationPlan pairs source interpretations with destination ones.
type interpretationPlan struct {
	pairs    map[string]*interpretation // source id → destination interpretation
	unpaired []*interpretation          // source interpretations to create
	extra    []*interpretation          // destination interpretations with no source
}

// pairInterpretations matches by the stored ID mapping first, then by
// target and text (a run whose mapping was lost must not duplicate).
func (s *sysRun) pairInterpretations(ctx context.Context, src, dst []*interpretation) interpretationPlan {
	p := interpretationPlan{pairs: map[string]*interpretation{}}
	byID := map[string]*interpretation{}
	for _, d := range dst {
		byID[d.ID] = d
	}
	used := map[string]bool{}
	var rest []*interpretation
	for _, in := range src {
		if d := byID[s.mapped(ctx, partInterpretations, in.ID)]; d != nil && !used[d.ID] {
			p.pairs[in.ID], used[d.ID] = d, true
			continue
		}
		rest = append(rest, in)
	}
	byKey := map[string][]*interpretation{}
	for _, d := range dst {
		if !used[d.ID] {
			k := s.targetKey(ctx, d, false) + "\x00" + d.Text
			byKey[k] = append(byKey[k], d)
		}
	}
	for _, in := range rest {
		k := s.targetKey(ctx, in, true) + "\x00" + in.Text
		if c := byKey[k]; len(c) > 0 {
			p.pairs[in.ID], used[c[0].ID] = c[0], true
			byKey[k] = c[1:]
			continue
		}
		p.unpaired = append(p.unpaired, in)
	}
	for _, d := range dst {
		if !used[d.ID] {
			p.extra = append(p.extra, d)
		}
	}
	return p
}

// syncInterpretations copies interpretations and their comments. DHIS2
// lets a client create them only as itself, now: authors, dates and likes
// cannot be carried (reported as not replicable).
func (s *sysRun) syncInterpretations(ctx context.Context) error {
	src, err := listInterpretations(ctx, s.r.Source.Client)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dst, err := listInterpretations(ctx, s.r.Dest.Client)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	s.request(2)
	s.noteInterpretationLosses(src)
	plan := s.pairInterpretations(ctx, src, dst)
	if !s.r.VerifyOnly {
		if err := s.applyInterpretations(ctx, src, plan); err != nil {
			return err
		}
	}
	if s.r.Opts.DryRun {
		return nil
	}
	if !s.r.VerifyOnly {
		if dst, err = listInterpretations(ctx, s.r.Dest.Client); err != nil {
			return fmt.Errorf("verification: destination: %w", err)
		}
		s.request(1)
		plan = s.pairInterpretations(ctx, src, dst)
	}
	s.verified(s.verifyInterpretations(ctx, src, plan)...)
	return nil
}

// noteInterpretationLosses records what the API cannot carry.
func (s *sysRun) noteInterpretationLosses(src []*interpretation) {
	n, likes, comments := len(src), 0, 0
	for _, in := range src {
		likes += in.Likes
		comments += len(in.Comments)
	}
	if n+comments > 0 {
		s.noteNotReplicable("interpretation and comment authors and dates", n+comments,
			"DHIS2 creates interpretations and comments as the calling user, at the time of the call: on the destination d2sync's user is their author and the copy date their creation date")
	}
	if likes > 0 {
		s.noteNotReplicable("interpretation likes", likes, "a like can only be given by the user who likes, signed in as that user")
	}
}

// applyInterpretations creates missing interpretations, updates edited
// texts and copies comments.
func (s *sysRun) applyInterpretations(ctx context.Context, src []*interpretation, plan interpretationPlan) error {
	for _, in := range src {
		d := plan.pairs[in.ID]
		var err error
		switch {
		case d == nil:
			d, err = s.createInterpretation(ctx, in)
		case d.Text != in.Text:
			err = s.updateText(ctx, "interpretations/"+d.ID, in.Text, partInterpretations)
			d.Text = in.Text
		default:
			s.count(partInterpretations, func(c *Counts) { c.Unchanged++ })
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			s.fail(partInterpretations, in.ID, s.targetKey(ctx, in, true), errorCode(err), err.Error())
			continue
		}
		if err := s.syncComments(ctx, in, d); err != nil {
			return err
		}
	}
	return nil
}

// createInterpretation posts one interpretation (text/plain) on its
// target and records the new UID in the ID map.
func (s *sysRun) createInterpretation(ctx context.Context, in *interpretation) (*interpretation, error) {
	field, id := in.target()
	if field == "" {
		return nil, fmt.Errorf("interpretation %s has no target this version of d2sync knows", in.ID)
	}
	endpoint := targetEndpoint(field, s.r.Dest.Version())
	q := url.Values{}
	if in.OrgUnit != nil && in.OrgUnit.ID != "" {
		q.Set("ou", s.mapped(ctx, "organisationUnits", in.OrgUnit.ID))
	}
	if in.Period != nil && in.Period.ID != "" {
		q.Set("pe", in.Period.ID)
	}
	d := &interpretation{Text: in.Text, refs: in.refs, Period: in.Period, OrgUnit: in.OrgUnit}
	if !s.writes() {
		s.count(partInterpretations, func(c *Counts) { c.Created++ })
		return d, nil
	}
	p := "interpretations/" + endpoint + "/" + url.PathEscape(s.mapped(ctx, canonicalTargetField(field)+"s", id))
	resp, err := s.r.Dest.Client.Post(ctx, p, q, dhis2.BytesBody([]byte(in.Text), "text/plain"))
	s.request(1)
	if err != nil {
		return nil, fmt.Errorf("create the interpretation on %s %s: %w", field, id, err)
	}
	d.ID = createdID(resp)
	if d.ID == "" {
		return nil, fmt.Errorf("create the interpretation on %s %s: the answer names no interpretation (no Location header)", field, id)
	}
	s.count(partInterpretations, func(c *Counts) { c.Created++ })
	return d, s.remember(ctx, partInterpretations, in.ID, d.ID)
}

// targetEndpoint is the creation endpoint of a target on a version:
// charts and report tables are visualizations from 2.34.
func targetEndpoint(field string, v dhis2.Version) string {
	if (field == "chart" || field == "reportTable") && v.AtLeast(34) {
		return "visualization"
	}
	for _, t := range interpretationTargets {
		if t.field == field {
			return t.endpoint
		}
	}
	return field
}

// createdID takes the new object's UID from the Location header (or the
// WebMessage's response.uid).
func createdID(resp *dhis2.Response) string {
	if loc := resp.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			return path.Base(u.Path)
		}
	}
	var wm struct {
		Response struct {
			UID string `json:"uid"`
		} `json:"response"`
	}
	if json.Unmarshal(resp.Body, &wm) == nil {
		return wm.Response.UID
	}
	return ""
}

// updateText replaces the text of an interpretation or comment.
func (s *sysRun) updateText(ctx context.Context, p, text, part string) error {
	if !s.writes() {
		s.count(part, func(c *Counts) { c.Updated++ })
		return nil
	}
	b := dhis2.BytesBody([]byte(text), "text/plain")
	b.Idempotent = true
	_, err := s.r.Dest.Client.Put(ctx, p, nil, b)
	s.request(1)
	if err != nil {
		return fmt.Errorf("update %s: %w", p, err)
	}
	s.count(part, func(c *Counts) { c.Updated++ })
	return nil
}

// syncComments copies the comments of one interpretation, matched by the
// stored mapping, then by text.
func (s *sysRun) syncComments(ctx context.Context, src, dst *interpretation) error {
	pairs, missing, _ := s.pairComments(ctx, src.Comments, dst.Comments)
	for _, c := range src.Comments {
		d, ok := pairs[c.ID]
		var err error
		switch {
		case ok && d.Text != c.Text:
			err = s.updateText(ctx, "interpretations/"+dst.ID+"/comments/"+d.ID, c.Text, partComments)
		case ok:
			s.count(partComments, func(n *Counts) { n.Unchanged++ })
		case !missing[c.ID]:
		case !s.writes() || dst.ID == "":
			s.count(partComments, func(n *Counts) { n.Created++ })
		default:
			err = s.createComment(ctx, dst.ID, c)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			s.fail(partComments, c.ID, "interpretation "+src.ID, errorCode(err), err.Error())
		}
	}
	return nil
}

func (s *sysRun) createComment(ctx context.Context, interp string, c comment) error {
	resp, err := s.r.Dest.Client.Post(ctx, "interpretations/"+url.PathEscape(interp)+"/comments", nil, dhis2.BytesBody([]byte(c.Text), "text/plain"))
	s.request(1)
	if err != nil {
		return fmt.Errorf("create a comment on interpretation %s: %w", interp, err)
	}
	s.count(partComments, func(n *Counts) { n.Created++ })
	if id := createdID(resp); id != "" && id != "comments" {
		return s.remember(ctx, partComments, c.ID, id)
	}
	return nil
}

// pairComments matches source comments with destination ones: mapped
// UID, then equal text. It returns the pairs, the source comments without
// a match and the destination comments without one.
func (s *sysRun) pairComments(ctx context.Context, src, dst []comment) (map[string]comment, map[string]bool, []comment) {
	pairs, missing := map[string]comment{}, map[string]bool{}
	byID := map[string]comment{}
	for _, d := range dst {
		byID[d.ID] = d
	}
	used := map[string]bool{}
	var rest []comment
	for _, c := range src {
		if d, ok := byID[s.mapped(ctx, partComments, c.ID)]; ok && !used[d.ID] {
			pairs[c.ID], used[d.ID] = d, true
			continue
		}
		rest = append(rest, c)
	}
	for _, c := range rest {
		found := false
		for _, d := range dst {
			if !used[d.ID] && d.Text == c.Text {
				pairs[c.ID], used[d.ID], found = d, true, true
				break
			}
		}
		if !found {
			missing[c.ID] = true
		}
	}
	var extra []comment
	for _, d := range dst {
		if !used[d.ID] {
			extra = append(extra, d)
		}
	}
	return pairs, missing, extra
}

// verifyInterpretations compares interpretations (target and text) and
// comments (text) of each paired interpretation.
func (s *sysRun) verifyInterpretations(ctx context.Context, src []*interpretation, plan interpretationPlan) []VerifyItem {
	it := VerifyItem{Type: partInterpretations, Source: len(src)}
	ct := VerifyItem{Type: partComments}
	for _, in := range src {
		ct.Source += len(in.Comments)
		d := plan.pairs[in.ID]
		if d == nil {
			it.Missing++
			it.Details = append(it.Details, VerifyDetail{Kind: "missing", UID: in.ID, Name: s.targetKey(ctx, in, true)})
			ct.Missing += len(in.Comments)
			continue
		}
		it.Dest++
		if d.Text == in.Text && s.targetKey(ctx, in, true) == s.targetKey(ctx, d, false) {
			it.Match++
		} else {
			it.Differ++
			it.Details = append(it.Details, VerifyDetail{Kind: "differ", UID: in.ID, Name: s.targetKey(ctx, in, true), Paths: []string{"text"}})
		}
		pairs, missing, extra := s.pairComments(ctx, in.Comments, d.Comments)
		ct.Dest += len(pairs)
		for _, c := range in.Comments {
			switch p, ok := pairs[c.ID]; {
			case ok && p.Text == c.Text:
				ct.Match++
			case ok:
				ct.Differ++
				ct.Details = append(ct.Details, VerifyDetail{Kind: "differ", UID: c.ID, Name: "interpretation " + in.ID, Paths: []string{"text"}})
			case missing[c.ID]:
				ct.Missing++
				ct.Details = append(ct.Details, VerifyDetail{Kind: "missing", UID: c.ID, Name: "interpretation " + in.ID})
			}
		}
		for _, e := range extra {
			ct.Extra++
			ct.Details = append(ct.Details, VerifyDetail{Kind: "extra", UID: e.ID, Name: "interpretation " + d.ID})
		}
	}
	for _, e := range plan.extra {
		it.Extra++
		it.Details = append(it.Details, VerifyDetail{Kind: "extra", UID: e.ID, Name: strings.TrimSpace(s.targetKey(ctx, e, false))})
	}
	return []VerifyItem{it, ct}
}
