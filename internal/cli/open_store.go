package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/d2sync/d2sync/internal/config"
	"github.com/d2sync/d2sync/internal/secret"
	"github.com/d2sync/d2sync/internal/store"
)

// errConfig marks configuration errors, which commands report with
// ExitUsage rather than ExitFailed.
var errConfig = errors.New("invalid configuration")

// loadConfig builds a command's configuration: defaults, the config file
// (configFile from --config, else D2SYNC_CONFIG_FILE), the environment,
// then the command's flags applied by apply (may be nil), then Validate.
// Errors wrap errConfig.
func loadConfig(env *Env, configFile string, apply func(*config.Config)) (*config.Config, error) {
	cfg, err := config.Load(env.Getenv, os.ReadFile, configFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	if apply != nil {
		apply(cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w:\n%w", errConfig, err)
	}
	return cfg, nil
}

// openStore opens the database named by the configuration (creating the
// SQLite directory when needed). It does not migrate.
func openStore(ctx context.Context, cfg *config.Config, opts ...store.Option) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w\n(the database comes from --database-url, D2SYNC_DATABASE_URL or the config file)", err)
	}
	return st, nil
}

// openKeyring returns the keyring that seals stored DHIS2 credentials: the
// key from D2SYNC_SECRET_KEY(_FILE), or else the key file in the data
// directory, generated on first start. notice receives a loud one-line
// message when a new key file is created (its loss makes stored
// credentials unreadable, so it must be backed up).
func openKeyring(cfg *config.Config, notice func(msg string)) (*secret.Keyring, error) {
	var key *secret.Key
	var err error
	if cfg.SecretKey != "" {
		key, err = secret.ParseKey(cfg.SecretKey)
	} else {
		path := filepath.Join(cfg.DataDir, secret.KeyFileName)
		var created bool
		key, created, err = secret.LoadOrCreateKeyFile(path)
		if created && notice != nil {
			notice(fmt.Sprintf("generated a new secret key in %s (key id %s); back it up: without it the stored DHIS2 credentials cannot be read", path, key.ID()))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load secret key: %w", err)
	}
	return secret.NewKeyring(key)
}
