package dhis2

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
)

// ExportSystem is the "system" header of a /api/metadata export.
type ExportSystem struct {
	ID      string `json:"id"`
	Rev     string `json:"rev"`
	Version string `json:"version"`
	Date    string `json:"date"`
}

// ExportMetadata streams GET /api/metadata with query (e.g. fields=:owner,
// dataElements=true) and calls fn for every object, in document order,
// with its plural type ("dataElements") and raw JSON. The export is never
// held in memory as a whole. An error from fn stops the export and is
// returned unchanged. A body cut short is an *Error of KindTruncated.
func (c *Client) ExportMetadata(ctx context.Context, query url.Values, fn func(typ string, obj json.RawMessage) error) (ExportSystem, error) {
	var sys ExportSystem
	err := c.decodeStreamJSON(ctx, "export metadata", "metadata", query, func(dec *json.Decoder) error {
		var err error
		sys, err = decodeMetadataExport(dec, fn)
		return err
	})
	return sys, err
}

// DecodeMetadataExport reads a /api/metadata export from r (see
// ExportMetadata).
func DecodeMetadataExport(r io.Reader, fn func(typ string, obj json.RawMessage) error) (ExportSystem, error) {
	sys, err := decodeMetadataExport(json.NewDecoder(r), fn)
	return sys, unwrapCallback(err)
}

func decodeMetadataExport(dec *json.Decoder, fn func(string, json.RawMessage) error) (ExportSystem, error) {
	var sys ExportSystem
	if err := expectDelim(dec, '{'); err != nil {
		return sys, err
	}
	for {
		k, ok, err := objectKey(dec)
		if err != nil {
			return sys, err
		}
		if !ok {
			break
		}
		if k == "system" {
			if err := dec.Decode(&sys); err != nil {
				return sys, eofAsUnexpected(err)
			}
			continue
		}
		isArr, err := peekArrayOrSkip(dec)
		if err != nil {
			return sys, err
		}
		if !isArr {
			continue
		}
		typ := k
		if _, err := streamOpenArray(dec, func(raw json.RawMessage) error { return fn(typ, raw) }); err != nil {
			return sys, err
		}
	}
	return sys, expectEnd(dec)
}

// DataValueSetHeader holds the top-level fields of a data value set.
type DataValueSetHeader struct {
	DataSet              string `json:"dataSet"`
	CompleteDate         string `json:"completeDate"`
	Period               string `json:"period"`
	OrgUnit              string `json:"orgUnit"`
	AttributeOptionCombo string `json:"attributeOptionCombo"`
}

// ExportDataValues streams GET /api/dataValueSets with query (dataSet,
// period or startDate/endDate, orgUnit, lastUpdated …) and calls fn for
// every element of "dataValues" as raw JSON. An error from fn stops the
// export and is returned unchanged.
func (c *Client) ExportDataValues(ctx context.Context, query url.Values, fn func(value json.RawMessage) error) (DataValueSetHeader, error) {
	var h DataValueSetHeader
	err := c.decodeStreamJSON(ctx, "export data values", "dataValueSets", query, func(dec *json.Decoder) error {
		var err error
		h, err = decodeDataValueSet(dec, fn)
		return err
	})
	return h, err
}

// DecodeDataValueSet reads a data value set from r (see ExportDataValues).
func DecodeDataValueSet(r io.Reader, fn func(value json.RawMessage) error) (DataValueSetHeader, error) {
	h, err := decodeDataValueSet(json.NewDecoder(r), fn)
	return h, unwrapCallback(err)
}

func decodeDataValueSet(dec *json.Decoder, fn func(json.RawMessage) error) (DataValueSetHeader, error) {
	var h DataValueSetHeader
	if err := expectDelim(dec, '{'); err != nil {
		return h, err
	}
	for {
		k, ok, err := objectKey(dec)
		if err != nil {
			return h, err
		}
		if !ok {
			break
		}
		var dst *string
		switch k {
		case "dataValues":
			if _, err := streamArray(dec, fn); err != nil {
				return h, err
			}
			continue
		case "dataSet":
			dst = &h.DataSet
		case "completeDate":
			dst = &h.CompleteDate
		case "period":
			dst = &h.Period
		case "orgUnit":
			dst = &h.OrgUnit
		case "attributeOptionCombo":
			dst = &h.AttributeOptionCombo
		default:
			if err := skipValue(dec); err != nil {
				return h, err
			}
			continue
		}
		var v *string
		if err := dec.Decode(&v); err != nil {
			return h, eofAsUnexpected(err)
		}
		if v != nil {
			*dst = *v
		}
	}
	return h, expectEnd(dec)
}

func unwrapCallback(err error) error {
	var cb callbackError
	if errors.As(err, &cb) {
		return cb.err
	}
	return err
}
