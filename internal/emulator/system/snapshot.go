package system

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
)

// snapshotFormat versions the snapshot document.
const snapshotFormat = 1

// snapshot is the persisted form of a System.
type snapshot struct {
	Format          int                 `json:"format"`
	Settings        settingsState       `json:"settings"`
	DataStore       []*Entry            `json:"dataStore"`
	Protections     []Protection        `json:"protections,omitempty"`
	UserDataStore   map[string][]*Entry `json:"userDataStore,omitempty"`
	Files           []*FileResource     `json:"fileResources"`
	Apps            []*App              `json:"apps"`
	Icons           []*Icon             `json:"icons"`
	Interpretations []*Interpretation   `json:"interpretations"`
}

// Snapshot writes the whole content (settings, dataStore, user dataStore,
// file resources with their bytes, installed apps, custom icons,
// interpretations) as one JSON document.
func (s *System) Snapshot(w io.Writer) error {
	snap := snapshot{
		Format:          snapshotFormat,
		Settings:        s.Settings.state(),
		DataStore:       s.DataStore.entries(),
		Protections:     s.DataStore.Protections(),
		UserDataStore:   s.UserDataStore.state(),
		Files:           s.Files.all(),
		Apps:            s.Apps.state(),
		Icons:           s.Icons.customIcons(),
		Interpretations: s.Interpretations.List(),
	}
	if err := json.NewEncoder(w).Encode(snap); err != nil {
		return fmt.Errorf("system snapshot: %w", err)
	}
	return nil
}

// Restore replaces the content with a document written by Snapshot.
func (s *System) Restore(r io.Reader) error {
	var snap snapshot
	if err := json.NewDecoder(r).Decode(&snap); err != nil {
		return fmt.Errorf("system snapshot: %w", err)
	}
	if snap.Format != snapshotFormat {
		return fmt.Errorf("system snapshot: unknown format %d", snap.Format)
	}
	s.Settings.restore(snap.Settings)
	s.DataStore.replace(snap.DataStore, snap.Protections)
	s.UserDataStore.mu.Lock()
	s.UserDataStore.byUser = map[string]*DataStore{}
	s.UserDataStore.mu.Unlock()
	for _, user := range sortedKeys(snap.UserDataStore) {
		s.UserDataStore.For(user).replace(snap.UserDataStore[user], nil)
	}
	s.Files.replace(snap.Files)
	s.Apps.restore(snap.Apps)
	s.Icons.restore(snap.Icons)
	s.Interpretations.restore(snap.Interpretations)
	return nil
}

func (d *DataStore) replace(entries []*Entry, protections []Protection) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.namespaces, d.byID = map[string]map[string]*Entry{}, map[string]*Entry{}
	for _, e := range entries {
		d.insert(e.clone())
	}
	d.protections = map[string]Protection{}
	for _, p := range protections {
		d.protections[p.Namespace] = p
	}
}

// all returns every file resource with its content.
func (f *Files) all() []*FileResource {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]*FileResource, 0, len(f.byUID))
	for _, uid := range sortedKeys(f.byUID) {
		c := *f.byUID[uid]
		out = append(out, &c)
	}
	return out
}

func (f *Files) replace(list []*FileResource) {
	f.mu.Lock()
	defer f.mu.Unlock()
	keep := maps.Clone(f.byUID)
	f.byUID = map[string]*FileResource{}
	for uid, fr := range keep {
		if fr.Domain == DomainIcon && fr.Assigned && fr.CreatedBy.ID == f.sys.opts.AdminUserID && stableUID("icon:"+trimSVG(fr.Name)) == uid {
			f.byUID[uid] = fr // default icon images are part of the release, not of the state
		}
	}
	for _, fr := range list {
		c := *fr
		f.byUID[c.ID] = &c
	}
}

func trimSVG(name string) string {
	if len(name) > 4 && name[len(name)-4:] == ".svg" {
		return name[:len(name)-4]
	}
	return name
}
