package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Platform roles, from most to least privileged.
const (
	RoleAdmin    = "admin"
	RoleOperator = "operator"
	RoleViewer   = "viewer"
)

// User is a person who signs in to the d2sync web UI or API.
type User struct {
	CreatedAt    time.Time
	Disabled     bool
	ID           int64
	Locale       string // "en", "fr", …
	PasswordHash string // PHC string, e.g. $argon2id$…; never shown
	Role         string
	UpdatedAt    time.Time
	Username     string
}

// NewUser describes a user to create. The password is hashed by the
// caller (package auth); the store never sees it.
type NewUser struct {
	Locale       string // default "en"
	PasswordHash string
	Role         string
	Username     string
}

func validRole(r string) bool { return r == RoleAdmin || r == RoleOperator || r == RoleViewer }

const userCols = `id, username, password_hash, role, locale, disabled, created_at, updated_at`

func scanUser(r scanner) (*User, error) {
	var u User
	if err := r.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, &u.Locale, &u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

const insertUserSQL = `INSERT INTO users (username, password_hash, role, locale, disabled, created_at, updated_at)
VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING ` + userCols

// CreateUser stores a new user. Usernames are unique ignoring case: a
// clash is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (*User, error) {
	n.Username = strings.TrimSpace(n.Username)
	switch {
	case n.Username == "":
		return nil, invalid("CreateUser", "username is empty")
	case n.PasswordHash == "":
		return nil, invalid("CreateUser", "password hash is empty")
	case !validRole(n.Role):
		return nil, invalid("CreateUser", "role must be admin, operator or viewer, got %q", n.Role)
	}
	if n.Locale == "" {
		n.Locale = "en"
	}
	u, err := scanUser(s.q.QueryRowContext(ctx, insertUserSQL, n.Username, n.PasswordHash, n.Role, n.Locale, s.clock()))
	return u, wrap(err, "CreateUser(%q)", n.Username)
}

const getUserSQL = `SELECT ` + userCols + ` FROM users WHERE id = $1`

// GetUser returns one user or ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, getUserSQL, id))
	return u, wrap(err, "GetUser(%d)", id)
}

const getUserByNameSQL = `SELECT ` + userCols + ` FROM users WHERE lower(username) = lower($1)`

// GetUserByUsername finds a user ignoring case, or returns ErrNotFound.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (*User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, getUserByNameSQL, strings.TrimSpace(username)))
	return u, wrap(err, "GetUserByUsername(%q)", username)
}

const listUsersSQL = `SELECT ` + userCols + ` FROM users ORDER BY lower(username), id`

// ListUsers returns every user ordered by username.
func (s *Store) ListUsers(ctx context.Context) ([]*User, error) {
	rows, err := s.q.QueryContext(ctx, listUsersSQL)
	if err != nil {
		return nil, wrap(err, "ListUsers")
	}
	out, err := collect(rows, scanUser)
	return out, wrap(err, "ListUsers")
}

const countAdminsSQL = `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE`

// CountActiveAdmins returns the number of enabled admins (0 on a fresh
// install: the first user must be created from the CLI).
func (s *Store) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, countAdminsSQL).Scan(&n)
	return n, wrap(err, "CountActiveAdmins")
}

// UserUpdate holds the editable fields of a user.
type UserUpdate struct {
	Disabled bool
	Locale   string
	Role     string
}

const updateUserSQL = `UPDATE users SET role = $1, locale = $2, disabled = $3, updated_at = $4 WHERE id = $5`

// UpdateUser changes a user's role, locale and disabled flag.
func (s *Store) UpdateUser(ctx context.Context, id int64, u UserUpdate) error {
	op := fmt.Sprintf("UpdateUser(%d)", id)
	if !validRole(u.Role) {
		return invalid(op, "role must be admin, operator or viewer, got %q", u.Role)
	}
	if u.Locale == "" {
		return invalid(op, "locale is empty")
	}
	res, err := s.q.ExecContext(ctx, updateUserSQL, u.Role, u.Locale, u.Disabled, s.clock(), id)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "%s", op)
}

const setPasswordSQL = `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`

// SetUserPassword replaces a user's password hash.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash string) error {
	if hash == "" {
		return invalid(fmt.Sprintf("SetUserPassword(%d)", id), "password hash is empty")
	}
	res, err := s.q.ExecContext(ctx, setPasswordSQL, hash, s.clock(), id)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "SetUserPassword(%d)", id)
}

const deleteUserSQL = `DELETE FROM users WHERE id = $1`

// DeleteUser removes a user; a missing one is ErrNotFound.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, deleteUserSQL, id)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "DeleteUser(%d)", id)
}
