package datavalue

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Decoder reads a dataValueSet JSON body as a stream: first the header
// (the root properties before "dataValues"), then one value at a time.
// Memory use does not grow with the number of values.
//
// Property order is free, with one limit of streaming: header properties
// (dataSet, completeDate, period, orgUnit, attributeOptionCombo, dryRun,
// strategy) that come after a non-empty "dataValues" array are an error,
// because the values before them were already delivered. DHIS2's own
// exports and d2sync write the header first.
//
// Values may be JSON strings, numbers (kept as written) or booleans, as
// Jackson binds them to DHIS2's String fields; booleans (followup,
// followUp, deleted, dryRun) also accept "true"/"false" strings and
// numbers (0 is false). Unknown properties are skipped.
type Decoder struct {
	l      lexer
	state  int // 0 before the header, 1 in the values array, 2 after it
	header Header
	n      int
	key    []byte
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{l: newLexer(r)} }

// Header reads the root object's properties up to the "dataValues" array
// (or the end of the object) and returns them. Call it once, before Next.
func (d *Decoder) Header() (Header, error) {
	if d.state != 0 {
		return d.header, nil
	}
	c, err := d.l.peek("at the start of the body")
	if err != nil {
		return Header{}, err
	}
	if c != '{' {
		return Header{}, d.l.errSyntax("a dataValueSet must be a JSON object, found %q", c)
	}
	d.l.pos++
	if err := d.rootProperties(false); err != nil {
		return Header{}, err
	}
	return d.header, nil
}

// rootProperties reads root properties until "dataValues" opens (state 1)
// or the root object closes (state 2). late marks properties after the
// values array.
func (d *Decoder) rootProperties(late bool) error {
	first := !late
	for {
		c, err := d.l.peek("in the dataValueSet object")
		if err != nil {
			return err
		}
		if c == '}' {
			d.l.pos++
			d.state = 2
			return d.l.atEnd()
		}
		if !first {
			if c != ',' {
				return d.l.errSyntax("expected ',' or '}' in the dataValueSet object, found %q", c)
			}
			d.l.pos++
		}
		first = false
		key, err := d.keyName("in the dataValueSet object")
		if err != nil {
			return err
		}
		name := string(key)
		if name == "dataValues" {
			open, err := d.openValues()
			if err != nil || open {
				return err
			}
			continue
		}
		if err := d.headerProperty(name, late); err != nil {
			return err
		}
	}
}

// openValues handles the "dataValues" value: an array (now open) or null.
func (d *Decoder) openValues() (bool, error) {
	kind, _, err := d.l.scalar("as dataValues")
	if err != nil {
		return false, err
	}
	switch kind {
	case kindNull:
		return false, nil
	case kindArray:
		d.l.pos++
		d.state = 1
		return true, nil
	}
	return false, d.l.errSyntax("dataValues must be an array")
}

// keyName reads a property name and its colon. The name is copied before
// reading on (the colon may refill the buffer the name sits in); the
// result is valid until the next keyName.
func (d *Decoder) keyName(what string) ([]byte, error) {
	if err := d.l.expect('"', what); err != nil {
		return nil, err
	}
	b, err := d.l.rawString()
	if err != nil {
		return nil, err
	}
	d.key = append(d.key[:0], b...)
	return d.key, d.l.expect(':', "after a property name")
}

var headerFields = map[string]int{
	"dataSet": 1, "completeDate": 2, "period": 3, "orgUnit": 4, "attributeOptionCombo": 5,
	"dryRun": 6, "strategy": 7,
}

func (d *Decoder) headerProperty(name string, late bool) error {
	field, known := headerFields[name]
	if !known && !strings.HasSuffix(strings.ToLower(name), "idscheme") {
		return d.skip(name)
	}
	if late && known && d.n > 0 {
		return fmt.Errorf("invalid dataValueSet: property %q after a non-empty \"dataValues\" array is not supported by the streaming import; put header properties before dataValues", name)
	}
	h := &d.header
	if field == 6 {
		b, null, err := d.boolean(name)
		if err == nil && !null {
			h.DryRun = &b
		}
		return err
	}
	v, _, err := d.text(name)
	if err != nil {
		return err
	}
	switch field {
	case 1:
		h.DataSet = v
	case 2:
		h.CompleteDate = v
	case 3:
		h.Period = v
	case 4:
		h.OrgUnit = v
	case 5:
		h.AttributeOptionCombo = v
	case 7:
		h.Strategy = v
	default:
		if h.IDSchemes == nil {
			h.IDSchemes = map[string]string{}
		}
		h.IDSchemes[name] = v
	}
	return nil
}

// skip skips the value of an unknown property.
func (d *Decoder) skip(name string) error {
	if err := d.l.skip("in a skipped property"); err != nil {
		return fmt.Errorf("property %q: %w", name, err)
	}
	return nil
}

