package datavalue

import (
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// WriteOptions control the JSON export.
type WriteOptions struct {
	// Zone is the time zone of created and lastUpdated; nil means UTC.
	Zone *time.Location
	// NoOffset drops the zone offset. DHIS2 2.30–2.42 write
	// yyyy-MM-dd'T'HH:mm:ss.SSS+0000 (UTC, DateUtils.toLongGmtDate); set
	// NoOffset and Zone for the offset-less server-time form.
	NoOffset bool
}

// JSONWriter streams {"dataValues":[…]} in DHIS2's export shape
// (JsonDataValueSetWriter): dataElement, period, orgUnit,
// categoryOptionCombo, attributeOptionCombo, value, storedBy, created,
// lastUpdated, comment, followup, then deleted when true. Null value,
// storedBy and comment are omitted. Call Close to finish the document.
type JSONWriter struct {
	w    io.Writer
	buf  []byte
	opts WriteOptions
	n    int
	err  error
	head bool
}

// NewJSONWriter returns a writer to w.
func NewJSONWriter(w io.Writer, opts WriteOptions) *JSONWriter {
	if opts.Zone == nil {
		opts.Zone = time.UTC
	}
	return &JSONWriter{w: w, buf: make([]byte, 0, 64<<10), opts: opts}
}

// WriteHeader starts the document with a data value set header (DHIS2's
// writeHeader(dataSet, completeDate, period, orgUnit)); empty fields are
// omitted. Without a call, Write starts a plain {"dataValues":[.
func (jw *JSONWriter) WriteHeader(h Header) error {
	if jw.head {
		return fmt.Errorf("datavalue.JSONWriter: header already written")
	}
	jw.head = true
	jw.buf = append(jw.buf, '{')
	for _, f := range [][2]string{{"dataSet", h.DataSet}, {"completeDate", h.CompleteDate}, {"period", h.Period},
		{"orgUnit", h.OrgUnit}, {"attributeOptionCombo", h.AttributeOptionCombo}} {
		if f[1] != "" {
			jw.field(f[0], f[1])
			jw.buf = append(jw.buf, ',')
		}
	}
	jw.buf = append(jw.buf, `"dataValues":[`...)
	return nil
}

// Write appends one value.
func (jw *JSONWriter) Write(dv *DataValue) error {
	if jw.err != nil {
		return jw.err
	}
	if !jw.head {
		_ = jw.WriteHeader(Header{})
	}
	b := jw.buf
	if jw.n > 0 {
		b = append(b, ',')
	}
	b = append(b, `{"dataElement":`...)
	b = appendString(b, dv.DataElement)
	b = append(b, `,"period":`...)
	b = appendString(b, dv.Period)
	b = append(b, `,"orgUnit":`...)
	b = appendString(b, dv.OrgUnit)
	b = append(b, `,"categoryOptionCombo":`...)
	b = appendString(b, dv.CategoryOptionCombo)
	b = append(b, `,"attributeOptionCombo":`...)
	b = appendString(b, dv.AttributeOptionCombo)
	if dv.Value != "" {
		b = append(b, `,"value":`...)
		b = appendString(b, dv.Value)
	}
	if dv.StoredBy != "" {
		b = append(b, `,"storedBy":`...)
		b = appendString(b, dv.StoredBy)
	}
	b = append(b, `,"created":"`...)
	b = appendTimestamp(b, dv.Created, jw.opts.Zone, jw.opts.NoOffset)
	b = append(b, `","lastUpdated":"`...)
	b = appendTimestamp(b, dv.LastUpdated, jw.opts.Zone, jw.opts.NoOffset)
	b = append(b, '"')
	if dv.Comment != "" {
		b = append(b, `,"comment":`...)
		b = appendString(b, dv.Comment)
	}
	if dv.FollowUp {
		b = append(b, `,"followup":true`...)
	} else {
		b = append(b, `,"followup":false`...)
	}
	if dv.Deleted {
		b = append(b, `,"deleted":true`...)
	}
	b = append(b, '}')
	jw.buf = b
	jw.n++
	if len(jw.buf) >= 60<<10 {
		jw.flush()
	}
	return jw.err
}

// Count returns the number of values written.
func (jw *JSONWriter) Count() int { return jw.n }

// Close ends the array and the object and flushes.
func (jw *JSONWriter) Close() error {
	if !jw.head {
		_ = jw.WriteHeader(Header{})
	}
	jw.buf = append(jw.buf, "]}"...)
	jw.flush()
	return jw.err
}

func (jw *JSONWriter) flush() {
	if jw.err == nil && len(jw.buf) > 0 {
		if _, err := jw.w.Write(jw.buf); err != nil {
			jw.err = fmt.Errorf("writing dataValues: %w", err)
		}
	}
	jw.buf = jw.buf[:0]
}

func (jw *JSONWriter) field(name, v string) {
	jw.buf = appendString(jw.buf, name)
	jw.buf = append(jw.buf, ':')
	jw.buf = appendString(jw.buf, v)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping like Jackson: quote,
// backslash and control characters; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// WriteJSON exports the values matching q as {"dataValues":[…]} to w and
// returns how many it wrote.
func (s *Store) WriteJSON(w io.Writer, q Query, opts WriteOptions) (int, error) {
	jw := NewJSONWriter(w, opts)
	if err := s.Scan(q, jw.Write); err != nil {
		return jw.Count(), err
	}
	return jw.Count(), jw.Close()
}
