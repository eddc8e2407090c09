package config

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// validKey is the base64 of 32 zero bytes.
const validKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

type testBundle struct {
	env   map[string]string
	files map[string]string
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return &testBundle{env: map[string]string{}, files: map[string]string{}}
}

func (b *testBundle) getenv(k string) string { return b.env[k] }

func (b *testBundle) readFile(name string) ([]byte, error) {
	s, ok := b.files[name]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	return []byte(s), nil
}

func (b *testBundle) load(t *testing.T, configFile string) (*Config, error) {
	t.Helper()
	return Load(b.getenv, b.readFile, configFile)
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, err := b.load(t, "")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Default()
	if c.DatabaseURL != DefaultDatabaseURL || c.DataDir != "d2sync-data" || c.LogLevel != "info" ||
		c.LogFormat != "text" || c.ListenAddr != DefaultListenAddr || c.SecretKey != "" || c.ConfigFile != "" {
		t.Fatalf("defaults = %+v, want %+v", c.Redacted(), want.Redacted())
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate on defaults: %v", err)
	}
}

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		env        map[string]string
		files      map[string]string
		configFlag string
		check      func(t *testing.T, c *Config)
	}{
		{
			name:  "file overrides defaults",
			env:   map[string]string{"D2SYNC_CONFIG_FILE": "/etc/d2sync.conf"},
			files: map[string]string{"/etc/d2sync.conf": "# comment\n\nD2SYNC_LOG_LEVEL=debug\nexport D2SYNC_LOG_FORMAT=\"json\"\n"},
			check: func(t *testing.T, c *Config) {
				if c.LogLevel != "debug" || c.LogFormat != "json" || c.ConfigFile != "/etc/d2sync.conf" {
					t.Errorf("got level=%q format=%q file=%q", c.LogLevel, c.LogFormat, c.ConfigFile)
				}
			},
		},
		{
			name:  "environment overrides file",
			env:   map[string]string{"D2SYNC_CONFIG_FILE": "/c", "D2SYNC_LOG_LEVEL": "warn"},
			files: map[string]string{"/c": "D2SYNC_LOG_LEVEL=debug\nD2SYNC_LISTEN_ADDR=0.0.0.0:9000\n"},
			check: func(t *testing.T, c *Config) {
				if c.LogLevel != "warn" || c.ListenAddr != "0.0.0.0:9000" {
					t.Errorf("got level=%q listen=%q", c.LogLevel, c.ListenAddr)
				}
			},
		},
		{
			name:       "config flag overrides D2SYNC_CONFIG_FILE",
			env:        map[string]string{"D2SYNC_CONFIG_FILE": "/missing"},
			files:      map[string]string{"/flag.conf": "D2SYNC_LOG_LEVEL=error"},
			configFlag: "/flag.conf",
			check: func(t *testing.T, c *Config) {
				if c.LogLevel != "error" {
					t.Errorf("level = %q, want error", c.LogLevel)
				}
			},
		},
		{
			name:  "secret from _FILE with trailing newline trimmed",
			env:   map[string]string{"D2SYNC_SOURCE_PASSWORD_FILE": "/run/secrets/pw", "D2SYNC_SOURCE_USERNAME": "admin"},
			files: map[string]string{"/run/secrets/pw": "s3cret pass\r\n"},
			check: func(t *testing.T, c *Config) {
				if c.Source.Password != "s3cret pass" {
					t.Errorf("password = %q", c.Source.Password)
				}
			},
		},
		{
			name:  "_FILE in config file is relative to the file",
			env:   map[string]string{"D2SYNC_CONFIG_FILE": "/etc/d2/d2sync.conf"},
			files: map[string]string{"/etc/d2/d2sync.conf": "D2SYNC_SECRET_KEY_FILE=key.b64", "/etc/d2/key.b64": validKey + "\n"},
			check: func(t *testing.T, c *Config) {
				if c.SecretKey != validKey {
					t.Errorf("secret key not read from the relative file")
				}
			},
		},
		{
			name:  "env direct value beats file _FILE",
			env:   map[string]string{"D2SYNC_CONFIG_FILE": "/c", "D2SYNC_DEST_TOKEN": "d2pat_env"},
			files: map[string]string{"/c": "D2SYNC_DEST_TOKEN_FILE=/nonexistent"},
			check: func(t *testing.T, c *Config) {
				if c.Dest.Token != "d2pat_env" {
					t.Errorf("token = %q", c.Dest.Token)
				}
			},
		},
		{
			name: "data dir follows the SQLite file",
			env:  map[string]string{"D2SYNC_DATABASE_URL": "/var/lib/d2sync/main.db"},
			check: func(t *testing.T, c *Config) {
				if c.DataDir != "/var/lib/d2sync" {
					t.Errorf("data dir = %q", c.DataDir)
				}
			},
		},
		{
			name: "data dir default for postgres",
			env:  map[string]string{"D2SYNC_DATABASE_URL": "postgres://u@h/db"},
			check: func(t *testing.T, c *Config) {
				if c.DataDir != DefaultDataDir {
					t.Errorf("data dir = %q", c.DataDir)
				}
			},
		},
		{
			name: "explicit data dir wins",
			env:  map[string]string{"D2SYNC_DATABASE_URL": "/x/y.db", "D2SYNC_DATA_DIR": "/data"},
			check: func(t *testing.T, c *Config) {
				if c.DataDir != "/data" {
					t.Errorf("data dir = %q", c.DataDir)
				}
				c.SetDatabaseURL("/other/z.db")
				if c.DataDir != "/data" {
					t.Errorf("after flag, data dir = %q", c.DataDir)
				}
			},
		},
		{
			name: "database flag moves the default data dir",
			env:  map[string]string{},
			check: func(t *testing.T, c *Config) {
				c.SetDatabaseURL("/srv/d2/d2sync.db")
				if c.DataDir != "/srv/d2" || c.DatabaseURL != "/srv/d2/d2sync.db" {
					t.Errorf("data dir = %q url = %q", c.DataDir, c.DatabaseURL)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.env, b.files = tt.env, tt.files
			if b.files == nil {
				b.files = map[string]string{}
			}
			c, err := b.load(t, tt.configFlag)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		files   map[string]string
		wantErr string
	}{
		{"missing config file", map[string]string{"D2SYNC_CONFIG_FILE": "/nope"}, nil, "read config file (D2SYNC_CONFIG_FILE)"},
		{"bad line", map[string]string{"D2SYNC_CONFIG_FILE": "/c"}, map[string]string{"/c": "D2SYNC_LOG_LEVEL=info\njust words\n"}, "config file /c: line 2: expected KEY=VALUE"},
		{"unknown key", map[string]string{"D2SYNC_CONFIG_FILE": "/c"}, map[string]string{"/c": "D2SYNC_LOG_LEVLE=info"}, `line 1: unknown key "D2SYNC_LOG_LEVLE"`},
		{"config file key in file", map[string]string{"D2SYNC_CONFIG_FILE": "/c"}, map[string]string{"/c": "D2SYNC_CONFIG_FILE=/d"}, `unknown key "D2SYNC_CONFIG_FILE"`},
		{"duplicate key", map[string]string{"D2SYNC_CONFIG_FILE": "/c"}, map[string]string{"/c": "D2SYNC_LOG_LEVEL=info\nD2SYNC_LOG_LEVEL=warn"}, "line 2: D2SYNC_LOG_LEVEL is set twice"},
		{"value and _FILE both in env", map[string]string{"D2SYNC_SECRET_KEY": validKey, "D2SYNC_SECRET_KEY_FILE": "/k"}, nil, "D2SYNC_SECRET_KEY and D2SYNC_SECRET_KEY_FILE are both set in the environment"},
		{"missing secret file", map[string]string{"D2SYNC_SOURCE_TOKEN_FILE": "/nope"}, nil, "read D2SYNC_SOURCE_TOKEN_FILE"},
		{"empty secret file", map[string]string{"D2SYNC_SOURCE_TOKEN_FILE": "/empty"}, map[string]string{"/empty": "\n"}, "D2SYNC_SOURCE_TOKEN_FILE points to /empty, which is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.env = tt.env
			if tt.files != nil {
				b.files = tt.files
			}
			_, err := b.load(t, "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-pw-7f3a"
	tests := []struct {
		name    string
		env     map[string]string
		files   map[string]string
		flagDB  string
		wantErr string // "" = valid
	}{
		{name: "sqlite path ok", env: map[string]string{"D2SYNC_DATABASE_URL": "/tmp/x.db"}},
		{name: "postgres ok", env: map[string]string{"D2SYNC_DATABASE_URL": "postgresql://u:" + canary + "@h:5432/db?sslmode=disable"}},
		{name: "empty database url via flag", flagDB: " ", wantErr: "--database-url (D2SYNC_DATABASE_URL) must not be empty"},
		{name: "other scheme", env: map[string]string{"D2SYNC_DATABASE_URL": "mysql://u:" + canary + "@h/db"}, wantErr: `D2SYNC_DATABASE_URL must be a SQLite file path or a postgres:// URL (got scheme "mysql")`},
		{name: "bad postgres url", env: map[string]string{"D2SYNC_DATABASE_URL": "postgres://u:" + canary + "@h:port/db"}, wantErr: "D2SYNC_DATABASE_URL is not a valid PostgreSQL URL"},
		{name: "sqlite with query", env: map[string]string{"D2SYNC_DATABASE_URL": "x.db?mode=ro"}, wantErr: "must not contain '?' or '#'"},
		{name: "key ok", env: map[string]string{"D2SYNC_SECRET_KEY": validKey}},
		{name: "key url alphabet unpadded ok", env: map[string]string{"D2SYNC_SECRET_KEY": strings.TrimRight(validKey, "=")}},
		{name: "key too short", env: map[string]string{"D2SYNC_SECRET_KEY": "c2hvcnQ="}, wantErr: "D2SYNC_SECRET_KEY must be the base64 encoding of 32 bytes (got 5 bytes); generate one with: head -c32 /dev/urandom | base64"},
		{name: "key not base64", env: map[string]string{"D2SYNC_SECRET_KEY": canary + "!!"}, wantErr: "D2SYNC_SECRET_KEY must be the base64 encoding of 32 bytes (it is not valid base64)"},
		{name: "key from file named", env: map[string]string{"D2SYNC_SECRET_KEY_FILE": "/k"}, files: map[string]string{"/k": "c2hvcnQ="}, wantErr: "D2SYNC_SECRET_KEY_FILE (D2SYNC_SECRET_KEY) must be the base64 encoding of 32 bytes (got 5 bytes)"},
		{name: "empty data dir", env: map[string]string{"D2SYNC_DATA_DIR": " "}, wantErr: "D2SYNC_DATA_DIR must not be empty"},
		{name: "log level", env: map[string]string{"D2SYNC_LOG_LEVEL": "verbose"}, wantErr: `D2SYNC_LOG_LEVEL must be one of debug, info, warn, error (got "verbose")`},
		{name: "log format", env: map[string]string{"D2SYNC_LOG_FORMAT": "xml"}, wantErr: `D2SYNC_LOG_FORMAT must be text or json (got "xml")`},
		{name: "listen addr", env: map[string]string{"D2SYNC_LISTEN_ADDR": "8080"}, wantErr: `D2SYNC_LISTEN_ADDR must be host:port`},
		{name: "listen port", env: map[string]string{"D2SYNC_LISTEN_ADDR": ":99999"}, wantErr: `D2SYNC_LISTEN_ADDR has an invalid port "99999"`},
		{name: "basic auth ok", env: map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": canary}},
		{name: "username only ok (prompt later)", env: map[string]string{"D2SYNC_DEST_USERNAME": "admin"}},
		{name: "token ok", env: map[string]string{"D2SYNC_DEST_TOKEN": "d2pat_abc1234567890"}},
		{name: "password and token", env: map[string]string{"D2SYNC_SOURCE_USERNAME": "a", "D2SYNC_SOURCE_PASSWORD": canary, "D2SYNC_SOURCE_TOKEN": "d2pat_" + canary}, wantErr: "D2SYNC_SOURCE_PASSWORD and D2SYNC_SOURCE_TOKEN are both set"},
		{name: "dest password and token from files", env: map[string]string{"D2SYNC_DEST_USERNAME": "a", "D2SYNC_DEST_PASSWORD_FILE": "/p", "D2SYNC_DEST_TOKEN_FILE": "/t"}, files: map[string]string{"/p": canary, "/t": "d2pat_x"}, wantErr: "D2SYNC_DEST_PASSWORD_FILE (D2SYNC_DEST_PASSWORD) and D2SYNC_DEST_TOKEN_FILE (D2SYNC_DEST_TOKEN) are both set"},
		{name: "token with username", env: map[string]string{"D2SYNC_DEST_USERNAME": "a", "D2SYNC_DEST_TOKEN": "d2pat_x"}, wantErr: "D2SYNC_DEST_USERNAME is set together with D2SYNC_DEST_TOKEN"},
		{name: "password without username", env: map[string]string{"D2SYNC_SOURCE_PASSWORD": canary}, wantErr: "D2SYNC_SOURCE_PASSWORD is set but D2SYNC_SOURCE_USERNAME is empty"},
		{name: "token with whitespace", env: map[string]string{"D2SYNC_SOURCE_TOKEN": "d2pat_x y"}, wantErr: "D2SYNC_SOURCE_TOKEN contains whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.env = tt.env
			if tt.files != nil {
				b.files = tt.files
			}
			c, err := b.load(t, "")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if tt.flagDB != "" {
				c.SetDatabaseURL(tt.flagDB)
			}
			err = c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("error leaks a secret: %v", err)
			}
		})
	}
}

func TestValidateJoinsAllViolations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.env = map[string]string{"D2SYNC_LOG_LEVEL": "loud", "D2SYNC_LOG_FORMAT": "yaml", "D2SYNC_LISTEN_ADDR": "nope"}
	c, err := b.load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil {
		t.Fatal("Validate = nil, want three violations")
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
		t.Fatalf("got %d messages, want 3:\n%v", n, err)
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	const pw, tok, key, dbpw = "CANARY-pw-1", "d2pat_CANARY2", validKey, "CANARYdb3"
	b := setup(t)
	b.env = map[string]string{
		"D2SYNC_DATABASE_URL":    "postgres://app:" + dbpw + "@db:5432/d2?sslmode=disable",
		"D2SYNC_SECRET_KEY":      key,
		"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": pw,
		"D2SYNC_DEST_TOKEN": tok,
	}
	c, err := b.load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"Redacted": c.Redacted(), "String": c.String(),
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c), "value %v": fmt.Sprintf("%v", *c), "value %+v": fmt.Sprintf("%+v", *c),
		"source %v": fmt.Sprintf("%v", c.Source), "dest %+v": fmt.Sprintf("%+v", c.Dest), "dest %#v": fmt.Sprintf("%#v", c.Dest),
	}
	for name, out := range outputs {
		for _, secret := range []string{pw, tok, key, dbpw} {
			if strings.Contains(out, secret) {
				t.Errorf("%s leaks a secret:\n%s", name, out)
			}
		}
	}
	if !strings.Contains(c.Redacted(), "D2SYNC_SOURCE_PASSWORD=[set]") || !strings.Contains(c.Redacted(), "D2SYNC_SOURCE_USERNAME=admin") {
		t.Errorf("Redacted lacks expected lines:\n%s", c.Redacted())
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"./d2sync-data/d2sync.db", "./d2sync-data/d2sync.db"},
		{"postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://h/db?password=secret&sslmode=disable", "postgres://h/db?password=xxxxx&sslmode=disable"},
		{"postgres://u:secret@h:port/db", "postgres://xxxxx@h:port/db"},
		{"postgres://h:port/db?password=secret&x=1", "postgres://h:port/db?password=xxxxx&x=1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCredentialsKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    Credentials
		want string
	}{
		{Credentials{}, ""},
		{Credentials{Username: "a"}, "basic"},
		{Credentials{Username: "a", Password: "p"}, "basic"},
		{Credentials{Token: "d2pat_x"}, "token"},
	}
	for _, tt := range tests {
		if got := tt.c.Kind(); got != tt.want {
			t.Errorf("%v.Kind() = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestKeysIncludeFileVariants(t *testing.T) {
	t.Parallel()
	keys := strings.Join(Keys(), " ")
	for _, k := range []string{"D2SYNC_SECRET_KEY_FILE", "D2SYNC_SOURCE_PASSWORD_FILE", "D2SYNC_DEST_TOKEN_FILE", "D2SYNC_DATABASE_URL_FILE"} {
		if !strings.Contains(keys, k) {
			t.Errorf("Keys() lacks %s", k)
		}
	}
	if strings.Contains(keys, "D2SYNC_LOG_LEVEL_FILE") {
		t.Error("non-secret key has a _FILE variant")
	}
}
