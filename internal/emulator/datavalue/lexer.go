package datavalue

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// lexer is a small streaming JSON tokenizer over a fixed buffer. It
// accepts what Jackson's default parser accepts (strict JSON) and keeps
// short strings interned so that repeated UIDs and values do not allocate.
type lexer struct {
	r     io.Reader
	buf   []byte
	pos   int
	end   int
	off   int64 // stream offset of buf[0]
	err   error // sticky read error; io.EOF at the end
	str   []byte
	high  rune // pending high surrogate of a \u escape pair
	cache map[string]string
}

func newLexer(r io.Reader) lexer {
	return lexer{r: r, buf: make([]byte, 64<<10), cache: make(map[string]string, 1024)}
}

// errSyntax builds a syntax error that names the stream offset.
func (l *lexer) errSyntax(format string, args ...any) error {
	return fmt.Errorf("invalid dataValueSet JSON at byte %d: %s", l.off+int64(l.pos), fmt.Sprintf(format, args...))
}

// more makes at least one unread byte available; false at the end of the
// input or on a read error.
func (l *lexer) more() bool {
	if l.pos < l.end {
		return true
	}
	if l.err != nil {
		return false
	}
	l.off += int64(l.end)
	l.pos, l.end = 0, 0
	for l.end == 0 && l.err == nil {
		n, err := l.r.Read(l.buf)
		l.end = n
		if err != nil {
			l.err = err
		} else if n == 0 {
			l.err = io.ErrNoProgress
		}
	}
	return l.end > 0
}

// readErr converts a failed more into an error.
func (l *lexer) readErr(what string) error {
	if l.err == nil || errors.Is(l.err, io.EOF) {
		return l.errSyntax("unexpected end of input %s", what)
	}
	return fmt.Errorf("reading dataValueSet: %w", l.err)
}

// peek skips whitespace and returns the next byte without consuming it.
func (l *lexer) peek(what string) (byte, error) {
	for {
		if !l.more() {
			return 0, l.readErr(what)
		}
		c := l.buf[l.pos]
		switch c {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return c, nil
		}
	}
}

// expect consumes the next non-space byte, which must be c.
func (l *lexer) expect(c byte, what string) error {
	got, err := l.peek(what)
	if err != nil {
		return err
	}
	if got != c {
		return l.errSyntax("expected %q %s, found %q", c, what, got)
	}
	l.pos++
	return nil
}

// atEnd reports whether only whitespace is left.
func (l *lexer) atEnd() error {
	c, err := l.peek("")
	if err == nil {
		return l.errSyntax("unexpected %q after the end of the dataValueSet", c)
	}
	if l.err != nil && !errors.Is(l.err, io.EOF) {
		return fmt.Errorf("reading dataValueSet: %w", l.err)
	}
	return nil
}

// rawString reads a string whose opening quote was consumed. The result
// is valid until the next read.
func (l *lexer) rawString() ([]byte, error) {
	// Fast path: the whole string is in the buffer without escapes.
	for i := l.pos; i < l.end; i++ {
		c := l.buf[i]
		if c == '"' {
			s := l.buf[l.pos:i]
			l.pos = i + 1
			if !utf8.Valid(s) {
				return nil, l.errSyntax("invalid UTF-8 in string")
			}
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	return l.slowString()
}

func (l *lexer) slowString() ([]byte, error) {
	l.str = l.str[:0]
	l.high = 0
	for {
		if !l.more() {
			return nil, l.readErr("inside a string")
		}
		c := l.buf[l.pos]
		l.pos++
		switch {
		case c == '"':
			l.flushHigh()
			if !utf8.Valid(l.str) {
				return nil, l.errSyntax("invalid UTF-8 in string")
			}
			return l.str, nil
		case c < 0x20:
			return nil, l.errSyntax("control character 0x%02x in string", c)
		case c == '\\':
			if err := l.escape(); err != nil {
				return nil, err
			}
		default:
			l.flushHigh()
			l.str = append(l.str, c)
		}
	}
}

func (l *lexer) escape() error {
	if !l.more() {
		return l.readErr("inside a string escape")
	}
	c := l.buf[l.pos]
	l.pos++
	if c != 'u' {
		l.flushHigh()
	}
	switch c {
	case '"', '\\', '/':
		l.str = append(l.str, c)
	case 'b':
		l.str = append(l.str, '\b')
	case 'f':
		l.str = append(l.str, '\f')
	case 'n':
		l.str = append(l.str, '\n')
	case 'r':
		l.str = append(l.str, '\r')
	case 't':
		l.str = append(l.str, '\t')
	case 'u':
		r, err := l.hex4()
		if err != nil {
			return err
		}
		switch {
		case r >= 0xD800 && r < 0xDC00: // high surrogate: wait for its pair
			l.flushHigh()
			l.high = r
			return nil
		case r >= 0xDC00 && r < 0xE000 && l.high != 0:
			r = utf16.DecodeRune(l.high, r)
			l.high = 0
		case r >= 0xDC00 && r < 0xE000:
			r = utf8.RuneError
		default:
			l.flushHigh()
		}
		l.str = utf8.AppendRune(l.str, r)
		return nil
	default:
		return l.errSyntax("invalid escape \\%c", c)
	}
	return nil
}

// flushHigh writes a pending unpaired high surrogate as U+FFFD.
func (l *lexer) flushHigh() {
	if l.high != 0 {
		l.str = utf8.AppendRune(l.str, utf8.RuneError)
		l.high = 0
	}
}

func (l *lexer) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		if !l.more() {
			return 0, l.readErr("inside a \\u escape")
		}
		c := l.buf[l.pos]
		l.pos++
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, l.errSyntax("invalid \\u escape")
		}
	}
	return r, nil
}

