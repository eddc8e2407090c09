package syncer

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Roles of the two instances of a run.
const (
	RoleSource = "source"
	RoleDest   = "destination"
)

// Instance is one side of a run after it was contacted: its client,
// version, time zone, authenticated user and schemas.
type Instance struct {
	Role    string
	Client  *dhis2.Client
	Info    *dhis2.SystemInfo
	Me      *dhis2.Me
	Schemas *Schemas

	rereads atomic.Int64 // exports read again after their body broke (see exportOne)
}

// Version returns the instance's DHIS2 version.
func (in *Instance) Version() dhis2.Version { return in.Info.Version }

// Endpoint describes the instance for reports.
func (in *Instance) Endpoint() Endpoint {
	return Endpoint{Name: in.Client.Name(), URL: in.Client.BaseURL(), Version: in.Info.VersionString, TimeZone: in.Info.ServerTimeZoneID}
}

// ErrNoImportAuthority is matched by the error Connect returns when the
// destination user may not import metadata.
var ErrNoImportAuthority = errors.New("the user lacks the authority to import metadata")

// Connect contacts an instance: it reads /api/system/info (which proves
// the URL serves DHIS2 and the credentials work), /api/me and, with
// schemas, /api/schemas (only the metadata scope uses them: about 1 MB
// that a data or tracker run need not read). With needImport it also
// checks that the user may import metadata (ALL or F_METADATA_IMPORT), so
// that a run fails before it reads anything rather than after. Errors
// name the instance and what to check.
func Connect(ctx context.Context, role string, c *dhis2.Client, needImport, schemas bool) (*Instance, error) {
	in := &Instance{Role: role, Client: c}
	var err error
	if in.Info, err = c.SystemInfo(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", role, err)
	}
	if in.Me, err = c.Me(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", role, err)
	}
	if needImport && !in.Me.CanImportMetadata() {
		return nil, fmt.Errorf("%s: DHIS2 instance %q (%s): the user %q cannot import metadata: give it a role with the authority F_METADATA_IMPORT (or ALL), or use another user: %w",
			role, c.Name(), c.BaseURL(), in.Me.Username, ErrNoImportAuthority)
	}
	if !schemas {
		return in, nil
	}
	if in.Schemas, err = FetchSchemas(ctx, c); err != nil {
		return nil, fmt.Errorf("%s: %w", role, err)
	}
	return in, nil
}
