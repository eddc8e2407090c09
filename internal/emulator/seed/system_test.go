package seed

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image/png"
	"reflect"
	"strings"
	"testing"
)

func TestSystemContent(t *testing.T) {
	t.Parallel()
	inst := demo(t)
	s := inst.System
	if len(s.Settings) < 40 {
		t.Errorf("%d settings, want about 40", len(s.Settings))
	}
	files := map[string]File{}
	for _, f := range s.Files {
		if !uidPattern.MatchString(f.UID) || files[f.UID].UID != "" || len(f.Content) == 0 {
			t.Errorf("file %+v: bad or duplicate UID or empty", f.UID)
		}
		files[f.UID] = f
	}
	des := map[string]map[string]any{}
	for _, de := range inst.Metadata["dataElements"] {
		des[de["id"].(string)] = de
	}
	perDE := map[string]int{}
	for _, v := range s.FileValues {
		de := des[v.DataElement]
		f, ok := files[v.Value]
		if de == nil || !ok || f.Domain != "DATA_VALUE" {
			t.Errorf("file value %+v: data element or DATA_VALUE file missing", v)
			continue
		}
		perDE[de["valueType"].(string)]++
		if de["valueType"] == "IMAGE" {
			if _, err := png.Decode(bytes.NewReader(f.Content)); err != nil || f.ContentType != "image/png" {
				t.Errorf("image %s: %v", f.Name, err)
			}
		} else if !bytes.HasPrefix(f.Content, []byte("%PDF-1.4")) || !bytes.HasSuffix(f.Content, []byte("%%EOF\n")) {
			t.Errorf("pdf %s is not a PDF", f.Name)
		}
	}
	if perDE["FILE_RESOURCE"] != 20 || perDE["IMAGE"] != 20 {
		t.Errorf("file values per type = %v, want 20 each", perDE)
	}
	internal, external := 0, 0
	for _, d := range inst.Metadata["documents"] {
		if d["external"] == true {
			external++
			continue
		}
		internal++
		if f := files[d["url"].(string)]; f.Domain != "DOCUMENT" {
			t.Errorf("document %v: url is not a DOCUMENT file", d["name"])
		}
	}
	if internal != 2 || external != 1 {
		t.Errorf("documents: %d internal, %d external", internal, external)
	}
	for _, ic := range s.Icons {
		if files[ic.FileResource].Domain != "ICON" || !strings.HasSuffix(files[ic.FileResource].Name, ".png") {
			t.Errorf("icon %s: file is not an ICON png", ic.Key)
		}
	}
	namespaces, shared := map[string]bool{}, 0
	for _, e := range s.DataStore {
		namespaces[e.Namespace] = true
		if !json.Valid(e.Value) {
			t.Errorf("dataStore %s/%s: value not JSON", e.Namespace, e.Key)
		}
		if e.Sharing != nil {
			shared++
		}
	}
	if len(namespaces) < 3 || len(namespaces) > 5 || shared == 0 {
		t.Errorf("dataStore: %d namespaces, %d shared keys", len(namespaces), shared)
	}
}

func TestSystemInterpretationsAndApp(t *testing.T) {
	t.Parallel()
	inst := demo(t)
	targets := map[string]bool{}
	for _, typ := range []string{"visualizations", "maps"} {
		for _, o := range inst.Metadata[typ] {
			targets[o["id"].(string)] = true
		}
	}
	users := map[string]bool{}
	for _, u := range inst.Metadata["users"] {
		users[u["id"].(string)] = true
	}
	its := inst.System.Interpretations
	comments, maps := 0, 0
	for _, it := range its {
		if !targets[it.Target] || !users[it.Author.ID] || it.Text == "" {
			t.Errorf("interpretation %s: unknown target or author", it.UID)
		}
		if it.Kind == "map" {
			maps++
		}
		comments += len(it.Comments)
	}
	if len(its) != 10 || comments < 5 || maps == 0 {
		t.Errorf("%d interpretations, %d comments, %d on maps", len(its), comments, maps)
	}
	if len(inst.System.Apps) != 1 {
		t.Fatalf("%d apps", len(inst.System.Apps))
	}
	app := inst.System.Apps[0]
	zr, err := zip.NewReader(bytes.NewReader(app.Zip), int64(len(app.Zip)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"manifest.webapp", "index.html", "js/app.js"} {
		if !names[want] {
			t.Errorf("app zip lacks %s", want)
		}
	}
}

func TestSystemDeterministic(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates the demo seed a second time")
	}
	again, err := Generate(Demo)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.System, demo(t).System) {
		t.Error("system content differs between two generations")
	}
	none, _ := Generate(None)
	if len(none.System.Files) != 0 || len(none.System.Settings) != 0 {
		t.Error("the none seed has system content")
	}
}
