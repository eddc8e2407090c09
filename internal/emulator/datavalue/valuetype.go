package datavalue

import (
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxValueLength is DHIS2's ValidationUtils.VALUE_MAX_LENGTH, the limit on
// values and comments.
const maxValueLength = 50000

// maxStoredByLength is the limit on storedBy (storedByIsValid).
const maxStoredByLength = 255

// Error keys of ValidationUtils.valueIsValid, with the English texts of
// i18n_global.properties. Keys without a text are shown as the key itself,
// as DHIS2's I18n does.
var errorTexts = map[string]string{
	"data_element_or_type_null_or_empty":       "Data element or type is null or empty",
	"data_element_lacks_option_set":            "Data elements with value type MULTI_TEXT must have an option set",
	"value_length_greater_than_max_length":     "Data value is greater than max length",
	"value_not_numeric":                        "Data value is not numeric",
	"value_not_unit_interval":                  "Data value is not a unit interval",
	"value_not_percentage":                     "Data value is not a percentage",
	"value_not_integer":                        "Data value is not an integer",
	"value_not_positive_integer":               "Data value is not a positive integer",
	"value_not_negative_integer":               "Data value is not a negative integer",
	"value_not_bool":                           "Data value is not a boolean",
	"value_not_true_only":                      "Data value is not true",
	"value_not_valid_date":                     "Data value is not a valid date",
	"value_not_valid_letter":                   "Data value is not a valid letter",
	"comment_length_greater_than_max_length":   "Comment is greater than max length",
	"stored_by_length_greater_than_max_length": "Stored by is greater than max length",
}

// errorText returns the English text of a validation error key.
func errorText(key string) string {
	if t, ok := errorTexts[key]; ok {
		return t
	}
	return key
}

// normalizeBoolean maps DHIS2's boolean spellings to "true"/"false" for
// boolean types (ValidationUtils.normalizeBoolean); TRUE_ONLY never
// becomes "false".
func normalizeBoolean(v string, t ValueType) string {
	if !t.IsBoolean() {
		return v
	}
	switch v {
	case "true", "True", "TRUE", "t", "T", "1":
		return "true"
	case "false", "False", "FALSE", "f", "F", "0":
		if t != TypeTrueOnly {
			return "false"
		}
	}
	return v
}

// checkValue returns the DHIS2 error key for a value that does not match
// the data element's value type, or "" when it is valid. The value must
// already be boolean-normalised. Blank values are valid (they mean
// "no value"). This is ValidationUtils.valueIsValid(String, DataElement)
// of dhis2-core 2.41.
func checkValue(v string, de *DataElement) string {
	if de.ValueType == "" {
		return "data_element_or_type_null_or_empty"
	}
	if de.ValueType == TypeMultiText && de.OptionSet == "" {
		return "data_element_lacks_option_set"
	}
	if strings.TrimSpace(v) == "" {
		return ""
	}
	if utf16Len(v) > maxValueLength {
		return "value_length_greater_than_max_length"
	}
	ok := true
	key := ""
	switch de.ValueType {
	case TypeLetter:
		ok, key = isLetter(v), "value_not_valid_letter"
	case TypeNumber:
		ok, key = isNumeric(v), "value_not_numeric"
	case TypeUnitInterval:
		ok, key = inRange(v, 0, 1), "value_not_unit_interval"
	case TypePercentage:
		ok, key = inRange(v, 0, 100), "value_not_percentage"
	case TypeInteger:
		ok, key = isInt32(v) && matchInteger(v), "value_not_integer"
	case TypeIntegerPositive:
		ok, key = isInt32(v) && isDigits(v) && v[0] != '0', "value_not_positive_integer"
	case TypeIntegerNegative:
		ok, key = isInt32(v) && len(v) > 1 && v[0] == '-' && isDigits(v[1:]) && v[1] != '0', "value_not_negative_integer"
	case TypeIntegerZeroOrPositive:
		ok, key = isInt32(v) && isDigits(v) && (v == "0" || v[0] != '0'), "value_not_zero_or_positive_integer"
	case TypePhoneNumber:
		ok, key = isPhoneNumber(v), "value_not_phone_number"
	case TypeEmail:
		ok, key = isEmail(v), "value_not_valid_email"
	case TypeBoolean:
		l := strings.ToLower(v)
		ok, key = l == "true" || l == "false", "value_not_bool"
	case TypeTrueOnly:
		ok, key = strings.EqualFold(v, "true"), "value_not_true_only"
	case TypeDate:
		ok, key = isDate(v), "value_not_valid_date"
	case TypeDateTime:
		_, ok = parseTimestamp(v, nil)
		key = "value_not_valid_datetime"
	case TypeCoordinate:
		ok, key = isCoordinate(v), "value_not_coordinate"
	case TypeURL:
		ok, key = isURL(v), "value_not_url"
	case TypeFileResource, TypeImage:
		ok, key = isUID(v), "value_not_valid_file_resource_uid"
	case TypeTime:
		ok, key = isTimeOfDay(v), "value_not_valid_time"
	case TypeUsername:
		ok, key = isUsername(v), "value_not_valid_username"
	case TypeOrganisationUnit:
		ok, key = isUID(v), "value_not_valid_org_unit_uid"
	case TypeAge:
		ok, key = isDate(v), "value_not_valid_age"
	}
	if ok {
		return ""
	}
	return key
}

// utf16Len is the length Java's String.length() reports.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isNumeric is MathUtils.isNumeric: ^(-?0|-?[1-9]\d*)(\.\d+)?$, shorter
// than 250 characters.
func isNumeric(v string) bool {
	if len(v) >= 250 {
		return false
	}
	s := strings.TrimPrefix(v, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if !isDigits(intPart) || (len(intPart) > 1 && intPart[0] == '0') {
		return false
	}
	if hasFrac && !isDigits(frac) {
		return false
	}
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && !math.IsInf(f, 0)
}

func inRange(v string, lo, hi float64) bool {
	if !isNumeric(v) {
		return false
	}
	f, _ := strconv.ParseFloat(v, 64)
	return f >= lo && f <= hi
}

// matchInteger is ^(0|-?[1-9]\d*)$.
func matchInteger(v string) bool {
	if v == "0" {
		return true
	}
	s := strings.TrimPrefix(v, "-")
	return isDigits(s) && s[0] != '0'
}

// isInt32 is Apache IntegerValidator: the value must fit a Java int.
func isInt32(v string) bool {
	_, err := strconv.ParseInt(v, 10, 32)
	return err == nil
}

// isZero is MathUtils.isZero: ^0(\.0*)?$.
func isZero(v string) bool {
	if v == "" || v[0] != '0' {
		return false
	}
	rest := v[1:]
	if rest == "" {
		return true
	}
	if rest[0] != '.' {
		return false
	}
	return strings.Trim(rest[1:], "0") == ""
}

// isLetter is length 1 (in UTF-16 units) and Character.isLetter.
func isLetter(v string) bool {
	r, size := utf8.DecodeRuneInString(v)
	return size == len(v) && r < 0x10000 && r != utf8.RuneError && unicode.IsLetter(r)
}

// isPhoneNumber is ^[0-9+\(\)#\.\s\/ext-]{6,50}$.
func isPhoneNumber(v string) bool {
	if len(v) < 6 || len(v) > 50 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
		case strings.IndexByte("+()#./ext- \t\n\x0b\f\r", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isEmail approximates Apache Commons EmailValidator: a dot-atom local part
// of at most 64 characters, and a domain of letter-digit-hyphen labels
// with an alphabetic top-level label, or a bracketed IP address.
func isEmail(v string) bool {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 || strings.HasSuffix(v, ".") {
		return false
	}
	local, domain := v[:at], v[at+1:]
	if len(local) > 64 || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"[]", c) >= 0 {
			return false
		}
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		return net.ParseIP(domain[1:len(domain)-1]) != nil
	}
	return isDomain(domain)
}

// isDomain accepts host names whose last label is alphabetic (a top-level
// domain), like Apache DomainValidator without its TLD list.
func isDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	for i := 0; i < len(tld); i++ {
		if !(tld[i] >= 'a' && tld[i] <= 'z' || tld[i] >= 'A' && tld[i] <= 'Z') {
			return false
		}
	}
	return len(tld) >= 2
}

// isURL approximates Apache UrlValidator's defaults: scheme http, https or
// ftp, and an authority that is a domain name or an IP address.
func isURL(v string) bool {
	if strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp":
	default:
		return false
	}
	host := u.Hostname()
	if host == "" {
		return false
	}
	if net.ParseIP(host) != nil {
		return true
	}
	return isDomain(host)
}

