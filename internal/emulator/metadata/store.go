package metadata

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// Fixed UIDs of the objects every fresh DHIS2 instance has
// (DefaultCategoryService.generateDefaultDimension, DefaultAdminUserPopulator).
const (
	DefaultCategoryComboUID       = "bjDvmb4bfuf"
	DefaultCategoryUID            = "GLevLNI9wkl"
	DefaultCategoryOptionUID      = "xYerKDKCefk"
	DefaultCategoryOptionComboUID = "HllvX50cXC0"
	AdminUserUID                  = "M5zQapPyTZI"
	SuperuserRoleUID              = "yrB6vc5Ip3r"
)

// Options configures a Store.
type Options struct {
	// Profile is the emulated DHIS2 version. Required.
	Profile profile.Profile
	// AdminUsername is the username of the built-in admin user (default "admin").
	AdminUsername string
	// AdminPassword, when set, is stored (hashed) for VerifyPassword.
	AdminPassword string
	// NoAdmin starts without the admin user and its Superuser role, like
	// DHIS2's integration-test databases (only the default category objects
	// exist). Imports are then recorded as made by uid M5zQapPyTZI.
	NoAdmin bool
	// Location is the server time zone used to write dates (default UTC).
	Location *time.Location
	// Clock returns "now" for created/lastUpdated/deletedAt (default time.Now).
	Clock func() time.Time
	// OnWrite, when set, is called after each committed object write, outside
	// the store lock.
	OnWrite func(WriteEvent)
	// Files, when set, is the file store internal documents point at: the
	// importer checks their file resources (E4015, E4016) and assigns them
	// on commit. Without it those checks are skipped.
	Files FileStore
}

// WriteEvent describes one committed write.
type WriteEvent struct {
	Type   string // plural, e.g. "dataElements"
	UID    string
	Action string // "CREATE", "UPDATE" or "DELETE"
}

// WriteCount counts committed writes of one type.
type WriteCount struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
}

// DeletedObject is one /api/deletedObjects entry.
type DeletedObject struct {
	Klass     string `json:"klass"` // simple class name, e.g. "DataElement"
	UID       string `json:"uid"`
	Code      string `json:"code,omitempty"`
	DeletedAt string `json:"deletedAt"`
	DeletedBy string `json:"deletedBy,omitempty"`
}

// Store is the emulator's metadata database for one DHIS2 version: a
// thread-safe in-memory object store with DHIS2's import, export, list and
// CRUD semantics. Create it with New.
type Store struct {
	mu        sync.RWMutex
	prof      profile.Profile
	schemas   *Schemas
	loc       *time.Location
	now       func() time.Time
	onWrite   func(WriteEvent)
	admin     string
	types     map[string]*typeStore // by plural
	deleted   []DeletedObject
	passwords map[string]string // user uid -> salted hash
	counts    map[string]*WriteCount
	gen       uint64 // bumped on every commit
	cat       *catalog
	files     FileStore // nil: documents' file resources are not checked
}

// typeStore holds the objects of one type.
type typeStore struct {
	schema *Schema
	objs   map[string]Object // uid -> object
	byCode map[string]string // code -> uid
}

func newTypeStore(s *Schema) *typeStore {
	return &typeStore{schema: s, objs: map[string]Object{}, byCode: map[string]string{}}
}

func (ts *typeStore) put(uid string, o Object) {
	if old, ok := ts.objs[uid]; ok {
		if c := str(old["code"]); c != "" && ts.byCode[c] == uid {
			delete(ts.byCode, c)
		}
	}
	ts.objs[uid] = o
	if c := str(o["code"]); c != "" {
		ts.byCode[c] = uid
	}
}

func (ts *typeStore) remove(uid string) {
	if old, ok := ts.objs[uid]; ok {
		if c := str(old["code"]); c != "" && ts.byCode[c] == uid {
			delete(ts.byCode, c)
		}
		delete(ts.objs, uid)
	}
}

// sortedUIDs returns the uids in DHIS2's default order: by name
// (case-insensitive) when the type has one, then by uid.
func (ts *typeStore) sortedUIDs() []string {
	uids := make([]string, 0, len(ts.objs))
	for uid := range ts.objs {
		uids = append(uids, uid)
	}
	sort.Slice(uids, func(i, j int) bool {
		a, b := ts.objs[uids[i]], ts.objs[uids[j]]
		na, nb := strings.ToLower(displayNameOf(a)), strings.ToLower(displayNameOf(b))
		if na != nb {
			return na < nb
		}
		return uids[i] < uids[j]
	})
	return uids
}

