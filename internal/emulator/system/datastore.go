package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Entry is one dataStore value with DHIS2's per-key metadata
// (DatastoreEntry: id, created, lastUpdated, createdBy, sharing).
type Entry struct {
	ID            string          `json:"id"`
	Namespace     string          `json:"namespace"`
	Key           string          `json:"key"`
	Value         json.RawMessage `json:"value"`
	Encrypted     bool            `json:"encrypted,omitempty"`
	Created       time.Time       `json:"created"`
	LastUpdated   time.Time       `json:"lastUpdated"`
	CreatedBy     UserRef         `json:"createdBy"`
	LastUpdatedBy UserRef         `json:"lastUpdatedBy"`
	Sharing       Sharing         `json:"sharing"`

	parsed any // Value decoded for queries; never modified in place
}

func (e *Entry) clone() *Entry {
	c := *e
	c.Value = bytes.Clone(e.Value)
	c.Sharing = e.Sharing.clone()
	return &c
}

// ProtectionType is how a protected namespace treats users without the
// namespace's authorities (DatastoreNamespaceProtection.ProtectionType).
type ProtectionType string

// Protection types.
const (
	ProtectionNone       ProtectionType = "NONE"
	ProtectionHidden     ProtectionType = "HIDDEN"     // behaves as if the namespace did not exist
	ProtectionRestricted ProtectionType = "RESTRICTED" // visible, but access is denied (403)
)

// Protection reserves a namespace for the holders of some authorities, as
// an installed app does for the namespace of its manifest.
type Protection struct {
	Namespace        string         `json:"namespace"`
	Reads            ProtectionType `json:"reads"`
	Writes           ProtectionType `json:"writes"`
	ReadAuthorities  []string       `json:"readAuthorities"`
	WriteAuthorities []string       `json:"writeAuthorities"`
}

// DataStore is /api/dataStore: namespaces of keys holding JSON values.
// The zero value is not usable; a System creates it.
type DataStore struct {
	sys  *System
	user bool // the per-user store (/api/userDataStore): other messages, no sharing

	mu          sync.RWMutex
	namespaces  map[string]map[string]*Entry
	byID        map[string]*Entry
	protections map[string]Protection
}

func newDataStore(s *System, user bool) *DataStore {
	return &DataStore{sys: s, user: user, namespaces: map[string]map[string]*Entry{}, byID: map[string]*Entry{}, protections: map[string]Protection{}}
}

