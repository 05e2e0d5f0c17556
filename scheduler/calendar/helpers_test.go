package calendar

import "testing"

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
