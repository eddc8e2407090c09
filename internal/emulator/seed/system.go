package seed

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"time"
)

// System is the content of a seeded instance that DHIS2 keeps outside
// /api/metadata and the data value tables: system settings, dataStore
// entries, uploaded files (document attachments, FILE_RESOURCE and IMAGE
// data values, icon images), custom icons, an installed app and
// interpretations. All of it is deterministic.
type System struct {
	// Settings are system setting values by key (JSON scalars). Keys the
	// emulated version does not know are skipped by the loader.
	Settings map[string]any
	// DataStore holds the dataStore entries, sorted by namespace and key.
	DataStore []DataStoreEntry
	// Files are the file resources, with their bytes.
	Files []File
	// FileValues are the values of the FILE_RESOURCE and IMAGE data
	// elements; each Value is the UID of a DATA_VALUE file in Files.
	FileValues []DataValue
	// Icons are custom icons (DHIS2 2.41+), each on an ICON file in Files.
	Icons []Icon
	// Apps are installed apps as uploaded zip archives.
	Apps []App
	// Interpretations are comments on visualizations and maps, with their
	// own comments and likes.
	Interpretations []Interpretation
}

// DataStoreEntry is one dataStore key. A nil Sharing means the default
// (owner admin, public read-write).
type DataStoreEntry struct {
	Namespace, Key string
	Value          json.RawMessage
	Created        time.Time
	Sharing        *EntrySharing
}

// EntrySharing is a dataStore key's sharing: public access and user group
// accesses (8-character access strings).
type EntrySharing struct {
	Public     string
	UserGroups map[string]string
}

// File is an uploaded file resource.
type File struct {
	UID, Name, ContentType, Domain string
	Content                        []byte
	Created                        time.Time
}

// Icon is a custom icon.
type Icon struct {
	Key, Description string
	Keywords         []string
	FileResource     string
	Created          time.Time
}

// App is an app archive as uploaded to POST /api/apps.
type App struct {
	FileName string
	Zip      []byte
}

// Interpretation is a comment on an analytical object. Kind is
// "visualization" or "map" (the seed's newest shapes; older versions hold
// the same UIDs as charts or report tables).
type Interpretation struct {
	UID, Kind, Target, Text string
	Author                  User
	Created                 time.Time
	Comments                []InterpretationComment
	LikedBy                 []User
}

// InterpretationComment is a comment on an interpretation.
type InterpretationComment struct {
	UID, Text string
	Author    User
	Created   time.Time
}

// User identifies a seed user.
type User struct {
	ID, Username, Name string
}

// Codes of the metadata the system seed adds.
const (
	FileDataElementCode  = "RMA_RAPPORT_SIGNE"
	ImageDataElementCode = "RMA_PHOTO_REGISTRE"
)

// systemEpoch is when the system content was "created".
var systemEpoch = time.Date(2024, time.March, 4, 9, 15, 0, 0, time.UTC)

// addSystem adds the system content of a seed: it appends two file data
// elements (in a new section of the monthly activity report), three
// documents to md, and returns the non-metadata content.
func addSystem(cfg config, md map[string][]map[string]any) System {
	g := sysGen{cfg: cfg, md: md}
	var s System
	s.Settings = g.settings()
	s.Files, s.FileValues = g.fileValues()
	s.Files = append(s.Files, g.documents()...)
	s.DataStore = g.dataStore()
	s.Icons, s.Files = g.icons(s.Files)
	s.Apps = []App{{FileName: "stock-monitor-1.4.2.zip", Zip: stockMonitorZip()}}
	s.Interpretations = g.interpretations()
	return s
}

type sysGen struct {
	cfg config
	md  map[string][]map[string]any
}

func (g sysGen) uid(kind, key string) string {
	return uidKey(g.cfg.name + "|system|" + kind + "|" + key)
}

func (g sysGen) at(minutes int) time.Time {
	return systemEpoch.Add(time.Duration(minutes) * time.Minute)
}

