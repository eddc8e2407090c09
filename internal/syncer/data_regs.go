package syncer

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// registration is a complete data set registration as DHIS2 exports it
// (note "organisationUnit", not "orgUnit").
type registration struct {
	DataSet              string `json:"dataSet"`
	Period               string `json:"period"`
	OrgUnit              string `json:"organisationUnit"`
	AttributeOptionCombo string `json:"attributeOptionCombo"`
	Date                 string `json:"date,omitempty"`
	StoredBy             string `json:"storedBy,omitempty"`
	Completed            *bool  `json:"completed,omitempty"`
}

type regKey struct{ DS, PE, OU, AOC string }

func (r *registration) key() regKey {
	return regKey{r.DataSet, r.Period, r.OrgUnit, r.AttributeOptionCombo}
}

func (r *registration) completed() bool { return r.Completed == nil || *r.Completed }

// day is the registration's date as yyyy-MM-dd.
func (r *registration) day() string {
	if len(r.Date) >= 10 {
		return r.Date[:10]
	}
	return r.Date
}

// sameRegistration compares what the destination keeps of a registration.
func sameRegistration(s, d *registration) bool {
	return s.completed() == d.completed() && s.day() == d.day() && (s.StoredBy == "" || s.StoredBy == d.StoredBy)
}