// intern returns b as a string, sharing short strings.
func (l *lexer) intern(b []byte) string {
	if len(b) > 32 {
		return string(b)
	}
	if s, ok := l.cache[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(l.cache) < 1<<16 {
		l.cache[s] = s
	}
	return s
}

// token kinds of scalar values.
const (
	kindString = iota + 1
	kindNumber
	kindTrue
	kindFalse
	kindNull
	kindObject
	kindArray
)

// scalar reads a string, number, true, false or null. Numbers keep their
// source text, as Jackson's getText does when it binds them to strings.
func (l *lexer) scalar(what string) (int, []byte, error) {
	c, err := l.peek(what)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case c == '"':
		l.pos++
		b, err := l.rawString()
		return kindString, b, err
	case c == '-' || (c >= '0' && c <= '9'):
		b, err := l.number()
		return kindNumber, b, err
	case c == 't' || c == 'f' || c == 'n':
		return l.literal()
	case c == '{':
		return kindObject, nil, nil
	case c == '[':
		return kindArray, nil, nil
	}
	return 0, nil, l.errSyntax("unexpected %q %s", c, what)
}

func (l *lexer) word() []byte {
	l.str = l.str[:0]
	for l.more() {
		c := l.buf[l.pos]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == '_') {
			break
		}
		l.str = append(l.str, c)
		l.pos++
	}
	return l.str
}

func (l *lexer) literal() (int, []byte, error) {
	w := l.word()
	switch string(w) {
	case "true":
		return kindTrue, w, nil
	case "false":
		return kindFalse, w, nil
	case "null":
		return kindNull, nil, nil
	}
	return 0, nil, l.errSyntax("invalid literal %q", w)
}

// number reads a JSON number and checks its grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (l *lexer) number() ([]byte, error) {
	w := l.word()
	i := 0
	if i < len(w) && w[i] == '-' {
		i++
	}
	start := i
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	ok := i > start && !(w[start] == '0' && i-start > 1)
	if ok && i < len(w) && w[i] == '.' {
		i++
		f := i
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
		ok = i > f
	}
	if ok && i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		if i < len(w) && (w[i] == '+' || w[i] == '-') {
			i++
		}
		e := i
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
		ok = i > e
	}
	if !ok || i != len(w) {
		return nil, l.errSyntax("invalid number %q", w)
	}
	return w, nil
}

// maxDepth bounds the nesting of skipped values.
const maxDepth = 1000

// skip consumes one value of any kind.
func (l *lexer) skip(what string) error {
	var stack []byte // open containers: '{' or '['
	for {
		kind, _, err := l.scalar(what)
		if err != nil {
			return err
		}
		if kind == kindObject || kind == kindArray {
			l.pos++
			open, closing := byte('['), byte(']')
			if kind == kindObject {
				open, closing = '{', '}'
			}
			c, err := l.peek(what)
			if err != nil {
				return err
			}
			if c == closing {
				l.pos++
			} else {
				if len(stack) == maxDepth {
					return l.errSyntax("nesting deeper than %d", maxDepth)
				}
				stack = append(stack, open)
				if open == '{' {
					if err := l.key(what); err != nil {
						return err
					}
				}
				continue
			}
		}
		// A value is complete: close containers until one continues.
		for {
			if len(stack) == 0 {
				return nil
			}
			c, err := l.peek(what)
			if err != nil {
				return err
			}
			l.pos++
			top := stack[len(stack)-1]
			if c == ',' {
				if top == '{' {
					if err := l.key(what); err != nil {
						return err
					}
				}
				break
			}
			if (c == '}' && top == '{') || (c == ']' && top == '[') {
				stack = stack[:len(stack)-1]
				continue
			}
			return l.errSyntax("expected ',' or a closing bracket %s, found %q", what, c)
		}
	}
}

// key consumes `"name":`.
func (l *lexer) key(what string) error {
	if err := l.expect('"', what); err != nil {
		return err
	}
	if _, err := l.rawString(); err != nil {
		return err
	}
	return l.expect(':', what)
}
