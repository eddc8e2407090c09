// Package tracker is the emulator's tracker engine: an in-memory store of
// tracked entities, enrollments, events (of tracker and event programs),
// relationships, notes and program owners, with DHIS2's import semantics
// and export queries, independent of HTTP.
//
// Objects are kept in one canonical model whose field names are those of
// the new tracker API (/api/tracker, 2.36+). The wire codecs translate the
// new shape (DecodeBundle, Render) and the old 2.30–2.41 shape of
// /api/trackedEntityInstances, /api/enrollments, /api/events and
// /api/relationships (DecodeOldBundle, RenderOld), per DHIS2-API.md §5.5.
//
// Import (Store.Import) follows DHIS2's new tracker importer: flat or
// nested bundles, importStrategy CREATE/UPDATE/CREATE_AND_UPDATE/DELETE,
// atomicMode ALL/OBJECT, importMode COMMIT/VALIDATE, validationMode
// FULL/FAIL_FAST/SKIP, reference validation against a Catalog of
// metadata and against the store, with the ValidationCode error codes and
// message templates of dhis2-core (E1002, E1063, E1080, E1030, E4006…).
// The report has DHIS2's ImportReport shape (Report).
//
// Soft deletes keep objects with deleted=true, visible only to queries
// with IncludeDeleted. createdAt and updatedAt are server time; a tracked
// entity's updatedAt also moves when its enrollments, events, attributes
// or relationships change. Snapshot and Restore serialise the whole store.
package tracker
