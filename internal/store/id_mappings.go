package store

import (
	"context"
	"time"
)

// IDMapping maps a source object UID to the UID of the matching object on
// the destination, for objects matched by code or name rather than UID.
type IDMapping struct {
	DestUID    string
	ObjectType string // DHIS2 type, e.g. "dataElement"
	PairKey    string
	SourceUID  string
	UpdatedAt  time.Time
}

const upsertMappingSQL = `INSERT INTO id_mappings (pair_key, object_type, source_uid, dest_uid, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (pair_key, object_type, source_uid) DO UPDATE SET dest_uid = excluded.dest_uid, updated_at = excluded.updated_at`

// PutIDMapping creates or replaces a mapping.
func (s *Store) PutIDMapping(ctx context.Context, m IDMapping) error {
	if m.PairKey == "" || m.ObjectType == "" || m.SourceUID == "" || m.DestUID == "" {
		return invalid("PutIDMapping", "pair key, object type, source UID and destination UID are required")
	}
	_, err := s.q.ExecContext(ctx, upsertMappingSQL, m.PairKey, m.ObjectType, m.SourceUID, m.DestUID, s.clock())
	return wrap(err, "PutIDMapping(%q, %s, %s)", m.PairKey, m.ObjectType, m.SourceUID)
}

const mappingCols = `pair_key, object_type, source_uid, dest_uid, updated_at`

func scanMapping(r scanner) (*IDMapping, error) {
	var m IDMapping
	if err := r.Scan(&m.PairKey, &m.ObjectType, &m.SourceUID, &m.DestUID, &m.UpdatedAt); err != nil {
		return nil, err
	}
	m.UpdatedAt = m.UpdatedAt.UTC()
	return &m, nil
}

const getMappingSQL = `SELECT ` + mappingCols + ` FROM id_mappings WHERE pair_key = $1 AND object_type = $2 AND source_uid = $3`

// GetIDMapping returns the mapping of one source UID or ErrNotFound.
func (s *Store) GetIDMapping(ctx context.Context, pairKey, objectType, sourceUID string) (*IDMapping, error) {
	m, err := scanMapping(s.q.QueryRowContext(ctx, getMappingSQL, pairKey, objectType, sourceUID))
	return m, wrap(err, "GetIDMapping(%q, %s, %s)", pairKey, objectType, sourceUID)
}

const listMappingsSQL = `SELECT ` + mappingCols + ` FROM id_mappings
WHERE pair_key = $1 AND (object_type = $2 OR $2 = '') ORDER BY object_type, source_uid`

// ListIDMappings returns the mappings of a pair, of one object type or of
// all types when objectType is "".
func (s *Store) ListIDMappings(ctx context.Context, pairKey, objectType string) ([]*IDMapping, error) {
	rows, err := s.q.QueryContext(ctx, listMappingsSQL, pairKey, objectType)
	if err != nil {
		return nil, wrap(err, "ListIDMappings(%q, %q)", pairKey, objectType)
	}
	out, err := collect(rows, scanMapping)
	return out, wrap(err, "ListIDMappings(%q, %q)", pairKey, objectType)
}

const deleteMappingSQL = `DELETE FROM id_mappings WHERE pair_key = $1 AND object_type = $2 AND source_uid = $3`

// DeleteIDMapping removes one mapping; a missing one is ErrNotFound.
func (s *Store) DeleteIDMapping(ctx context.Context, pairKey, objectType, sourceUID string) error {
	res, err := s.q.ExecContext(ctx, deleteMappingSQL, pairKey, objectType, sourceUID)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "DeleteIDMapping(%q, %s, %s)", pairKey, objectType, sourceUID)
}
