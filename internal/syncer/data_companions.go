package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// runCompanions replicates what travels beside data values and is not
// metadata: min-max values and lock exceptions (approvals go with the
// chunks, see approvals).
func (d *dataRun) runCompanions(ctx context.Context) error {
	if err := d.minMax(ctx); err != nil {
		return fmt.Errorf("min-max values: %w", err)
	}
	if err := d.lockExceptions(ctx); err != nil {
		return fmt.Errorf("lock exceptions: %w", err)
	}
	return nil
}

// inSelection reports whether an org unit and a data element (or data
// set) fall in the run's selection.
func (d *dataRun) ouSelected(ou string) bool {
	if len(d.opts.OrgUnits) == 0 {
		return true
	}
	n := d.tree.nodes[ou]
	if n == nil {
		return false
	}
	for _, id := range d.opts.OrgUnits {
		top := d.tree.nodes[id]
		if top != nil && (n.Path == top.Path || strings.HasPrefix(n.Path, top.Path+"/")) {
			return true
		}
	}
	return false
}

func (d *dataRun) deSelected(de string) bool {
	for _, s := range d.sets {
		if _, ok := s.elements[de]; ok {
			return true
		}
	}
	return false
}

func (d *dataRun) dsSelected(ds string) bool {
	for _, s := range d.sets {
		if s.ID == ds {
			return true
		}
	}
	return false
}

type idRef struct {
	ID string `json:"id"`
}

// minMaxValue is a min-max data element (not metadata: /api/minMaxDataElements).
type minMaxValue struct {
	Min         *int   `json:"min"`
	Max         *int   `json:"max"`
	Generated   bool   `json:"generated"`
	Source      idRef  `json:"source"`
	DataElement idRef  `json:"dataElement"`
	OptionCombo idRef  `json:"optionCombo"`
	key         string `json:"-"`
}

func (m *minMaxValue) same(o *minMaxValue) bool {
	return eqInt(m.Min, o.Min) && eqInt(m.Max, o.Max) && m.Generated == o.Generated
}

