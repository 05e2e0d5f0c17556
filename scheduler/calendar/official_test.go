package calendar

import (
	"os"
	"strings"
	"testing"
	"time"
)

// notice is a year's State Council notice as published, written out by
// hand from the text (2025: issued 2024-11-12; 2026: issued 2025-11-04,
// https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm; 2027:
// the notice of November 2026, first compiled into lunar-go v1.4.7), so the
// compiled-in data is checked against the source, not against itself.
type notice struct {
	year    int
	periods []struct{ name, from, to string }
	makeup  []struct{ name, date string }
}

var notices = []notice{
	{
		year: 2025,
		periods: []struct{ name, from, to string }{
			{"元旦节", "2025-01-01", "2025-01-01"},
			{"春节", "2025-01-28", "2025-02-04"},
			{"清明节", "2025-04-04", "2025-04-06"},
			{"劳动节", "2025-05-01", "2025-05-05"},
			{"端午节", "2025-05-31", "2025-06-02"},
			{"国庆中秋", "2025-10-01", "2025-10-08"},
		},
		makeup: []struct{ name, date string }{
			{"春节", "2025-01-26"}, {"春节", "2025-02-08"}, {"劳动节", "2025-04-27"},
			{"国庆中秋", "2025-09-28"}, {"国庆中秋", "2025-10-11"},
		},
	},
	{
		year: 2026,
		periods: []struct{ name, from, to string }{
			{"元旦节", "2026-01-01", "2026-01-03"},
			{"春节", "2026-02-15", "2026-02-23"},
			{"清明节", "2026-04-04", "2026-04-06"},
			{"劳动节", "2026-05-01", "2026-05-05"},
			{"端午节", "2026-06-19", "2026-06-21"},
			{"中秋节", "2026-09-25", "2026-09-27"},
			{"国庆节", "2026-10-01", "2026-10-07"},
		},
		makeup: []struct{ name, date string }{
			{"元旦节", "2026-01-04"}, {"春节", "2026-02-14"}, {"春节", "2026-02-28"},
			{"劳动节", "2026-05-09"}, {"国庆节", "2026-09-20"}, {"国庆节", "2026-10-10"},
		},
	},
	{
		year: 2027,
		periods: []struct{ name, from, to string }{
			{"元旦节", "2027-01-01", "2027-01-03"},
			{"春节", "2027-02-05", "2027-02-13"}, // nine days, 除夕 to 初八
			{"清明节", "2027-04-03", "2027-04-05"},
			{"劳动节", "2027-05-01", "2027-05-05"},
			{"端午节", "2027-06-09", "2027-06-09"}, // a Wednesday, one day
			{"中秋节", "2027-09-15", "2027-09-15"}, // a Wednesday, one day
			{"国庆节", "2027-10-01", "2027-10-07"},
		},
		makeup: []struct{ name, date string }{
			{"春节", "2027-01-31"}, {"春节", "2027-02-14"}, {"劳动节", "2027-05-08"},
			{"国庆节", "2027-09-26"}, {"国庆节", "2027-10-09"},
		},
	},
}

