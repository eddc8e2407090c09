package datavalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// flexText binds a JSON string, number or boolean to text, as Jackson
// binds them to a String field.
type flexText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *flexText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = flexText(s)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("expected a string, number or boolean")
	default:
		*t = flexText(b)
	}
	return nil
}

// flexBool binds true/false, "true"/"false" and numbers to a boolean;
// null leaves it unset.
type flexBool struct{ v *bool }

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	s := strings.ToLower(strings.Trim(strings.TrimSpace(string(b)), `"`))
	var v bool
	switch s {
	case "null", "":
		f.v = nil
		return nil
	case "true":
		v = true
	case "false":
		v = false
	default:
		if strings.Trim(s, "-0123456789.") != "" {
			return fmt.Errorf("expected a boolean, got %s", b)
		}
		v = strings.Trim(s, "-0.") != ""
	}
	f.v = &v
	return nil
}

type registrationJSON struct {
	DataSet              flexText `json:"dataSet"`
	Period               flexText `json:"period"`
	OrganisationUnit     flexText `json:"organisationUnit"`
	AttributeOptionCombo flexText `json:"attributeOptionCombo"`
	Date                 flexText `json:"date"`
	StoredBy             flexText `json:"storedBy"`
	LastUpdatedBy        flexText `json:"lastUpdatedBy"`
	Completed            flexBool `json:"completed"`
}

// DecodeRegistrationsJSON reads {"completeDataSetRegistrations":[…]}
// (DHIS2's key for the org unit is "organisationUnit"). Unknown
// properties are ignored.
func DecodeRegistrationsJSON(r io.Reader) ([]RegistrationInput, error) {
	var body struct {
		Registrations []registrationJSON `json:"completeDataSetRegistrations"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("invalid completeDataSetRegistrations JSON: %w", err)
	}
	out := make([]RegistrationInput, len(body.Registrations))
	for i, r := range body.Registrations {
		out[i] = RegistrationInput{DataSet: string(r.DataSet), Period: string(r.Period), OrgUnit: string(r.OrganisationUnit),
			AttributeOptionCombo: string(r.AttributeOptionCombo), Date: string(r.Date), StoredBy: string(r.StoredBy),
			LastUpdatedBy: string(r.LastUpdatedBy), Completed: r.Completed.v}
	}
	return out, nil
}

// WriteRegistrationsJSON writes {"completeDataSetRegistrations":[…]} in
// DHIS2's export shape (JdbcCompleteDataSetRegistrationExchangeStore):
// period, dataSet, organisationUnit, attributeOptionCombo, date
// (yyyy-MM-dd in zone; nil means UTC), storedBy, completed.
func WriteRegistrationsJSON(w io.Writer, regs []Registration, zone *time.Location) error {
	if zone == nil {
		zone = time.UTC
	}
	b := []byte(`{"completeDataSetRegistrations":[`)
	for i, r := range regs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"period":`...)
		b = appendString(b, r.Period)
		b = append(b, `,"dataSet":`...)
		b = appendString(b, r.DataSet)
		b = append(b, `,"organisationUnit":`...)
		b = appendString(b, r.OrgUnit)
		b = append(b, `,"attributeOptionCombo":`...)
		b = appendString(b, r.AttributeOptionCombo)
		b = append(b, `,"date":`...)
		b = appendString(b, r.Date.In(zone).Format(time.DateOnly))
		if r.StoredBy != "" {
			b = append(b, `,"storedBy":`...)
			b = appendString(b, r.StoredBy)
		}
		if r.Completed {
			b = append(b, `,"completed":true}`...)
		} else {
			b = append(b, `,"completed":false}`...)
		}
		if len(b) > 60<<10 {
			if _, err := w.Write(b); err != nil {
				return fmt.Errorf("writing completeDataSetRegistrations: %w", err)
			}
			b = b[:0]
		}
	}
	b = append(b, "]}"...)
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing completeDataSetRegistrations: %w", err)
	}
	return nil
}
