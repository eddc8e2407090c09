// Package config holds the d2sync configuration: one Config struct, loaded by
// a pure function from defaults, an optional KEY=VALUE file and D2SYNC_*
// environment variables (with *_FILE variants for secrets), then checked by
// Validate with one explicit message per rule. Commands apply their flags
// onto the struct after Load and before Validate.
//
// Precedence, lowest first: defaults < config file < environment < flags.
package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Defaults used when neither the config file nor the environment set a value.
const (
	DefaultDataDir     = "d2sync-data"
	DefaultDatabaseURL = "./d2sync-data/d2sync.db"
	DefaultLogLevel    = "info"
	DefaultLogFormat   = "text"
	DefaultListenAddr  = "127.0.0.1:8080"
)

// Credentials are the DHIS2 credentials the CLI uses for one side of a sync
// (source or destination). Either basic auth (Username + Password) or a
// personal access token (Token) is used, never both.
type Credentials struct {
	// Password is the DHIS2 password for basic auth. Secret.
	Password string
	// Token is a DHIS2 personal access token (d2pat_…). Secret.
	Token string
	// Username is the DHIS2 user name for basic auth.
	Username string
}

// String hides the password and token, so printing Credentials by accident
// cannot leak them.
func (c Credentials) String() string {
	return fmt.Sprintf("{Username:%s Password:%s Token:%s}", c.Username, mask(c.Password), mask(c.Token))
}

// GoString hides secrets from %#v as well.
func (c Credentials) GoString() string { return "config.Credentials" + c.String() }

// Config is the complete d2sync configuration. The zero value is not useful:
// obtain one from Load (or Default) and call Validate before use.
type Config struct {
	// ConfigFile is the path of the KEY=VALUE file that was read, or "" when
	// none was used.
	ConfigFile string

	// DataDir is where d2sync keeps local files (generated secret key,
	// reports). Default: the directory of the SQLite file, or ./d2sync-data
	// when the database is PostgreSQL.
	DataDir string

	// DatabaseURL is a SQLite file path (default ./d2sync-data/d2sync.db)
	// or a postgres:// / postgresql:// URL. It may contain a password: print
	// it only through RedactURL.
	DatabaseURL string

	// Dest holds the destination DHIS2 credentials (D2SYNC_DEST_*).
	Dest Credentials

	// ListenAddr is the host:port the HTTP server listens on. Default
	// 127.0.0.1:8080.
	ListenAddr string

	// LogFormat is "text" (default) or "json".
	LogFormat string

	// LogLevel is one of debug, info (default), warn, error.
	LogLevel string

	// SecretKey is the base64 encoding of the 32-byte key that seals stored
	// DHIS2 credentials. Empty means "use or create the key file in DataDir".
	// Secret.
	SecretKey string

	// Source holds the source DHIS2 credentials (D2SYNC_SOURCE_*).
	Source Credentials

	// dataDirSet records whether DataDir came from a file or the
	// environment, so that a --database-url flag applied later can still
	// move the default data directory next to the database.
	dataDirSet bool

	// origin maps a key to the variable or flag that supplied its value
	// (e.g. D2SYNC_SECRET_KEY_FILE, --database-url), for messages.
	origin map[string]string
}

func (c *Config) setOrigin(key, from string) {
	if c.origin == nil {
		c.origin = make(map[string]string)
	}
	c.origin[key] = from
}

// name returns how to refer to key in a message: the variable or flag that
// set it, or the key itself.
func (c *Config) name(key string) string {
	if from := c.origin[key]; from != "" && from != key {
		return from + " (" + key + ")"
	}
	return key
}

// Default returns the configuration used when nothing is set.
func Default() *Config {
	c := &Config{
		DatabaseURL: DefaultDatabaseURL,
		ListenAddr:  DefaultListenAddr,
		LogFormat:   DefaultLogFormat,
		LogLevel:    DefaultLogLevel,
	}
	c.DataDir = defaultDataDir(c.DatabaseURL)
	return c
}

// SetDatabaseURL sets DatabaseURL (for a --database-url flag) and, unless
// the data directory was configured explicitly, moves the default data
// directory next to the new SQLite file.
func (c *Config) SetDatabaseURL(u string) {
	c.DatabaseURL = u
	c.setOrigin(keyDatabaseURL, "--database-url")
	if !c.dataDirSet {
		c.DataDir = defaultDataDir(u)
	}
}

// SetDataDir sets DataDir explicitly (for a --data-dir flag).
func (c *Config) SetDataDir(dir string) {
	c.DataDir = dir
	c.setOrigin(keyDataDir, "--data-dir")
	c.dataDirSet = true
}

// IsPostgres reports whether DatabaseURL points to PostgreSQL.
func (c *Config) IsPostgres() bool { return IsPostgresURL(c.DatabaseURL) }

// IsPostgresURL reports whether u is a postgres:// or postgresql:// URL.
func IsPostgresURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// defaultDataDir is the directory of the SQLite file, or DefaultDataDir
// (relative to the working directory) for PostgreSQL and unusual URLs.
func defaultDataDir(dbURL string) string {
	if dbURL == "" || strings.Contains(dbURL, "://") {
		return DefaultDataDir
	}
	p := strings.TrimPrefix(strings.TrimPrefix(dbURL, "file:"), "sqlite:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" || p == ":memory:" {
		return DefaultDataDir
	}
	return filepath.Dir(p)
}

// String returns the configuration with every secret replaced by a marker
// and the database password removed, one KEY=VALUE per line. It is safe to
// log and to print.
func (c Config) String() string { return c.Redacted() }

// Redacted returns the configuration with every secret replaced by
// "[set]" (or "" when unset) and the database password removed.
func (c *Config) Redacted() string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, v) }
	line(keyConfigFile, c.ConfigFile)
	line(keyDatabaseURL, RedactURL(c.DatabaseURL))
	line(keyDataDir, c.DataDir)
	line(keyListenAddr, c.ListenAddr)
	line(keyLogFormat, c.LogFormat)
	line(keyLogLevel, c.LogLevel)
	line(keySecretKey, mask(c.SecretKey))
	for _, side := range []struct {
		prefix string
		cr     Credentials
	}{{"D2SYNC_SOURCE_", c.Source}, {"D2SYNC_DEST_", c.Dest}} {
		line(side.prefix+"USERNAME", side.cr.Username)
		line(side.prefix+"PASSWORD", mask(side.cr.Password))
		line(side.prefix+"TOKEN", mask(side.cr.Token))
	}
	return b.String()
}

// GoString makes %#v print the redacted form too, so a stray debug print
// cannot leak a secret.
func (c Config) GoString() string { return "config.Config{\n" + c.Redacted() + "}" }

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "[set]"
}
