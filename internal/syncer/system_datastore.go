package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// dsConcurrency bounds the parallel dataStore reads and writes per
// namespace (the client also bounds requests per instance).
const dsConcurrency = 4

// dsEntry is one dataStore key of one side.
type dsEntry struct {
	value     json.RawMessage
	meta      *dsMeta // nil when the version or the key has none
	encrypted bool
}

// dsMeta is /api/dataStore/{ns}/{key}/metaData.
type dsMeta struct {
	ID        string   `json:"id"`
	Encrypted bool     `json:"encrypted"`
	Sharing   *sharing `json:"sharing"`
}

// sharing is DHIS2's 2.36+ sharing object, as dataStore metadata carries it.
type sharing struct {
	Owner      string                   `json:"owner,omitempty"`
	External   bool                     `json:"external,omitempty"`
	Public     string                   `json:"public,omitempty"`
	Users      map[string]sharingAccess `json:"users,omitempty"`
	UserGroups map[string]sharingAccess `json:"userGroups,omitempty"`
}

type sharingAccess struct {
	ID     string `json:"id"`
	Access string `json:"access"`
}

// dsNamespace is what the dataStore part learned about one namespace.
type dsNamespace struct {
	name      string
	src, dst  map[string]*dsEntry
	refused   string // the destination refused writes (protected namespace)
	excluded  bool
	onlyOnDst []string
}

// syncDataStore copies every namespace and key of the source's dataStore
// (except excluded ones), with per-key sharing where both versions have
// it, under the collision policy, and verifies.
func (s *sysRun) syncDataStore(ctx context.Context) error {
	srcNS, err := listNamespaces(ctx, s.r.Source.Client)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dstNS, err := listNamespaces(ctx, s.r.Dest.Client)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	s.request(2)
	var spaces []*dsNamespace
	for _, ns := range srcNS {
		n := &dsNamespace{name: ns, excluded: slices.Contains(s.opts.ExcludeNamespaces, ns)}
		if n.excluded {
			s.warn("system.datastore.excluded", fmt.Sprintf("dataStore namespace %q not copied (--datastore-exclude)", ns))
			continue
		}
		if err := s.syncNamespace(ctx, n, slices.Contains(dstNS, ns)); err != nil {
			return err
		}
		spaces = append(spaces, n)
	}
	if s.r.Opts.DryRun {
		return nil
	}
	return s.verifyDataStore(ctx, spaces)
}

