package emulator

import (
	"errors"
	"fmt"
	"slices"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/emulator/seed"
	"github.com/d2sync/d2sync/internal/emulator/system"
)

// loadSeedSystem loads the seed's non-metadata content: settings the
// version knows, dataStore entries, the file data values (their files
// come first, see loadSeedFiles), custom icons (2.41+), apps and interpretations on the targets
// the version has. Seeded interpretations keep their authors and dates,
// which the API could not do.
func (e *Emulator) loadSeedSystem(inst *seed.Instance) error {
	s := inst.System
	for _, k := range sortedSettingKeys(s.Settings) {
		if _, err := e.sys.Settings.Set(k, settingString(s.Settings[k]), ""); err != nil && !unknownSetting(err) {
			return fmt.Errorf("system setting %s: %w", k, err)
		}
	}
	for _, d := range s.DataStore {
		if err := e.sys.DataStore.Seed(e.seedEntry(d)); err != nil {
			return err
		}
	}
	for _, v := range s.FileValues {
		if err := e.values.Put(datavalue.DataValue{DataElement: v.DataElement, Period: v.Period, OrgUnit: v.OrgUnit,
			CategoryOptionCombo: v.CategoryOptionCombo, AttributeOptionCombo: v.AttributeOptionCombo, Value: v.Value,
			StoredBy: v.StoredBy, Created: v.Created, LastUpdated: v.LastUpdated}); err != nil {
			return fmt.Errorf("file data value: %w", err)
		}
	}
	if e.prof.CustomIcons {
		for _, ic := range s.Icons {
			e.sys.Icons.Seed(system.Icon{Key: ic.Key, Description: ic.Description, Keywords: ic.Keywords, FileResource: ic.FileResource,
				Created: ic.Created, CreatedBy: system.UserRef{ID: adminUserUID, Username: e.opts.AdminUsername}})
		}
	}
	for _, a := range s.Apps {
		if _, err := e.sys.Apps.Install(a.FileName, a.Zip); err != nil {
			return fmt.Errorf("app %s: %w", a.FileName, err)
		}
	}
	for _, it := range s.Interpretations {
		kind, ok := e.interpretationKind(it.Kind, it.Target)
		if !ok {
			continue
		}
		e.sys.Interpretations.Seed(seedInterpretation(it, kind))
	}
	return nil
}

// loadSeedFiles stores the seed's uploaded files before its metadata is
// imported: document files unassigned, as uploaded, since importing the
// internal documents checks and assigns them (DocumentObjectBundleHook);
// the others (data values, icons, images) assigned.
func (e *Emulator) loadSeedFiles(inst *seed.Instance) {
	domains := e.sys.Files.Domains()
	for _, f := range inst.System.Files {
		if !slices.Contains(domains, f.Domain) {
			continue // e.g. ICON files before 2.40
		}
		e.sys.Files.Seed(system.FileResource{ID: f.UID, Name: f.Name, ContentType: f.ContentType, Domain: f.Domain,
			Created: f.Created, Content: f.Content, Assigned: f.Domain != system.DomainDocument,
			CreatedBy: system.UserRef{ID: adminUserUID, Username: e.opts.AdminUsername}})
	}
}

// seedEntry converts a seed dataStore entry, owned by the superuser.
func (e *Emulator) seedEntry(d seed.DataStoreEntry) system.Entry {
	admin := system.UserRef{ID: adminUserUID, Username: e.opts.AdminUsername}
	sh := system.Sharing{Owner: adminUserUID, Public: "rw------"}
	if d.Sharing != nil {
		sh.Public, sh.UserGroups = d.Sharing.Public, d.Sharing.UserGroups
	}
	return system.Entry{ID: uidFor("dataStore:" + d.Namespace + "/" + d.Key), Namespace: d.Namespace, Key: d.Key, Value: d.Value,
		Created: d.Created, LastUpdated: d.Created, CreatedBy: admin, LastUpdatedBy: admin, Sharing: sh}
}

// interpretationKind maps a seed target (visualization or map) to the
// kind the version has for that UID: visualizations are charts or report
// tables before 2.34.
func (e *Emulator) interpretationKind(kind, uid string) (string, bool) {
	kinds := e.sys.InterpretationKinds()
	candidates := []string{kind}
	if kind == "visualization" {
		candidates = []string{"visualization", "chart", "reportTable"}
	}
	for _, k := range candidates {
		if slices.Contains(kinds, k) && slices.ContainsFunc(interpretationTargets[k].plurals, func(p string) bool { return e.meta.Exists(p, uid) }) {
			return k, true
		}
	}
	return "", false
}

func seedInterpretation(it seed.Interpretation, kind string) system.Interpretation {
	ref := func(u seed.User) system.UserRef { return system.UserRef{ID: u.ID, Username: u.Username, Name: u.Name} }
	out := system.Interpretation{ID: it.UID, Kind: kind, Target: it.Target, Text: it.Text, Created: it.Created,
		LastUpdated: it.Created, CreatedBy: ref(it.Author)}
	for _, c := range it.Comments {
		out.Comments = append(out.Comments, &system.Comment{ID: c.UID, Text: c.Text, Created: c.Created, LastUpdated: c.Created, CreatedBy: ref(c.Author)})
		if c.Created.After(out.LastUpdated) {
			out.LastUpdated = c.Created
		}
	}
	for _, u := range it.LikedBy {
		out.LikedBy = append(out.LikedBy, ref(u))
	}
	return out
}

func sortedSettingKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// settingString renders a seed setting value as the string DHIS2 stores.
func settingString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

// unknownSetting reports whether err refuses a key the version lacks.
func unknownSetting(err error) bool {
	var se *system.Error
	return errors.As(err, &se) && (se.Kind == system.KindConflict || se.Kind == system.KindNotFound)
}