func (g sysGen) settings() map[string]any {
	return map[string]any{
		"applicationTitle": "SNIS " + g.cfg.country, "keyApplicationIntro": "Système national d'information sanitaire du Yamoro",
		"keyApplicationNotification": "Maintenance prévue le premier dimanche du mois, de 6h à 8h.",
		"keyApplicationFooter":       "Ministère de la Santé - Direction des statistiques sanitaires",
		"keyApplicationRightFooter":  "Assistance : snis@sante.gouv.ym", "keyFlag": "yamoro", "keyUiLocale": "fr", "keyDbLocale": "fr",
		"keyStyle": "green/green.css", "startModule": "dhis-web-dashboard", "keyCalendar": "iso8601", "keyDateFormat": "yyyy-MM-dd",
		"keyAnalysisDisplayProperty": "SHORTNAME", "keyAnalysisDigitGroupSeparator": "SPACE", "keyAnalysisRelativePeriod": "LAST_12_MONTHS",
		"analyticsFinancialYearStart": "FINANCIAL_YEAR_APRIL", "keyCacheStrategy": "CACHE_6AM_TOMORROW", "keyAnalyticsMaxLimit": 50000,
		"keySqlViewMaxLimit": 10000, "keyRespectMetaDataStartEndDatesInAnalyticsTableExport": true, "factorDeviation": 2.5,
		"keyEmailHostName": "smtp.sante.gouv.ym", "keyEmailPort": 587, "keyEmailUsername": "snis-notifications", "keyEmailTls": true,
		"keyEmailSender": "noreply@sante.gouv.ym", "keyEmailPassword": "Smtp!Yamoro2024", "keySystemNotificationsEmail": "snis@sante.gouv.ym",
		"minPasswordLength": 10, "maxPasswordLength": 72, "credentialsExpires": 6, "keyAccountRecovery": true,
		"keyLockMultipleFailedLogins": true, "keyCanGrantOwnUserAuthorityGroups": false, "phoneNumberAreaCode": "+226",
		"keyHideDailyPeriods": true, "keyHideBiWeeklyPeriods": true, "keyHideBiMonthlyPeriods": true,
		"keyDataImportStrictPeriods": false, "keyDataImportStrictOrganisationUnits": false,
		"keyRemoteInstanceUrl": "https://snis-miroir.sante.gouv.ym", "keyRemoteInstanceUsername": "sync",
		"keyRemoteInstancePassword": "Miroir#2024", "keyLastSuccessfulAnalyticsTablesUpdate": "2025-03-09T02:10:00.000",
		"keyLastSuccessfulResourceTablesUpdate": "2025-03-09T02:00:00.000", "keyLastSuccessfulDataSynch": "2025-03-08T23:30:00.000",
		"keyLastSuccessfulAnalyticsTablesRuntime": "14 m, 12 s",
	}
}

// dataSetByCode returns the seed data set with a code.
func (g sysGen) dataSetByCode(code string) map[string]any {
	for _, ds := range g.md["dataSets"] {
		if ds["code"] == code {
			return ds
		}
	}
	return nil
}

// fileValues adds the FILE_RESOURCE and IMAGE data elements to the monthly
// activity report (new section) and makes 20 values of each.
func (g sysGen) fileValues() ([]File, []DataValue) {
	ds := g.dataSetByCode("DS_RMA")
	if ds == nil {
		return nil, nil
	}
	des := []struct{ code, typ, name, short string }{
		{FileDataElementCode, "FILE_RESOURCE", "RMA - Rapport mensuel signé (scan)", "RMA rapport signé"},
		{ImageDataElementCode, "IMAGE", "RMA - Photo du registre de consultations", "RMA photo registre"},
	}
	dsID := ds["id"].(string)
	var elementRefs []any
	for i, d := range des {
		id := g.uid("dataElement", d.code)
		g.md["dataElements"] = append(g.md["dataElements"], map[string]any{
			"id": id, "code": d.code, "name": d.name, "shortName": d.short, "formName": d.name, "valueType": d.typ,
			"aggregationType": "NONE", "domainType": "AGGREGATE", "zeroIsSignificant": false,
			"categoryCombo": map[string]any{"id": DefaultCategoryCombo}, "created": g.at(i).Format(timeLayout), "lastUpdated": g.at(i).Format(timeLayout),
			"sharing": map[string]any{"owner": AdminUser, "public": "rw------", "users": map[string]any{}, "userGroups": map[string]any{}},
		})
		elementRefs = append(elementRefs, map[string]any{"id": id})
		ds["dataSetElements"] = append(ds["dataSetElements"].([]any), map[string]any{"dataSet": map[string]any{"id": dsID}, "dataElement": map[string]any{"id": id}})
	}
	section := g.uid("section", "rma_pieces")
	g.md["sections"] = append(g.md["sections"], map[string]any{"id": section, "name": "Pièces justificatives", "code": "SEC_RMA_PIECES",
		"dataSet": map[string]any{"id": dsID}, "sortOrder": 99, "dataElements": elementRefs,
		"created": g.at(2).Format(timeLayout), "lastUpdated": g.at(2).Format(timeLayout)})
	ds["sections"] = append(ds["sections"].([]any), map[string]any{"id": section})

	units := ds["organisationUnits"].([]any)
	var files []File
	var values []DataValue
	for i := range 20 {
		ou := units[(i/2*37)%len(units)].(map[string]any)["id"].(string)
		month := g.cfg.start.AddDate(0, i%2, 0)
		pe := month.Format("200601")
		stamp := month.AddDate(0, 1, 3+i%5).Add(time.Duration(9+i%8) * time.Hour)
		for j, d := range des {
			uid := g.uid("file", fmt.Sprintf("%s-%d", d.code, i))
			f := File{UID: uid, Domain: "DATA_VALUE", Created: stamp}
			if d.typ == "IMAGE" {
				f.Name, f.ContentType, f.Content = fmt.Sprintf("registre-%s-%s.png", pe, ou), "image/png", pngOf(i, 32, 24)
			} else {
				f.Name, f.ContentType, f.Content = fmt.Sprintf("rma-%s-%s.pdf", pe, ou), "application/pdf",
					pdfOf(fmt.Sprintf("Rapport mensuel d'activites %s - formation %s - signe le %s", pe, ou, stamp.Format("02/01/2006")))
			}
			files = append(files, f)
			values = append(values, DataValue{DataElement: g.uid("dataElement", d.code), Period: pe, OrgUnit: ou,
				CategoryOptionCombo: DefaultCategoryOptionCombo, AttributeOptionCombo: DefaultCategoryOptionCombo,
				Value: uid, StoredBy: "admin", Created: stamp.Add(time.Duration(j) * time.Minute), LastUpdated: stamp.Add(time.Duration(j) * time.Minute)})
		}
	}
	return files, values
}

