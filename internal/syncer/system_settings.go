package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// privateSettings are the system settings not copied unless
// --include-private-settings is given, with the reason. They describe the
// server rather than the health system: its own URLs and identity, the
// credentials it uses to reach mail, SMS and map services, and state the
// server writes about its own jobs.
var privateSettings = map[string]string{
	// E-mail server (the destination has its own mail relay).
	"keyEmailHostName": "e-mail server of the source",
	"keyEmailPort":     "e-mail server of the source",
	"keyEmailUsername": "e-mail server credentials of the source",
	"keyEmailSender":   "e-mail sender address of the source",
	"keyEmailTls":      "e-mail server of the source",
	// Remote instance (metadata and data synchronisation of DHIS2 core).
	"keyRemoteInstanceUrl":                                  "the source's own remote-instance synchronisation target",
	"keyRemoteInstanceUsername":                             "the source's own remote-instance synchronisation credentials",
	"keyStopMetadataSync":                                   "the source's own remote-instance synchronisation settings",
	"keyVersionEnabled":                                     "metadata versioning state of the source",
	"syncMaxAttempts":                                       "the source's own remote-instance synchronisation settings",
	"syncMaxRemoteServerAvailabilityCheckAttempts":          "the source's own remote-instance synchronisation settings",
	"syncDelayBetweenRemoteServerAvailabilityCheckAttempts": "the source's own remote-instance synchronisation settings",
	"syncSkipSyncForDataChangedBefore":                      "the source's own remote-instance synchronisation settings",
	// API keys bound to the source's domain or account.
	"keyGoogleMapsApiKey":   "API key of the source",
	"keyGoogleCloudApiKey":  "API key of the source",
	"keyBingMapsApiKey":     "API key of the source",
	"keyAzureMapsApiKey":    "API key of the source",
	"keyMapzenSearchApiKey": "API key of the source",
	"googleAnalyticsUA":     "analytics account of the source",
	"recaptchaSite":         "reCAPTCHA key of the source",
	"recaptchaSecret":       "reCAPTCHA key of the source",
	// Server identity and hardware.
	"keyInstanceBaseUrl":                    "base URL of the source",
	"keySystemIdentifier":                   "identity of the source",
	"keyHtmlPushAnalyticsUrl":               "URL of the source",
	"keySystemNotificationsEmail":           "operator address of the source",
	"keyDatabaseServerCpus":                 "hardware of the source's database server",
	"keyParallelJobsInAnalyticsTableExport": "hardware of the source's database server",
	"deviceEnrollmentAllowedUserGroups":     "Android device enrolment policy of the source",
	"deviceEnrollmentRedirectAllowlist":     "Android device enrolment policy of the source",
	"deviceEnrollmentIATTtlSeconds":         "Android device enrolment policy of the source",
	// State the server writes about itself.
	"keyLastMonitoringRun":                          "state of the source's jobs",
	"keyNextAnalyticsTableUpdate":                   "state of the source's jobs",
	"keyLastMetaDataSyncSuccess":                    "state of the source's jobs",
	"keyLastCompleteDataSetRegistrationSyncSuccess": "state of the source's jobs",
	"keySystemMetadataVersion":                      "metadata versioning state of the source",
	"keyRemoteMetadataVersion":                      "metadata versioning state of the source",
	"keyMetadataFailedVersion":                      "metadata versioning state of the source",
	"keyMetadataLastFailedTime":                     "metadata versioning state of the source",
	"lastSuccessfulDataStatistics":                  "state of the source's jobs",
	"keySchedTasks":                                 "scheduled jobs of the source",
}

// privateSettingPrefixes extend privateSettings to key families.
var privateSettingPrefixes = map[string]string{
	"keyLastSuccessful": "state of the source's jobs",
	"keyEmail":          "e-mail server of the source",
	"keyRemoteInstance": "the source's own remote-instance synchronisation settings",
}

// confidentialSettings are never returned by DHIS2's API, whoever asks.
var confidentialSettings = []string{"keyEmailPassword", "keyRemoteInstancePassword", "recaptchaSecret", "recaptchaSite"}

// PrivateSettingReason reports whether a system setting is left out by
// default, and why.
func PrivateSettingReason(key string) (string, bool) {
	if r, ok := privateSettings[key]; ok {
		return r, true
	}
	for p, r := range privateSettingPrefixes {
		if strings.HasPrefix(key, p) {
			return r, true
		}
	}
	return "", false
}

// PrivateSettings returns the keys (and key prefixes, ending in "*") of
// the settings left out by default, sorted, for documentation and help.
func PrivateSettings() []string {
	var out []string
	for k := range privateSettings {
		out = append(out, k)
	}
	for p := range privateSettingPrefixes {
		out = append(out, p+"*")
	}
	sort.Strings(out)
	return out
}

// settingsPlan is what the settings part compares and writes.
type settingsPlan struct {
	want    map[string]json.RawMessage // source settings in scope
	private []string                   // left out by default
	changed []string                   // differ from the destination
	skipped map[string]string          // in scope but not written, with why
}

