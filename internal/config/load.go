package config

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// Names of the configuration keys. The same names are used in the
// environment and in the config file.
const (
	keyConfigFile     = "D2SYNC_CONFIG_FILE"
	keyDataDir        = "D2SYNC_DATA_DIR"
	keyDatabaseURL    = "D2SYNC_DATABASE_URL"
	keyDestPassword   = "D2SYNC_DEST_PASSWORD"
	keyDestToken      = "D2SYNC_DEST_TOKEN"
	keyDestUsername   = "D2SYNC_DEST_USERNAME"
	keyListenAddr     = "D2SYNC_LISTEN_ADDR"
	keyLogFormat      = "D2SYNC_LOG_FORMAT"
	keyLogLevel       = "D2SYNC_LOG_LEVEL"
	keySecretKey      = "D2SYNC_SECRET_KEY"
	keySourcePassword = "D2SYNC_SOURCE_PASSWORD"
	keySourceToken    = "D2SYNC_SOURCE_TOKEN"
	keySourceUsername = "D2SYNC_SOURCE_USERNAME"
)

// fileSuffix marks the variant of a secret key whose value is the path of a
// file holding the secret (Docker/Kubernetes secrets).
const fileSuffix = "_FILE"

// option is one configuration key and where its value goes.
type option struct {
	key    string
	secret bool // also readable from key+"_FILE"
	apply  func(c *Config, v string)
}

// options is the table of every key d2sync reads.
func options() []option {
	return []option{
		{keyDataDir, false, func(c *Config, v string) { c.SetDataDir(v) }},
		{keyDatabaseURL, true, func(c *Config, v string) { c.DatabaseURL = v }},
		{keyDestPassword, true, func(c *Config, v string) { c.Dest.Password = v }},
		{keyDestToken, true, func(c *Config, v string) { c.Dest.Token = v }},
		{keyDestUsername, false, func(c *Config, v string) { c.Dest.Username = v }},
		{keyListenAddr, false, func(c *Config, v string) { c.ListenAddr = v }},
		{keyLogFormat, false, func(c *Config, v string) { c.LogFormat = v }},
		{keyLogLevel, false, func(c *Config, v string) { c.LogLevel = v }},
		{keySecretKey, true, func(c *Config, v string) { c.SecretKey = v }},
		{keySourcePassword, true, func(c *Config, v string) { c.Source.Password = v }},
		{keySourceToken, true, func(c *Config, v string) { c.Source.Token = v }},
		{keySourceUsername, false, func(c *Config, v string) { c.Source.Username = v }},
	}
}

// Keys returns every configuration key d2sync understands, including the
// *_FILE variants, for help texts and documentation.
func Keys() []string {
	keys := []string{keyConfigFile}
	for _, o := range options() {
		keys = append(keys, o.key)
		if o.secret {
			keys = append(keys, o.key+fileSuffix)
		}
	}
	return keys
}

// ReadFileFunc reads a whole file; os.ReadFile in production, a map in tests.
type ReadFileFunc func(name string) ([]byte, error)

// layer is one source of raw values: the environment or the config file.
type layer struct {
	name    string              // for messages: "environment", "config file x"
	get     func(string) string // "" means unset
	baseDir string              // relative *_FILE paths are resolved here
}

// Load builds the configuration from defaults, the config file and the
// environment, in that order of precedence (later wins). configFile is the
// path given by a --config flag; when empty, D2SYNC_CONFIG_FILE is used;
// when both are empty no file is read. getenv returns "" for unset
// variables; readFile reads the config file and *_FILE secrets.
//
// Load reports malformed input (unreadable files, bad lines, unknown keys,
// a key set together with its *_FILE variant); it does not check values:
// apply flags, then call Validate.
func Load(getenv func(string) string, readFile ReadFileFunc, configFile string) (*Config, error) {
	c := Default()
	env := layer{name: "environment", get: getenv}
	layers := []layer{env}
	if configFile == "" {
		configFile = getenv(keyConfigFile)
	}
	if configFile != "" {
		data, err := readFile(configFile)
		if err != nil {
			return nil, fmt.Errorf("read config file (%s): %w", keyConfigFile, err)
		}
		values, err := ParseFile(data)
		if err != nil {
			return nil, fmt.Errorf("config file %s: %w", configFile, err)
		}
		c.ConfigFile = configFile
		file := layer{name: "config file " + configFile, baseDir: filepath.Dir(configFile),
			get: func(k string) string { return values[k] }}
		layers = append(layers, file)
	}
	for _, o := range options() {
		v, from, err := resolve(o, layers, readFile)
		if err != nil {
			return nil, err
		}
		if from != "" {
			o.apply(c, v)
			c.setOrigin(o.key, from)
		}
	}
	if !c.dataDirSet {
		c.DataDir = defaultDataDir(c.DatabaseURL)
	}
	return c, nil
}

// resolve finds the value of one option in the highest layer that sets it
// (directly or through key_FILE). from names the variable that supplied
// the value ("" when no layer sets it).
func resolve(o option, layers []layer, readFile ReadFileFunc) (v, from string, err error) {
	for _, l := range layers {
		direct := l.get(o.key)
		var ref string
		if o.secret {
			ref = l.get(o.key + fileSuffix)
		}
		switch {
		case direct != "" && ref != "":
			return "", "", fmt.Errorf("%s and %s%s are both set in the %s; set only one of them", o.key, o.key, fileSuffix, l.name)
		case direct != "":
			return direct, o.key, nil
		case ref != "":
			v, err := readSecretFile(o.key+fileSuffix, ref, l.baseDir, readFile)
			if err != nil {
				return "", "", err
			}
			return v, o.key + fileSuffix, nil
		}
	}
	return "", "", nil
}

// readSecretFile reads the secret named by a *_FILE variable. One trailing
// line break is removed (files written by editors and echo end with one).
func readSecretFile(varName, path, baseDir string, readFile ReadFileFunc) (string, error) {
	if baseDir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	data, err := readFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", varName, err)
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if v == "" {
		return "", fmt.Errorf("%s points to %s, which is empty", varName, path)
	}
	return v, nil
}

// ParseFile parses config file content: one KEY=VALUE per line, blank lines
// and lines starting with # ignored, an optional "export " prefix, and
// values optionally wrapped in matching single or double quotes (no escape
// sequences, no inline comments, so passwords may contain #). Keys must be
// ones d2sync knows; D2SYNC_CONFIG_FILE is not allowed inside a file.
func ParseFile(data []byte) (map[string]string, error) {
	known := make(map[string]bool)
	for _, k := range Keys() {
		known[k] = k != keyConfigFile
	}
	values := make(map[string]string)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("line %d: expected KEY=VALUE", n)
		}
		if !known[k] {
			return nil, fmt.Errorf("line %d: unknown key %q (known keys: %s)", n, k, strings.Join(Keys()[1:], ", "))
		}
		if _, dup := values[k]; dup {
			return nil, fmt.Errorf("line %d: %s is set twice", n, k)
		}
		values[k] = unquote(strings.TrimSpace(v))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return values, nil
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}