// documents adds two uploaded documents and one external link.
func (g sysGen) documents() []File {
	docs := []struct{ key, name, file, text string }{
		{"guide_rma", "Guide de remplissage du RMA 2024", "guide-rma-2024.pdf", "Guide de remplissage du rapport mensuel d'activites, edition 2024"},
		{"plan_palu", "Plan stratégique national de lutte contre le paludisme 2024-2028", "psn-paludisme-2024-2028.pdf", "Plan strategique national paludisme 2024-2028"},
	}
	var files []File
	for i, d := range docs {
		uid := g.uid("file", "doc-"+d.key)
		files = append(files, File{UID: uid, Name: d.file, ContentType: "application/pdf", Domain: "DOCUMENT", Content: pdfOf(d.text), Created: g.at(10 + i)})
		g.md["documents"] = append(g.md["documents"], map[string]any{"id": g.uid("document", d.key), "name": d.name, "code": "DOC_" + strings.ToUpper(d.key),
			"external": false, "url": uid, "contentType": "application/pdf", "attachment": true,
			"created": g.at(10 + i).Format(timeLayout), "lastUpdated": g.at(10 + i).Format(timeLayout),
			"sharing": map[string]any{"owner": AdminUser, "public": "r-------", "users": map[string]any{}, "userGroups": map[string]any{}}})
	}
	g.md["documents"] = append(g.md["documents"], map[string]any{"id": g.uid("document", "oms_palu"), "name": "OMS - Rapport mondial sur le paludisme",
		"code": "DOC_OMS_PALU", "external": true, "url": "https://www.who.int/teams/global-malaria-programme/reports/world-malaria-report-2023",
		"attachment": false, "created": g.at(12).Format(timeLayout), "lastUpdated": g.at(12).Format(timeLayout),
		"sharing": map[string]any{"owner": AdminUser, "public": "r-------", "users": map[string]any{}, "userGroups": map[string]any{}}})
	return files
}

func (g sysGen) userGroup(code string) string {
	for _, ug := range g.md["userGroups"] {
		if ug["code"] == code {
			return ug["id"].(string)
		}
	}
	return ""
}