// text reads a value bound to a Java String: strings, numbers and
// booleans give their text; null gives present=false.
func (d *Decoder) text(name string) (string, bool, error) {
	kind, b, err := d.l.scalar("as a property value")
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", name, err)
	}
	switch kind {
	case kindNull:
		return "", false, nil
	case kindObject, kindArray:
		return "", false, d.l.errSyntax("%s must be a string, number or boolean", name)
	}
	return d.l.intern(b), true, nil
}

// boolean reads a value bound to a Java boolean.
func (d *Decoder) boolean(name string) (v, null bool, err error) {
	kind, b, err := d.l.scalar("as a property value")
	if err != nil {
		return false, false, fmt.Errorf("%s: %w", name, err)
	}
	switch kind {
	case kindTrue:
		return true, false, nil
	case kindFalse:
		return false, false, nil
	case kindNull:
		return false, true, nil
	case kindNumber:
		return strings.Trim(string(b), "-0.") != "", false, nil
	case kindString:
		switch strings.ToLower(strings.TrimSpace(string(b))) {
		case "true":
			return true, false, nil
		case "false":
			return false, false, nil
		case "":
			return false, true, nil
		}
	}
	return false, false, d.l.errSyntax("%s must be a boolean", name)
}

// Next returns the next data value, or io.EOF after the last one (having
// checked the rest of the body). The index of a value is the number of
// values returned before it.
func (d *Decoder) Next() (Input, error) {
	if d.state == 0 {
		if _, err := d.Header(); err != nil {
			return Input{}, err
		}
	}
	if d.state == 2 {
		return Input{}, io.EOF
	}
	c, err := d.l.peek("in dataValues")
	if err != nil {
		return Input{}, err
	}
	if c == ']' {
		d.l.pos++
		if err := d.rootProperties(true); err != nil {
			return Input{}, err
		}
		return d.Next()
	}
	if d.n > 0 {
		if c != ',' {
			return Input{}, d.l.errSyntax("expected ',' or ']' in dataValues, found %q", c)
		}
		d.l.pos++
	}
	in, err := d.value()
	if err != nil {
		return Input{}, fmt.Errorf("dataValues[%d]: %w", d.n, err)
	}
	d.n++
	return in, nil
}

// valueField maps a data value property name to a field number (0 for
// unknown properties) without allocating.
func valueField(name []byte) int {
	switch string(name) {
	case "dataElement":
		return 1
	case "period":
		return 2
	case "orgUnit":
		return 3
	case "categoryOptionCombo":
		return 4
	case "attributeOptionCombo":
		return 5
	case "value":
		return 6
	case "comment":
		return 7
	case "storedBy":
		return 8
	case "created":
		return 9
	case "lastUpdated":
		return 10
	case "followup", "followUp":
		return 11
	case "deleted":
		return 12
	}
	return 0
}

var fieldNames = [...]string{"", "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo",
	"value", "comment", "storedBy", "created", "lastUpdated", "followup", "deleted"}

func (d *Decoder) value() (Input, error) {
	var in Input
	if err := d.l.expect('{', "as a data value"); err != nil {
		return in, err
	}
	for first := true; ; first = false {
		c, err := d.l.peek("in a data value")
		if err != nil {
			return in, err
		}
		if c == '}' {
			d.l.pos++
			return in, nil
		}
		if !first {
			if c != ',' {
				return in, d.l.errSyntax("expected ',' or '}' in a data value, found %q", c)
			}
			d.l.pos++
		}
		name, err := d.keyName("in a data value")
		if err != nil {
			return in, err
		}
		if err := d.valueProperty(&in, valueField(name), name); err != nil {
			return in, err
		}
	}
}

func (d *Decoder) valueProperty(in *Input, field int, rawName []byte) error {
	if field == 0 {
		return d.skip(string(rawName))
	}
	name := fieldNames[field]
	if field >= 11 {
		b, _, err := d.boolean(name)
		if field == 11 {
			in.FollowUp = b
		} else {
			in.Deleted = b
		}
		return err
	}
	v, present, err := d.text(name)
	if err != nil {
		return err
	}
	switch field {
	case 1:
		in.DataElement = v
	case 2:
		in.Period = v
	case 3:
		in.OrgUnit = v
	case 4:
		in.CategoryOptionCombo = v
	case 5:
		in.AttributeOptionCombo = v
	case 6:
		in.Value, in.HasValue = v, present
	case 7:
		in.Comment, in.HasComment = v, present
	case 8:
		in.StoredBy = v
	case 9:
		in.Created = v
	case 10:
		in.LastUpdated = v
	}
	return nil
}

// DecodeJSON streams a dataValueSet body, calling fn for each value with
// its position and the header's period, org unit and attribute option
// combo applied (Header.Apply). It returns the header. An error from fn
// stops decoding and is returned.
func DecodeJSON(r io.Reader, fn func(index int, in Input) error) (Header, error) {
	d := NewDecoder(r)
	h, err := d.Header()
	if err != nil {
		return h, err
	}
	for i := 0; ; i++ {
		in, err := d.Next()
		if errors.Is(err, io.EOF) {
			return h, nil
		}
		if err != nil {
			return h, err
		}
		if err := fn(i, h.Apply(in)); err != nil {
			return h, err
		}
	}
}
