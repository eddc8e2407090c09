// Package syncer is the d2sync replication engine. A run reads a source
// DHIS2 through internal/dhis2, brings what it read into one canonical
// shape and then into the destination's version with internal/transform,
// writes it to the destination in dependency order and in bounded chunks,
// records checkpoints in internal/store only after the destination
// acknowledged a chunk, and ends with a verification pass whose result is
// part of the run's status.
//
// The engine has no user interface: the CLI, the REST API and the
// background workers are thin layers that build an Engine, pass a Progress
// implementation and render the Report.
//
// Scopes are replicated by stages: metadata, data (aggregate), tracker and
// system (settings, dataStore, files, apps, interpretations).
package syncer
