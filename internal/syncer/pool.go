package syncer

import (
	"context"
	"fmt"
	"sync"
)

// runPool processes items with workers goroutines. The first error
// cancels the others (the context's cause names the item) and is
// returned; items not yet started are left alone.
func runPool[T any](ctx context.Context, workers int, items []T, name func(T) string, run func(context.Context, T) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan T)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for it := range work {
				if err := run(ctx, it); err != nil {
					cancel(fmt.Errorf("stream %s: %w", name(it), err))
				}
			}
		})
	}
feed:
	for _, it := range items {
		select {
		case work <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}
