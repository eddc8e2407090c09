package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// maxSystemIDs caps /api/system/id?limit= (SystemController).
const maxSystemIDs = 10000

// getSystemInfo serves /api/system/info (SystemInfo.java). Null fields are
// left out; users without ALL get the non-sensitive subset, as in DHIS2.
func (e *Emulator) getSystemInfo(w http.ResponseWriter, r *http.Request) error {
	now := e.now()
	base := baseURL(r)
	info := map[string]any{
		"contextPath":               base,
		"userAgent":                 r.UserAgent(),
		"calendar":                  "iso8601",
		"dateFormat":                "yyyy-mm-dd",
		"serverDate":                e.formatTime(now),
		"serverTimeZoneId":          e.opts.TimeZone,
		"serverTimeZoneDisplayName": tzDisplayName(e.opts.TimeZone, now.In(e.loc)),
		"version":                   e.opts.Version,
		"revision":                  e.revision,
		"buildTime":                 e.formatTime(e.buildTime),
		"databaseInfo":              map[string]any{"type": "PostgreSQL", "spatialSupport": true},
		"encryption":                false,
		"emailConfigured":           false,
		"redisEnabled":              false,
		"systemId":                  e.systemID,
		"systemName":                e.opts.SystemName,
		"instanceBaseUrl":           base,
		"isMetadataVersionEnabled":  true,
	}
	if e.prof.Version.AtLeast(40) {
		info["isMetadataSyncEnabled"] = false
	} else {
		info["metadataSyncEnabled"] = false
	}
	if u := userOf(r); u != nil && u.has(authorityAll) {
		info["jasperReportsVersion"] = "6.3.1"
		info["environmentVariable"] = "DHIS2_HOME"
		info["fileStoreProvider"] = "filesystem"
		info["readOnlyMode"] = "off"
		info["cpuCores"] = runtime.NumCPU()
		info["clusterHostname"] = ""
	}
	return writeJSON(w, http.StatusOK, info)
}

// getPing serves /api/system/ping.
func (e *Emulator) getPing(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	_, err := w.Write([]byte("pong"))
	return err
}

// getSystemContext serves /api/system/context.
func (e *Emulator) getSystemContext(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"contextPath": baseURL(r), "userAgent": r.UserAgent()})
}

// getSystemID serves /api/system/id and /api/system/uid: {"codes":[…]},
// limit default 1, capped at 10,000.
func (e *Emulator) getSystemID(w http.ResponseWriter, r *http.Request) error {
	n := 1
	if s := r.URL.Query().Get("limit"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			return errStatus(http.StatusBadRequest, "Value '%s' is not valid for parameter limit. It should be of type Integer.", s)
		}
		n = max(1, min(v, maxSystemIDs))
	}
	codes := make([]string, n)
	for i := range codes {
		codes[i] = newUID()
	}
	return writeJSON(w, http.StatusOK, map[string]any{"codes": codes})
}

// getMe serves /api/me in the version's user shape.
func (e *Emulator) getMe(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, e.meJSON(userOf(r)))
}

func (e *Emulator) meJSON(u *account) map[string]any {
	roles := refs(u.RoleIDs)
	me := map[string]any{
		"id":                         u.ID,
		"name":                       u.displayName(),
		"displayName":                u.displayName(),
		"firstName":                  u.FirstName,
		"surname":                    u.Surname,
		"authorities":                u.Authorities,
		"organisationUnits":          refs(u.OrgUnits),
		"dataViewOrganisationUnits":  []any{},
		"teiSearchOrganisationUnits": []any{},
		"userGroups":                 []any{},
		"programs":                   []string{},
		"dataSets":                   []string{},
		"settings":                   map[string]any{"keyUiLocale": "en", "keyDbLocale": "en"},
		"access":                     map[string]bool{"read": true, "update": true, "externalize": false, "delete": true, "write": true, "manage": true},
	}
	creds := map[string]any{
		"username":     u.Username,
		"userRoles":    roles,
		"disabled":     false,
		"externalAuth": false,
		"twoFA":        false,
	}
	switch e.prof.Users {
	case profile.UserNested: // credentials only inside userCredentials, which has its own id
		creds["id"] = uidFor("credentials:" + u.ID)
		creds["userInfo"] = map[string]string{"id": u.ID}
		me["userCredentials"] = creds
	case profile.UserDual: // on the user, plus the compatibility DTO
		creds["id"] = u.ID
		me["userCredentials"] = creds
		fallthrough
	default:
		me["username"] = u.Username
		me["userRoles"] = roles
		me["disabled"] = false
		me["externalAuth"] = false
		me["twoFactorEnabled"] = false
	}
	return me
}

// getMeAuthorization serves /api/me/authorization: the authority list.
func (e *Emulator) getMeAuthorization(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, userOf(r).Authorities)
}

// getMeHasAuthority serves /api/me/authorization/{auth}: true or false.
func (e *Emulator) getMeHasAuthority(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, userOf(r).has(r.PathValue("auth")))
}

func refs(ids []string) []map[string]string {
	out := make([]map[string]string, len(ids))
	for i, id := range ids {
		out[i] = map[string]string{"id": id}
	}
	return out
}

// newSystemID is a random UUID, the format DHIS2 uses for systemId.
func newSystemID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// revisionFor is a stable 7-character git-like revision per version.
func revisionFor(v dhis2.Version) string {
	sum := sha256.Sum256([]byte("revision:" + v.String()))
	return hex.EncodeToString(sum[:])[:7]
}

// buildTimeFor is a stable build time per version, roughly when that
// release line shipped (2.30 in mid-2018, a minor every ~5 months).
func buildTimeFor(v dhis2.Version) time.Time {
	base := time.Date(2018, 6, 4, 10, 30, 0, 0, time.UTC)
	return base.AddDate(0, 5*(v.Minor-30), 7*v.Patch+v.Hotfix)
}

// tzDisplayName mimics Java's TimeZone.getDisplayName() for common zones
// and falls back to the zone abbreviation.
func tzDisplayName(id string, t time.Time) string {
	switch id {
	case "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu":
		return "Coordinated Universal Time"
	case "GMT", "Etc/GMT", "Africa/Abidjan", "Africa/Dakar", "Africa/Bamako", "Africa/Freetown", "Africa/Ouagadougou", "Africa/Conakry", "Africa/Lome", "Africa/Accra":
		return "Greenwich Mean Time"
	case "Africa/Lagos", "Africa/Kinshasa", "Africa/Douala", "Africa/Niamey", "Africa/Ndjamena", "Africa/Porto-Novo", "Africa/Libreville", "Africa/Brazzaville", "Africa/Bangui":
		return "West Africa Time"
	case "Africa/Nairobi", "Africa/Kampala", "Africa/Dar_es_Salaam", "Africa/Addis_Ababa":
		return "East Africa Time"
	case "Africa/Maputo", "Africa/Lusaka", "Africa/Harare", "Africa/Kigali", "Africa/Lubumbashi", "Africa/Bujumbura", "Africa/Blantyre":
		return "Central Africa Time"
	case "Europe/Paris", "Europe/Oslo", "Europe/Berlin", "Europe/Brussels":
		return "Central European Standard Time"
	}
	name, off := t.Zone()
	if name == "" || name[0] == '+' || name[0] == '-' {
		return fmt.Sprintf("GMT%+03d:%02d", off/3600, abs(off%3600)/60)
	}
	return name
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
