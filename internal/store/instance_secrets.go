package store

import (
	"context"
	"fmt"
)

const getSecretSQL = `SELECT auth_kind, secret FROM instances WHERE id = $1`

// InstanceSecret decrypts the credential of an instance. It returns
// ErrNotFound when the instance or its secret is missing, ErrNoSealer
// without a keyring, and the keyring's typed error (secret.ErrTampered,
// secret.ErrUnknownKey, …) when the ciphertext cannot be opened; the
// rest of the application keeps working, and the instance needs its
// credential re-entered.
func (s *Store) InstanceSecret(ctx context.Context, id int64) (string, error) {
	if s.sealer == nil {
		return "", wrap(ErrNoSealer, "InstanceSecret(%d)", id)
	}
	var kind, env string
	if err := s.q.QueryRowContext(ctx, getSecretSQL, id).Scan(&kind, &env); err != nil {
		return "", wrap(err, "InstanceSecret(%d)", id)
	}
	if env == "" {
		return "", wrap(fmt.Errorf("%w: no secret stored", ErrNotFound), "InstanceSecret(%d)", id)
	}
	plain, err := s.sealer.Open(env, secretContext(id, kind))
	if err != nil {
		return "", wrap(err, "InstanceSecret(%d)", id)
	}
	return string(plain), nil
}

// SetInstanceSecret seals and stores a new credential for an instance
// (password or token, according to its auth kind).
func (s *Store) SetInstanceSecret(ctx context.Context, id int64, plain string) error {
	if plain == "" {
		return invalid(fmt.Sprintf("SetInstanceSecret(%d)", id), "empty secret")
	}
	err := s.InTx(ctx, func(tx *Store) error {
		in, err := tx.GetInstance(ctx, id)
		if err != nil {
			return err
		}
		return tx.storeSecret(ctx, id, in.AuthKind, plain)
	})
	return wrap(err, "SetInstanceSecret(%d)", id)
}

const secretKeyIDsSQL = `SELECT secret_key_id, COUNT(*) FROM instances WHERE secret <> '' GROUP BY secret_key_id`

// InstanceSecretKeyIDs counts stored instance secrets per key ID. After a
// complete rotation only the primary key's ID is left.
func (s *Store) InstanceSecretKeyIDs(ctx context.Context) (map[string]int, error) {
	rows, err := s.q.QueryContext(ctx, secretKeyIDsSQL)
	if err != nil {
		return nil, wrap(err, "InstanceSecretKeyIDs")
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, wrap(err, "InstanceSecretKeyIDs")
		}
		out[id] = n
	}
	return out, wrap(rows.Err(), "InstanceSecretKeyIDs")
}

const staleSecretsSQL = `SELECT id, auth_kind, secret FROM instances WHERE secret <> '' AND secret_key_id <> $1 ORDER BY id`

const rewrapSecretSQL = `UPDATE instances SET secret = $1, secret_key_id = $2 WHERE id = $3 AND secret = $4`

// RewrapInstanceSecrets re-seals every instance secret that is not sealed
// with the keyring's primary key and returns how many rows it changed.
// Each row is updated on its own, only if unchanged meanwhile, so a run
// interrupted halfway is resumed by running it again; a second complete
// run changes nothing. It stops at the first secret it cannot open.
func (s *Store) RewrapInstanceSecrets(ctx context.Context) (int, error) {
	if s.sealer == nil {
		return 0, wrap(ErrNoSealer, "RewrapInstanceSecrets")
	}
	type stale struct {
		id       int64
		kind, in string
	}
	rows, err := s.q.QueryContext(ctx, staleSecretsSQL, s.sealer.PrimaryKeyID())
	if err != nil {
		return 0, wrap(err, "RewrapInstanceSecrets")
	}
	todo, err := collect(rows, func(r scanner) (stale, error) {
		var st stale
		return st, r.Scan(&st.id, &st.kind, &st.in)
	})
	if err != nil {
		return 0, wrap(err, "RewrapInstanceSecrets")
	}
	n := 0
	for _, st := range todo {
		out, changed, err := s.sealer.Rewrap(st.in, secretContext(st.id, st.kind))
		if err != nil {
			return n, wrap(err, "RewrapInstanceSecrets: instance %d", st.id)
		}
		if !changed {
			continue
		}
		res, err := s.q.ExecContext(ctx, rewrapSecretSQL, out, s.sealer.PrimaryKeyID(), st.id, st.in)
		if err != nil {
			return n, wrap(err, "RewrapInstanceSecrets: instance %d", st.id)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			n++
		}
	}
	return n, nil
}
