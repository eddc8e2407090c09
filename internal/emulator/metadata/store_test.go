package metadata

import (
	"testing"
)

func TestNewHasBuiltins(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.30", "2.37", "2.38", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, v)
			for _, c := range []struct{ plural, uid string }{
				{"categoryCombos", DefaultCategoryComboUID}, {"categories", DefaultCategoryUID},
				{"categoryOptions", DefaultCategoryOptionUID}, {"categoryOptionCombos", DefaultCategoryOptionComboUID},
				{"users", AdminUserUID}, {"userRoles", SuperuserRoleUID},
			} {
				if !s.Exists(c.plural, c.uid) {
					t.Errorf("%s %s missing", c.plural, c.uid)
				}
			}
			if uid, ok := s.VerifyPassword("admin", "district"); !ok || uid != AdminUserUID {
				t.Errorf("VerifyPassword(admin, district) = %q, %v", uid, ok)
			}
			if _, ok := s.VerifyPassword("admin", "wrong"); ok {
				t.Error("VerifyPassword accepted a wrong password")
			}
			if !s.COCInCombo(DefaultCategoryOptionComboUID, DefaultCategoryComboUID) {
				t.Error("default COC not in default combo")
			}
		})
	}
}
