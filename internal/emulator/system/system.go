package system

import (
	"crypto/rand"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// Defaults applied by New to zero-valued Options fields.
const (
	// DefaultStoreDelay is how long an uploaded file resource stays
	// PENDING before it is STORED.
	DefaultStoreDelay = 100 * time.Millisecond
	// DefaultMaxUploadSize is DHIS2's max.file_upload_size (bytes).
	DefaultMaxUploadSize = 10_000_000
	// UnassignedTTL is the age after which DHIS2 purges a file resource
	// that nothing references.
	UnassignedTTL = 2 * time.Hour
)

// Options configure a System.
type Options struct {
	// Profile is the emulated version's behaviour table.
	Profile profile.Profile
	// Clock returns the current time; default time.Now. File storage
	// status, purges and created/lastUpdated stamps read it.
	Clock func() time.Time
	// Location is the server time zone dates are written in; default UTC.
	Location *time.Location
	// StoreDelay is the PENDING → STORED delay of uploaded files; zero
	// means DefaultStoreDelay, a negative value stores files at once.
	StoreDelay time.Duration
	// MaxUploadSize bounds uploads on 2.40+; zero means
	// DefaultMaxUploadSize.
	MaxUploadSize int64
	// AdminUserID is the UID of the superuser, the owner of content the
	// system itself creates (default icons, bundled apps). Default
	// "M5zQapPyTZI".
	AdminUserID string
}

// System is the emulated instance's non-metadata content. Create it with
// New.
type System struct {
	prof  profile.Profile
	clock func() time.Time
	loc   *time.Location
	opts  Options

	Settings        *Settings
	DataStore       *DataStore
	UserDataStore   *UserDataStore
	Files           *Files
	Apps            *Apps
	Icons           *Icons
	Interpretations *Interpretations
}

// New builds an empty System (default settings, bundled apps and default
// icons only).
func New(o Options) *System {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.StoreDelay == 0 {
		o.StoreDelay = DefaultStoreDelay
	}
	if o.MaxUploadSize <= 0 {
		o.MaxUploadSize = DefaultMaxUploadSize
	}
	if o.AdminUserID == "" {
		o.AdminUserID = "M5zQapPyTZI"
	}
	s := &System{prof: o.Profile, clock: o.Clock, loc: o.Location, opts: o}
	s.Settings = newSettings(s)
	s.DataStore = newDataStore(s, false)
	s.UserDataStore = &UserDataStore{sys: s, byUser: map[string]*DataStore{}}
	s.Files = newFiles(s)
	s.Apps = newApps(s)
	s.Icons = newIcons(s)
	s.Interpretations = newInterpretations(s)
	return s
}

// Profile returns the version profile the system follows.
func (s *System) Profile() profile.Profile { return s.prof }

// now is the system clock.
func (s *System) now() time.Time { return s.clock() }

// dateLayout is DHIS2's date serialisation: server time zone, no offset.
const dateLayout = "2006-01-02T15:04:05.000"

// FormatTime writes t the way DHIS2 does (server time zone, no offset).
func (s *System) FormatTime(t time.Time) string { return t.In(s.loc).Format(dateLayout) }

// uidAlphabet is the alphabet of DHIS2 UIDs.
const uidAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// NewUID returns a random DHIS2 UID: a letter, then ten letters or digits.
func NewUID() string {
	b := make([]byte, 11)
	rand.Read(b)
	out := make([]byte, 11)
	out[0] = uidAlphabet[int(b[0])%52]
	for i := 1; i < 11; i++ {
		out[i] = uidAlphabet[int(b[i])%62]
	}
	return string(out)
}

// ValidUID reports whether s is a DHIS2 UID (^[a-zA-Z][a-zA-Z0-9]{10}$).
func ValidUID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