// messages returns the version's wording of the dataStore answers.
func (d *DataStore) msg(kind, ns, key string) string {
	p := d.sys.prof
	if d.user {
		v2 := p.FeedbackErrorCodes
		switch kind {
		case "nsMissing":
			if v2 {
				return fmt.Sprintf("Namespace not found: '%s'", ns)
			}
			return fmt.Sprintf("The namespace '%s' was not found.", ns)
		case "keyMissing":
			if v2 {
				return fmt.Sprintf("Key '%s' not found in namespace '%s'", key, ns)
			}
			return fmt.Sprintf("The key '%s' was not found in the namespace '%s'.", key, ns)
		case "exists":
			if v2 {
				return fmt.Sprintf("Key '%s' already exists in namespace '%s'", key, ns)
			}
			return fmt.Sprintf("The key '%s' already exists in the namespace '%s'.", key, ns)
		case "created":
			return fmt.Sprintf("Key '%s' in namespace '%s' created.", key, ns)
		case "updated":
			if p.DataStorePutCreates {
				return fmt.Sprintf("Key updated: '%s'", key)
			}
			return fmt.Sprintf("Key '%s' in namespace '%s' updated.", key, ns)
		case "deleted":
			return fmt.Sprintf("Key '%s' deleted from the namespace '%s'.", key, ns)
		case "nsDeleted":
			if v2 {
				return fmt.Sprintf("Namespace deleted: '%s'", ns)
			}
			return fmt.Sprintf("All keys from namespace '%s' deleted.", ns)
		case "badJSON":
			return fmt.Sprintf("Invalid JSON value for key '%s'", key)
		}
	}
	if p.DataStoreMessagesV2 {
		switch kind {
		case "nsMissing":
			return fmt.Sprintf("Namespace not found: '%s'", ns)
		case "keyMissing":
			return fmt.Sprintf("Key '%s' not found in namespace '%s'", key, ns)
		case "exists":
			return fmt.Sprintf("Key '%s' already exists in namespace '%s'", key, ns)
		case "created":
			return fmt.Sprintf("Key created: '%s'", key)
		case "updated":
			return fmt.Sprintf("Key updated: '%s'", key)
		case "deleted":
			return fmt.Sprintf("Key '%s' deleted from namespace '%s'", key, ns)
		case "nsDeleted":
			return fmt.Sprintf("Namespace deleted: '%s'", ns)
		case "badJSON":
			return fmt.Sprintf("Invalid JSON value for key '%s'", key)
		}
	}
	switch kind {
	case "nsMissing":
		return fmt.Sprintf("The namespace '%s' was not found.", ns)
	case "keyMissing":
		return fmt.Sprintf("The key '%s' was not found in the namespace '%s'.", key, ns)
	case "exists":
		return fmt.Sprintf("The key '%s' already exists on the namespace '%s'.", key, ns)
	case "created":
		return fmt.Sprintf("Key '%s' created.", key)
	case "updated":
		return fmt.Sprintf("Key '%s' updated.", key)
	case "deleted":
		return fmt.Sprintf("Key '%s' deleted from namespace '%s'.", key, ns)
	case "nsDeleted":
		return fmt.Sprintf("Namespace '%s' deleted.", ns)
	}
	return "The data is not valid JSON."
}

// Namespaces is GET /api/dataStore: the namespaces with at least one key,
// sorted; hidden protected namespaces are left out for users without
// their authorities.
func (d *DataStore) Namespaces(c Caller) []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := []string{}
	for ns := range d.namespaces {
		if d.hidden(c, ns) {
			continue
		}
		out = append(out, ns)
	}
	slices.Sort(out)
	return out
}

