// Package system holds the emulator's "rest of DHIS2": the content that is
// not metadata and not aggregate or tracker data, but that a whole-instance
// replication must still carry. It has no HTTP code; the emulator's
// system_*.go handlers translate requests to these stores and render their
// answers.
//
// A System bundles the stores, each safe for concurrent use:
//
//   - Settings: /api/systemSettings, the setting keys and defaults of the
//     emulated version, confidential keys never listed;
//   - DataStore and UserDataStore: /api/dataStore and /api/userDataStore,
//     namespaces of JSON values with per-key metadata and sharing, the 2.38+
//     query API (fields, filter, order, paging) and protected namespaces;
//   - Files: /api/fileResources, uploaded content with domain, MD5 and a
//     storage status that turns from PENDING to STORED after a delay, the
//     assigned flag and the two-hour purge of unassigned files;
//   - Apps: /api/apps, installed zip apps (manifest.webapp, files served
//     one by one) and a few bundled apps;
//   - Icons: /api/icons, read-only default icons and custom icons (2.41+);
//   - Interpretations: /api/interpretations with comments and likes.
//
// Every version-dependent behaviour reads the profile.Profile given in
// Options. Snapshot and Restore write and read the whole content as one
// JSON document, for the emulator's --data-dir persistence.
package system
