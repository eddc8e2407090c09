package system

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestSettingsKeysPerVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		has     []string
		hasNot  []string
	}{
		{"2.30", []string{"applicationTitle", "keyEmailHostName", "appStoreUrl", "keyLastSuccessfulAnalyticsTablesUpdate"}, []string{"KeyTrackedEntityMaxLimit", "globalShellEnabled"}},
		{"2.38", []string{"applicationTitle", "keyUiLocale", "keyDbLocale", "keyStyle"}, []string{"appStoreUrl", "globalShellEnabled"}},
		{"2.41", []string{"KeyTrackedEntityMaxLimit", "loginPopup"}, []string{"globalShellEnabled"}},
		{"2.42", []string{"globalShellEnabled", "keyEmailPassword"}, []string{"appStoreUrl"}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			keys := setup(t, tt.version).sys.Settings.Keys()
			if len(keys) < 80 {
				t.Errorf("only %d setting keys", len(keys))
			}
			for _, k := range tt.has {
				if !slices.Contains(keys, k) {
					t.Errorf("missing key %s", k)
				}
			}
			for _, k := range tt.hasNot {
				if slices.Contains(keys, k) {
					t.Errorf("unexpected key %s", k)
				}
			}
		})
	}
}

func TestSettingsAllHidesConfidential(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.30", "2.36", "2.40", "2.41", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			st := setup(t, v).sys.Settings
			if _, err := st.SetMany(map[string]any{"keyEmailPassword": "secret", "applicationTitle": "Yamoro HMIS", "keyEmailPort": 2525.0}); err != nil {
				t.Fatal(err)
			}
			all := st.All()
			for _, k := range []string{"keyEmailPassword", "keyRemoteInstancePassword", "recaptchaSecret", "recaptchaSite"} {
				if _, ok := all[k]; ok {
					t.Errorf("confidential %s listed", k)
				}
			}
			if all["applicationTitle"] != "Yamoro HMIS" {
				t.Errorf("applicationTitle = %v", all["applicationTitle"])
			}
			if all["keyEmailPort"] != int64(2525) {
				t.Errorf("keyEmailPort = %#v, want typed 2525", all["keyEmailPort"])
			}
			if all["keyCacheStrategy"] != "CACHE_1_MINUTE" || all["keyUiLocale"] != "en" {
				t.Errorf("defaults missing: %v %v", all["keyCacheStrategy"], all["keyUiLocale"])
			}
			if b, _ := json.Marshal(all["factorDeviation"]); string(b) != "2.0" {
				t.Errorf("factorDeviation = %s, want 2.0", b)
			}
		})
	}
}

func TestSettingsGetPerVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, key string
		super        bool
		want         any
		kind         Kind
		msg          string
	}{
		{"2.40", "noSuchKey", false, "", 0, ""},
		{"2.40", "keyEmailPassword", true, "", 0, ""},
		{"2.41", "noSuchKey", false, nil, KindNotFound, "Setting does not exist or is marked as confidential"},
		{"2.41", "keyEmailPassword", false, nil, KindNotFound, "Setting does not exist or is marked as confidential"},
		{"2.41", "keyEmailPassword", true, "s3cret", 0, ""},
		{"2.42", "noSuchKey", false, nil, KindNotFound, "Setting does not exist: noSuchKey"},
		{"2.42", "keyEmailPassword", false, nil, KindForbidden, "Setting is marked as confidential"},
		{"2.42", "applicationTitle", false, "DHIS 2", 0, ""},
		{"2.35", "keyEmailTls", false, true, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.version+"/"+tt.key, func(t *testing.T) {
			t.Parallel()
			st := setup(t, tt.version).sys.Settings
			if _, err := st.Set("keyEmailPassword", "s3cret", ""); err != nil {
				t.Fatal(err)
			}
			c := alice
			got, err := st.Get(tt.key, "", tt.super || c.Superuser())
			if tt.kind != 0 {
				mustKind(t, err, tt.kind, tt.msg)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Get = %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func TestSettingsWrites(t *testing.T) {
	t.Parallel()
	t.Run("unknown key per version", func(t *testing.T) {
		t.Parallel()
		_, err := setup(t, "2.40").sys.Settings.Set("nope", "x", "")
		mustKind(t, err, KindConflict, "Key is not supported: nope")
		_, err = setup(t, "2.42").sys.Settings.Set("nope", "x", "")
		mustKind(t, err, KindNotFound, "Setting does not exist: nope")
		_, err = setup(t, "2.38").sys.Settings.SetMany(map[string]any{"b": 1, "a": 2})
		mustKind(t, err, KindConflict, "Key(s) is not supported: a, b")
	})
	t.Run("bad values", func(t *testing.T) {
		t.Parallel()
		_, err := setup(t, "2.40").sys.Settings.Set("keyEmailPort", "abc", "")
		mustKind(t, err, KindBadRequest, `For input string: "abc"`)
		_, err = setup(t, "2.42").sys.Settings.Set("keyEmailTls", "maybe", "")
		mustKind(t, err, KindBadRequest, "Not a valid value for setting keyEmailTls: maybe")
	})
	t.Run("message, delete and translation", func(t *testing.T) {
		t.Parallel()
		st := setup(t, "2.39").sys.Settings
		msg, err := st.Set("keyApplicationIntro", "Bienvenue", "")
		if err != nil || msg != "System setting 'keyApplicationIntro' set to value 'Bienvenue'." {
			t.Fatalf("Set = %q, %v", msg, err)
		}
		if _, err := st.Set("applicationTitle", "SNIS Yamoro", "fr"); err != nil {
			t.Fatal(err)
		}
		if v, _ := st.Get("applicationTitle", "fr", false); v != "SNIS Yamoro" {
			t.Errorf("translation = %v", v)
		}
		if err := st.Delete("keyApplicationIntro", ""); err != nil {
			t.Fatal(err)
		}
		if _, ok := st.All()["keyApplicationIntro"]; ok {
			t.Error("deleted setting still listed")
		}
	})
	t.Run("select", func(t *testing.T) {
		t.Parallel()
		st := setup(t, "2.41").sys.Settings
		got, err := st.Select([]string{"applicationTitle", "keyEmailPassword", "nope"})
		if err != nil || len(got) != 1 || got["applicationTitle"] != "DHIS 2" {
			t.Fatalf("Select = %v, %v", got, err)
		}
		_, err = st.Select([]string{"keyEmailPassword"})
		mustKind(t, err, KindNotFound, "")
	})
}