// Keys is GET /api/dataStore/{ns}: the keys of a namespace, sorted,
// optionally only those updated at or after since. A missing namespace is
// a 404.
func (d *DataStore) Keys(c Caller, ns string, since time.Time) ([]string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.checkNamespace(c, ns, false); err != nil {
		return nil, err
	}
	keys := d.namespaces[ns]
	if len(keys) == 0 {
		return nil, d.sys.notFound("%s", d.msg("nsMissing", ns, ""))
	}
	out := []string{}
	for k, e := range keys {
		if since.IsZero() || !e.LastUpdated.Before(since) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Get returns a copy of the entry ns/key (404 when missing, 403 when the
// caller may not read it).
func (d *DataStore) Get(c Caller, ns, key string) (*Entry, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, err := d.existing(c, ns, key, false)
	if err != nil {
		return nil, err
	}
	return e.clone(), nil
}

// ByID returns the entry whose metadata id is id (the id of
// /api/sharing?type=dataStore).
func (d *DataStore) ByID(id string) (*Entry, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, ok := d.byID[id]
	if !ok {
		return nil, false
	}
	return e.clone(), true
}

// Create is POST /api/dataStore/{ns}/{key}: 201 with DHIS2's message, 409
// when the key exists, 400 when value is not JSON.
func (d *DataStore) Create(c Caller, ns, key string, value []byte, encrypt bool) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.create(c, ns, key, value, encrypt)
}

func (d *DataStore) create(c Caller, ns, key string, value []byte, encrypt bool) (string, error) {
	if err := d.checkNamespace(c, ns, true); err != nil {
		return "", err
	}
	if _, ok := d.namespaces[ns][key]; ok {
		return "", d.sys.conflict("%s", d.msg("exists", ns, key))
	}
	v, err := d.validJSON(key, value)
	if err != nil {
		return "", err
	}
	now := d.sys.now()
	d.insert(&Entry{ID: NewUID(), Namespace: ns, Key: key, Value: v, Encrypted: encrypt, Created: now, LastUpdated: now,
		CreatedBy: c.ref(), LastUpdatedBy: c.ref(), Sharing: Sharing{Owner: c.ID, Public: "rw------"}})
	return d.msg("created", ns, key), nil
}

// Put is PUT /api/dataStore/{ns}/{key}: it replaces the value (200). A
// missing key is a 404 before 2.38 and is created (201, created=true)
// from 2.38.
func (d *DataStore) Put(c Caller, ns, key string, value []byte) (created bool, msg string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.namespaces[ns][key]; !ok && d.sys.prof.DataStorePutCreates {
		msg, err := d.create(c, ns, key, value, false)
		return err == nil, msg, err
	}
	e, err := d.existing(c, ns, key, true)
	if err != nil {
		return false, "", err
	}
	v, err := d.validJSON(key, value)
	if err != nil {
		return false, "", err
	}
	e.Value, e.parsed = v, decodeValue(v)
	e.LastUpdated = d.sys.now()
	e.LastUpdatedBy = c.ref()
	return false, d.msg("updated", ns, key), nil
}

// Delete is DELETE /api/dataStore/{ns}/{key}.
func (d *DataStore) Delete(c Caller, ns, key string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, err := d.existing(c, ns, key, true)
	if err != nil {
		return "", err
	}
	d.remove(e)
	return d.msg("deleted", ns, key), nil
}

// DeleteNamespace is DELETE /api/dataStore/{ns}: every key goes, unless
// the caller may not write one of them (403, nothing deleted).
func (d *DataStore) DeleteNamespace(c Caller, ns string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkNamespace(c, ns, true); err != nil {
		return "", err
	}
	keys := d.namespaces[ns]
	if len(keys) == 0 {
		return "", d.sys.notFound("%s", d.msg("nsMissing", ns, ""))
	}
	for _, k := range sortedKeys(keys) {
		if !d.user && !keys[k].Sharing.canWrite(c) {
			return "", forbidden("Access denied for key '%s' in namespace '%s'", k, ns)
		}
	}
	for _, e := range keys {
		d.remove(e)
	}
	return d.msg("nsDeleted", ns, ""), nil
}

// SetSharing replaces the sharing of the entry with metadata id id.
func (d *DataStore) SetSharing(id string, sh Sharing) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.byID[id]
	if !ok {
		return false
	}
	e.Sharing = sh.clone()
	return true
}

// Seed stores e as is (id, timestamps, author and sharing kept), replacing
// an entry with the same namespace and key. It is how the demo seed and
// tests fill the store.
func (d *DataStore) Seed(e Entry) error {
	if e.ID == "" {
		e.ID = NewUID()
	}
	if !json.Valid(e.Value) {
		return fmt.Errorf("seed dataStore %s/%s: value is not JSON", e.Namespace, e.Key)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.namespaces[e.Namespace][e.Key]; ok {
		d.remove(old)
	}
	d.insert(e.clone())
	return nil
}

// Protect reserves a namespace (as an app manifest's namespace does).
func (d *DataStore) Protect(p Protection) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.protections[p.Namespace] = p
}

// Unprotect removes a namespace protection.
func (d *DataStore) Unprotect(ns string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.protections, ns)
}

// Protections is GET /api/dataStore/protections (2.42+), sorted by
// namespace.
func (d *DataStore) Protections() []Protection {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Protection, 0, len(d.protections))
	for _, ns := range sortedKeys(d.protections) {
		out = append(out, d.protections[ns])
	}
	return out
}

// Len returns the number of entries.
func (d *DataStore) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.byID)
}

// entries returns copies of every entry, sorted by namespace and key.
func (d *DataStore) entries() []*Entry {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []*Entry
	for _, ns := range sortedKeys(d.namespaces) {
		for _, k := range sortedKeys(d.namespaces[ns]) {
			out = append(out, d.namespaces[ns][k].clone())
		}
	}
	return out
}