// New creates a store holding DHIS2's built-in objects: the default category
// option, category, category combo and option combo, the admin user and its
// Superuser role.
func New(opts Options) (*Store, error) {
	if opts.Profile.Version.Major == 0 {
		return nil, fmt.Errorf("metadata.New: Options.Profile is required (use profile.For)")
	}
	s := &Store{
		prof: opts.Profile, schemas: SchemasFor(opts.Profile), loc: opts.Location, now: opts.Clock,
		onWrite: opts.OnWrite, admin: opts.AdminUsername, types: map[string]*typeStore{},
		passwords: map[string]string{}, counts: map[string]*WriteCount{}, files: opts.Files,
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.admin == "" {
		s.admin = "admin"
	}
	for _, sc := range s.schemas.all {
		if sc.Metadata {
			s.types[sc.Plural] = newTypeStore(sc)
		}
	}
	s.addBuiltins(opts.NoAdmin)
	if opts.AdminPassword != "" {
		s.passwords[AdminUserUID] = hashPassword(AdminUserUID, opts.AdminPassword)
	}
	return s, nil
}

// Profile returns the store's version profile.
func (s *Store) Profile() profile.Profile { return s.prof }

// Schemas returns the store's schemas.
func (s *Store) Schemas() *Schemas { return s.schemas }

func (s *Store) nowString() string { return formatDate(s.now(), s.loc) }

func (s *Store) addBuiltins(noAdmin bool) {
	now := s.nowString()
	base := func(uid, name string) Object {
		return Object{"id": uid, "name": name, "created": now, "lastUpdated": now}
	}
	opt := base(DefaultCategoryOptionUID, "default")
	opt["code"], opt["shortName"] = "default", "default"
	cat := base(DefaultCategoryUID, "default")
	cat["code"], cat["shortName"], cat["dataDimensionType"] = "default", "default", "DISAGGREGATION"
	cat["dataDimension"] = false
	cat["categoryOptions"] = []any{ref(DefaultCategoryOptionUID)}
	combo := base(DefaultCategoryComboUID, "default")
	combo["code"], combo["dataDimensionType"] = "default", "DISAGGREGATION"
	combo["categories"] = []any{ref(DefaultCategoryUID)}
	coc := base(DefaultCategoryOptionComboUID, "default")
	coc["code"] = "default"
	coc["categoryCombo"] = ref(DefaultCategoryComboUID)
	coc["categoryOptions"] = []any{ref(DefaultCategoryOptionUID)}
	role := base(SuperuserRoleUID, "Superuser")
	role["code"], role["description"], role["authorities"] = "Superuser", "Superuser", []any{"ALL"}
	user := Object{"id": AdminUserUID, "code": s.admin, "firstName": "admin", "surname": "admin",
		"created": now, "lastUpdated": now}
	s.setUsername(user, s.admin, []any{ref(SuperuserRoleUID)})
	for _, it := range []struct {
		plural, access string
		o              Object
	}{
		{"categoryOptions", "rwrw----", opt}, {"categories", "rw------", cat},
		{"categoryCombos", "rw------", combo}, {"categoryOptionCombos", "rw------", coc},
		{"userRoles", "rw------", role}, {"users", "rw------", user},
	} {
		ts := s.types[it.plural]
		if ts == nil || noAdmin && (it.plural == "users" || it.plural == "userRoles") {
			continue
		}
		o := s.withDefaults(ts.schema, it.o)
		s.setDefaultSharing(ts.schema, o, AdminUserUID, it.access)
		ts.put(str(o["id"]), o)
	}
	s.afterCommit(map[string]bool{"users": true})
}

// setUsername stores username and roles where the version keeps them.
func (s *Store) setUsername(user Object, username string, roles []any) {
	if s.prof.Users == profile.UserNested {
		user["userCredentials"] = Object{"id": credentialsUID(str(user["id"])), "username": username, "userRoles": roles}
		return
	}
	user["username"] = username
	user["userRoles"] = roles
}

// credentialsUID derives the ≤2.37 UserCredentials uid from the user uid
// (deterministic so snapshots and re-imports are stable).
func credentialsUID(userUID string) string {
	sum := sha256.Sum256([]byte("userCredentials:" + userUID))
	b := make([]byte, 11)
	for i := range b {
		n := len(uidAlphabet)
		if i == 0 {
			n = 52
		}
		b[i] = uidAlphabet[int(sum[i])%n]
	}
	return string(b)
}

func hashPassword(uid, password string) string {
	sum := sha256.Sum256([]byte(uid + ":" + password))
	return hex.EncodeToString(sum[:])
}

// VerifyPassword checks a password of a user that has one (set through
// Options.AdminPassword or a metadata import with a password). It returns the
// user's uid.
func (s *Store) VerifyPassword(username, password string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	uid, ok := s.userUIDByUsername(username)
	if !ok {
		return "", false
	}
	h, ok := s.passwords[uid]
	if !ok {
		return "", false
	}
	return uid, subtle.ConstantTimeCompare([]byte(h), []byte(hashPassword(uid, password))) == 1
}

// usernameOf returns the username of a stored user object.
func (s *Store) usernameOf(u Object) string {
	if n := str(u["username"]); n != "" {
		return n
	}
	if uc, ok := u["userCredentials"].(map[string]any); ok {
		return str(uc["username"])
	}
	return ""
}

// userRolesOf returns the role uids of a stored user object.
func (s *Store) userRolesOf(u Object) []string {
	if r, ok := u["userRoles"]; ok {
		return refList(r)
	}
	if uc, ok := u["userCredentials"].(map[string]any); ok {
		return refList(uc["userRoles"])
	}
	return nil
}

func (s *Store) userUIDByUsername(username string) (string, bool) {
	ts := s.types["users"]
	if ts == nil {
		return "", false
	}
	for uid, u := range ts.objs {
		if s.usernameOf(u) == username {
			return uid, true
		}
	}
	return "", false
}

// WriteCounts returns committed writes per type (plural) since the store was
// created or ResetWriteCounts was called. Dry runs (importMode=VALIDATE)
// never count.
func (s *Store) WriteCounts() map[string]WriteCount {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]WriteCount, len(s.counts))
	for k, v := range s.counts {
		out[k] = *v
	}
	return out
}

