package datavalue

// Input is one data value as sent to POST /api/dataValueSets, before
// validation. Identifiers are as sent (untrimmed). HasValue and HasComment
// tell an absent or null property from an empty string, which DHIS2
// treats differently (E7618 versus deletion).
type Input struct {
	DataElement          string
	Period               string
	OrgUnit              string
	CategoryOptionCombo  string
	AttributeOptionCombo string
	Value                string
	HasValue             bool
	Comment              string
	HasComment           bool
	StoredBy             string
	Created              string
	LastUpdated          string
	FollowUp             bool
	Deleted              bool
}

// Header is the root of a dataValueSet: the properties besides
// "dataValues". Non-empty Period, OrgUnit and AttributeOptionCombo apply
// to every value (DHIS2 uses them instead of the value's own when they
// resolve); DataSet and CompleteDate register completion.
type Header struct {
	DataSet              string
	CompleteDate         string
	Period               string
	OrgUnit              string
	AttributeOptionCombo string
	// DryRun and Strategy are the payload's "dryRun" and "strategy",
	// which override the request parameters when present.
	DryRun   *bool
	Strategy string
	// IDSchemes holds the payload's *IdScheme properties by name (only
	// UID is supported by the emulator; the HTTP layer may reject others).
	IDSchemes map[string]string
}

// Apply returns in with the header's period, org unit and attribute
// option combo in place of the value's own, as DHIS2 resolves them when
// they exist.
func (h *Header) Apply(in Input) Input {
	if h.Period != "" {
		in.Period = h.Period
	}
	if h.OrgUnit != "" {
		in.OrgUnit = h.OrgUnit
	}
	if h.AttributeOptionCombo != "" {
		in.AttributeOptionCombo = h.AttributeOptionCombo
	}
	return in
}
