package emulator

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/system"
)

// SystemCounts counts committed writes to the non-metadata resources:
// system settings, dataStore and userDataStore keys, file resources,
// apps, custom icons and interpretations.
type SystemCounts struct {
	SettingsSet            int64 `json:"settingsSet"`
	DataStoreCreated       int64 `json:"dataStoreCreated"`
	DataStoreUpdated       int64 `json:"dataStoreUpdated"`
	DataStoreDeleted       int64 `json:"dataStoreDeleted"`
	SharingSet             int64 `json:"sharingSet"`
	FilesUploaded          int64 `json:"filesUploaded"`
	AppsInstalled          int64 `json:"appsInstalled"`
	AppsDeleted            int64 `json:"appsDeleted"`
	IconsCreated           int64 `json:"iconsCreated"`
	IconsUpdated           int64 `json:"iconsUpdated"`
	IconsDeleted           int64 `json:"iconsDeleted"`
	InterpretationsCreated int64 `json:"interpretationsCreated"`
	CommentsCreated        int64 `json:"commentsCreated"`
	InterpretationChanges  int64 `json:"interpretationChanges"` // text edits, deletions, comment edits, likes
}

func (c SystemCounts) total() int64 {
	return c.SettingsSet + c.DataStoreCreated + c.DataStoreUpdated + c.DataStoreDeleted + c.SharingSet + c.FilesUploaded +
		c.AppsInstalled + c.AppsDeleted + c.IconsCreated + c.IconsUpdated + c.IconsDeleted + c.InterpretationsCreated +
		c.CommentsCreated + c.InterpretationChanges
}

// countSystem records a system write and schedules a snapshot.
func (e *Emulator) countSystem(f func(c *SystemCounts)) {
	e.counts.update(func(c *WriteCounts) { f(&c.System) })
	e.markDirty()
}

// newSystem builds the system stores for the emulated version.
func (e *Emulator) newSystem() *system.System {
	return system.New(system.Options{
		Profile:     e.prof,
		Clock:       e.opts.Clock,
		Location:    e.loc,
		StoreDelay:  e.opts.FileStoreDelay,
		AdminUserID: adminUserUID,
	})
}

// System returns the emulated instance's settings, dataStore, file
// resources, apps, icons and interpretations, for tests that inspect or
// prepare them directly.
func (e *Emulator) System() *system.System { return e.sys }

// systemSection persists the system stores (optional: older snapshots
// have no such section).
func (e *Emulator) systemSection() section {
	return section{name: "system.json", save: e.sys.Snapshot, load: e.sys.Restore, optional: true}
}

// caller is the request's user as the system stores see it.
func caller(r *http.Request) system.Caller {
	u := userOf(r)
	if u == nil {
		return system.Caller{}
	}
	return system.Caller{ID: u.ID, Username: u.Username, Name: u.displayName(), Authorities: u.Authorities}
}

// sysErr maps a system store refusal to DHIS2's WebMessage.
func sysErr(err error) error {
	var se *system.Error
	if !errors.As(err, &se) {
		return err
	}
	code := map[system.Kind]int{
		system.KindBadRequest: http.StatusBadRequest, system.KindForbidden: http.StatusForbidden,
		system.KindNotFound: http.StatusNotFound, system.KindConflict: http.StatusConflict,
		system.KindTooLarge: http.StatusRequestEntityTooLarge,
	}[se.Kind]
	if code == 0 {
		code = http.StatusInternalServerError
	}
	return &apiError{code: code, message: se.Message, errorCode: se.Code}
}

// writeMessage answers with an OK-status WebMessage.
func writeMessage(w http.ResponseWriter, code int, msg string) error {
	return writeWebMessage(w, newWebMessage(code, "OK", msg))
}

// maxSystemBody bounds the JSON and text bodies of the system endpoints.
const maxSystemBody = 32 << 20

// readBody reads a request body up to limit bytes.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	if int64(len(b)) > limit {
		return nil, errStatus(http.StatusRequestEntityTooLarge, "Request body larger than %d bytes", limit)
	}
	return b, nil
}

// keepsJSONSuffix reports whether a path ending in .json names a resource
// whose name really ends so (an app file, a dataStore key) rather than a
// format suffix to strip.
func keepsJSONSuffix(p string) bool {
	for _, prefix := range []string{"/api/apps/", "/api/dataStore/", "/api/userDataStore/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && strings.Contains(rest, "/") {
			return true
		}
	}
	return false
}

// apiURL is the client-facing base of the API (scheme://host/api).
func apiURL(r *http.Request) string { return baseURL(r) + "/api" }

// errUnsupported reports an unsupported media type.
func errUnsupported(ct string) error {
	return errStatus(http.StatusUnsupportedMediaType, "Content type '%s' not supported", ct)
}
