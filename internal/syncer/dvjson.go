package syncer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// dataValue is one aggregate data value as DHIS2 exports it. Times are
// kept as the text the instance wrote (its own zone, with or without an
// offset) and compared after parsing.
type dataValue struct {
	DE, PE, OU, COC, AOC string
	Value, Comment       string
	StoredBy             string
	Created, LastUpdated string
	FollowUp, Deleted    bool
	seen                 bool // a comparison matched it (destination side)
}

// dvKey identifies a value's cell: data element, period, org unit,
// category option combo, attribute option combo.
type dvKey struct{ DE, PE, OU, COC, AOC string }

// String writes the key as de/pe/ou/coc/aoc.
func (k dvKey) String() string { return k.DE + "/" + k.PE + "/" + k.OU + "/" + k.COC + "/" + k.AOC }

func (v *dataValue) dvKey() dvKey { return dvKey{v.DE, v.PE, v.OU, v.COC, v.AOC} }

// errBadJSON is wrapped by every syntax error of the data value reader.
var errBadJSON = errors.New("malformed data value set JSON")

// dvReader is a streaming reader of {"dataValues":[{…},…]} documents
// (dataValueSets exports), much faster than encoding/json for this flat
// shape: it never holds more than its buffer and the current value.
// Unknown keys are skipped whatever their value; a body that ends early
// is an error (io.ErrUnexpectedEOF), never a short list.
type dvReader struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	err  error // read error met at the end of buf
	read int64
	str  []byte // scratch for strings with escapes
	uids map[string]string
	// text holds the current value's free-text members (value, comment,
	// times) and spans where each is, so that they become one string
	// (one allocation) when the object ends.
	text  []byte
	spans []textSpan
	// block is where the next values are allocated, many at a time.
	block []dataValue
	// last holds each identifier member's previous value (internField).
	last [fStoredBy + 1]string
}

// textSpan is where a free-text member of the current value is in text.
type textSpan struct{ field, start, end int }

// valuesPerBlock is how many values the reader allocates at once.
const valuesPerBlock = 256

func newDVReader(r io.Reader) *dvReader {
	return &dvReader{r: r, buf: make([]byte, 64<<10), uids: map[string]string{}}
}

// readDataValueSet reads a data value set and calls fn for each value. A
// non-nil error from fn stops the read and is returned unchanged.
func readDataValueSet(r io.Reader, fn func(*dataValue) error) error {
	d := newDVReader(r)
	return d.document(fn)
}

func (d *dvReader) document(fn func(*dataValue) error) error {
	return d.arrayDocument("dataValues", func() error {
		if len(d.block) == 0 {
			d.block = make([]dataValue, valuesPerBlock)
		}
		v := &d.block[0]
		d.block = d.block[1:]
		if err := d.value(v); err != nil {
			return err
		}
		return fn(v)
	})
}

// arrayDocument reads a document whose member key is an array of objects
// (or null), calling object after the '{' of each; other members are
// skipped.
func (d *dvReader) arrayDocument(key string, object func() error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	first := true
	for {
		c, err := d.next()
		if err != nil {
			return err
		}
		if c == '}' {
			break
		}
		if !first {
			if c != ',' {
				return d.syntax("expected , or } between keys")
			}
			if c, err = d.next(); err != nil {
				return err
			}
		}
		first = false
		if c != '"' {
			return d.syntax("expected a key")
		}
		k, err := d.stringBody()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if string(k) == key {
			if err := d.objects(key, object); err != nil {
				return err
			}
			continue
		}
		if err := d.skip(); err != nil {
			return err
		}
	}
	return d.trailing()
}

