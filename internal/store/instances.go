package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Authentication kinds of an instance.
const (
	AuthBasic = "basic" // username + password
	AuthToken = "token" // personal access token (d2pat_…)
)

// Instance is a DHIS2 server d2sync can read from or write to. The stored
// credential is never part of it: InstanceSecret decrypts it on demand.
type Instance struct {
	AuthKind        string
	BaseURL         string
	CreatedAt       time.Time
	DetectedVersion string // e.g. "2.40.3"; "" until probed
	HasSecret       bool
	ID              int64
	LastProbeAt     *time.Time
	Name            string
	SecretKeyID     string // ID of the key the secret is sealed with
	ServerTimeZone  string // e.g. "Africa/Dakar"; "" until probed
	UpdatedAt       time.Time
	Username        string
}

// InstanceInput is what a user enters for an instance.
type InstanceInput struct {
	AuthKind string // AuthBasic or AuthToken
	BaseURL  string
	Name     string
	// Secret is the password (basic) or token (token) in plain text. It is
	// sealed before it reaches the database. On UpdateInstance, "" keeps
	// the stored secret.
	Secret   string
	Username string // required for basic auth, empty for a token
}

func (in *InstanceInput) validate(op string) error {
	in.Name, in.BaseURL, in.Username = strings.TrimSpace(in.Name), strings.TrimSpace(in.BaseURL), strings.TrimSpace(in.Username)
	switch {
	case in.Name == "":
		return invalid(op, "instance name is empty")
	case in.BaseURL == "":
		return invalid(op, "instance base URL is empty")
	case in.AuthKind != AuthBasic && in.AuthKind != AuthToken:
		return invalid(op, "auth kind must be %q or %q, got %q", AuthBasic, AuthToken, in.AuthKind)
	case in.AuthKind == AuthBasic && in.Username == "":
		return invalid(op, "basic auth needs a username")
	case in.AuthKind == AuthToken && in.Username != "":
		return invalid(op, "token auth takes no username")
	}
	return nil
}

// secretContext binds a sealed credential to its row and kind, so a
// ciphertext copied to another instance, or kept after switching from
// password to token, fails to open.
func secretContext(id int64, authKind string) string {
	purpose := "password"
	if authKind == AuthToken {
		purpose = "token"
	}
	return fmt.Sprintf("instance:%d:%s", id, purpose)
}

const instanceCols = `id, name, base_url, auth_kind, username, secret <> '', secret_key_id,
	detected_version, server_time_zone, last_probe_at, created_at, updated_at`

func scanInstance(row scanner) (*Instance, error) {
	var in Instance
	var probe sql.NullTime
	err := row.Scan(&in.ID, &in.Name, &in.BaseURL, &in.AuthKind, &in.Username, &in.HasSecret, &in.SecretKeyID,
		&in.DetectedVersion, &in.ServerTimeZone, &probe, &in.CreatedAt, &in.UpdatedAt)
	if err != nil {
		return nil, err
	}
	in.LastProbeAt = timePtr(probe)
	in.CreatedAt, in.UpdatedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	return &in, nil
}

const insertInstanceSQL = `INSERT INTO instances (name, base_url, auth_kind, username, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`

