// Package metadata is the DHIS2 emulator's metadata engine: a pure, in-memory
// implementation of DHIS2's metadata model for one version (2.30–2.42), with
// no HTTP in it. The HTTP server (package emulator) calls it for
// /api/metadata, /api/schemas, /api/<plural>[/{id}] and /api/deletedObjects;
// the seed generator loads its payload through ImportObjects; the data-value
// store validates against its catalog lookups.
//
// # Schema table
//
// schema_table.go is a declarative list of every DHIS2 metadata schema and
// the embedded types they carry, extracted from dhis2-core's schema
// descriptors, Jackson annotations and Hibernate mappings of branches 2.30 to
// 2.42: per-version klass, import order and flags, and every JSON property
// with its type, owner/required/unique/persisted flags, Java default and the
// versions it exists in. SchemasFor(profile) resolves it for one version
// (Schemas.ByPlural/BySingular/ByKlass/BySimpleName, Metadata() in import
// order). Version gates such as org unit featureType/coordinates (≤2.31)
// versus geometry (2.32+), legacy sharing fields (≤2.40, persisted ≤2.35)
// versus sharing{} (2.36+) and user credentials (nested ≤2.37, dual
// 2.38–2.41, flat 2.42) come from the table; a test checks that they agree
// with every profile. Store.SchemasJSON and Store.SchemaJSON render
// /api/schemas and /api/schemas/{name} (fields= honoured).
//
// # Store
//
// New(Options) returns a *Store holding the objects of a fresh instance:
// category option xYerKDKCefk, category GLevLNI9wkl, category combo
// bjDvmb4bfuf and option combo HllvX50cXC0 (all "default"), the admin user
// M5zQapPyTZI (username Options.AdminUsername, default "admin"; password
// Options.AdminPassword for VerifyPassword) and its Superuser role
// yrB6vc5Ip3r with authority ALL. Options.NoAdmin leaves the user and role
// out, like DHIS2's integration-test databases. Objects are generic JSON maps
// in the version's native shape: unknown, read-only and non-owner input
// properties are dropped as Jackson and Hibernate drop them; dates are
// written yyyy-MM-dd'T'HH:mm:ss.SSS in Options.Location. The Store is safe
// for concurrent use.
//
// Writes:
//
//   - Import(r, ImportParams), ImportPayload(map[plural][]Object) and
//     ImportObjects(map[plural][]map[string]any): POST /api/metadata.
//     ParseImportParams reads a query string as the profile's version does
//     (invalid enum values fall back to defaults, unknown parameters are
//     ignored). The result is a version-neutral *ImportReport: marshal it for
//     the plain ≤2.37 body, wrap ImportReport.Response() in the 2.38+
//     WebMessage. Validation follows DHIS2's check chain (E5004, hooks
//     E4014/E4049/E4053/E4054/E4055/E4056/E6001, E5000/E5001, E4000–E4006,
//     E5003, E4011, E4009, E5002/E5007, E4061) with its statistics;
//     atomicMode=ALL with any error persists nothing, importMode=VALIDATE
//     never persists. Malformed JSON is a *BadRequestError.
//   - CreateObject (POST, strategy CREATE), ReplaceObject (PUT, UPDATE),
//     PatchObject (RFC 6902 JSON Patch on the stored object, then UPDATE) and
//     DeleteObject return an *ObjectResult; Response() is the ObjectReport
//     WebMessage body. A missing object is a *NotFoundError (404, E1005).
//   - WriteCounts / ResetWriteCounts and Options.OnWrite report committed
//     writes per type; DeletedObjects lists /api/deletedObjects entries.
//
// Reads:
//
//   - Export(w, ExportParams) streams GET /api/metadata (ParseExportParams):
//     the system header, fields (default :owner), per-type selection and
//     <plural>:fields/filter/order, defaults=EXCLUDE, skipSharing; full
//     exports leave out secondary metadata and, from 2.39,
//     eventCharts/eventReports.
//   - List(plural, ListParams) is GET /api/<plural> (ParseListParams):
//     paging (pager links absolute), fields (default id,displayName), filters
//     with DHIS2's operators on nested paths, rootJunction, order and query;
//     WriteList writes it as JSON. Get(plural, uid, fields, baseURL) is one
//     object (fields default *). Exists and Count answer quickly.
//
// Catalog lookups for the data-value store work on an immutable snapshot
// rebuilt lazily after each commit: DataElement, OrgUnit, OrgUnitExists,
// OrgUnitDescendants, OrgUnitChildren, OptionCombo, COCInCombo,
// AttributeOptionCombo, DataSet, DataSetElements, DataSetAssigned,
// OptionExists, OptionSetCodes, DataElementGroupMembers, OrgUnitGroupMembers,
// Code, UIDByCode; Generation changes on every commit.
//
// Persistence: Snapshot writes the store (objects, deletions, password
// hashes) to an io.Writer; Restore reads it back for the same minor version.
// Passwords are write-only: never stored in objects, never exported.
package metadata
