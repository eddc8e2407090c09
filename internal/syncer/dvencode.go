package syncer

import (
	"bytes"
	"compress/gzip"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string (quotes included), escaping
// what JSON requires and invalid UTF-8 as U+FFFD, like encoding/json
// without its HTML escaping.
func appendJSONString(b []byte, s string) []byte {
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
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendDataValue appends v as a JSON object in DHIS2's import shape.
// Empty optional members are left out.
func appendDataValue(b []byte, v *dataValue) []byte {
	b = append(b, `{"dataElement":`...)
	b = appendJSONString(b, v.DE)
	b = append(b, `,"period":`...)
	b = appendJSONString(b, v.PE)
	b = append(b, `,"orgUnit":`...)
	b = appendJSONString(b, v.OU)
	b = append(b, `,"categoryOptionCombo":`...)
	b = appendJSONString(b, v.COC)
	b = append(b, `,"attributeOptionCombo":`...)
	b = appendJSONString(b, v.AOC)
	b = append(b, `,"value":`...)
	b = appendJSONString(b, v.Value)
	for _, m := range [...]struct{ k, v string }{
		{`,"comment":`, v.Comment}, {`,"storedBy":`, v.StoredBy}, {`,"created":`, v.Created}, {`,"lastUpdated":`, v.LastUpdated},
	} {
		if m.v != "" {
			b = append(b, m.k...)
			b = appendJSONString(b, m.v)
		}
	}
	if v.FollowUp {
		b = append(b, `,"followup":true`...)
	}
	if v.Deleted {
		b = append(b, `,"deleted":true`...)
	}
	return append(b, '}')
}

// dvPayload builds a gzip-compressed {"dataValues":[…]} body value by
// value, so that a chunk is held compressed (about a tenth of its JSON).
type dvPayload struct {
	buf   bytes.Buffer
	zw    *gzip.Writer // nil: uncompressed
	tmp   []byte
	count int
}

func newDVPayload(compress bool) *dvPayload {
	p := &dvPayload{}
	if compress {
		p.zw, _ = gzip.NewWriterLevel(&p.buf, gzip.BestSpeed)
	}
	p.tmp = append(p.tmp[:0], `{"dataValues":[`...)
	return p
}

// add appends one value.
func (p *dvPayload) add(v *dataValue) {
	if p.count > 0 {
		p.tmp = append(p.tmp, ',')
	}
	p.tmp = appendDataValue(p.tmp, v)
	p.count++
	if len(p.tmp) >= 32<<10 {
		p.flush()
	}
}

func (p *dvPayload) flush() {
	// Writes to a bytes.Buffer cannot fail.
	if p.zw != nil {
		_, _ = p.zw.Write(p.tmp)
	} else {
		p.buf.Write(p.tmp)
	}
	p.tmp = p.tmp[:0]
}

// bytes closes the document and returns the (compressed) body.
func (p *dvPayload) bytes() []byte {
	p.tmp = append(p.tmp, "]}"...)
	p.flush()
	if p.zw != nil {
		_ = p.zw.Close()
	}
	return p.buf.Bytes()
}
