// Package metadata is the DHIS2 emulator's metadata engine: a pure, in-memory
// implementation of DHIS2's metadata model for one version (2.30–2.42), with
// no HTTP in it. The HTTP server (package emulator) calls it for
// /api/metadata, /api/schemas, /api/<plural>[/{id}] and /api/deletedObjects;
// the seed generator loads its payload through ImportObjects; the data-value
// store validates against its catalog lookups.
//
// # Schema table
//
// schema_table.go is a declarative list of every DHIS2 schema (metadata types
// and the embedded types they carry), extracted from dhis2-core's schema
// descriptors, Jackson annotations and Hibernate mappings of branches 2.30 to
// 2.42: per-version klass, import order and flags, and every JSON property
// with its type, owner/required/unique/persisted flags, Java default and the
// versions it exists in. SchemasFor(profile) resolves it for one version;
// version gates such as org unit featureType/coordinates (≤2.31) versus
// geometry (2.32+), legacy sharing fields (≤2.40) versus sharing{} (2.36+),
// and user credentials (nested ≤2.37, dual 2.38–2.41, flat 2.42) come from
// that table. SchemasJSON and SchemaJSON render it in /api/schemas format.
//
// # Store
//
// New(Options) returns a Store holding the built-in objects of a fresh
// instance: category option xYerKDKCefk, category GLevLNI9wkl, category combo
// bjDvmb4bfuf and option combo HllvX50cXC0 (all "default"), the admin user
// M5zQapPyTZI (username Options.AdminUsername, default "admin") and its
// Superuser role yrB6vc5Ip3r with authority ALL. Objects are generic JSON
// maps in the version's native shape. The Store is safe for concurrent use.
//
// Writes:
//
//   - Import / ImportPayload / ImportObjects: POST /api/metadata with
//     ImportParams (ParseImportParams reads a query string as the version
//     does). The result is a version-neutral *ImportReport (JSON-tagged with
//     DHIS2's names); plain reports on ≤2.37 marshal it directly, the 2.38+
//     WebMessage wraps ImportReport.Response(). Validation follows DHIS2's
//     check chain (E5004, hooks E4049/E4053/E4054/E4055/E4056/E6001,
//     E5000/E5001, E4000–E4006, E5003, E4011, E4009, E5002/E5007, E4014,
//     E4061), with its statistics quirks; atomicMode=ALL with any error
//     persists nothing, importMode=VALIDATE never persists.
//   - CreateObject (POST, CREATE), ReplaceObject (PUT, UPDATE), PatchObject
//     (JSON Patch, then UPDATE) and DeleteObject return an *ObjectResult
//     whose Response() is the ObjectReport WebMessage body.
//   - Missing objects are *NotFoundError (404, E1005); malformed input is
//     *BadRequestError.
//   - WriteCounts / ResetWriteCounts and Options.OnWrite expose committed
//     writes per type; DeletedObjects lists /api/deletedObjects.
//
// Reads:
//
//   - Export streams GET /api/metadata (ParseExportParams): system header,
//     fields (default :owner), per-type selection and overrides, defaults=
//     EXCLUDE, skipSharing; full exports leave out secondary metadata and,
//     from 2.39, eventCharts/eventReports.
//   - List (ParseListParams) is GET /api/<plural> with paging, fields
//     (default id,displayName), filters with DHIS2's operators on nested
//     paths, rootJunction, order and query; Get is a single object (fields
//     default *).
//
// Catalog lookups for the data-value store (cheap map lookups on a snapshot
// rebuilt after each commit): DataElement, OrgUnit, OrgUnitExists,
// OrgUnitDescendants, OrgUnitChildren, OptionCombo, COCInCombo,
// AttributeOptionCombo, DataSet, DataSetElements, DataSetAssigned,
// OptionExists, OptionSetCodes, DataElementGroupMembers, OrgUnitGroupMembers,
// Code, UIDByCode, Exists.
//
// Persistence: Snapshot writes the store to an io.Writer; Restore reads it
// back (same DHIS2 minor version only). VerifyPassword checks passwords of
// users created with one (never exported).
package metadata