// listNamespaces reads GET /api/dataStore.
func listNamespaces(ctx context.Context, c *dhis2.Client) ([]string, error) {
	var out []string
	if err := c.GetJSON(ctx, "dataStore", nil, &out); err != nil {
		return nil, fmt.Errorf("read the dataStore namespaces: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

// listKeys reads GET /api/dataStore/{ns}; a missing namespace is empty.
func listKeys(ctx context.Context, c *dhis2.Client, ns string) ([]string, error) {
	var out []string
	err := c.GetJSON(ctx, "dataStore/"+url.PathEscape(ns), nil, &out)
	if dhis2.KindOf(err) == dhis2.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the keys of dataStore namespace %q: %w", ns, err)
	}
	sort.Strings(out)
	return out, nil
}

// readEntries reads the value (and metadata when withMeta) of each key.
func (s *sysRun) readEntries(ctx context.Context, c *dhis2.Client, ns string, keys []string, withMeta bool) (map[string]*dsEntry, error) {
	out := make(map[string]*dsEntry, len(keys))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dsConcurrency)
	for _, k := range keys {
		g.Go(func() error {
			e, err := readEntry(gctx, c, ns, k, withMeta)
			if err != nil {
				return err
			}
			mu.Lock()
			out[k] = e
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	n := len(keys)
	if withMeta {
		n *= 2
	}
	s.request(n)
	return out, err
}

func dsPath(ns, key string) string {
	return "dataStore/" + url.PathEscape(ns) + "/" + url.PathEscape(key)
}

func readEntry(ctx context.Context, c *dhis2.Client, ns, key string, withMeta bool) (*dsEntry, error) {
	var raw json.RawMessage
	if err := c.GetJSON(ctx, dsPath(ns, key), nil, &raw); err != nil {
		return nil, fmt.Errorf("read dataStore %s/%s: %w", ns, key, err)
	}
	e := &dsEntry{value: raw}
	if !withMeta {
		return e, nil
	}
	var m dsMeta
	err := c.GetJSON(ctx, dsPath(ns, key)+"/metaData", nil, &m)
	if dhis2.KindOf(err) == dhis2.KindNotFound {
		return e, nil // a version without key metadata
	}
	if err != nil {
		return nil, fmt.Errorf("read the metadata of dataStore %s/%s: %w", ns, key, err)
	}
	e.meta, e.encrypted = &m, m.Encrypted
	return e, nil
}

// withSharing reports whether both versions carry per-key sharing.
func (s *sysRun) withSharing() bool {
	return s.r.Source.Version().AtLeast(38) && s.r.Dest.Version().AtLeast(38)
}

// syncNamespace reads one namespace on both sides and applies the policy.
func (s *sysRun) syncNamespace(ctx context.Context, n *dsNamespace, onDst bool) error {
	keys, err := listKeys(ctx, s.r.Source.Client, n.name)
	s.request(1)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if n.src, err = s.readEntries(ctx, s.r.Source.Client, n.name, keys, true); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if onDst {
		if err := s.readDestNamespace(ctx, n); err != nil {
			return err
		}
	} else {
		n.dst = map[string]*dsEntry{}
	}
	if s.r.VerifyOnly || n.refused != "" {
		return nil
	}
	for _, k := range keys {
		if err := s.applyKey(ctx, n, k); err != nil {
			return err
		}
		if n.refused != "" {
			break
		}
	}
	return nil
}

// readDestNamespace reads the destination's keys of a namespace. A 403
// means a protected namespace the destination user may not use: it is
// marked refused (reported, not written).
func (s *sysRun) readDestNamespace(ctx context.Context, n *dsNamespace) error {
	dkeys, err := listKeys(ctx, s.r.Dest.Client, n.name)
	s.request(1)
	if err == nil {
		n.dst, err = s.readEntries(ctx, s.r.Dest.Client, n.name, dkeys, s.withSharing())
	}
	if dhis2.KindOf(err) == dhis2.KindForbidden {
		s.refuse(n, err)
		n.dst = map[string]*dsEntry{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	n.onlyOnDst = n.onlyOnDst[:0]
	for _, k := range dkeys {
		if _, ok := n.src[k]; !ok {
			n.onlyOnDst = append(n.onlyOnDst, k)
		}
	}
	return nil
}

// refuse marks a namespace the destination refuses and warns once.
func (s *sysRun) refuse(n *dsNamespace, err error) {
	if n.refused != "" {
		return
	}
	n.refused = serverMessage(err)
	s.warn("system.datastore.protected", fmt.Sprintf("dataStore namespace %q not copied: the destination refuses its user access to it (a protected namespace: give the destination user the app's authority to copy it): %s", n.name, n.refused))
}

// applyKey creates or updates one key per the policy, then its sharing.
func (s *sysRun) applyKey(ctx context.Context, n *dsNamespace, key string) error {
	src, dst := n.src[key], n.dst[key]
	var (
		method string
		value  json.RawMessage
	)
	switch {
	case dst == nil:
		method, value = "POST", src.value
	case sameJSON(src.value, dst.value):
	case s.opts.DataStorePolicy == DataStoreKeep:
		s.count(partDataStore, func(c *Counts) { c.Ignored++ })
		return s.applySharing(ctx, n, key, false)
	case s.opts.DataStorePolicy == DataStoreMerge:
		method, value = "PUT", mergeJSON(dst.value, src.value)
		if sameJSON(value, dst.value) {
			method = ""
		}
	default:
		method, value = "PUT", src.value
	}
	if method == "" {
		s.count(partDataStore, func(c *Counts) { c.Unchanged++ })
		return s.applySharing(ctx, n, key, false)
	}
	if !s.writes() {
		s.count(partDataStore, func(c *Counts) { countWrite(c, method) })
		if s.withSharing() && method == "POST" && src.meta != nil && !sameSharing(s.mapSharing(ctx, src.meta.Sharing), defaultSharing) {
			s.count(partDataStoreShares, func(c *Counts) { c.Updated++ })
		}
		return nil
	}
	if err := s.writeKey(ctx, n, key, method, value, src.encrypted); err != nil || n.refused != "" {
		return err
	}
	s.count(partDataStore, func(c *Counts) { countWrite(c, method) })
	return s.applySharing(ctx, n, key, true)
}

func countWrite(c *Counts, method string) {
	if method == "POST" {
		c.Created++
	} else {
		c.Updated++
	}
}

// writeKey sends one value. A 403 marks the namespace as refused by the
// destination (a protected namespace); other errors are failures.
func (s *sysRun) writeKey(ctx context.Context, n *dsNamespace, key, method string, value json.RawMessage, encrypt bool) error {
	var q url.Values
	if encrypt {
		q = url.Values{"encrypt": {"true"}}
	}
	b := dhis2.BytesBody(value, "application/json")
	b.Idempotent = method == "PUT"
	_, err := s.r.Dest.Client.Do(ctx, method, dsPath(n.name, key), q, b)
	s.request(1)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return err
	case dhis2.KindOf(err) == dhis2.KindForbidden:
		s.refuse(n, err)
		return nil
	case method == "POST" && dhis2.KindOf(err) == dhis2.KindConflict:
		// Created meanwhile (or by an earlier attempt whose answer was lost).
		return s.writeKey(ctx, n, key, "PUT", value, encrypt)
	}
	s.fail(partDataStore, n.name+"/"+key, "", errorCode(err), fmt.Sprintf("write dataStore %s/%s: %v", n.name, key, err))
	return nil
}

// sameJSON compares two JSON documents semantically.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}

// mergeJSON is the merge policy: when both are JSON objects, dst's fields
// overwritten by src's (src wins on shared fields, dst-only fields stay);
// otherwise src.
func mergeJSON(dst, src json.RawMessage) json.RawMessage {
	var d, s map[string]json.RawMessage
	if json.Unmarshal(dst, &d) != nil || json.Unmarshal(src, &s) != nil || d == nil || s == nil {
		return src
	}
	for k, v := range s {
		d[k] = v
	}
	out, err := json.Marshal(d)
	if err != nil {
		return src
	}
	return out
}

// mergeCovers reports whether every top-level field of src is equal in dst
// (what a merge guarantees).
func mergeCovers(src, dst json.RawMessage) bool {
	var d, s map[string]json.RawMessage
	if json.Unmarshal(dst, &d) != nil || json.Unmarshal(src, &s) != nil || d == nil || s == nil {
		return false
	}
	for k, v := range s {
		if w, ok := d[k]; !ok || !sameJSON(v, w) {
			return false
		}
	}
	return true
}

// defaultSharing is the sharing DHIS2 gives a new dataStore key: public
// read and write, no user or group access.
var defaultSharing = &sharing{Public: "rw------"}

// applySharing gives the destination key the source key's sharing (2.38+
// on both sides), through /api/sharing?type=dataStore&id=<metaData id>.
func (s *sysRun) applySharing(ctx context.Context, n *dsNamespace, key string, written bool) error {
	if !s.withSharing() || s.r.VerifyOnly {
		return nil
	}
	src := n.src[key]
	if src.meta == nil || src.meta.Sharing == nil {
		return nil
	}
	if written {
		// A created key has a new metadata id; read it back.
		dst, err := readEntry(ctx, s.r.Dest.Client, n.name, key, true)
		s.request(2)
		if err != nil {
			s.fail(partDataStoreShares, n.name+"/"+key, "", errorCode(err), err.Error())
			return nil
		}
		n.dst[key] = dst
	}
	dst := n.dst[key]
	want := s.mapSharing(ctx, src.meta.Sharing)
	if dst == nil || dst.meta == nil || dst.meta.ID == "" || sameSharing(want, dst.meta.Sharing) {
		return nil
	}
	if !s.writes() {
		s.count(partDataStoreShares, func(c *Counts) { c.Updated++ })
		return nil
	}
	b := dhis2.JSONBody(map[string]any{"object": legacySharing(want)})
	b.Idempotent = true
	_, err := s.r.Dest.Client.Post(ctx, "sharing", url.Values{"type": {"dataStore"}, "id": {dst.meta.ID}}, b)
	s.request(1)
	if err != nil {
		s.fail(partDataStoreShares, n.name+"/"+key, "", errorCode(err), fmt.Sprintf("set the sharing of dataStore %s/%s: %v", n.name, key, err))
		return nil
	}
	s.count(partDataStoreShares, func(c *Counts) { c.Updated++ })
	s.log(slog.LevelDebug, "system.datastore.shared", "sharing set on dataStore "+n.name+"/"+key)
	return nil
}

// mapSharing rewrites the user and group UIDs of a sharing object through
// the pair's ID mappings (users matched by username).
func (s *sysRun) mapSharing(ctx context.Context, in *sharing) *sharing {
	out := &sharing{Owner: s.mapped(ctx, "users", in.Owner), External: in.External, Public: in.Public}
	if len(in.Users) > 0 {
		out.Users = map[string]sharingAccess{}
		for id, a := range in.Users {
			d := s.mapped(ctx, "users", id)
			out.Users[d] = sharingAccess{ID: d, Access: a.Access}
		}
	}
	if len(in.UserGroups) > 0 {
		out.UserGroups = map[string]sharingAccess{}
		for id, a := range in.UserGroups {
			d := s.mapped(ctx, "userGroups", id)
			out.UserGroups[d] = sharingAccess{ID: d, Access: a.Access}
		}
	}
	return out
}

// sameSharing compares public access and user and group accesses (the
// owner is whoever created the key on each side, so it is not compared).
func sameSharing(a, b *sharing) bool {
	if a == nil || b == nil {
		return a == b || (a == nil && b.Public == "" && len(b.Users)+len(b.UserGroups) == 0) || (b == nil && a.Public == "" && len(a.Users)+len(a.UserGroups) == 0)
	}
	return normAccess(a.Public) == normAccess(b.Public) && sameAccesses(a.Users, b.Users) && sameAccesses(a.UserGroups, b.UserGroups)
}

func normAccess(s string) string {
	if s == "" {
		return "--------"
	}
	return s
}

func sameAccesses(a, b map[string]sharingAccess) bool {
	if len(a) != len(b) {
		return false
	}
	for id, x := range a {
		if y, ok := b[id]; !ok || normAccess(x.Access) != normAccess(y.Access) {
			return false
		}
	}
	return true
}

// legacySharing renders a sharing object in the format /api/sharing takes
// in every version.
func legacySharing(sh *sharing) map[string]any {
	obj := map[string]any{"publicAccess": normAccess(sh.Public), "externalAccess": sh.External}
	if sh.Owner != "" {
		obj["user"] = map[string]string{"id": sh.Owner}
	}
	ua := []map[string]string{}
	for _, id := range keysOf(sh.Users) {
		ua = append(ua, map[string]string{"id": id, "access": sh.Users[id].Access})
	}
	ga := []map[string]string{}
	for _, id := range keysOf(sh.UserGroups) {
		ga = append(ga, map[string]string{"id": id, "access": sh.UserGroups[id].Access})
	}
	obj["userAccesses"], obj["userGroupAccesses"] = ua, ga
	return obj
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
