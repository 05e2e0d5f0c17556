package calendar

import (
	"testing"
	"time"
)

func TestAddWorkdays(t *testing.T) {
	c := newCal(t, nil)
	tests := []struct {
		region, from string
		n            int
		want         string
	}{
		// Golden cases: the interview notice, 3 working days ahead.
		{"CN", "2026-10-12", -3, "2026-10-08"}, // counts make-up Sat 10-10
		{"CN", "2026-02-24", -3, "2026-02-12"}, // counts make-up Sat 02-14
		{"CN", "2026-05-06", -3, "2026-04-28"},
		// More of 2026 around National Day and Spring Festival.
		{"CN", "2026-10-08", -3, "2026-09-28"},
		{"CN", "2026-09-22", -3, "2026-09-18"}, // counts make-up Sun 09-20
		{"CN", "2026-03-02", -3, "2026-02-26"}, // counts make-up Sat 02-28
		{"CN", "2026-01-05", -3, "2025-12-30"}, // counts make-up Sun 01-04, crosses the year
		// 2025 equivalents.
		{"CN", "2025-10-13", -3, "2025-10-09"}, // counts make-up Sat 10-11
		{"CN", "2025-10-09", -3, "2025-09-28"}, // 09-30, 09-29, then make-up Sun 09-28
		{"CN", "2025-02-05", -3, "2025-01-24"}, // counts make-up Sun 01-26
		{"CN", "2025-02-10", -3, "2025-02-06"}, // counts make-up Sat 02-08
		{"CN", "2025-05-06", -3, "2025-04-28"},
		{"CN", "2025-04-29", -3, "2025-04-25"}, // counts make-up Sun 04-27
		// Forwards: the archive reminder and the next working day.
		{"CN", "2026-09-30", 1, "2026-10-08"},
		{"CN", "2026-02-13", 1, "2026-02-14"},
		{"CN", "2025-09-30", 3, "2025-10-11"}, // 10-09, 10-10, make-up Sat 10-11
		{"CN", "2026-10-12", 0, "2026-10-12"},
		// Other regions count Monday–Friday.
		{"US", "2026-10-12", -3, "2026-10-07"},
		{"GB", "2026-02-24", -3, "2026-02-19"},
	}
	for _, tt := range tests {
		got := c.AddWorkdays("acme", tt.region, day(t, tt.from), tt.n)
		if got.String() != tt.want {
			t.Errorf("AddWorkdays(%s, %s, %d) = %v, want %s", tt.region, tt.from, tt.n, got, tt.want)
		}
	}
}

func TestLastWorkdayOfWeek(t *testing.T) {
	c := newCal(t, map[string][]Override{
		// Thursday and Friday off in a week whose Saturday is a make-up day.
		"retreat": {{Date: Date{2026, time.October, 8}}, {Date: Date{2026, time.October, 9}}},
	})
	tests := []struct {
		tenant, region, in string
		want               string // "" when the week has no working day
	}{
		{"acme", "CN", "2026-09-25", "2026-09-24"}, // 中秋 Friday → Thursday
		{"acme", "CN", "2026-10-04", "2026-09-30"}, // Thu 10-01 and Fri 10-02 off → Wednesday
		{"acme", "CN", "2026-05-01", "2026-04-30"},
		{"acme", "CN", "2026-06-19", "2026-06-18"},
		{"acme", "CN", "2026-01-02", "2025-12-31"}, // Thu 01-01 off too; make-up Sun 01-04 never chosen
		{"acme", "CN", "2026-02-20", ""},           // Spring Festival: Mon–Fri all off
		{"acme", "CN", "2026-02-13", "2026-02-13"}, // make-up Sat 02-14 not chosen
		{"acme", "CN", "2026-10-10", "2026-10-09"}, // make-up Sat 10-10 not chosen
		{"retreat", "CN", "2026-10-09", ""},        // only the make-up Saturday works: skipped
		{"acme", "CN", "2025-10-10", "2025-10-10"},
		{"acme", "CN", "2025-01-31", "2025-01-27"},
		{"acme", "US", "2026-10-02", "2026-10-02"},
		{"acme", "US", "2026-10-03", "2026-10-02"}, // a Saturday asks about its own week
	}
	for _, tt := range tests {
		got, ok := c.LastWorkdayOfWeek(tt.tenant, tt.region, day(t, tt.in))
		if tt.want == "" {
			if ok {
				t.Errorf("LastWorkdayOfWeek(%s, %s) = %v, want none", tt.tenant, tt.in, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("LastWorkdayOfWeek(%s, %s) = %v, %v; want %s", tt.tenant, tt.in, got, ok, tt.want)
		}
	}
}

func TestWeekdayOrEarlier(t *testing.T) {
	c := newCal(t, nil)
	got, ok := c.WeekdayOrEarlier("acme", "CN", day(t, "2026-10-01"), time.Thursday)
	if !ok || got.String() != "2026-09-30" {
		t.Errorf("Thursday of 2026-10-01's week = %v, %v; want 2026-09-30", got, ok)
	}
	got, ok = c.WeekdayOrEarlier("acme", "CN", day(t, "2026-09-30"), time.Monday)
	if !ok || got.String() != "2026-09-28" {
		t.Errorf("Monday of 2026-09-30's week = %v, %v; want 2026-09-28", got, ok)
	}
}

func TestMonthlyDay(t *testing.T) {
	c := newCal(t, map[string][]Override{"acme": {{Date: Date{2026, time.March, 25}, Note: "offsite"}}})
	tests := []struct {
		tenant, region string
		year           int
		month          time.Month
		day            int
		want           string
	}{
		{"x", "CN", 2026, time.March, 25, "2026-03-25"},
		{"x", "CN", 2026, time.January, 25, "2026-01-23"},  // Sunday
		{"x", "CN", 2026, time.April, 25, "2026-04-24"},    // Saturday
		{"x", "CN", 2026, time.October, 25, "2026-10-23"},  // Sunday
		{"x", "CN", 2020, time.January, 25, "2020-01-23"},  // Saturday in Spring Festival 01-24..02-02
		{"x", "CN", 2026, time.February, 20, "2026-02-14"}, // Spring Festival → make-up Sat 02-14 is a working day
		{"x", "CN", 2026, time.February, 31, "2026-02-28"}, // past the end: last day, a make-up Saturday
		{"x", "CN", 2026, time.October, 5, "2026-09-30"},   // National Day: into the previous month
		{"acme", "CN", 2026, time.March, 25, "2026-03-24"}, // the tenant's day off
		{"x", "US", 2026, time.January, 25, "2026-01-23"},
		{"x", "US", 2026, time.February, 20, "2026-02-20"},
	}
	for _, tt := range tests {
		got := c.MonthlyDay(tt.tenant, tt.region, tt.year, tt.month, tt.day)
		if got.String() != tt.want {
			t.Errorf("MonthlyDay(%s, %s, %d-%02d-%02d) = %v, want %s", tt.tenant, tt.region, tt.year, tt.month, tt.day, got, tt.want)
		}
	}
}
