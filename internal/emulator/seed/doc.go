// Package seed generates the deterministic DHIS2 instances the emulator
// loads at start-up: "none" (empty), "demo" (a small French-speaking
// country: 1,000 org units, about 250,000 aggregate values, 5,000 women
// followed in a tracker program, 6,000 event-program events) and
// "national" (about ten times larger: 11,000 org units, 2.2 million values,
// 50,000 enrolled women).
//
// Everything is derived from the seed name with a self-contained PRNG and
// fixed base dates, so the same name always yields byte-identical content on
// a given build. Metadata is returned as one POST /api/metadata body in the
// newest wire shape (DHIS2 2.42). Data values, complete registrations and
// tracker data are lazy iterators: they are generated while ranging, never
// held in memory, and every call to an iterator starts again from the
// beginning with the same output.
//
// The built-in default category objects (combo bjDvmb4bfuf, category
// GLevLNI9wkl, option xYerKDKCefk, option combo HllvX50cXC0), the admin user
// M5zQapPyTZI and its Superuser role yrB6vc5Ip3r exist on every DHIS2
// instance (DefaultCategoryService, DefaultAdminUserPopulator). Seeds
// reference them but never define them.
package seed
