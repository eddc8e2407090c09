// Package transform converts DHIS2 payloads between the wire shapes of the
// DHIS2 versions d2sync supports (2.30 to 2.42 and later) and defines the
// canonical projection the verifier compares.
//
// # Canonical shape
//
// Every payload d2sync holds in memory is in ONE canonical shape: the
// newest wire shape (DHIS2 2.42). Concretely:
//
//   - sharing lives in a sharing{} object only (no publicAccess,
//     externalAccess, userAccesses or userGroupAccesses);
//   - user credentials (username, userRoles, disabled, …) are fields of the
//     user itself, never inside userCredentials;
//   - organisation units carry a GeoJSON geometry (no featureType and
//     coordinates string);
//   - analytical objects are visualizations and eventVisualizations (no
//     charts, reportTables, eventCharts or eventReports), with the 2.37+
//     legend{set,strategy,style} and seriesKey{} objects;
//   - map views are embedded in maps[].mapViews and not repeated as
//     top-level mapViews;
//   - translations hold at most one entry per (property, locale);
//   - tracker objects use the /api/tracker (2.41+) field names
//     (trackedEntity, occurredAt, enrolledAt, scheduledAt, createdAt,
//     updatedAt, assignedUser{uid,…}, notes with storedAt/createdBy,
//     relationship items {trackedEntity:{trackedEntity:uid}}) and keep
//     every attribute value at tracked-entity level.
//
// One deliberate extension: sharing.external, which DHIS2 2.41 removed, is
// kept in the canonical shape when the source had it, so that a copy
// between two versions that both know it does not lose it. It is pruned,
// with a warning, when writing to 2.41 or later.
//
// # Transforms
//
// Registry lists small named transforms. Each has a Gate (the minor
// version where the newer shape starts), an Up function that lifts what is
// read from an older source to the canonical shape, and a Down function
// that lowers the canonical shape for an older destination. ToCanonical
// applies Up, in ascending gate order, for every transform whose gate is
// above the source version; FromCanonical applies Down, in descending gate
// order, for every transform whose gate is above the destination version.
// A transform may also Prune carried-over properties from destinations at
// or above its gate, Fill the properties such destinations require and an
// older source lacks (short names, category combinations: what DHIS2's
// upgrade migrations set on existing rows, see required.go), and may be
// marked Always when the older shape is recognisable by itself, so that a
// mislabelled payload is repaired too.
// Everything a transform cannot carry across is listed in its Lossy field
// (LossesBetween collects them for a version pair) and reported per object
// as a Warning. DropUnknown then removes what the destination's
// /api/schemas does not know, and ImportParams keeps only the
// POST /api/metadata parameters the destination version understands.
//
// Tracker objects (tracked entities, enrollments, events, relationships,
// notes) are converted one object at a time with TrackerToCanonical and
// TrackerFromCanonical (old API before 2.36, the 2.36–2.40 /api/tracker
// variant, canonical from 2.41).
//
// Transforms work in place on JSON-shaped values (map[string]any, []any,
// string, bool, nil, and numbers as json.Number or float64). Use Clone to
// keep the original.
//
// # Projection
//
// Project, Hash, Diff and Documented implement the comparison the
// verifier runs: Project removes what a destination legitimately rewrites
// or computes and normalises what DHIS2 treats as equal; Hash is the
// SHA-256 of its canonical JSON; Diff drills down to the property path of
// each difference; Documented says whether a difference is explained by a
// Loss of the transforms applied between two versions.
package transform