func TestOfficialYearsMatchNotices(t *testing.T) {
	c := newCal(t, nil)
	for _, n := range notices {
		var want YearInfo
		for _, p := range n.periods {
			for d := day(t, p.from); d.Compare(day(t, p.to)) <= 0; d = d.AddDays(1) {
				want.Holidays = append(want.Holidays, Day{d, p.name})
			}
		}
		for _, m := range n.makeup {
			want.MakeupDays = append(want.MakeupDays, Day{day(t, m.date), m.name})
		}
		got := c.Year("CN", n.year)
		if !got.Official {
			t.Errorf("%d: Official = false", n.year)
		}
		if !equalDays(got.Holidays, want.Holidays) {
			t.Errorf("%d holidays:\n got %v\nwant %v", n.year, got.Holidays, want.Holidays)
		}
		if !equalDays(got.MakeupDays, want.MakeupDays) {
			t.Errorf("%d make-up days:\n got %v\nwant %v", n.year, got.MakeupDays, want.MakeupDays)
		}
		for _, d := range want.Holidays {
			if ok, info := c.IsWorkday("t", "CN", d.Date); ok || info.Reason != ReasonHoliday || info.Name != d.Name || info.Provisional {
				t.Errorf("IsWorkday(%v) = %v, %+v; want a day off for %s", d.Date, ok, info, d.Name)
			}
		}
		for _, d := range want.MakeupDays {
			wd := d.Date.Weekday()
			if wd != time.Saturday && wd != time.Sunday {
				t.Errorf("make-up day %v is a %v", d.Date, wd)
			}
			if ok, info := c.IsWorkday("t", "CN", d.Date); !ok || info.Reason != ReasonMakeup || info.Name != d.Name {
				t.Errorf("IsWorkday(%v) = %v, %+v; want a make-up working day", d.Date, ok, info)
			}
		}
	}
}

func equalDays(a, b []Day) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOfficialDays(t *testing.T) {
	c := newCal(t, nil)
	tests := []struct {
		date   string
		want   bool
		reason Reason
	}{
		// The Fridays off in 2026 (SCHEDULING.md).
		{"2026-01-02", false, ReasonHoliday},
		{"2026-02-20", false, ReasonHoliday},
		{"2026-05-01", false, ReasonHoliday},
		{"2026-06-19", false, ReasonHoliday},
		{"2026-09-25", false, ReasonHoliday},
		{"2026-10-02", false, ReasonHoliday},
		// Make-up Sundays and Saturdays work.
		{"2026-01-04", true, ReasonMakeup},
		{"2026-09-20", true, ReasonMakeup},
		{"2026-02-14", true, ReasonMakeup},
		{"2025-01-26", true, ReasonMakeup},
		{"2025-02-08", true, ReasonMakeup},
		// Ordinary days around them.
		{"2026-10-09", true, ReasonWeekday},
		{"2026-10-11", false, ReasonWeekend},
		{"2026-02-24", true, ReasonWeekday},
		{"2025-10-09", true, ReasonWeekday},
		{"2025-10-12", false, ReasonWeekend},
		// A weekend that merely adjoins a holiday is an ordinary weekend.
		{"2026-01-03", false, ReasonHoliday},
		{"2026-04-03", true, ReasonWeekday},
		// 2027 as published: what the statutory fallback got wrong.
		{"2027-02-09", false, ReasonHoliday}, // 9–12 February: bridging days off
		{"2027-02-12", false, ReasonHoliday},
		{"2027-05-03", false, ReasonHoliday}, // 3–5 May
		{"2027-05-05", false, ReasonHoliday},
		{"2027-10-04", false, ReasonHoliday}, // 4–7 October
		{"2027-10-07", false, ReasonHoliday},
		{"2027-01-31", true, ReasonMakeup}, // make-up Sundays
		{"2027-02-14", true, ReasonMakeup},
		{"2027-05-08", true, ReasonMakeup}, // and Saturdays
		{"2027-10-09", true, ReasonMakeup},
		{"2027-02-15", true, ReasonWeekday},
		{"2027-10-10", false, ReasonWeekend},
		{"2027-06-10", true, ReasonWeekday}, // 端午 is one day
	}
	for _, tt := range tests {
		got, info := c.IsWorkday("acme", "CN", day(t, tt.date))
		if got != tt.want || info.Reason != tt.reason || info.Provisional {
			t.Errorf("IsWorkday(%s) = %v, %+v; want %v, %s, not provisional", tt.date, got, info, tt.want, tt.reason)
		}
	}
}

