//go:build !unix

package store

import "context"

// lockDir is a no-op where flock is unavailable: concurrent first starts
// on one SQLite file are then not serialised (run `d2sync migrate` once
// before starting several processes).
func lockDir(ctx context.Context, dir string) (unlock func(), err error) {
	return func() {}, nil
}
