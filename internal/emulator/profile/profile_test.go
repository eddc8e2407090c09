package profile

import (
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
)

func TestForGates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		check   func(Profile) bool
		what    string
	}{
		{"2.30", func(p Profile) bool {
			return p.Sharing == SharingLegacy && p.Geometry == GeometryCoordinates && p.Charts && !p.Visualizations
		}, "2.30 legacy shapes"},
		{"2.32", func(p Profile) bool { return p.Geometry == GeometryGeoJSON }, "GeoJSON from 2.32"},
		{"2.34", func(p Profile) bool { return p.Charts && p.Visualizations }, "charts and visualizations side by side in 2.34"},
		{"2.36", func(p Profile) bool {
			return p.Sharing == SharingBoth && p.NewTracker && p.OldTracker && p.TrackerList == TrackerInstances
		}, "2.36 adds sharing{} and /api/tracker"},
		{"2.37", func(p Profile) bool { return !p.Charts && p.PATv1 && !p.WrappedImports && p.Users == UserNested }, "2.37 drops charts, adds PATs"},
		{"2.38", func(p Profile) bool {
			return p.WrappedImports && p.PlainForAPIVersion(37) && !p.PlainForAPIVersion(0) && p.Users == UserDual && p.EventVisualizns
		}, "2.38 wraps imports"},
		{"2.40.3.1", func(p Profile) bool {
			return p.Sharing == SharingBoth && p.MergeMode && p.KeepsDataValueTimestamps && p.IgnoresUnchangedValues
		}, "2.40 hotfix"},
		{"2.40.2", func(p Profile) bool { return !p.IgnoresUnchangedValues }, "unchanged values ignored only from 2.40.3"},
		{"2.39.5", func(p Profile) bool { return p.IgnoresUnchangedValues }, "DHIS2-15254 backport to 2.39.5"},
		{"2.41.0", func(p Profile) bool { return !p.KeepsDataValueTimestamps && p.IgnoresUnchangedValues }, "2.41 sets data value timestamps to now"},
		{"2.41", func(p Profile) bool {
			return p.Sharing == SharingObject && !p.MergeMode && p.PATv2 && p.TrackerList == TrackerPagerFlat && p.OldTracker
		}, "2.41 sharing object only"},
		{"2.42", func(p Profile) bool {
			return !p.OldTracker && p.Users == UserFlat && !p.PlainForAPIVersion(37) && p.TrackerList == TrackerPager
		}, "2.42 removes old tracker"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			p, err := For(dhis2.MustParseVersion(tt.version))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(p) {
				t.Fatalf("%s: gate check failed: %+v", tt.what, p)
			}
		})
	}
}

func TestForRejectsUnsupported(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2.29", "2.43", "3.0"} {
		if _, err := For(dhis2.MustParseVersion(s)); err == nil {
			t.Errorf("For(%s) succeeded, want an error", s)
		}
	}
}