// registrations replicates and verifies the complete data set
// registrations of a data set in the selected subtrees (they are few: one
// per data set, period, org unit and attribute option combo).
func (sr *streamRun) registrations(ctx context.Context) error {
	for _, n := range sr.s.regs {
		if err := sr.registrationsUnder(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func (sr *streamRun) registrationsUnder(ctx context.Context, n *ouNode) error {
	d := sr.d
	ds := sr.s.ds
	q := url.Values{"dataSet": {ds.ID}, "orgUnit": {n.ID}, "children": {"true"}}
	d.periodQuery(q)
	src, err := d.readRegistrations(ctx, d.src, q, true)
	if err != nil {
		return err
	}
	dq := url.Values{"dataSet": {d.mapID(ds.ID)}, "orgUnit": {d.mapID(n.ID)}, "children": {"true"}}
	d.periodQuery(dq)
	dst := map[regKey]*registration{}
	if !d.absent[ds.ID] && !d.destLacks(n.ID) { // a data set or org unit a dry run's metadata stage plans to create has none
		if dst, err = d.readRegistrationMap(ctx, d.dst, dq); err != nil {
			return err
		}
	}
	t := &sr.cp.Tally
	send := regChanges(src, dst)
	t.RegWrites.Unchanged += len(src) - len(send)
	if d.r.Opts.DryRun {
		for _, r := range send {
			if dst[r.key()] == nil {
				t.RegWrites.Created++
			} else {
				t.RegWrites.Updated++
			}
		}
	}
	if d.writes && len(send) > 0 {
		if err := sr.sendRegistrations(ctx, send); err != nil {
			return err
		}
		if dst, err = d.readRegistrationMap(ctx, d.dst, dq); err != nil {
			return err
		}
	}
	compareRegistrations(src, dst, &t.Regs)
	return nil
}

func regChanges(src []*registration, dst map[regKey]*registration) []*registration {
	var out []*registration
	for _, s := range src {
		if d := dst[s.key()]; d == nil || !sameRegistration(s, d) {
			out = append(out, s)
		}
	}
	return out
}

func compareRegistrations(src []*registration, dst map[regKey]*registration, v *verifyCounts) {
	seen := map[regKey]bool{}
	for _, s := range src {
		seen[s.key()] = true
		v.Source++
		d := dst[s.key()]
		switch {
		case d == nil:
			v.Missing++
		case sameRegistration(s, d):
			v.Dest++
			v.Match++
		default:
			v.Dest++
			v.Differ++
		}
	}
	for k := range dst {
		if !seen[k] {
			v.Dest++
			v.Extra++
		}
	}
}

// readRegistrations reads registrations, mapped to destination UIDs when
// they come from the source. Errors are prefixed with the side.
func (d *dataRun) readRegistrations(ctx context.Context, c *dhis2.Client, q url.Values, source bool) ([]*registration, error) {
	side := "destination"
	if source {
		side = "source"
	}
	var out []*registration
	err := d.retryRead(ctx, side, func() error {
		out = nil
		rc, err := c.Stream(ctx, "completeDataSetRegistrations", q)
		if err != nil {
			return err
		}
		defer rc.Close()
		return readRegistrationSet(rc, func(r *registration) error {
			if source {
				r.DataSet, r.OrgUnit, r.AttributeOptionCombo = d.mapID(r.DataSet), d.mapID(r.OrgUnit), d.mapID(r.AttributeOptionCombo)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// readRegistrationSet reads a {"completeDataSetRegistrations":[…]}
// document with the data value reader and calls fn for each registration.
// Like encoding/json, a null member is no value (completed: null is
// unset), and unknown members are skipped.
func readRegistrationSet(r io.Reader, fn func(*registration) error) error {
	d := newDVReader(r)
	return d.arrayDocument("completeDataSetRegistrations", func() error {
		reg := &registration{}
		if err := d.registration(reg); err != nil {
			return err
		}
		return fn(reg)
	})
}

// registration reads the members of one registration (after its '{').
func (d *dvReader) registration(r *registration) error {
	first := true
	for {
		c, err := d.next()
		if err != nil {
			return err
		}
		if c == '}' {
			return nil
		}
		if !first {
			if c != ',' {
				return d.syntax("expected , or } in a registration")
			}
			if c, err = d.next(); err != nil {
				return err
			}
		}
		first = false
		if c != '"' {
			return d.syntax("expected a key in a registration")
		}
		k, err := d.stringBody()
		if err != nil {
			return err
		}
		var field *string
		switch string(k) {
		case "dataSet":
			field = &r.DataSet
		case "period":
			field = &r.Period
		case "organisationUnit":
			field = &r.OrgUnit
		case "attributeOptionCombo":
			field = &r.AttributeOptionCombo
		case "date":
			field = &r.Date
		case "storedBy":
			field = &r.StoredBy
		case "completed":
			if err := d.expect(':'); err != nil {
				return err
			}
			if err := d.regCompleted(r); err != nil {
				return err
			}
			continue
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if field == nil {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		if c, err = d.next(); err != nil {
			return err
		}
		switch c {
		case '"':
			s, err := d.stringBody()
			if err != nil {
				return err
			}
			*field = d.intern(s)
		case 'n':
			if err := d.literal("ull"); err != nil {
				return err
			}
		default:
			return d.syntax(fmt.Sprintf("registration member %s is not a string", k))
		}
	}
}

// regCompleted reads the completed member: true, false or null.
func (d *dvReader) regCompleted(r *registration) error {
	c, err := d.next()
	if err != nil {
		return err
	}
	switch c {
	case 't':
		b := true
		r.Completed = &b
		return d.literal("rue")
	case 'f':
		b := false
		r.Completed = &b
		return d.literal("alse")
	case 'n':
		r.Completed = nil
		return d.literal("ull")
	}
	return d.syntax("registration member completed is not a boolean")
}

func (d *dataRun) readRegistrationMap(ctx context.Context, c *dhis2.Client, q url.Values) (map[regKey]*registration, error) {
	list, err := d.readRegistrations(ctx, c, q, false)
	if err != nil {
		return nil, err
	}
	out := make(map[regKey]*registration, len(list))
	for _, r := range list {
		out[r.key()] = r
	}
	return out, nil
}

func (sr *streamRun) sendRegistrations(ctx context.Context, regs []*registration) error {
	d := sr.d
	body := dhis2.JSONBody(map[string]any{"completeDataSetRegistrations": regs})
	body.Idempotent = true
	res, err := d.dst.ImportCompleteRegistrations(ctx, body, url.Values{"importStrategy": {"CREATE_AND_UPDATE"}})
	if err != nil {
		if isUnknown(err) {
			return nil // read back by the caller
		}
		return fmt.Errorf("destination: import %d registrations: %w", len(regs), err)
	}
	t := &sr.cp.Tally
	t.RegWrites.Created += res.Stats.Created
	t.RegWrites.Updated += res.Stats.Updated
	t.RegWrites.Ignored += res.Stats.Ignored
	for _, c := range res.Conflicts {
		t.RegWrites.Failed++
		d.fail(Failure{Type: "completeDataSetRegistrations", UID: c.Object, Code: c.Code, Message: c.Value, Chunk: sr.s.name})
	}
	if res.Status == dhis2.StatusError && len(res.Conflicts) == 0 {
		d.fail(Failure{Type: "completeDataSetRegistrations", Chunk: sr.s.name, Message: "the destination refused the registrations: " + res.Message})
	}
	return nil
}