// trailing accepts only white space after the document.
func (d *dvReader) trailing() error {
	for {
		for d.pos < d.end {
			c := d.buf[d.pos]
			d.pos++
			if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				return d.syntax(fmt.Sprintf("unexpected %q after the document", c))
			}
		}
		if err := d.fill(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func (d *dvReader) objects(key string, object func() error) error {
	c, err := d.next()
	if err != nil {
		return err
	}
	if c == 'n' {
		return d.literal("ull")
	}
	if c != '[' {
		return d.syntax(key + " is not an array")
	}
	first := true
	for {
		if c, err = d.next(); err != nil {
			return err
		}
		if c == ']' {
			return nil
		}
		if !first {
			if c != ',' {
				return d.syntax("expected , or ] between values")
			}
			if c, err = d.next(); err != nil {
				return err
			}
		}
		first = false
		if c != '{' {
			return d.syntax("an element of " + key + " is not an object")
		}
		if err := object(); err != nil {
			return err
		}
	}
}

// value reads the members of one data value object (after its '{').
func (d *dvReader) value(v *dataValue) error {
	d.text, d.spans = d.text[:0], d.spans[:0]
	first := true
	for {
		c, err := d.next()
		if err != nil {
			return err
		}
		if c == '}' {
			d.setText(v)
			return nil
		}
		if !first {
			if c != ',' {
				return d.syntax("expected , or } in a data value")
			}
			if c, err = d.next(); err != nil {
				return err
			}
		}
		first = false
		if c != '"' {
			return d.syntax("expected a key in a data value")
		}
		k, err := d.stringBody()
		if err != nil {
			return err
		}
		field := dvField(k)
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := d.member(v, field); err != nil {
			return err
		}
	}
}

// Field numbers of dataValue members.
const (
	fUnknown = iota
	fDE
	fPE
	fOU
	fCOC
	fAOC
	fValue
	fComment
	fStoredBy
	fCreated
	fLastUpdated
	fFollowUp
	fDeleted
)

func dvField(k []byte) int {
	switch string(k) {
	case "dataElement":
		return fDE
	case "period":
		return fPE
	case "orgUnit":
		return fOU
	case "categoryOptionCombo":
		return fCOC
	case "attributeOptionCombo":
		return fAOC
	case "value":
		return fValue
	case "comment":
		return fComment
	case "storedBy":
		return fStoredBy
	case "created":
		return fCreated
	case "lastUpdated":
		return fLastUpdated
	case "followup", "followUp":
		return fFollowUp
	case "deleted":
		return fDeleted
	}
	return fUnknown
}

func (d *dvReader) member(v *dataValue, field int) error {
	c, err := d.next()
	if err != nil {
		return err
	}
	switch c {
	case '"':
		s, err := d.stringBody()
		if err != nil {
			return err
		}
		d.setString(v, field, s)
		return nil
	case 't':
		d.setBool(v, field, true)
		return d.literal("rue")
	case 'f':
		d.setBool(v, field, false)
		return d.literal("alse")
	case 'n':
		return d.literal("ull")
	case '{', '[':
		d.pos--
		return d.skip()
	}
	if c == '-' || (c >= '0' && c <= '9') {
		d.pos--
		num, err := d.number()
		if err != nil {
			return err
		}
		d.setString(v, field, num)
		return nil
	}
	return d.syntax(fmt.Sprintf("unexpected %q", c))
}

func (d *dvReader) setString(v *dataValue, field int, s []byte) {
	switch field {
	case fDE:
		v.DE = d.internField(field, s)
	case fPE:
		v.PE = d.internField(field, s)
	case fOU:
		v.OU = d.internField(field, s)
	case fCOC:
		v.COC = d.internField(field, s)
	case fAOC:
		v.AOC = d.internField(field, s)
	case fValue, fComment, fCreated, fLastUpdated:
		start := len(d.text)
		d.text = append(d.text, s...)
		d.spans = append(d.spans, textSpan{field, start, len(d.text)})
	case fStoredBy:
		v.StoredBy = d.internField(field, s)
	case fFollowUp:
		v.FollowUp = string(s) == "true"
	case fDeleted:
		v.Deleted = string(s) == "true"
	}
}

// setText sets the free-text members of v from one string, in the order
// they were read (a repeated member keeps its last value).
func (d *dvReader) setText(v *dataValue) {
	if len(d.spans) == 0 {
		return
	}
	all := string(d.text)
	for _, sp := range d.spans {
		t := all[sp.start:sp.end]
		switch sp.field {
		case fValue:
			v.Value = t
		case fComment:
			v.Comment = t
		case fCreated:
			v.Created = t
		case fLastUpdated:
			v.LastUpdated = t
		}
	}
}

func (d *dvReader) setBool(v *dataValue, field int, b bool) {
	switch field {
	case fFollowUp:
		v.FollowUp = b
	case fDeleted:
		v.Deleted = b
	}
}

// internField interns an identifier member, first comparing it with the
// member's previous value: exports list values grouped by org unit and
// period, so most identifiers repeat the previous value's.
func (d *dvReader) internField(field int, s []byte) string {
	if last := d.last[field]; string(s) == last {
		return last
	}
	x := d.intern(s)
	d.last[field] = x
	return x
}

// intern shares the strings of identifiers, which repeat a lot.
func (d *dvReader) intern(s []byte) string {
	if x, ok := d.uids[string(s)]; ok {
		return x
	}
	if len(d.uids) > 200_000 {
		return string(s)
	}
	x := string(s)
	d.uids[x] = x
	return x
}

// next returns the next byte that is not white space; the end of the
// input is io.ErrUnexpectedEOF (next is only called inside the document).
func (d *dvReader) next() (byte, error) {
	for {
		for d.pos < d.end {
			c := d.buf[d.pos]
			d.pos++
			if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				return c, nil
			}
		}
		if err := d.fill(); err != nil {
			return 0, unexpectedEOF(err)
		}
	}
}

// fill reads more input; io.EOF means the document is complete only where
// the caller says so (next translates it for the others).
func (d *dvReader) fill() error {
	if d.err != nil {
		return d.err
	}
	n, err := d.r.Read(d.buf)
	d.pos, d.end = 0, n
	d.read += int64(n)
	if err != nil {
		d.err = err
		if n > 0 {
			return nil
		}
		return err
	}
	if n == 0 {
		return d.fill()
	}
	return nil
}

// raw returns the next byte without skipping white space; EOF is an
// unexpected end here.
func (d *dvReader) raw() (byte, error) {
	if d.pos >= d.end {
		if err := d.fill(); err != nil {
			return 0, unexpectedEOF(err)
		}
	}
	c := d.buf[d.pos]
	d.pos++
	return c, nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (d *dvReader) expect(want byte) error {
	c, err := d.next()
	if err != nil {
		return unexpectedEOF(err)
	}
	if c != want {
		return d.syntax(fmt.Sprintf("expected %q, found %q", want, c))
	}
	return nil
}

func (d *dvReader) literal(rest string) error {
	for i := 0; i < len(rest); i++ {
		c, err := d.raw()
		if err != nil {
			return err
		}
		if c != rest[i] {
			return d.syntax("invalid literal")
		}
	}
	return nil
}

func (d *dvReader) syntax(msg string) error {
	return fmt.Errorf("%w: %s near byte %d", errBadJSON, msg, d.read-int64(d.end-d.pos))
}

// stringBody reads a string after its opening quote. The returned slice
// is valid until the next read.
func (d *dvReader) stringBody() ([]byte, error) {
	// Fast path: the whole string is in the buffer without escapes.
	i := d.pos
	for i+8 <= d.end && !hasStringSpecial(binary.LittleEndian.Uint64(d.buf[i:])) {
		i += 8 // eight plain bytes at a time
	}
	for ; i < d.end; i++ {
		c := d.buf[i]
		if c == '"' {
			s := d.buf[d.pos:i]
			d.pos = i + 1
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	d.str = d.str[:0]
	for {
		c, err := d.raw()
		if err != nil {
			return nil, err
		}
		switch {
		case c == '"':
			return d.str, nil
		case c == '\\':
			if err := d.escape(); err != nil {
				return nil, err
			}
		case c < 0x20:
			return nil, d.syntax("control character in a string")
		default:
			d.str = append(d.str, c)
		}
	}
}

// hasStringSpecial reports whether one of the eight bytes of w may be a
// quote, a backslash or a control character (it may also report bytes
// after such a byte: the caller then looks byte by byte).
func hasStringSpecial(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	return (w-0x20*ones)&^w&highs|zero(w^'"'*ones)|zero(w^'\\'*ones) != 0
}

func (d *dvReader) escape() error {
	c, err := d.raw()
	if err != nil {
		return err
	}
	switch c {
	case '"', '\\', '/':
		d.str = append(d.str, c)
	case 'b':
		d.str = append(d.str, '\b')
	case 'f':
		d.str = append(d.str, '\f')
	case 'n':
		d.str = append(d.str, '\n')
	case 'r':
		d.str = append(d.str, '\r')
	case 't':
		d.str = append(d.str, '\t')
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			r = d.lowSurrogate(r)
		}
		d.str = utf8.AppendRune(d.str, r)
	default:
		return d.syntax("invalid escape")
	}
	return nil
}

// lowSurrogate completes a surrogate pair; an unpaired surrogate becomes
// U+FFFD as in encoding/json.
func (d *dvReader) lowSurrogate(hi rune) rune {
	if d.end-d.pos >= 6 && d.buf[d.pos] == '\\' && d.buf[d.pos+1] == 'u' {
		save := d.pos
		d.pos += 2
		lo, err := d.hex4()
		if err == nil {
			if r := utf16.DecodeRune(hi, lo); r != utf8.RuneError {
				return r
			}
		}
		d.pos = save
	}
	return utf8.RuneError
}

func (d *dvReader) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		c, err := d.raw()
		if err != nil {
			return 0, err
		}
		var h byte
		switch {
		case c >= '0' && c <= '9':
			h = c - '0'
		case c >= 'a' && c <= 'f':
			h = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			h = c - 'A' + 10
		default:
			return 0, d.syntax("invalid \\u escape")
		}
		r = r<<4 | rune(h)
	}
	return r, nil
}

// number reads a JSON number as text.
func (d *dvReader) number() ([]byte, error) {
	d.str = d.str[:0]
	for {
		if d.pos >= d.end {
			if err := d.fill(); err != nil {
				if err == io.EOF {
					break
				}
				return nil, err
			}
		}
		c := d.buf[d.pos]
		if !(c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
			break
		}
		d.str = append(d.str, c)
		d.pos++
	}
	if _, err := strconv.ParseFloat(string(d.str), 64); err != nil {
		return nil, d.syntax("invalid number")
	}
	return d.str, nil
}

// skip skips one JSON value of any kind.
func (d *dvReader) skip() error {
	c, err := d.next()
	if err != nil {
		return unexpectedEOF(err)
	}
	switch c {
	case '"':
		_, err := d.stringBody()
		return err
	case 't':
		return d.literal("rue")
	case 'f':
		return d.literal("alse")
	case 'n':
		return d.literal("ull")
	case '{':
		return d.skipComposite('}', true)
	case '[':
		return d.skipComposite(']', false)
	}
	if c == '-' || (c >= '0' && c <= '9') {
		d.pos--
		_, err := d.number()
		return err
	}
	return d.syntax(fmt.Sprintf("unexpected %q", c))
}

func (d *dvReader) skipComposite(closer byte, object bool) error {
	first := true
	for {
		c, err := d.next()
		if err != nil {
			return unexpectedEOF(err)
		}
		if c == closer {
			return nil
		}
		if !first {
			if c != ',' {
				return d.syntax("expected a separator")
			}
		} else {
			d.pos--
		}
		first = false
		if object {
			if err := d.expect('"'); err != nil {
				return err
			}
			if _, err := d.stringBody(); err != nil {
				return err
			}
			if err := d.expect(':'); err != nil {
				return err
			}
		}
		if err := d.skip(); err != nil {
			return err
		}
	}
}