// isCoordinate is MathUtils.isCoordinate: "[lng,lat]" with whitespace
// ignored, longitude in [-180,180] and latitude in [-90,90].
func isCoordinate(v string) bool {
	v = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, v)
	if len(v) < 5 || v[0] != '[' || strings.IndexByte(v, ']') != len(v)-1 {
		return false
	}
	parts := strings.Split(v[1:len(v)-1], ",")
	if len(parts) < 2 {
		return false
	}
	lng, err1 := strconv.ParseFloat(strings.TrimRight(parts[0], "fFdD"), 32)
	lat, err2 := strconv.ParseFloat(strings.TrimRight(parts[1], "fFdD"), 32)
	return err1 == nil && err2 == nil && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90
}

// isDate is DateUtils.dateIsValid: yyyy-MM-dd at the start (anything
// ending in a word character may follow), and a day that exists.
func isDate(v string) bool {
	if len(v) < 10 || !isDigits(v[:4]) || v[4] != '-' || !isDigits(v[5:7]) || v[7] != '-' || !isDigits(v[8:10]) {
		return false
	}
	if rest := v[10:]; rest != "" {
		c := rest[len(rest)-1]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[5:7])
	d, _ := strconv.Atoi(v[8:10])
	return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// isTimeOfDay is ^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$.
func isTimeOfDay(v string) bool {
	h, m, ok := strings.Cut(v, ":")
	if !ok || len(m) != 2 || !isDigits(m) || m[0] > '5' || !isDigits(h) || len(h) > 2 {
		return false
	}
	n, _ := strconv.Atoi(h)
	return n <= 23
}

// isUsername is ValidationUtils.USERNAME_PATTERN: 4–255 characters from
// [-_.@a-zA-Z0-9], not starting or ending with one of -_.@ and without two
// of them in a row.
func isUsername(v string) bool {
	if len(v) < 4 || len(v) > 255 {
		return false
	}
	special := func(c byte) bool { return c == '-' || c == '_' || c == '.' || c == '@' }
	for i := 0; i < len(v); i++ {
		c := v[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && !special(c) {
			return false
		}
		if special(c) && (i == 0 || i == len(v)-1 || special(v[i-1])) {
			return false
		}
	}
	return true
}

// isUID is CodeGenerator.isValidUid: ^[a-zA-Z][a-zA-Z0-9]{10}$.
func isUID(v string) bool {
	if len(v) != 11 {
		return false
	}
	for i := 0; i < 11; i++ {
		c := v[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// zeroInsignificant is ValidationUtils.dataValueIsZeroAndInsignificant.
func zeroInsignificant(v string, de *DataElement) bool {
	return de.ValueType.IsNumeric() && isZero(v) && !de.ZeroIsSignificant &&
		de.AggregationType != "AVERAGE_SUM_ORG_UNIT" && de.AggregationType != "AVERAGE"
}
