package emulator

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultVersion         = "2.41"
	DefaultAdminUsername   = "admin"
	DefaultAdminPassword   = "district" // DHIS2's demo convention
	DefaultTimeZone        = "UTC"
	DefaultSystemName      = "DHIS 2 Emulator (d2sync)"
	DefaultRequestLogSize  = 100_000
	DefaultPersistInterval = 2 * time.Second
)

// Options configure an Emulator. The zero value is usable: DHIS2 2.41, no
// seed, admin/district, in-memory state, UTC.
type Options struct {
	// Version is the DHIS2 version to emulate, 2.30 to 2.42, with patch,
	// hotfix or qualifier accepted ("2.40.3.1", "2.39-SNAPSHOT").
	// /api/system/info reports it exactly as given. Default "2.41".
	Version string
	// Seed is the initial content: "none" (default), "demo" or "national".
	// It is ignored when DataDir already holds a snapshot.
	Seed string
	// SeedMetadataOnly loads only the seed's metadata and system content
	// (settings, dataStore, files), not its aggregate data values,
	// complete registrations or tracker data: about 1.5 s of CPU less for
	// a demo instance, for tests that only look at metadata.
	SeedMetadataOnly bool
	// AdminUsername and AdminPassword are the superuser's credentials
	// (authority ALL). Defaults "admin" and "district".
	AdminUsername string
	AdminPassword string
	// NoAdmin starts without the admin user object and its "Superuser"
	// role in the metadata, like DHIS2's integration-test databases, so a
	// payload bringing its own "admin" user or "Superuser" role imports
	// without clashing with them. The admin account (AdminUsername,
	// AdminPassword, uid M5zQapPyTZI, authority ALL) still signs requests
	// in: it is a login account, not a metadata user. Trade-off: /api/users
	// does not list it, and what it imports names M5zQapPyTZI as creator and
	// owner although no such user object exists (DHIS2's tests do the same
	// with their injected test user). Needs Seed "none" (the seeds reference
	// the admin user) and is ignored when DataDir holds a snapshot.
	NoAdmin bool
	// Users are extra accounts, e.g. one without import authority to test
	// 403 answers.
	Users []UserSpec
	// DataDir, when set, keeps state across restarts: it is loaded by New,
	// saved after writes (debounced by PersistInterval) and by Close.
	DataDir string
	// PersistInterval is the debounce delay of snapshots after writes.
	// Default 2s. Only used with DataDir.
	PersistInterval time.Duration
	// Faults is a fault specification in the grammar of ParseFaults, e.g.
	// "POST /api/dataValueSets status=503 count=2; GET /api/metadata* latency=200ms".
	Faults string
	// FaultRules are added after the rules parsed from Faults.
	FaultRules []FaultRule
	// FaultSeed seeds the random source of probabilistic fault rules
	// (rate=…), so that a run is reproducible. Default 1.
	FaultSeed uint64
	// TimeZone is the server time zone (serverTimeZoneId), an IANA name.
	// All dates are written in it without offset, as DHIS2 does. Default "UTC".
	TimeZone string
	// SystemName is /api/system/info's systemName.
	SystemName string
	// Clock returns the current time; default time.Now. Tests use it to
	// control created/lastUpdated stamps and serverDate.
	Clock func() time.Time
	// Logger receives server errors and, with LogRequests, one line per
	// request. Default: discard.
	Logger *slog.Logger
	// LogRequests logs one line per request at Info level.
	LogRequests bool
	// RequestLogSize bounds the in-memory request log (a ring buffer).
	// Default 100,000 records.
	RequestLogSize int
	// JobDelay is how long an async job (async=true) stays running before
	// it executes, so that tests can observe the running state. Default 0.
	JobDelay time.Duration
	// FileStoreDelay is how long an uploaded file resource stays PENDING
	// before it is STORED. Default 100ms; negative stores at once.
	FileStoreDelay time.Duration
}

// UserSpec describes an extra user account.
type UserSpec struct {
	// Username and Password are the login credentials.
	Username string
	Password string
	// Authorities are the user's authorities, e.g. "F_METADATA_EXPORT" or
	// "ALL". An empty list gives a user who can read but not write.
	Authorities []string
	// ID is the user's UID; generated from the username when empty.
	ID string
	// FirstName and Surname default to the username and "User".
	FirstName string
	Surname   string
}

// settings is Options after defaults and validation.
type settings struct {
	Options
	version dhis2.Version
	prof    profile.Profile
	loc     *time.Location
}

// resolve applies defaults and validates o, returning one explicit error
// per problem.
func resolve(o Options) (*settings, error) {
	if o.Version == "" {
		o.Version = DefaultVersion
	}
	o.Version = strings.TrimSpace(o.Version)
	v, err := dhis2.ParseVersion(o.Version)
	if err != nil {
		return nil, fmt.Errorf("emulator version: %w", err)
	}
	prof, err := profile.For(v)
	if err != nil {
		return nil, fmt.Errorf("emulator version: %w", err)
	}
	if o.Seed == "" {
		o.Seed = "none"
	}
	if o.AdminUsername == "" {
		o.AdminUsername = DefaultAdminUsername
	}
	if o.AdminPassword == "" {
		o.AdminPassword = DefaultAdminPassword
	}
	if o.TimeZone == "" {
		o.TimeZone = DefaultTimeZone
	}
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("emulator time zone %q is not an IANA time zone name (e.g. UTC, Africa/Dakar): %w", o.TimeZone, err)
	}
	if o.SystemName == "" {
		o.SystemName = DefaultSystemName
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.RequestLogSize <= 0 {
		o.RequestLogSize = DefaultRequestLogSize
	}
	if o.PersistInterval <= 0 {
		o.PersistInterval = DefaultPersistInterval
	}
	if o.FaultSeed == 0 {
		o.FaultSeed = 1
	}
	if o.NoAdmin && o.Seed != "none" {
		return nil, fmt.Errorf("emulator: NoAdmin needs Seed \"none\" (the %s seed references the admin user and its Superuser role)", o.Seed)
	}
	if o.JobDelay < 0 {
		return nil, fmt.Errorf("emulator job delay must not be negative (got %s)", o.JobDelay)
	}
	if err := validateUsers(o); err != nil {
		return nil, err
	}
	return &settings{Options: o, version: v, prof: prof, loc: loc}, nil
}

func validateUsers(o Options) error {
	seen := map[string]bool{strings.ToLower(o.AdminUsername): true}
	for i, u := range o.Users {
		if u.Username == "" || u.Password == "" {
			return fmt.Errorf("emulator user #%d: username and password are required", i+1)
		}
		if seen[strings.ToLower(u.Username)] {
			return fmt.Errorf("emulator user #%d: username %q is used twice", i+1, u.Username)
		}
		seen[strings.ToLower(u.Username)] = true
		if u.ID != "" && !validUID(u.ID) {
			return fmt.Errorf("emulator user %q: id %q is not a valid DHIS2 UID (11 characters, a letter then letters or digits)", u.Username, u.ID)
		}
	}
	return nil
}
