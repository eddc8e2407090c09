package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Well-known UIDs of a fresh DHIS2 database (DefaultAdminUserPopulator).
const (
	adminUserUID = "M5zQapPyTZI"
	adminRoleUID = "yrB6vc5Ip3r"
)

// authorityAll is DHIS2's superuser authority: it passes every check.
const authorityAll = "ALL"

// account is a user who can log in. The emulator keeps accounts apart
// from the metadata store's user objects: passwords are never exported,
// and the accounts must work even before any metadata exists.
type account struct {
	ID          string   `json:"id"`
	Username    string   `json:"username"`
	FirstName   string   `json:"firstName"`
	Surname     string   `json:"surname"`
	Authorities []string `json:"authorities"`
	RoleIDs     []string `json:"roleIds"`
	OrgUnits    []string `json:"orgUnits,omitempty"`
	Salt        []byte   `json:"salt"`
	Hash        []byte   `json:"hash"`
}

// has reports whether the account holds ALL or one of the authorities.
func (a *account) has(anyOf ...string) bool {
	if len(anyOf) == 0 || slices.Contains(a.Authorities, authorityAll) {
		return true
	}
	for _, want := range anyOf {
		if slices.Contains(a.Authorities, want) {
			return true
		}
	}
	return false
}

func (a *account) displayName() string { return strings.TrimSpace(a.FirstName + " " + a.Surname) }

// setPassword stores a salted SHA-256 of pw. The emulator is a test
// double; a slow KDF would only slow tests down.
func (a *account) setPassword(pw string) {
	a.Salt = make([]byte, 16)
	rand.Read(a.Salt)
	a.Hash = passwordHash(a.Salt, pw)
}

func (a *account) checkPassword(pw string) bool {
	return subtle.ConstantTimeCompare(passwordHash(a.Salt, pw), a.Hash) == 1
}

func passwordHash(salt []byte, pw string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(pw))
	return h.Sum(nil)
}

// accounts is the thread-safe set of login accounts, keyed by lower-case
// username.
type accounts struct {
	mu     sync.RWMutex
	byName map[string]*account
}

func newAccounts() *accounts { return &accounts{byName: map[string]*account{}} }

func (s *accounts) put(a *account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byName[strings.ToLower(a.Username)] = a
}

func (s *accounts) get(username string) (*account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.byName[strings.ToLower(username)]
	return a, ok
}

func (s *accounts) byID(id string) (*account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.byName {
		if a.ID == id {
			return a, true
		}
	}
	return nil, false
}

// list returns the accounts sorted by username.
func (s *accounts) list() []*account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*account, 0, len(s.byName))
	for _, a := range s.byName {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out
}

// verify returns the account when username and password match.
func (s *accounts) verify(username, password string) (*account, bool) {
	a, ok := s.get(username)
	if !ok {
		// Spend the same work on unknown users.
		passwordHash(make([]byte, 16), password)
		return nil, false
	}
	if !a.checkPassword(password) {
		return nil, false
	}
	return a, true
}

// newAdminAccount is the superuser: uid M5zQapPyTZI, role "Superuser"
// (yrB6vc5Ip3r) with authority ALL, as in a fresh DHIS2 database.
func newAdminAccount(username, password string) *account {
	a := &account{
		ID:          adminUserUID,
		Username:    username,
		FirstName:   "admin",
		Surname:     "admin",
		Authorities: []string{authorityAll},
		RoleIDs:     []string{adminRoleUID},
	}
	a.setPassword(password)
	return a
}

// newSpecAccount builds the account of a configured extra user. Its role
// UID is derived from its authority set, so users with equal authorities
// share one role.
func newSpecAccount(u UserSpec) *account {
	auths := slices.Clone(u.Authorities)
	sort.Strings(auths)
	a := &account{
		ID:          u.ID,
		Username:    u.Username,
		FirstName:   u.FirstName,
		Surname:     u.Surname,
		Authorities: auths,
		RoleIDs:     []string{roleUIDFor(auths)},
	}
	if a.ID == "" {
		a.ID = uidFor("user:" + strings.ToLower(u.Username))
	}
	if a.FirstName == "" {
		a.FirstName = u.Username
	}
	if a.Surname == "" {
		a.Surname = "User"
	}
	a.setPassword(u.Password)
	return a
}

func roleUIDFor(auths []string) string {
	return uidFor("role:" + strings.Join(auths, ","))
}