func (g sysGen) dataStore() []DataStoreEntry {
	analysts := g.userGroup("UG_ANALYSTES")
	national := g.userGroup("UG_NATIONAL")
	rma := g.dataSetByCode("DS_RMA")
	rmaID := ""
	if rma != nil {
		rmaID = rma["id"].(string)
	}
	raw := func(v any) json.RawMessage {
		b, _ := json.Marshal(v)
		return b
	}
	entries := []DataStoreEntry{
		{Namespace: "ANDROID_SETTINGS_APP", Key: "general_settings", Value: raw(map[string]any{"encryptDB": false, "lastUpdated": "2024-05-02T10:00:00.000Z",
			"reservedValues": 50, "smsGateway": "+22670000000", "smsResultSender": "", "matomoID": 0, "allowScreenCapture": false})},
		{Namespace: "ANDROID_SETTINGS_APP", Key: "synchronization", Value: raw(map[string]any{"dataSync": "1h", "metadataSync": "1d",
			"trackerImporterVersion": "V2", "fileMaxLengthBytes": 3145728})},
		{Namespace: "ANDROID_SETTINGS_APP", Key: "appearance_settings", Value: raw(map[string]any{"filterSorting": map[string]any{}, "completionSpinner": map[string]any{}})},
		{Namespace: "capture", Key: "settings", Value: raw(map[string]any{"skipMigration": true})},
		{Namespace: "capture", Key: "useNewDashboard", Value: raw(map[string]any{"programs": map[string]any{}})},
		{Namespace: "stock-monitor", Key: "config", Value: raw(map[string]any{"dataSet": rmaID, "alertLevels": map[string]any{"low": 2, "critical": 1},
			"items": []any{"TDR", "CTA", "Moustiquaires"}})},
		{Namespace: "stock-monitor", Key: "thresholds", Value: raw([]any{map[string]any{"item": "TDR", "months": 2}, map[string]any{"item": "CTA", "months": 3}})},
		{Namespace: "yamoro-bulletins", Key: "2024-T1", Value: raw(map[string]any{"title": "Bulletin épidémiologique - 1er trimestre 2024", "published": true, "pages": 12})},
		{Namespace: "yamoro-bulletins", Key: "2024-T2", Value: raw(map[string]any{"title": "Bulletin épidémiologique - 2e trimestre 2024", "published": true, "pages": 14})},
		{Namespace: "yamoro-bulletins", Key: "2024-T3-brouillon", Value: raw(map[string]any{"title": "Bulletin épidémiologique - 3e trimestre 2024 (brouillon)", "published": false}),
			Sharing: &EntrySharing{Public: "--------", UserGroups: map[string]string{analysts: "r-------", national: "rw------"}}},
		{Namespace: "yamoro-bulletins", Key: "index", Value: raw([]any{"2024-T1", "2024-T2"})},
		{Namespace: "yamoro-bulletins", Key: "derniere-mise-a-jour", Value: raw("2024-10-15")},
	}
	for i := range entries {
		entries[i].Created = g.at(100 + 7*i)
	}
	slices.SortFunc(entries, func(a, b DataStoreEntry) int {
		return strings.Compare(a.Namespace+"\x00"+a.Key, b.Namespace+"\x00"+b.Key)
	})
	return entries
}

func (g sysGen) icons(files []File) ([]Icon, []File) {
	defs := []struct{ key, desc string }{{"yamoro_cps", "Centre de santé communautaire"}, {"yamoro_moustiquaire", "Distribution de moustiquaires"}}
	var icons []Icon
	for i, d := range defs {
		uid := g.uid("file", "icon-"+d.key)
		files = append(files, File{UID: uid, Name: d.key + ".png", ContentType: "image/png", Domain: "ICON", Content: pngOf(100+i, 48, 48), Created: g.at(200 + i)})
		icons = append(icons, Icon{Key: d.key, Description: d.desc, Keywords: []string{"yamoro", strings.TrimPrefix(d.key, "yamoro_")}, FileResource: uid, Created: g.at(201 + i)})
	}
	return icons, files
}

// users returns the seed's enabled users as authors.
func (g sysGen) users() []User {
	var out []User
	for _, u := range g.md["users"] {
		if u["disabled"] == true {
			continue
		}
		out = append(out, User{ID: u["id"].(string), Username: u["username"].(string),
			Name: strings.TrimSpace(fmt.Sprint(u["firstName"]) + " " + fmt.Sprint(u["surname"]))})
	}
	return out
}

var interpretationTexts = []struct{ text, comment string }{
	{"La positivité des TDR reste au-dessus de 40 % dans les régions du nord : renforcer l'approvisionnement en CTA.", "Commande complémentaire de CTA envoyée à la centrale d'achat."},
	{"Baisse marquée des cas confirmés depuis la campagne de distribution de moustiquaires.", "À confirmer avec les données entomologiques du trimestre."},
	{"La CPN4 progresse mais l'écart entre districts urbains et ruraux persiste.", "Prévoir une supervision ciblée des districts ruraux."},
	{"Le taux de complétude du RMA dépasse 85 % pour la première fois cette année.", "Bravo aux équipes de district !"},
	{"Pic inhabituel de diarrhées en saison sèche : vérifier les points d'eau.", "Enquête lancée par l'équipe de district."},
	{"Les ruptures de TDR expliquent une partie de la baisse des tests.", ""},
	{"Couverture vaccinale stable ; le taux d'abandon Penta1-Penta3 reste à surveiller.", "Relance des perdus de vue programmée."},
	{"Carte utile pour cibler la prochaine campagne de chimioprévention saisonnière.", ""},
	{"Les accouchements assistés augmentent dans les districts dotés de maisons d'attente.", "Proposition d'étendre le modèle à trois districts."},
	{"Données de la région du Sahel incomplètes pour le dernier mois : interprétation prudente.", "Les rapports manquants ont été saisis depuis."},
}

