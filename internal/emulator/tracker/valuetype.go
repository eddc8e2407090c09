package tracker

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// checkValue validates value against a DHIS2 value type and returns
// DHIS2's ValueTypeValidation key ("" when valid). Unknown value types
// accept anything, as text does.
func checkValue(valueType, value string, cat Catalog) string {
	switch valueType {
	case "NUMBER":
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return "value_not_numeric"
		}
	case "INTEGER":
		if _, err := strconv.ParseInt(value, 10, 64); err != nil {
			return "value_not_integer"
		}
	case "INTEGER_POSITIVE":
		if n, err := strconv.ParseInt(value, 10, 64); err != nil || n <= 0 {
			return "value_not_positive_integer"
		}
	case "INTEGER_NEGATIVE":
		if n, err := strconv.ParseInt(value, 10, 64); err != nil || n >= 0 {
			return "value_not_negative_integer"
		}
	case "INTEGER_ZERO_OR_POSITIVE":
		if n, err := strconv.ParseInt(value, 10, 64); err != nil || n < 0 {
			return "value_not_zero_or_positive_integer"
		}
	case "PERCENTAGE":
		if f, err := strconv.ParseFloat(value, 64); err != nil || f < 0 || f > 100 {
			return "value_not_percentage"
		}
	case "UNIT_INTERVAL":
		if f, err := strconv.ParseFloat(value, 64); err != nil || f < 0 || f > 1 {
			return "value_not_unit_interval"
		}
	case "BOOLEAN":
		if v := strings.ToLower(value); v != "true" && v != "false" {
			return "value_not_bool"
		}
	case "TRUE_ONLY":
		if strings.ToLower(value) != "true" {
			return "value_not_true_only"
		}
	case "DATE", "AGE":
		if _, err := time.Parse("2006-01-02", value); err != nil {
			if _, err := ParseTime(value, time.UTC); err != nil {
				return "value_not_valid_date"
			}
		}
	case "DATETIME":
		if _, err := ParseTime(value, time.UTC); err != nil {
			return "value_not_valid_datetime"
		}
	case "COORDINATE":
		var xy []float64
		if json.Unmarshal([]byte(value), &xy) != nil || len(xy) != 2 {
			return "value_not_coordinate"
		}
	case "EMAIL":
		if at := strings.IndexByte(value, '@'); at <= 0 || at == len(value)-1 {
			return "value_not_valid_email"
		}
	case "LETTER":
		if len([]rune(value)) != 1 {
			return "value_not_valid_letter"
		}
	case "ORGANISATION_UNIT":
		if _, ok := cat.OrgUnit(value); !ok {
			return "value_not_valid_organisation_unit"
		}
	}
	return ""
}
