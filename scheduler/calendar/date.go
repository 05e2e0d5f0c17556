package calendar

import (
	"fmt"
	"time"
)

// Date is a civil calendar day with no clock and no time zone. Working days
// are a property of the day as people in the tenant's region see it, so the
// calendar never deals in instants: the caller turns an instant into a Date
// in the recipient's zone (DateOf(t.In(loc))) and back (d.In(loc)).
//
// Date is comparable and usable as a map key; the zero Date is "no date".
// Values built with a struct literal must be valid; use ParseDate or DateOf
// when in doubt, both of which normalise.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the only textual form: ISO 8601, as in the State Council
// notices' data sets and in override files.
const dateLayout = "2006-01-02"

// DateOf is the civil day t falls on in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// NewDate normalises y-m-d the way time.Date does (2026-02-30 is 2026-03-02),
// so callers doing arithmetic on fields always get a real day.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// ParseDate reads "2006-01-02" and rejects anything else, including days
// that do not exist, so a typo in an override file is an error, not a
// silently shifted day.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD, a real day", s)
	}
	return DateOf(t), nil
}

// String formats d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In is midnight of d in loc, the start of that day for its recipients.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves d by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date {
	return NewDate(d.Year, d.Month, d.Day+n)
}

// Weekday is the day of the week d falls on.
func (d Date) Weekday() time.Weekday {
	return d.In(time.UTC).Weekday()
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Compare returns -1, 0 or +1 as d is before, equal to or after e, for
// sorting and range checks.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// MarshalText writes d as "2006-01-02", so a Date reads naturally in JSON,
// YAML and logs.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02" (see ParseDate).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
