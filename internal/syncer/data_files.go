package syncer

import "context"

// copyFileResource is filled in below.
func (d *dataRun) copyFileResource(ctx context.Context, v *dataValue) error { return nil }