// readSettings reads the flat settings object of an instance.
func readSettings(ctx context.Context, c *dhis2.Client) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := c.GetJSON(ctx, "systemSettings", nil, &m); err != nil {
		return nil, fmt.Errorf("read the system settings: %w", err)
	}
	for k, v := range m {
		if isJSONNull(v) {
			delete(m, k)
		}
	}
	return m, nil
}

func isJSONNull(v json.RawMessage) bool {
	return len(bytes.TrimSpace(v)) == 0 || string(bytes.TrimSpace(v)) == "null"
}

// planSettings selects the source settings in scope and those that differ
// from the destination.
func (s *sysRun) planSettings(src, dst map[string]json.RawMessage) settingsPlan {
	p := settingsPlan{want: map[string]json.RawMessage{}}
	for k, v := range src {
		if _, private := PrivateSettingReason(k); private && !s.opts.IncludePrivateSettings {
			p.private = append(p.private, k)
			continue
		}
		p.want[k] = v
		if !settingMatches(v, dst, k) {
			p.changed = append(p.changed, k)
		}
	}
	sort.Strings(p.private)
	sort.Strings(p.changed)
	return p
}

// settingText is a setting value as DHIS2 stores it: the text of a string,
// the literal of a number or boolean, the JSON of anything else.
func settingText(v json.RawMessage) string {
	var str string
	if json.Unmarshal(v, &str) == nil {
		return str
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if dec.Decode(&n) == nil {
		if f, err := strconv.ParseFloat(n.String(), 64); err == nil {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}

// settingMatches reports whether the destination holds the value v for
// key; an empty value matches an absent key (DHIS2 lists a setting only
// when it has a value, and refuses to store an empty one).
func settingMatches(v json.RawMessage, dst map[string]json.RawMessage, key string) bool {
	d, ok := dst[key]
	if !ok {
		return settingText(v) == ""
	}
	return sameSetting(v, d)
}

// sameSetting compares two setting values as DHIS2 stores them, so that a
// boolean true equals the string "true" and 2 equals 2.0.
func sameSetting(a, b json.RawMessage) bool { return settingText(a) == settingText(b) }

// syncSettings copies the system settings and verifies them.
func (s *sysRun) syncSettings(ctx context.Context) error {
	src, err := readSettings(ctx, s.r.Source.Client)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dst, err := readSettings(ctx, s.r.Dest.Client)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	s.request(2)
	p := s.planSettings(src, dst)
	s.copyLogos(ctx, &p)
	if len(p.private) > 0 {
		s.noteNotReplicable("private system settings", len(p.private),
			"server-specific settings (mail and SMS servers, API keys, URLs, job state) are not copied by default; --include-private-settings copies them: "+strings.Join(p.private, ", "))
	}
	s.noteNotReplicable("confidential system settings", len(confidentialSettings),
		"DHIS2 never returns "+strings.Join(confidentialSettings, ", ")+"; set them on the destination by hand")
	switch {
	case s.r.Opts.DryRun:
		absent := 0
		if s.r.Dest.Version().AtLeast(41) {
			absent = len(s.absentSettings(ctx, p.changed, dst))
		}
		s.count(partSettings, func(c *Counts) {
			c.Unchanged, c.Updated, c.Ignored = len(p.want)-len(p.changed), len(p.changed)-absent, absent
		})
		return nil
	case s.r.VerifyOnly:
		s.verified(verifySettings(p.want, dst, s.absentSettings(ctx, p.changed, dst), p.skipped))
		return nil
	}
	unknown, dst, err := s.writeSettings(ctx, p)
	if err != nil {
		return err
	}
	s.count(partSettings, func(c *Counts) {
		c.Unchanged += len(p.want) - len(p.changed)
		c.Updated += len(p.changed) - len(unknown)
		c.Ignored += len(unknown)
	})
	s.verified(verifySettings(p.want, dst, unknown, p.skipped))
	return nil
}

// absentSettings explains, for a verify-only run, the source settings the
// destination does not list: from 2.41 DHIS2 answers 404 to GET
// /api/systemSettings/{key} for a key its version does not know; before,
// it answers an empty value for unknown keys and keys without a value
// alike, so the note says so.
func (s *sysRun) absentSettings(ctx context.Context, keys []string, dst map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if _, ok := dst[k]; ok {
			continue
		}
		if !s.r.Dest.Version().AtLeast(41) {
			out[k] = fmt.Sprintf("the destination's DHIS2 %s lists no value for this setting, and versions before 2.41 cannot tell whether they know it (a sync writes it when they do)", s.r.Dest.Info.VersionString)
			continue
		}
		var v json.RawMessage
		err := s.r.Dest.Client.GetJSON(ctx, "systemSettings/"+url.PathEscape(k), nil, &v)
		s.request(1)
		if dhis2.KindOf(err) == dhis2.KindNotFound {
			out[k] = fmt.Sprintf("the destination's DHIS2 %s has no such setting (it answered %q)", s.r.Dest.Info.VersionString, serverMessage(err))
		}
	}
	return out
}

// writeSettings sends the changed settings in one bulk request, then one
// by one those the destination still lacks (a refused bulk request, or
// keys it dropped), to learn which ones its version does not know. It
// returns those keys (with the destination's answer) and the
// destination's settings after the writes.
func (s *sysRun) writeSettings(ctx context.Context, p settingsPlan) (map[string]string, map[string]json.RawMessage, error) {
	unknown := map[string]string{}
	if len(p.changed) == 0 {
		dst, err := readSettings(ctx, s.r.Dest.Client)
		s.request(1)
		return unknown, dst, err
	}
	body := map[string]json.RawMessage{}
	for _, k := range p.changed {
		body[k] = p.want[k]
	}
	b := dhis2.JSONBody(body)
	b.Idempotent = true
	_, err := s.r.Dest.Client.Post(ctx, "systemSettings", nil, b)
	s.request(1)
	if err != nil && ctx.Err() != nil {
		return nil, nil, err
	}
	if err != nil {
		s.log(slog.LevelInfo, "system.settings.bulk_refused", "the destination refused the settings in one request, writing them one by one: "+serverMessage(err))
	}
	dst, err := readSettings(ctx, s.r.Dest.Client)
	s.request(1)
	if err != nil {
		return nil, nil, fmt.Errorf("destination: %w", err)
	}
	again := 0
	for _, k := range p.changed {
		if settingMatches(p.want[k], dst, k) {
			continue
		}
		msg, isUnknown, err := s.writeSetting(ctx, k, p.want[k])
		switch {
		case err != nil:
			s.fail(partSettings, k, "", errorCode(err), fmt.Sprintf("write the system setting %s: %v", k, serverMessage(err)))
		case isUnknown:
			unknown[k] = msg
		default:
			again++
		}
	}
	if again > 0 {
		if dst, err = readSettings(ctx, s.r.Dest.Client); err != nil {
			return nil, nil, fmt.Errorf("destination: %w", err)
		}
		s.request(1)
	}
	s.log(slog.LevelInfo, "system.settings.written", fmt.Sprintf("%d system settings written, %d unknown to the destination", len(p.changed)-len(unknown), len(unknown)))
	return unknown, dst, nil
}

// writeSetting writes one setting as text. A 404 (or a 400/409 naming the
// key as unsupported) means the destination's version has no such setting.
func (s *sysRun) writeSetting(ctx context.Context, key string, v json.RawMessage) (string, bool, error) {
	b := dhis2.BytesBody([]byte(settingText(v)), "text/plain")
	b.Idempotent = true
	_, err := s.r.Dest.Client.Post(ctx, "systemSettings/"+url.PathEscape(key), nil, b)
	s.request(1)
	if err == nil {
		return "", false, nil
	}
	kind := dhis2.KindOf(err)
	if kind == dhis2.KindNotFound || ((kind == dhis2.KindConflict || kind == dhis2.KindBadRequest) && mentionsUnknownKey(err)) {
		return fmt.Sprintf("the destination's DHIS2 %s has no such setting (it answered %q)", s.r.Dest.Info.VersionString, serverMessage(err)), true, nil
	}
	return "", false, err
}

func mentionsUnknownKey(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "not supported") || strings.Contains(m, "does not exist") || strings.Contains(m, "unknown")
}

// serverMessage returns what DHIS2 said in err, else err's text.
func serverMessage(err error) string {
	if e, ok := err.(*dhis2.Error); ok && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// errorCode returns the DHIS2 error code of err, if any.
func errorCode(err error) string {
	if e, ok := err.(*dhis2.Error); ok {
		return e.Code
	}
	return ""
}

// verifySettings compares the settings in scope with the destination's.
func verifySettings(want, dst map[string]json.RawMessage, unknown, skipped map[string]string) VerifyItem {
	it := VerifyItem{Type: partSettings, Source: len(want)}
	for k, v := range want {
		d, ok := dst[k]
		if ok && !sameSetting(v, d) && skipped[k] != "" {
			it.Dest++
			it.Documented++
			it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: k, Note: skipped[k]})
			continue
		}
		switch {
		case !ok && settingText(v) == "":
			it.Dest++
			it.Match++
		case !ok && unknown[k] != "":
			it.Documented++
			it.Details = append(it.Details, VerifyDetail{Kind: "documented", UID: k, Note: unknown[k]})
		case !ok:
			it.Missing++
			it.Details = append(it.Details, VerifyDetail{Kind: "missing", UID: k})
		case sameSetting(v, d):
			it.Dest++
			it.Match++
		default:
			it.Dest++
			it.Differ++
			it.Details = append(it.Details, VerifyDetail{Kind: "differ", UID: k,
				Note: fmt.Sprintf("source %s, destination %s", truncateText(settingText(v), 60), truncateText(settingText(d), 60))})
		}
	}
	return it
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:n] + "…")
}
