package dhis2

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Helpers to walk big JSON documents with encoding/json's token API: the
// top-level object is read key by key and arrays element by element, so a
// document is never held in memory as a whole.

// errBadShape marks a document whose structure is not the expected one.
var errBadShape = errors.New("unexpected JSON structure")

// expectDelim reads the next token and checks that it is want.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return eofAsUnexpected(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%w: expected %q, found %v", errBadShape, want, tok)
	}
	return nil
}

// objectKey reads the next key of an object; ok is false at its end.
func objectKey(dec *json.Decoder) (key string, ok bool, err error) {
	if !dec.More() {
		if err := expectDelim(dec, '}'); err != nil {
			return "", false, err
		}
		return "", false, nil
	}
	tok, err := dec.Token()
	if err != nil {
		return "", false, eofAsUnexpected(err)
	}
	k, isStr := tok.(string)
	if !isStr {
		return "", false, fmt.Errorf("%w: expected an object key, found %v", errBadShape, tok)
	}
	return k, true, nil
}

// skipValue reads and discards the next value without buffering it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return eofAsUnexpected(err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// streamArray reads an array value element by element, handing each raw
// element to fn. A JSON null counts as an empty array. It returns the
// number of elements read. An error from fn is wrapped in callbackError.
func streamArray(dec *json.Decoder, fn func(json.RawMessage) error) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, eofAsUnexpected(err)
	}
	if tok == nil {
		return 0, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return 0, fmt.Errorf("%w: expected an array, found %v", errBadShape, tok)
	}
	n := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return n, eofAsUnexpected(err)
		}
		n++
		if err := fn(raw); err != nil {
			return n, callbackError{err}
		}
	}
	if err := expectDelim(dec, ']'); err != nil {
		return n, err
	}
	return n, nil
}

// peekArrayOrSkip reads the first token of the next value: for an array it
// returns true with the '[' consumed; for null it returns false; any other
// value is skipped entirely.
func peekArrayOrSkip(dec *json.Decoder) (bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return false, eofAsUnexpected(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return false, nil
	}
	if d == '[' {
		return true, nil
	}
	// An object: skip until its matching end.
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return false, eofAsUnexpected(err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
	}
	return false, nil
}

// streamOpenArray streams the elements of an array whose '[' has been read.
func streamOpenArray(dec *json.Decoder, fn func(json.RawMessage) error) (int, error) {
	n := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return n, eofAsUnexpected(err)
		}
		n++
		if err := fn(raw); err != nil {
			return n, callbackError{err}
		}
	}
	return n, expectDelim(dec, ']')
}

// expectEnd checks that nothing but white space follows the document.
func expectEnd(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return fmt.Errorf("%w: data after the end of the document", errBadShape)
		}
		return err
	}
	return nil
}

func eofAsUnexpected(err error) error {
	if errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		if _, ok := err.(*Error); !ok {
			return io.ErrUnexpectedEOF
		}
	}
	return err
}