// ResetWriteCounts zeroes the write counters.
func (s *Store) ResetWriteCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]*WriteCount{}
}

func (s *Store) count(plural, action string) {
	c := s.counts[plural]
	if c == nil {
		c = &WriteCount{}
		s.counts[plural] = c
	}
	switch action {
	case "CREATE":
		c.Created++
	case "UPDATE":
		c.Updated++
	case "DELETE":
		c.Deleted++
	}
}

// emit delivers write events to the hook; call without holding the lock.
func (s *Store) emit(evs []WriteEvent) {
	if s.onWrite == nil {
		return
	}
	for _, e := range evs {
		s.onWrite(e)
	}
}

// withDefaults returns o with the Java defaults of absent persisted owner
// properties filled in (primitive zeros, initialized collections, enum
// defaults), as a freshly constructed DHIS2 object would have them.
func (s *Store) withDefaults(sc *Schema, o Object) Object {
	for _, p := range sc.Properties {
		if p.Default == "" || !p.Persisted || !p.Owner || p.ReadOnly || p.WriteOnly {
			continue
		}
		if _, ok := o[p.Name]; ok {
			continue
		}
		if p.Name == "sharing" || p.Name == "attributeValues" && p.Type == Complex {
			continue
		}
		o[p.Name] = jsonValue(p.Default)
	}
	if sc.Singular == "organisationUnit" {
		delete(o, "level")
	}
	return o
}

// isDefaultUID reports whether uid is one of the four built-in default
// category objects.
func isDefaultUID(uid string) bool {
	switch uid {
	case DefaultCategoryComboUID, DefaultCategoryUID, DefaultCategoryOptionUID, DefaultCategoryOptionComboUID:
		return true
	}
	return false
}

// lookup finds a stored object of a type.
func (s *Store) lookup(plural, uid string) (Object, bool) {
	ts := s.types[plural]
	if ts == nil {
		return nil, false
	}
	o, ok := ts.objs[uid]
	return o, ok
}