func (d *DataStore) insert(e *Entry) {
	e.parsed = decodeValue(e.Value)
	if d.namespaces[e.Namespace] == nil {
		d.namespaces[e.Namespace] = map[string]*Entry{}
	}
	d.namespaces[e.Namespace][e.Key] = e
	d.byID[e.ID] = e
}

func (d *DataStore) remove(e *Entry) {
	delete(d.namespaces[e.Namespace], e.Key)
	if len(d.namespaces[e.Namespace]) == 0 {
		delete(d.namespaces, e.Namespace)
	}
	delete(d.byID, e.ID)
}

func (d *DataStore) validJSON(key string, value []byte) (json.RawMessage, error) {
	v := bytes.TrimSpace(value)
	if len(v) == 0 || !json.Valid(v) {
		return nil, badRequest("%s", d.msg("badJSON", "", key))
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return nil, badRequest("%s", d.msg("badJSON", "", key))
	}
	return buf.Bytes(), nil
}

// existing returns the entry after the namespace and sharing checks. The
// caller holds the lock.
func (d *DataStore) existing(c Caller, ns, key string, write bool) (*Entry, error) {
	if err := d.checkNamespace(c, ns, write); err != nil {
		if IsKind(err, KindNotFound) {
			return nil, d.sys.notFound("%s", d.msg("keyMissing", ns, key))
		}
		return nil, err
	}
	e, ok := d.namespaces[ns][key]
	if !ok {
		return nil, d.sys.notFound("%s", d.msg("keyMissing", ns, key))
	}
	if d.user {
		return e, nil
	}
	allowed := e.Sharing.canRead(c)
	if write {
		allowed = e.Sharing.canWrite(c)
	}
	if !allowed {
		return nil, forbidden("Access denied for key '%s' in namespace '%s'", key, ns)
	}
	return e, nil
}

// checkNamespace applies namespace protection: a hidden namespace is a
// 404 and a restricted one a 403 for users without its authorities.
func (d *DataStore) checkNamespace(c Caller, ns string, write bool) error {
	p, ok := d.protections[ns]
	if !ok {
		return nil
	}
	typ, auths := p.Reads, p.ReadAuthorities
	if write {
		typ, auths = p.Writes, p.WriteAuthorities
	}
	if typ == ProtectionNone || c.Has(auths...) {
		return nil
	}
	if typ == ProtectionHidden {
		if write {
			return nil // writes to hidden namespaces are accepted but stay invisible
		}
		return d.sys.notFound("%s", d.msg("nsMissing", ns, ""))
	}
	return forbidden("Namespace '%s' is protected, access denied", ns)
}

func (d *DataStore) hidden(c Caller, ns string) bool {
	p, ok := d.protections[ns]
	return ok && p.Reads == ProtectionHidden && !c.Has(p.ReadAuthorities...)
}

// UserDataStore is /api/userDataStore: one private DataStore per user.
type UserDataStore struct {
	sys    *System
	mu     sync.Mutex
	byUser map[string]*DataStore
}

// For returns the store of the user with the given UID.
func (u *UserDataStore) For(userID string) *DataStore {
	u.mu.Lock()
	defer u.mu.Unlock()
	d, ok := u.byUser[userID]
	if !ok {
		d = newDataStore(u.sys, true)
		u.byUser[userID] = d
	}
	return d
}

func (u *UserDataStore) state() map[string][]*Entry {
	u.mu.Lock()
	users := sortedKeys(u.byUser)
	stores := make([]*DataStore, len(users))
	for i, id := range users {
		stores[i] = u.byUser[id]
	}
	u.mu.Unlock()
	out := map[string][]*Entry{}
	for i, id := range users {
		if es := stores[i].entries(); len(es) > 0 {
			out[id] = es
		}
	}
	return out
}

// deleteAll removes a namespace without checks (app data deletion).
func (d *DataStore) deleteAll(ns string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range d.namespaces[ns] {
		d.remove(e)
	}
}
