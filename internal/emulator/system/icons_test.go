package system

import (
	"strings"
	"testing"
)

func TestDefaultIconsPerVersion(t *testing.T) {
	t.Parallel()
	old := setup(t, "2.38").sys.Icons
	all, _ := old.List(IconQuery{})
	if len(all) != len(defaultIcons)*3 {
		t.Fatalf("%d default icons", len(all))
	}
	m := old.Render(all[0], "http://h/api")
	if !strings.HasSuffix(m["href"].(string), "/icon.svg") || m["custom"] != nil {
		t.Errorf("2.38 icon = %v", m)
	}
	hands, _ := old.List(IconQuery{Keywords: []string{"hands", "soap"}})
	if len(hands) != 3 {
		t.Errorf("keyword filter: %d", len(hands))
	}
	img, ct, err := old.Image("virus_positive")
	if err != nil || ct != "image/svg+xml" || !strings.Contains(string(img), "<svg") {
		t.Errorf("image = %q %q %v", img, ct, err)
	}
	_, err = old.Get("nope")
	mustKind(t, err, KindNotFound, "Icon not found: 'nope")

	s := setup(t, "2.41").sys
	icon, _ := s.Icons.Get("woman_outline")
	m = s.Icons.Render(icon, "http://h/api")
	if m["custom"] != false || m["fileResource"] == nil || !strings.HasSuffix(m["href"].(string), "/icons/woman_outline/icon") {
		t.Errorf("2.41 icon = %v", m)
	}
	img, ct, err = s.Icons.Image("woman_outline")
	if err != nil || ct != "image/svg+xml" || len(img) == 0 {
		t.Errorf("2.41 image = %q %v", ct, err)
	}
}

func TestCustomIcons(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.41")
	s := b.sys
	png := []byte("\x89PNG\r\n\x1a\nicon")
	fr, err := s.Files.Upload(alice, Upload{Name: "malaria.png", ContentType: "image/png", Content: png, Domain: DomainIcon})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Icons.Add(alice, AddIcon{Key: "malaria_case", FileResourceID: fr.ID})
	mustKind(t, err, KindNotFound, "FileResource with id "+fr.ID+" could not be found.") // still PENDING
	b.clock.advance(DefaultStoreDelay)
	icon, err := s.Icons.Add(alice, AddIcon{Key: "malaria_case", Description: "Malaria case", Keywords: []string{"malaria"}, FileResourceUID: fr.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !icon.Custom || icon.CreatedBy.ID != alice.ID {
		t.Errorf("icon = %+v", icon)
	}
	if got, _ := s.Files.Get(fr.ID); !got.Assigned {
		t.Error("icon file not assigned")
	}
	for _, tt := range []struct {
		in  AddIcon
		msg string
	}{
		{AddIcon{Key: "", FileResourceID: fr.ID}, "Icon key not specified."},
		{AddIcon{Key: "bad key", FileResourceID: fr.ID}, "Icon key bad key is not valid. Alphanumeric and special characters '-' and '_' are allowed"},
		{AddIcon{Key: "malaria_case", FileResourceID: fr.ID}, "Icon with key malaria_case already exists."},
	} {
		_, err := s.Icons.Add(alice, tt.in)
		mustKind(t, err, KindBadRequest, tt.msg)
	}
	custom, _ := s.Icons.List(IconQuery{Type: "CUSTOM"})
	if len(custom) != 1 {
		t.Errorf("custom icons = %d", len(custom))
	}
	if err := s.Icons.Update("malaria_case", "Cas de paludisme", []string{"paludisme"}); err != nil {
		t.Fatal(err)
	}
	err = s.Icons.Update("woman_outline", "x", nil)
	mustKind(t, err, KindBadRequest, "Not allowed to update default icon")
	img, ct, _ := s.Icons.Image("malaria_case")
	if string(img) != string(png) || ct != "image/png" {
		t.Errorf("custom image = %q %q", img, ct)
	}
	if err := s.Icons.Delete("malaria_case"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Files.Get(fr.ID); got.Assigned {
		t.Error("deleted icon's file still assigned")
	}
	err = s.Icons.Delete("woman_outline")
	mustKind(t, err, KindBadRequest, "Not allowed to delete default icon")
	err = s.Icons.Delete("malaria_case")
	mustKind(t, err, KindNotFound, "Icon with id malaria_case could not be found.")
}
