package dhis2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// SystemInfo is the part of /api/system/info that d2sync uses.
type SystemInfo struct {
	Version          Version        // parsed "version"
	VersionString    string         // "version" as sent, e.g. "2.40.3.1"
	Revision         string         // git short SHA of the build
	BuildTime        time.Time      // zero when absent or unparsable
	ServerDate       time.Time      // the server's clock when it answered
	ServerDateRaw    string         // "serverDate" as sent
	ServerTimeZoneID string         // e.g. "Africa/Freetown"; empty before 2.26
	Location         *time.Location // loaded ServerTimeZoneID, or UTC when unknown
	ContextPath      string         // the server's idea of its base URL
	InstanceBaseURL  string
	SystemID         string
	SystemName       string
	Calendar         string
	DateFormat       string
}

type systemInfoJSON struct {
	Version          *string `json:"version"`
	Revision         string  `json:"revision"`
	BuildTime        string  `json:"buildTime"`
	ServerDate       string  `json:"serverDate"`
	ServerTimeZoneID string  `json:"serverTimeZoneId"`
	ContextPath      string  `json:"contextPath"`
	InstanceBaseURL  string  `json:"instanceBaseUrl"`
	SystemID         string  `json:"systemId"`
	SystemName       string  `json:"systemName"`
	Calendar         string  `json:"calendar"`
	DateFormat       string  `json:"dateFormat"`
}

var errNoVersion = errors.New("the /api/system/info answer has no version")

// ParseSystemInfo parses a /api/system/info body. Dates without an offset
// are read in the server time zone (serverTimeZoneId), or UTC when it is
// absent or unknown to this machine. A body without "version" is an error
// (the URL is probably not DHIS2).
func ParseSystemInfo(body []byte) (*SystemInfo, error) {
	var j systemInfoJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return nil, fmt.Errorf("parse system info: %w", err)
	}
	return j.systemInfo()
}

func (j *systemInfoJSON) systemInfo() (*SystemInfo, error) {
	if j.Version == nil || strings.TrimSpace(*j.Version) == "" {
		return nil, errNoVersion
	}
	v, err := ParseVersion(*j.Version)
	if err != nil {
		return nil, err
	}
	si := &SystemInfo{
		Version: v, VersionString: *j.Version, Revision: j.Revision, ServerDateRaw: j.ServerDate,
		ServerTimeZoneID: j.ServerTimeZoneID, ContextPath: j.ContextPath, InstanceBaseURL: j.InstanceBaseURL,
		SystemID: j.SystemID, SystemName: j.SystemName, Calendar: j.Calendar, DateFormat: j.DateFormat,
		Location: time.UTC,
	}
	if j.ServerTimeZoneID != "" {
		if loc, err := time.LoadLocation(j.ServerTimeZoneID); err == nil {
			si.Location = loc
		}
	}
	if j.ServerDate != "" {
		if t, err := ParseTime(j.ServerDate, si.Location); err == nil {
			si.ServerDate = t
		}
	}
	if j.BuildTime != "" {
		if t, err := ParseTime(j.BuildTime, si.Location); err == nil {
			si.BuildTime = t
		}
	}
	return si, nil
}

// SystemInfo reads /api/system/info. It is the first call to make: it
// checks the URL, the credentials and the version. A URL that answers with
// HTML, 404 or JSON without a version is an *Error of KindNotDHIS2.
func (c *Client) SystemInfo(ctx context.Context) (*SystemInfo, error) {
	const op = "read system info"
	var si *SystemInfo
	cl := &call{op: op, method: http.MethodGet, path: "system/info"}
	_, _, err := c.send(ctx, cl, func(resp *http.Response) error {
		if resp.StatusCode == http.StatusNotFound {
			return c.newError(op, KindNotDHIS2, resp.StatusCode, errors.New("/api/system/info does not exist"))
		}
		var j systemInfoJSON
		if err := c.decodeJSONResponse(op, resp, &j); err != nil {
			if e := asError(err); e != nil && e.Kind == KindBadResponse {
				e.Kind = KindNotDHIS2
			}
			return err
		}
		var err error
		si, err = j.systemInfo()
		if err != nil {
			return c.newError(op, KindNotDHIS2, resp.StatusCode, err)
		}
		return nil
	})
	return si, err
}

// Me is the authenticated user.
type Me struct {
	ID          string
	Username    string
	Name        string
	Authorities []string
}

// HasAuthority reports whether the user holds auth, or ALL (which grants
// everything).
func (m *Me) HasAuthority(auth string) bool {
	return slices.Contains(m.Authorities, "ALL") || slices.Contains(m.Authorities, auth)
}

// CanImportMetadata reports whether the user may POST /api/metadata
// (ALL or F_METADATA_IMPORT).
func (m *Me) CanImportMetadata() bool { return m.HasAuthority("F_METADATA_IMPORT") }

// CanImportData reports whether the user may import aggregate data
// (ALL or F_DATAVALUE_ADD).
func (m *Me) CanImportData() bool { return m.HasAuthority("F_DATAVALUE_ADD") }

type meJSON struct {
	ID              string   `json:"id"`
	Username        string   `json:"username"`
	Name            string   `json:"name"`
	DisplayName     string   `json:"displayName"`
	Authorities     []string `json:"authorities"`
	UserCredentials *struct {
		Username  string `json:"username"`
		UserRoles []struct {
			Authorities []string `json:"authorities"`
		} `json:"userRoles"`
	} `json:"userCredentials"`
}

// ParseMe parses a /api/me body of any version: the username is on the
// user (2.38+) or in userCredentials (older); authorities come from
// "authorities" or from the user roles.
func ParseMe(body []byte) (*Me, error) {
	var j meJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return nil, fmt.Errorf("parse /api/me: %w", err)
	}
	return j.me(), nil
}

func (j *meJSON) me() *Me {
	m := &Me{ID: j.ID, Username: j.Username, Name: firstNonEmpty(j.Name, j.DisplayName), Authorities: j.Authorities}
	if uc := j.UserCredentials; uc != nil {
		m.Username = firstNonEmpty(m.Username, uc.Username)
		for _, r := range uc.UserRoles {
			m.Authorities = append(m.Authorities, r.Authorities...)
		}
	}
	slices.Sort(m.Authorities)
	m.Authorities = slices.Compact(m.Authorities)
	return m
}

// Me reads the authenticated user from /api/me and, when that does not
// list authorities (older versions), from /api/me/authorization.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var j meJSON
	q := map[string][]string{"fields": {"id,username,name,displayName,authorities,userCredentials[username,userRoles[authorities]]"}}
	if err := c.GetJSON(ctx, "me", q, &j); err != nil {
		return nil, err
	}
	m := j.me()
	if len(m.Authorities) == 0 {
		var auths []string
		if err := c.GetJSON(ctx, "me/authorization", nil, &auths); err != nil {
			return nil, err
		}
		m.Authorities = slices.Compact(slices.Sorted(slices.Values(auths)))
	}
	return m, nil
}
