package datavalue

import (
	"fmt"
	"strings"
	"time"
)

// Strategy is a DHIS2 importStrategy. The zero value is CreateAndUpdate.
type Strategy uint8

// Import strategies (org.hisp.dhis.importexport.ImportStrategy).
const (
	CreateAndUpdate Strategy = iota
	Create
	Update
	Delete
	Sync
)

// String returns the DHIS2 name of s ("CREATE_AND_UPDATE", …).
func (s Strategy) String() string {
	switch s {
	case Create:
		return "CREATE"
	case Update:
		return "UPDATE"
	case Delete:
		return "DELETE"
	case Sync:
		return "SYNC"
	}
	return "CREATE_AND_UPDATE"
}

// ParseStrategy parses an importStrategy value, including DHIS2's legacy
// aliases NEW_AND_UPDATES, NEW, UPDATES and DELETES. Case is ignored.
func ParseStrategy(s string) (Strategy, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "CREATE_AND_UPDATE", "NEW_AND_UPDATES":
		return CreateAndUpdate, nil
	case "CREATE", "NEW":
		return Create, nil
	case "UPDATE", "UPDATES":
		return Update, nil
	case "DELETE", "DELETES":
		return Delete, nil
	case "SYNC":
		return Sync, nil
	}
	return 0, fmt.Errorf("invalid importStrategy %q: expected CREATE_AND_UPDATE, CREATE, UPDATE, DELETE or SYNC", s)
}

// Options control one import. The zero value is DHIS2's default import
// with the lenient default system settings, stamping the current time.
type Options struct {
	Strategy Strategy
	DryRun   bool

	// KeepTimestamps stores the payload's created and lastUpdated (DHIS2
	// 2.30–2.40). When false (2.41+) both are now, created being kept from
	// an existing value.
	KeepTimestamps bool
	// IgnoreUnchanged counts an update with the same value, comment and
	// follow-up as ignored (2.41+, 2.40.3+, 2.39.x, 2.38.6+).
	IgnoreUnchanged bool

	// User is the importing user's username, the storedBy of values that
	// carry none.
	User string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location interprets payload timestamps without a zone offset (the
	// server time zone); nil means UTC.
	Location *time.Location

	// Force skips the data set period checks (DHIS2 force=true).
	Force bool
	// Strict checks, off by default like DHIS2's keyDataImportStrict*
	// settings.
	StrictPeriods               bool
	StrictDataElements          bool
	StrictCategoryOptionCombos  bool
	StrictAttributeOptionCombos bool
	StrictOrganisationUnits     bool
	RequireCategoryOptionCombo  bool
	RequireAttributeOptionCombo bool

	// DefaultOptionCombo replaces an omitted category or attribute option
	// combo; "" means DefaultOptionCombo.
	DefaultOptionCombo string

	// LegacyFileUpdate is how DHIS2 2.30–2.37 update a FILE_RESOURCE or
	// IMAGE value (with a FileCatalog): the file resource the new value
	// names must exist, else the import fails, and it is marked assigned.
	// From 2.38 the existing value's file resource is marked assigned if
	// it exists, and the new one is not checked. Creating a file value
	// needs its file resource in every version.
	LegacyFileUpdate bool
	// HelpfulNPE words the failure a missing file resource causes with
	// Java 17's helpful NullPointerException message (DHIS2 2.41+, which
	// requires Java 17). Older versions ran on Java 8 or 11, where the
	// exception has no message and DHIS2 reports "null".
	HelpfulNPE bool
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return time.UTC
}

func (o *Options) defaultCombo() string {
	if o.DefaultOptionCombo != "" {
		return o.DefaultOptionCombo
	}
	return DefaultOptionCombo
}
