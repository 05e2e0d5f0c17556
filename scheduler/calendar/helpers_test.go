package calendar

import (
	"testing"
	"time"
)

// at is a fixed clock for tests: noon Shanghai time on day s.
func at(t *testing.T, s string) func() time.Time {
	t.Helper()
	loc := time.FixedZone("CST", 8*3600)
	d := day(t, s)
	return func() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc) }
}

// day parses "2006-01-02" or fails the test.
func day(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newCal builds a Calendar with opts' overrides.
func newCal(t *testing.T, overrides map[string][]Override) *Calendar {
	t.Helper()
	c, err := New(Options{Overrides: overrides})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