// CreateInstance stores a new instance and seals its secret (when given)
// bound to the new row. A taken name is ErrConflict.
func (s *Store) CreateInstance(ctx context.Context, in InstanceInput) (*Instance, error) {
	if err := in.validate("CreateInstance"); err != nil {
		return nil, err
	}
	if in.Secret != "" && s.sealer == nil {
		return nil, wrap(ErrNoSealer, "CreateInstance(%q)", in.Name)
	}
	var out *Instance
	err := s.InTx(ctx, func(tx *Store) error {
		var id int64
		if err := tx.q.QueryRowContext(ctx, insertInstanceSQL, in.Name, in.BaseURL, in.AuthKind, in.Username, tx.clock()).Scan(&id); err != nil {
			return err
		}
		if in.Secret != "" {
			if err := tx.storeSecret(ctx, id, in.AuthKind, in.Secret); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.GetInstance(ctx, id)
		return err
	})
	return out, wrap(err, "CreateInstance(%q)", in.Name)
}

const updateSecretSQL = `UPDATE instances SET secret = $1, secret_key_id = $2, updated_at = $3 WHERE id = $4`

func (s *Store) storeSecret(ctx context.Context, id int64, authKind, plain string) error {
	if s.sealer == nil {
		return ErrNoSealer
	}
	env, err := s.sealer.Seal([]byte(plain), secretContext(id, authKind))
	if err != nil {
		return err
	}
	res, err := s.q.ExecContext(ctx, updateSecretSQL, env, s.sealer.PrimaryKeyID(), s.clock(), id)
	if err != nil {
		return err
	}
	return checkAffected(res)
}

const getInstanceSQL = `SELECT ` + instanceCols + ` FROM instances WHERE id = $1`

// GetInstance returns one instance or ErrNotFound.
func (s *Store) GetInstance(ctx context.Context, id int64) (*Instance, error) {
	in, err := scanInstance(s.q.QueryRowContext(ctx, getInstanceSQL, id))
	return in, wrap(err, "GetInstance(%d)", id)
}

const getInstanceByNameSQL = `SELECT ` + instanceCols + ` FROM instances WHERE name = $1`

// GetInstanceByName returns the instance with that exact name or
// ErrNotFound.
func (s *Store) GetInstanceByName(ctx context.Context, name string) (*Instance, error) {
	in, err := scanInstance(s.q.QueryRowContext(ctx, getInstanceByNameSQL, name))
	return in, wrap(err, "GetInstanceByName(%q)", name)
}

const listInstancesSQL = `SELECT ` + instanceCols + ` FROM instances ORDER BY name, id`

// ListInstances returns every instance ordered by name.
func (s *Store) ListInstances(ctx context.Context) ([]*Instance, error) {
	rows, err := s.q.QueryContext(ctx, listInstancesSQL)
	if err != nil {
		return nil, wrap(err, "ListInstances")
	}
	out, err := collect(rows, scanInstance)
	return out, wrap(err, "ListInstances")
}

const updateInstanceSQL = `UPDATE instances SET name = $1, base_url = $2, auth_kind = $3, username = $4, updated_at = $5 WHERE id = $6`

// UpdateInstance changes an instance's fields. in.Secret == "" keeps the
// stored secret, which is refused when the auth kind changes (a password
// is no token). A taken name is ErrConflict; a missing row ErrNotFound.
func (s *Store) UpdateInstance(ctx context.Context, id int64, in InstanceInput) (*Instance, error) {
	if err := in.validate(fmt.Sprintf("UpdateInstance(%d)", id)); err != nil {
		return nil, err
	}
	var out *Instance
	err := s.InTx(ctx, func(tx *Store) error {
		cur, err := tx.GetInstance(ctx, id)
		if err != nil {
			return err
		}
		if in.Secret == "" && cur.HasSecret && cur.AuthKind != in.AuthKind {
			return fmt.Errorf("%w: changing the auth kind from %s to %s needs a new secret", ErrInvalidArgument, cur.AuthKind, in.AuthKind)
		}
		res, err := tx.q.ExecContext(ctx, updateInstanceSQL, in.Name, in.BaseURL, in.AuthKind, in.Username, tx.clock(), id)
		if err != nil {
			return err
		}
		if err := checkAffected(res); err != nil {
			return err
		}
		if in.Secret != "" {
			if err := tx.storeSecret(ctx, id, in.AuthKind, in.Secret); err != nil {
				return err
			}
		}
		out, err = tx.GetInstance(ctx, id)
		return err
	})
	return out, wrap(err, "UpdateInstance(%d)", id)
}

const recordProbeSQL = `UPDATE instances SET detected_version = $1, server_time_zone = $2, last_probe_at = $3 WHERE id = $4`

// RecordInstanceProbe stores what a connection test learned: the DHIS2
// version and the server time zone, stamped with the current time.
func (s *Store) RecordInstanceProbe(ctx context.Context, id int64, version, timeZone string) error {
	res, err := s.q.ExecContext(ctx, recordProbeSQL, version, timeZone, s.clock(), id)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "RecordInstanceProbe(%d)", id)
}

const deleteInstanceSQL = `DELETE FROM instances WHERE id = $1`

// DeleteInstance removes an instance; its past runs keep their URLs.
func (s *Store) DeleteInstance(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, deleteInstanceSQL, id)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "DeleteInstance(%d)", id)
}
