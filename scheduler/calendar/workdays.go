package calendar

import "time"

// maxScan bounds every walk over the calendar. Weekdays are working days
// unless a holiday or override says otherwise, so a real calendar never
// gets near it; it only stops a tenant who overrides years of days off
// from hanging the planner.
const maxScan = 3660

// AddWorkdays is the n-th working day after d (n > 0) or before d (n < 0),
// never counting d itself; n == 0 returns d. Make-up Saturdays and Sundays
// count, holidays don't: with the 2026 notice, AddWorkdays(…, 2026-10-12,
// -3) is 10-08, counting Sat 10-10. The interview notice is
// AddWorkdays(meeting, -3), the plan-ending prompt AddWorkdays(end, -3) and
// the archive reminder AddWorkdays(interview, 1).
func (c *Calendar) AddWorkdays(tenant, region string, d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for i := 0; n > 0 && i < maxScan; i++ {
		d = d.AddDays(step)
		if ok, _ := c.IsWorkday(tenant, region, d); ok {
			n--
		}
	}
	return d
}

// NextWorkday is the first working day after d: when the missed-update
// escalation and catch-up deadlines fall.
func (c *Calendar) NextWorkday(tenant, region string, d Date) Date {
	return c.AddWorkdays(tenant, region, d, 1)
}

// LastWorkdayOfWeek is the day of the Friday reminder in the ISO week
// (Monday–Sunday) containing d: Friday if it is a working day, otherwise the
// last earlier working day of that week. A make-up Saturday or Sunday is
// never chosen, since nobody expects the weekly update on a weekend, and the
// reminder never moves into another week, whose update it would not be
// about. ok is false when Monday to Friday are all days off (2026-02-16 to
// 02-20, Spring Festival): the scheduler skips that week.
func (c *Calendar) LastWorkdayOfWeek(tenant, region string, d Date) (Date, bool) {
	return c.WeekdayOrEarlier(tenant, region, d, time.Friday)
}

// WeekdayOrEarlier is LastWorkdayOfWeek for a tenant whose weekly day is
// not Friday: day in d's ISO week if it is a working day, else the last
// earlier working day from Monday to Friday of that week.
func (c *Calendar) WeekdayOrEarlier(tenant, region string, d Date, day time.Weekday) (Date, bool) {
	monday := d.AddDays(-((int(d.Weekday()) + 6) % 7))
	want := (int(day) + 6) % 7 // days after Monday
	if ok, _ := c.IsWorkday(tenant, region, monday.AddDays(want)); ok {
		return monday.AddDays(want), true
	}
	for i := min(want-1, 4); i >= 0; i-- {
		if ok, _ := c.IsWorkday(tenant, region, monday.AddDays(i)); ok {
			return monday.AddDays(i), true
		}
	}
	return Date{}, false
}

// MonthlyDay is the monthly review prompt's day: day of month (the 25th)
// moved back to the previous working day when it is not one. A day past
// the month's end means its last day, so "31" works every month. If the
// month holds no working day up to it, the search carries on into the
// previous month rather than skip the prompt.
func (c *Calendar) MonthlyDay(tenant, region string, year int, month time.Month, day int) Date {
	last := NewDate(year, month+1, 0).Day
	d := Date{year, month, min(max(day, 1), last)}
	for i := 0; i < maxScan; i++ {
		if ok, _ := c.IsWorkday(tenant, region, d); ok {
			return d
		}
		d = d.AddDays(-1)
	}
	return d
}
