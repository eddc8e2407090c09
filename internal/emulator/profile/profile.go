// Package profile holds the emulator's version gates: one table that says,
// for each DHIS2 version the emulator can pretend to be (2.30 to 2.42),
// which response envelopes, object shapes and endpoints that version has.
//
// Every version-dependent behaviour of the emulator reads a field of
// Profile; no other code compares version numbers. The facts come from
// ../shared/docs/DHIS2-API.md §0 and the version-gate index.
package profile

import (
	"fmt"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// SharingMode says how sharing is represented on metadata objects.
type SharingMode int

// Sharing representations.
const (
	SharingLegacy SharingMode = iota // ≤2.35: publicAccess, externalAccess, user, userAccesses, userGroupAccesses
	SharingBoth                      // 2.36–2.40: sharing{} plus the legacy fields (computed), both accepted
	SharingObject                    // 2.41+: only sharing{}; legacy input fields silently ignored; no "external"
)

// UserMode says where user credentials live on user objects.
type UserMode int

// User representations.
const (
	UserNested UserMode = iota // ≤2.37: userCredentials{username,userRoles,disabled,…}
	UserDual                   // 2.38–2.41: fields on the user, userCredentials still emitted and accepted
	UserFlat                   // 2.42+: userCredentials gone (ignored on input)
)

// GeometryMode says how org unit geometry is represented.
type GeometryMode int

// Geometry representations.
const (
	GeometryCoordinates GeometryMode = iota // ≤2.31: featureType + coordinates string
	GeometryGeoJSON                         // 2.32+: geometry GeoJSON object
)

// TrackerEnvelope is the list envelope of /api/tracker exports.
type TrackerEnvelope int

// New-tracker list envelopes.
const (
	TrackerNone      TrackerEnvelope = iota // no /api/tracker (≤2.35)
	TrackerInstances                        // 2.36–2.40: {"instances":[…],"page","pageSize","total"?}
	TrackerPagerFlat                        // 2.41: {"pager":{…},"<type>":[…]} plus deprecated flat page fields
	TrackerPager                            // 2.42+: {"pager":{…},"<type>":[…]}
)

// Profile is the set of behaviours of one DHIS2 version.
type Profile struct {
	Version dhis2.Version

	// Envelopes.
	WrappedImports     bool   // 2.38+: import reports/summaries inside a WebMessage, HTTP 409 on non-OK
	PlainBelowAPI      int    // 2.38–2.41: a versioned URL /api/NN/ with NN < PlainBelowAPI answers plain; 0 = never
	MinAPIVersion      int    // lowest accepted /api/NN/
	MaxAPIVersion      int    // highest accepted /api/NN/
	ConflictDetails    bool   // 2.37+: conflicts carry errorCode, property, indexes, objects
	ErrorProperties    bool   // 2.31+: errorReports carry errorProperties[]
	LoginPath          string // where unauthenticated browser-like requests are redirected
	ImportParamsInRept bool   // plain reports include importParams

	// Object shapes.
	Sharing            SharingMode
	Users              UserMode
	Geometry           GeometryMode
	Charts             bool // charts and reportTables types exist (≤2.36)
	Visualizations     bool // visualizations type exists (2.34+)
	EventVisualizns    bool // eventVisualizations type exists (2.38+)
	EventStatusVisited bool // event status VISITED accepted (≤2.37)

	// Import parameters each version knows.
	MergeMode        bool // mergeMode (≤2.40)
	UserOverrideMode bool // userOverrideMode/overrideUser (≤2.36)
	IdentifierAuto   bool // identifier=AUTO (≤2.35)
	SkipTranslation  bool // skipTranslation (2.36+)

	// Authentication.
	PATv1 bool // ApiToken d2pat_… (2.37+)
	PATv2 bool // ApiToken d2p_… (2.41+)

	// Tracker.
	OldTracker         bool // /api/trackedEntityInstances, /api/events, /api/enrollments, /api/relationships (≤2.41)
	NewTracker         bool // /api/tracker (2.36+)
	TrackerList        TrackerEnvelope
	TrackerPagingFalse bool // paging=false accepted (2.41+); before: skipPaging=true

	// Aggregate data.
	KeepsDataValueTimestamps bool // payload created/lastUpdated kept (≤2.40; 2.41 sets them to now: DHIS2-8084, commit 24e837d8b2e)
	IgnoresUnchangedValues   bool // unchanged values counted as ignored (DHIS2-15254: 2.41+, backported to 2.38.6, 2.39.5, 2.40.3)
	DataValueSetsCompression bool // dataValueSets?compression= (2.39+)
	DataElementFilter        bool // dataValueSets?dataElement= (2.39+)

	// Other resources.
	FileResourceUID  bool // POST /api/fileResources?uid= (2.39+)
	OrgUnitImages    bool // ORG_UNIT file resource domain (2.38+)
	IconDomain       bool // ICON / JOB_DATA domains (2.40+)
	CustomIcons      bool // POST /api/icons (2.41+)
	DataStoreQueries bool // dataStore fields/filter query API and per-key sharing (2.38+)
	GistAPI          bool // /api/<type>/gist (2.36+)

	// System resources (settings, dataStore, files, apps, icons).
	DataStoreMessagesV2  bool // 2.37+: "Key created: 'k'", 409 "Key 'k' already exists in namespace 'ns'", 404 "Namespace not found: 'x'"
	DataStorePutCreates  bool // 2.38+: PUT of a missing dataStore key creates it (201) instead of 404
	DataStoreProtections bool // 2.42+: GET /api/dataStore/protections
	FeedbackErrorCodes   bool // 2.40+: 404/409 WebMessages of the dataStore, icons and settings carry errorCode E1005/E1004
	SettingMissing404    bool // 2.41+: GET /api/systemSettings/{key} of an unknown or confidential key is 404, not {"key":""}
	SettingsV2           bool // 2.42+: SystemSettingsController: unknown key 404 "Setting does not exist: k", confidential 403, bad value 400, empty value deletes
	AvatarDomains        bool // 2.31+: MESSAGE_ATTACHMENT and USER_AVATAR file resource domains
	FileResourceData     bool // 2.31+: GET /api/fileResources/{uid}/data and the domain upload parameter
	FileDataOpenDomains  bool // 2.37+: /data serves every domain but DATA_VALUE and PUSH_ANALYSIS (before: DOCUMENT and USER_AVATAR only)
	FileBlocklist        bool // 2.32+: blocked content types and extensions rejected (E6101)
	FileSizeLimit        bool // 2.40+: uploads above max.file_upload_size (10,000,000 bytes) rejected
	FileAssignedField    bool // 2.41+: file resources serialise "assigned"
}

// Supported range of the emulator.
const (
	MinMinor = 30
	MaxMinor = 42
)

// For returns the profile of version v. Versions outside 2.30–2.42 are an
// error naming the supported range.
func For(v dhis2.Version) (Profile, error) {
	if v.Major != 2 || v.Minor < MinMinor || v.Minor > MaxMinor {
		return Profile{}, fmt.Errorf("DHIS2 version %s is not emulated: choose a version from 2.%d to 2.%d (patch and hotfix accepted, e.g. 2.40.3.1)", v, MinMinor, MaxMinor)
	}
	m := v.Minor
	p := Profile{
		Version:            v,
		WrappedImports:     m >= 38,
		MinAPIVersion:      minAPI(m),
		MaxAPIVersion:      maxAPI(m),
		ConflictDetails:    m >= 37,
		ErrorProperties:    m >= 31,
		LoginPath:          "/dhis-web-commons/security/login.action",
		ImportParamsInRept: true,
		Charts:             m <= 36,
		Visualizations:     m >= 34,
		EventVisualizns:    m >= 38,
		EventStatusVisited: m <= 37,
		MergeMode:          m <= 40,
		UserOverrideMode:   m <= 36,
		IdentifierAuto:     m <= 35,
		SkipTranslation:    m >= 36,
		PATv1:              m >= 37,
		PATv2:              m >= 41,
		OldTracker:         m <= 41,
		NewTracker:         m >= 36,
		TrackerPagingFalse: m >= 41,

		KeepsDataValueTimestamps: m <= 40,
		IgnoresUnchangedValues:   ignoresUnchanged(v),
		DataValueSetsCompression: m >= 39,
		DataElementFilter:        m >= 39,

		FileResourceUID:  m >= 39,
		OrgUnitImages:    m >= 38,
		IconDomain:       m >= 40,
		CustomIcons:      m >= 41,
		DataStoreQueries: m >= 38,
		GistAPI:          m >= 36,

		DataStoreMessagesV2:  m >= 37,
		DataStorePutCreates:  m >= 38,
		DataStoreProtections: m >= 42,
		FeedbackErrorCodes:   m >= 40,
		SettingMissing404:    m >= 41,
		SettingsV2:           m >= 42,
		AvatarDomains:        m >= 31,
		FileResourceData:     m >= 31,
		FileDataOpenDomains:  m >= 37,
		FileBlocklist:        m >= 32,
		FileSizeLimit:        m >= 40,
		FileAssignedField:    m >= 41,
	}
	if m >= 38 && m <= 41 {
		p.PlainBelowAPI = 38
	}
	if m >= 41 {
		p.LoginPath = "/dhis-web-login/"
	}
	switch {
	case m <= 35:
		p.Sharing = SharingLegacy
	case m <= 40:
		p.Sharing = SharingBoth
	default:
		p.Sharing = SharingObject
	}
	switch {
	case m <= 37:
		p.Users = UserNested
	case m <= 41:
		p.Users = UserDual
	default:
		p.Users = UserFlat
	}
	if m >= 32 {
		p.Geometry = GeometryGeoJSON
	}
	switch {
	case m <= 35:
		p.TrackerList = TrackerNone
	case m <= 40:
		p.TrackerList = TrackerInstances
	case m == 41:
		p.TrackerList = TrackerPagerFlat
	default:
		p.TrackerList = TrackerPager
	}
	return p, nil
}

// MustFor is For for versions known to be supported; it panics otherwise.
func MustFor(s string) Profile {
	p, err := For(dhis2.MustParseVersion(s))
	if err != nil {
		panic(err)
	}
	return p
}

// ignoresUnchanged reports whether an import of an unchanged data value is
// counted as ignored (DHIS2-15254), a patch-level gate.
func ignoresUnchanged(v dhis2.Version) bool {
	switch v.Minor {
	case 38:
		return v.Patch >= 6
	case 39:
		return v.Patch >= 5
	case 40:
		return v.Patch >= 3
	}
	return v.Minor >= 41
}

// minAPI and maxAPI give the accepted /api/NN/ range (DhisApiVersion enum
// per branch: 2.30 = 26–30, 2.34 = 28–34, 2.38 = 28–39, 2.41/2.42 = 28–42).
func minAPI(m int) int {
	if m <= 33 {
		return 26
	}
	return 28
}

func maxAPI(m int) int {
	switch {
	case m == 38:
		return 39
	case m >= 41:
		return 42
	default:
		return m
	}
}

// PlainForAPIVersion reports whether an import posted to /api/NN/… (apiNN
// > 0) or to the unversioned /api/… (apiNN == 0) answers with a plain
// report rather than a WebMessage wrapper.
func (p Profile) PlainForAPIVersion(apiNN int) bool {
	if !p.WrappedImports {
		return true
	}
	return apiNN > 0 && p.PlainBelowAPI > 0 && apiNN < p.PlainBelowAPI
}
