// Package datavalue is the DHIS2 emulator's in-memory store of aggregate
// data: data values, complete data set registrations, min-max values, lock
// exceptions and data approval states, with DHIS2's import semantics, a
// streaming dataValueSet JSON codec and binary snapshots.
//
// The HTTP layer (package emulator) parses request parameters, chooses the
// Options that match the emulated version (profile.Profile) and wraps the
// Summary in the version's envelope; this package holds no HTTP code.
//
// # Import semantics
//
// Store.Import follows DefaultDataValueSetService and
// DataValueSetImportValidator of dhis2-core 2.41/2.42 (the validators run
// in DHIS2's order and the first failing one rejects the value):
//
//   - CREATE_AND_UPDATE (default) creates or updates; CREATE ignores values
//     that exist; UPDATE ignores values that do not exist; DELETE soft
//     deletes existing values and ignores the others; SYNC ignores all.
//   - A value with "deleted": true soft-deletes an existing value (counted
//     deleted); for a new key it is stored as deleted and counted imported.
//   - Re-importing a soft-deleted value brings it back and counts as
//     imported (testImportReverseDeletedValuesXml in dhis2-core).
//   - A value that is empty after trimming (and has no comment) deletes an
//     existing value and is ignored for a new key; a value whose "value"
//     and "comment" properties are both absent or null is conflict E7618
//     (2.37+), except with DELETE or "deleted": true.
//   - A zero ("0", "0.0") for a numeric data element that is not zero
//     significant (and whose aggregation type is not AVERAGE or
//     AVERAGE_SUM_ORG_UNIT) is ignored when new and deletes when it
//     replaces an existing value (ValidationUtils.dataValueIsZeroAndInsignificant).
//   - Options.IgnoreUnchanged (DHIS2 2.41.0, 2.40.3, 2.39.5 and 2.38.6
//     onwards, DHIS2-15254): an update with the same value, comment and
//     follow-up is counted ignored and not written. Otherwise an identical
//     re-import counts as updated and refreshes lastUpdated.
//   - Options.KeepTimestamps (DHIS2 2.30–2.40): the payload's created and
//     lastUpdated are stored; from 2.41.0 (DHIS2-8084) both are set to now
//     (created is kept from an existing value). storedBy comes from the
//     payload in every version, else the importing user.
//   - DryRun changes nothing and reports the same counts.
//   - FILE_RESOURCE and IMAGE values (with a Catalog that is also a
//     FileCatalog): a created or revived value whose file resource does
//     not exist fails the whole import, Summary.Failed with "The import
//     process failed: …", as DHIS2's NullPointerException does in every
//     version (values before it stay); stored values get their file
//     resource assigned. See Options.LegacyFileUpdate for updates.
//
// Deliberate differences from DHIS2: DHIS2 2.38+ forgets ignored zero
// values in importCount (ImportSummary.skipValue is overwritten); this
// package counts them as ignored so that the counts add up. A dry run
// does not register the header's completeDate (DHIS2 does). Payload id
// schemes and attributeCategoryOptions are not interpreted (UIDs only);
// skipExistingCheck is not supported. Deleting a file value does not
// delete its file resource (DHIS2 2.38+ does). Duplicate keys in one payload see
// each other (the second is an update), where DHIS2's batch handler may
// not.
//
// Not checked (the emulator's default settings never trigger them): data
// write sharing (E7601, E7614, E7616), user hierarchy (E7617), attribute
// option date ranges and org units (E7638, E7639), locking, approval and
// input periods (E7640, E7642–E7644). Future periods (E7641) are checked
// against the data sets' openFuturePeriods unless Options.Force is set.
//
// # Memory
//
// Data element, org unit and option combo UIDs, periods and user names are
// interned to 32-bit numbers; a value is a fixed-size, pointer-free record
// (64 bytes) in chunked slices, indexed by an open-addressing hash table of
// 32-bit record numbers; value and comment text lives in append-only byte
// chunks. See BenchmarkMemory for the measured bytes per value.
package datavalue
