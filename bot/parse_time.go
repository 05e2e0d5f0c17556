package bot

import (
	"strconv"
	"strings"
	"time"
)

// ParseDate reads a calendar date as typed in chat: "2026-12-03", "2026/12/3",
// "2026.12.3", "12-03", "12/3", "12月3日", "2026年12月3日", "今天", "明天",
// "today", "tomorrow", "14天后", "+14d". Dates without a year take the next occurrence on or
// after now. The result is midnight in loc.
func ParseDate(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(strings.ToLower(toHalfWidth(s)))
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	switch s {
	case "today", "今天", "今日":
		return today, true
	case "tomorrow", "明天", "明日":
		return today.AddDate(0, 0, 1), true
	}
	if n, ok := daysAhead(s); ok {
		return today.AddDate(0, 0, n), true
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "", "/", "-", ".", "-").Replace(s)
	s = strings.TrimSuffix(s, "-")
	parts := strings.Split(s, "-")
	nums := make([]int, 0, 3)
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" {
			return time.Time{}, false
		}
		nums = append(nums, n)
	}
	var y, m, d int
	switch len(nums) {
	case 3:
		y, m, d = nums[0], nums[1], nums[2]
		if y < 100 {
			y += 2000
		}
	case 2:
		y, m, d = today.Year(), nums[0], nums[1]
	default:
		return time.Time{}, false
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 2000 || y > 2200 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d { // 2月30日
		return time.Time{}, false
	}
	if len(nums) == 2 && t.Before(today) {
		t = t.AddDate(1, 0, 0)
	}
	return t, true
}

// daysAhead reads a date relative to today: "14天后", "+14d", "+14days".
func daysAhead(s string) (int, bool) {
	var num string
	switch {
	case strings.HasSuffix(s, "天后"):
		num = strings.TrimSuffix(s, "天后")
	case strings.HasPrefix(s, "+"):
		num = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s[1:], "days"), "day"), "d")
	default:
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 366 {
		return 0, false
	}
	return n, true
}

// ParseClock reads a time of day: "15:00", "9:30", "15点", "15点30", "下午3点",
// "3pm", "3:30pm". It returns hours and minutes.
func ParseClock(s string) (h, m int, ok bool) {
	s = strings.TrimSpace(strings.ToLower(toHalfWidth(s)))
	pm, am := false, false
	for _, p := range []string{"下午", "晚上", "pm"} {
		if strings.Contains(s, p) {
			pm = true
			s = strings.ReplaceAll(s, p, "")
		}
	}
	for _, p := range []string{"上午", "早上", "am"} {
		if strings.Contains(s, p) {
			am = true
			s = strings.ReplaceAll(s, p, "")
		}
	}
	s = strings.TrimSpace(strings.NewReplacer("点半", ":30", "点", ":", "分", "", "时", ":").Replace(s))
	s = strings.TrimSuffix(s, ":")
	hs, ms, found := strings.Cut(s, ":")
	var err error
	if h, err = strconv.Atoi(hs); err != nil {
		return 0, 0, false
	}
	if found && ms != "" {
		if m, err = strconv.Atoi(ms); err != nil {
			return 0, 0, false
		}
	}
	if pm && h < 12 {
		h += 12
	}
	if am && h == 12 {
		h = 0
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// ParseDateTime reads "2026-12-03 15:00", "12月3日 15:00", "2026-12-03T15:00"
// or a date alone (then 10:00) in loc.
func ParseDateTime(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(toHalfWidth(s))
	s = strings.Replace(s, "T", " ", 1)
	fields := strings.Fields(s)
	if len(fields) == 1 {
		// "12月3日15:00" without a space
		if i := strings.IndexAny(fields[0], "日号"); i > 0 && i+3 < len(fields[0]) {
			fields = []string{fields[0][:i+3], fields[0][i+3:]}
		}
	}
	if len(fields) == 0 || len(fields) > 2 {
		return time.Time{}, false
	}
	d, ok := ParseDate(fields[0], now, loc)
	if !ok {
		return time.Time{}, false
	}
	h, m := 10, 0
	if len(fields) == 2 {
		if h, m, ok = ParseClock(fields[1]); !ok {
			return time.Time{}, false
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc), true
}

// DateOnly stores a calendar date as midnight UTC so it means the same day
// to every reader.
func DateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// WeekKey is the ISO week t falls in, in loc: "2026-W47". Weekly updates and
// reminders are keyed by it.
func WeekKey(t time.Time, loc *time.Location) string {
	y, w := t.In(loc).ISOWeek()
	return strconv.Itoa(y) + "-W" + pad2(w)
}

// QuarterKey is the quarter t falls in, in loc: "2026-Q4".
func QuarterKey(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return strconv.Itoa(t.Year()) + "-Q" + strconv.Itoa((int(t.Month())-1)/3+1)
}

// MonthKey is the month t falls in, in loc: "2026-11".
func MonthKey(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return strconv.Itoa(t.Year()) + "-" + pad2(int(t.Month()))
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
