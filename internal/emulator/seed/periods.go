package seed

import (
	"fmt"
	"time"
)

// period is a DHIS2 period: its identifier and its [start, end) dates.
type period struct {
	id         string
	start, end time.Time
	months     float64 // length in months (for rates)
	month      int     // calendar month of the period start (seasonality)
}

// periodsFor lists the periods of a period type that fall in the months
// starting at start.
func periodsFor(periodType string, start time.Time, months int) []period {
	end := start.AddDate(0, months, 0)
	var out []period
	switch periodType {
	case "Monthly":
		for t := start; t.Before(end); t = t.AddDate(0, 1, 0) {
			out = append(out, period{id: t.Format("200601"), start: t, end: t.AddDate(0, 1, 0), months: 1, month: int(t.Month())})
		}
	case "Quarterly":
		for t := start; t.Before(end); t = t.AddDate(0, 3, 0) {
			id := fmt.Sprintf("%dQ%d", t.Year(), (int(t.Month())+2)/3)
			out = append(out, period{id: id, start: t, end: t.AddDate(0, 3, 0), months: 3, month: int(t.Month())})
		}
	case "Weekly":
		monday := start
		for monday.Weekday() != time.Monday {
			monday = monday.AddDate(0, 0, 1)
		}
		for ; monday.AddDate(0, 0, 3).Before(end); monday = monday.AddDate(0, 0, 7) {
			y, wk := monday.ISOWeek()
			out = append(out, period{id: fmt.Sprintf("%dW%d", y, wk), start: monday, end: monday.AddDate(0, 0, 7),
				months: 7 / 30.44, month: int(monday.AddDate(0, 0, 3).Month())})
		}
	}
	return out
}
