package dhis2

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is a parsed DHIS2 server version as reported by
// /api/system/info ("2.30", "2.39.1", "2.40.3.1", "2.44-SNAPSHOT",
// "2.32.0-rc1"). Missing parts are zero. Comparisons use Major, Minor,
// Patch and Hotfix only; the Qualifier is kept for display.
type Version struct {
	Major     int
	Minor     int
	Patch     int
	Hotfix    int
	Qualifier string // e.g. "SNAPSHOT", "rc1", "HF1"; empty for releases
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([A-Za-z0-9.]+))?$`)

// ParseVersion parses a DHIS2 version string. Surrounding spaces and a
// leading "v" are tolerated; anything else that does not match
// MAJOR.MINOR[.PATCH[.HOTFIX]][-QUALIFIER] is an error.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "v"), "V")
	m := versionRE.FindStringSubmatch(t)
	if m == nil {
		return Version{}, fmt.Errorf("invalid DHIS2 version %q: expected a form like 2.39, 2.40.3 or 2.40.3.1", s)
	}
	var v Version
	parts := []*int{&v.Major, &v.Minor, &v.Patch, &v.Hotfix}
	for i, p := range parts {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.Atoi(m[i+1])
		if err != nil || n > 1_000_000 {
			return Version{}, fmt.Errorf("invalid DHIS2 version %q: number %q out of range", s, m[i+1])
		}
		*p = n
	}
	v.Qualifier = m[5]
	return v, nil
}

// MustParseVersion is ParseVersion for constants known to be valid; it
// panics on error.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String formats the version the way DHIS2 does: patch and hotfix only
// when non-zero, then the qualifier.
func (v Version) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d.%d", v.Major, v.Minor)
	if v.Patch != 0 || v.Hotfix != 0 {
		fmt.Fprintf(&b, ".%d", v.Patch)
	}
	if v.Hotfix != 0 {
		fmt.Fprintf(&b, ".%d", v.Hotfix)
	}
	if v.Qualifier != "" {
		b.WriteString("-" + v.Qualifier)
	}
	return b.String()
}

// Compare returns -1, 0 or +1 comparing (Major, Minor, Patch, Hotfix).
func (v Version) Compare(o Version) int {
	a := [4]int{v.Major, v.Minor, v.Patch, v.Hotfix}
	b := [4]int{o.Major, o.Minor, o.Patch, o.Hotfix}
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// AtLeast reports whether v is 2.minor or newer, the usual shape of a
// DHIS2 version gate ("from 2.38 on").
func (v Version) AtLeast(minor int) bool {
	if v.Major != 2 {
		return v.Major > 2
	}
	return v.Minor >= minor
}

// IsZero reports whether v is the zero Version (unknown).
func (v Version) IsZero() bool { return v == Version{} }
