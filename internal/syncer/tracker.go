package syncer

import (
	"context"
	"errors"
)

// TrackerOptions select and tune the tracker scope.
type TrackerOptions struct{}

// trackerStage replicates tracker and event data.
type trackerStage struct{}

// Name implements Stage.
func (trackerStage) Name() string { return ScopeTracker }

// Run implements Stage.
func (trackerStage) Run(ctx context.Context, r *Run) error {
	return errors.New("tracker: not implemented yet")
}