func TestOfficialYearsCovered(t *testing.T) {
	c := newCal(t, nil)
	for y := 2002; y <= 2027; y++ {
		if !c.Year("CN", y).Official {
			t.Errorf("%d: not official; lunar-go v1.4.7 publishes 2002–2027", y)
		}
	}
	for _, y := range []int{2001, 2028} {
		if c.Year("CN", y).Official {
			t.Errorf("%d: official; lunar-go v1.4.7 has no notice for it", y)
		}
	}
	if got := c.Year("CN", 2027).Data; got != lunarSource {
		t.Errorf("2027 data from %q, want %q", got, lunarSource)
	}
}

// TestNoticeDays2027: the interview notice, three working days ahead,
// around the 2027 Spring Festival and National Day, where the nine-day
// break and the make-up days move it.
func TestNoticeDays2027(t *testing.T) {
	c := newCal(t, nil)
	tests := []struct{ meeting, notice string }{
		{"2027-02-16", "2027-02-04"}, // counts Mon 02-15 and Sun 02-14, then skips 02-05..13
		{"2027-02-17", "2027-02-14"}, // counts the make-up Sunday
		{"2027-02-03", "2027-01-31"}, // counts the make-up Sunday before the break
		{"2027-10-11", "2027-09-30"}, // counts Sat 10-09 and Fri 10-08, then skips 10-01..07
		{"2027-10-12", "2027-10-08"},
		{"2027-05-10", "2027-05-06"}, // counts Sat 05-08, skips 05-01..05
	}
	for _, tt := range tests {
		if got := c.AddWorkdays("acme", "CN", day(t, tt.meeting), -3); got != day(t, tt.notice) {
			t.Errorf("notice for a meeting on %s = %s, want %s", tt.meeting, got, tt.notice)
		}
	}
	// The Friday reminder: Spring Festival week has no working day at all;
	// National Day week's Friday 10-08 works again.
	if d, ok := c.LastWorkdayOfWeek("acme", "CN", day(t, "2027-02-10")); ok {
		t.Errorf("week of 2027-02-08: reminder on %s, want none (all days off)", d)
	}
	if d, ok := c.LastWorkdayOfWeek("acme", "CN", day(t, "2027-10-06")); !ok || d != day(t, "2027-10-08") {
		t.Errorf("week of 2027-10-04: reminder on %s (%v), want 2027-10-08", d, ok)
	}
}

func TestYearBoundaryBelongsToNextNotice(t *testing.T) {
	c := newCal(t, nil)
	// The 2024 notice gave 元旦 2023-12-30 to 2024-01-01.
	ok, info := c.IsWorkday("t", "CN", day(t, "2023-12-29"))
	if !ok || info.Reason != ReasonWeekday {
		t.Errorf("2023-12-29 = %v, %+v; want an ordinary Friday", ok, info)
	}
	for _, s := range []string{"2023-12-30", "2023-12-31", "2024-01-01"} {
		if ok, info := c.IsWorkday("t", "CN", day(t, s)); ok || info.Name != "元旦节" {
			t.Errorf("%s = %v, %+v; want 元旦节 off", s, ok, info)
		}
	}
	if got := c.Year("CN", 2024).Holidays[0]; got != (Day{day(t, "2023-12-30"), "元旦节"}) {
		t.Errorf("2024's first holiday = %v, want 2023-12-30 元旦节", got)
	}
	// 2019's 元旦 make-up Saturday was 2018-12-29.
	if ok, info := c.IsWorkday("t", "CN", day(t, "2018-12-29")); !ok || info.Reason != ReasonMakeup {
		t.Errorf("2018-12-29 = %v, %+v; want a make-up day", ok, info)
	}
}

// TestSourceMatchesGoMod keeps the reported data source honest: bumping
// lunar-go in go.mod fails here until lunarSource (and the goldens) follow.
func TestSourceMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Skip("go.mod not found:", err)
	}
	if !strings.Contains(string(mod), lunarSource+" ") && !strings.Contains(string(mod), lunarSource+"\n") {
		t.Errorf("go.mod does not require %s", lunarSource)
	}
}
