package storage

import "time"

// toDBTime prepares a time for a column: UTC, milliseconds, and NULL (nil)
// for the zero time, which MySQL's strict mode would reject.
func toDBTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := normTime(t)
	return &u
}

// fromDBTime reads a column back: NULL is the zero time, anything else UTC.
func fromDBTime(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

// normTime gives times inside JSON columns the same UTC, millisecond form as
// the time columns.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}