func (g sysGen) interpretations() []Interpretation {
	var targets []struct{ kind, id string }
	for _, v := range g.md["visualizations"] {
		targets = append(targets, struct{ kind, id string }{"visualization", v["id"].(string)})
	}
	for _, m := range g.md["maps"] {
		targets = append(targets, struct{ kind, id string }{"map", m["id"].(string)})
	}
	users := g.users()
	if len(targets) == 0 || len(users) < 2 {
		return nil
	}
	var out []Interpretation
	for i, t := range interpretationTexts {
		tg := targets[(i*3)%len(targets)]
		if i == 7 && len(g.md["maps"]) > 0 {
			tg = struct{ kind, id string }{"map", g.md["maps"][0]["id"].(string)}
		}
		author := users[i%len(users)]
		created := time.Date(2024, time.April, 2, 8, 30, 0, 0, time.UTC).AddDate(0, i, 3*i).Add(time.Duration(i) * 47 * time.Minute)
		it := Interpretation{UID: g.uid("interpretation", fmt.Sprint(i)), Kind: tg.kind, Target: tg.id, Text: t.text, Author: author, Created: created}
		if t.comment != "" {
			it.Comments = append(it.Comments, InterpretationComment{UID: g.uid("comment", fmt.Sprint(i)), Text: t.comment,
				Author: users[(i+1)%len(users)], Created: created.Add(26 * time.Hour)})
		}
		for j := range i % 3 {
			it.LikedBy = append(it.LikedBy, users[(i+2+j)%len(users)])
		}
		out = append(out, it)
	}
	return out
}

// pngOf draws a small deterministic PNG.
func pngOf(seed, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(40 + (x*7+seed*13)%180), G: uint8(90 + (y*5+seed*3)%120), B: uint8(60 + seed%150), A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// pdfOf writes a minimal one-page PDF with a line of ASCII text.
func pdfOf(text string) []byte {
	text = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(text)
	stream := fmt.Sprintf("BT /F1 11 Tf 40 780 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// stockMonitorZip builds the seed's installed app: a manifest reserving
// the stock-monitor dataStore namespace, an index.html, a script, a
// stylesheet and the asset manifest platform builds ship.
func stockMonitorZip() []byte {
	files := []struct{ name, body string }{
		{"manifest.webapp", `{"version":"1.4.2","name":"Suivi des stocks","short_name":"stock-monitor","description":"Suivi des ruptures de TDR, CTA et moustiquaires dans les formations sanitaires",` +
			`"appType":"APP","launch_path":"index.html","default_locale":"fr","developer":{"name":"Direction des statistiques sanitaires","url":"https://sante.gouv.ym"},` +
			`"icons":{"48":"icon-48.png"},"activities":{"dhis":{"href":"*","namespace":"stock-monitor"}},"authorities":[]}`},
		{"index.html", `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Suivi des stocks</title>` +
			`<link rel="stylesheet" href="css/app.css"></head><body><div id="root" data-base="__DHIS2_BASE_URL__"></div>` +
			`<script src="js/app.js"></script></body></html>`},
		{"js/app.js", `(function(){var root=document.getElementById("root");var base=root.getAttribute("data-base");` +
			`fetch(base+"/api/dataStore/stock-monitor/config").then(function(r){return r.json()}).then(function(c){root.textContent="Articles suivis : "+c.items.join(", ")});})();`},
		{"css/app.css", "body{font-family:sans-serif;margin:2em}#root{font-size:1.2em}"},
		{"asset-manifest.json", `{"files":{"index.html":"index.html","app.js":"js/app.js","app.css":"css/app.css","icon":"icon-48.png"}}`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	mod := time.Date(2024, time.June, 1, 12, 0, 0, 0, time.UTC)
	for _, f := range files {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mod})
		w.Write([]byte(f.body))
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "icon-48.png", Method: zip.Store, Modified: mod})
	w.Write(pngOf(7, 48, 48))
	zw.Close()
	return buf.Bytes()
}