func eqInt(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func (d *dataRun) readMinMax(ctx context.Context, c *dhis2.Client, source bool) (map[string]*minMaxValue, error) {
	q := url.Values{"fields": {"min,max,generated,source[id],dataElement[id],optionCombo[id]"}}
	out := map[string]*minMaxValue{}
	for raw, err := range c.List(ctx, "minMaxDataElements", q, dhis2.ListOptions{Key: "minMaxDataElements", PageSize: 1000}) {
		if err != nil {
			return nil, err
		}
		var m minMaxValue
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if source {
			if !d.ouSelected(m.Source.ID) || !d.deSelected(m.DataElement.ID) {
				continue
			}
			m.Source.ID, m.DataElement.ID, m.OptionCombo.ID = d.mapID(m.Source.ID), d.mapID(m.DataElement.ID), d.mapID(m.OptionCombo.ID)
		}
		m.key = m.Source.ID + "/" + m.DataElement.ID + "/" + m.OptionCombo.ID
		out[m.key] = &m
	}
	return out, nil
}

// minMax copies the min-max values of the selection (POST upserts) and
// verifies them.
func (d *dataRun) minMax(ctx context.Context) error {
	src, err := d.readMinMax(ctx, d.src, true)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dst, err := d.readMinMax(ctx, d.dst, false)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var send []*minMaxValue
	for k, s := range src {
		if cur := dst[k]; cur == nil || !s.same(cur) {
			send = append(send, s)
		}
	}
	sort.Slice(send, func(i, j int) bool { return send[i].key < send[j].key })
	var c Counts
	c.Unchanged = len(src) - len(send)
	if d.r.Opts.DryRun { // what a real run would send
		for _, m := range send {
			if dst[m.key] == nil {
				c.Created++
			} else {
				c.Updated++
			}
		}
	}
	if d.writes && len(send) > 0 {
		for _, m := range send {
			body := dhis2.JSONBody(m)
			body.Idempotent = true
			if _, err := d.dst.Post(ctx, "minMaxDataElements", nil, body); err != nil {
				if isPermanentRefusal(err) {
					c.Failed++
					d.fail(Failure{Type: "minMaxDataElements", UID: m.key, Message: err.Error()})
					continue
				}
				return fmt.Errorf("destination: %w", err)
			}
			if dst[m.key] == nil {
				c.Created++
			} else {
				c.Updated++
			}
		}
		if dst, err = d.readMinMax(ctx, d.dst, false); err != nil {
			return fmt.Errorf("destination: %w", err)
		}
	}
	v := &verifyCounts{}
	for k, s := range src {
		v.Source++
		cur := dst[k]
		switch {
		case cur == nil:
			v.Missing++
		case s.same(cur):
			v.Dest++
			v.Match++
		default:
			v.Dest++
			v.Differ++
		}
	}
	d.mu.Lock()
	d.companion["minMaxDataElements"] = v
	d.stage.Counts["minMaxDataElements"] = c
	d.mu.Unlock()
	return nil
}

// isPermanentRefusal reports a 4xx answer about one object (not an
// authentication or authority problem, which stops the run).
func isPermanentRefusal(err error) bool {
	var e *dhis2.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.HTTPStatus == 400 || e.HTTPStatus == 404 || e.HTTPStatus == 409
}

// lockException is one /api/lockExceptions entry.
type lockException struct {
	DataSet idRef `json:"dataSet"`
	Period  struct {
		ID string `json:"id"`
	} `json:"period"`
	OrgUnit idRef `json:"organisationUnit"`
}

func (l *lockException) key() string { return l.DataSet.ID + "/" + l.Period.ID + "/" + l.OrgUnit.ID }

func (d *dataRun) readLockExceptions(ctx context.Context, c *dhis2.Client, source bool) (map[string]*lockException, error) {
	q := url.Values{"fields": {"dataSet[id],period[id],organisationUnit[id]"}}
	out := map[string]*lockException{}
	for raw, err := range c.List(ctx, "lockExceptions", q, dhis2.ListOptions{Key: "lockExceptions", PageSize: 1000}) {
		if err != nil {
			return nil, err
		}
		var l lockException
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, err
		}
		if source {
			if !d.dsSelected(l.DataSet.ID) || !d.ouSelected(l.OrgUnit.ID) {
				continue
			}
			l.DataSet.ID, l.OrgUnit.ID = d.mapID(l.DataSet.ID), d.mapID(l.OrgUnit.ID)
		}
		out[l.key()] = &l
	}
	return out, nil
}

// lockExceptions creates the source's lock exceptions the destination
// lacks and verifies them.
func (d *dataRun) lockExceptions(ctx context.Context) error {
	src, err := d.readLockExceptions(ctx, d.src, true)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dst, err := d.readLockExceptions(ctx, d.dst, false)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var c Counts
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if dst[k] != nil {
			c.Unchanged++
			continue
		}
		if !d.writes {
			if d.r.Opts.DryRun { // what a real run would create
				c.Created++
			}
			continue
		}
		l := src[k]
		q := url.Values{"ds": {l.DataSet.ID}, "pe": {l.Period.ID}, "ou": {l.OrgUnit.ID}}
		body := dhis2.BytesBody(nil, "")
		body.Idempotent = true
		if _, err := d.dst.Post(ctx, "lockExceptions", q, body); err != nil {
			if isPermanentRefusal(err) {
				c.Failed++
				d.fail(Failure{Type: "lockExceptions", UID: k, Message: err.Error()})
				continue
			}
			return fmt.Errorf("destination: %w", err)
		}
		c.Created++
	}
	if d.writes && c.Created > 0 {
		if dst, err = d.readLockExceptions(ctx, d.dst, false); err != nil {
			return fmt.Errorf("destination: %w", err)
		}
	}
	v := &verifyCounts{}
	for k := range src {
		v.Source++
		if dst[k] == nil {
			v.Missing++
			continue
		}
		v.Dest++
		v.Match++
	}
	d.mu.Lock()
	d.companion["lockExceptions"] = v
	d.stage.Counts["lockExceptions"] = c
	d.mu.Unlock()
	if len(src) > 0 {
		d.log(slog.LevelInfo, "data.lockExceptions", fmt.Sprintf("%d lock exceptions: %d created, %d already there", len(src), c.Created, c.Unchanged))
	}
	return nil
}
