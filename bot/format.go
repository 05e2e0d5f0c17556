package bot

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// formatNumber shows a value the way the reader counts: 420000 is "42万" in
// Chinese and "420,000" in English; fractions keep up to two decimals.
func formatNumber(l Locale, v float64) string {
	if l == LocaleZH && math.Abs(v) >= 10000 {
		return trimFloat(v/10000) + "万"
	}
	neg := v < 0
	v = math.Abs(v)
	whole := math.Floor(v)
	frac := trimFloat(v - whole)
	s := strconv.FormatFloat(whole, 'f', 0, 64)
	if l == LocaleEN {
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
	}
	if frac != "0" {
		s += strings.TrimPrefix(frac, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

func trimFloat(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// withUnit appends a unit: "8%" and "42万元".
func withUnit(l Locale, v float64, unit string) string {
	s := formatNumber(l, v)
	if unit == "" {
		return s
	}
	if unit == "%" || l == LocaleZH || isCJK([]rune(unit)[0]) {
		return s + unit
	}
	return s + " " + unit
}

var weekdaysZH = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// formatDate shows a calendar date (stored as midnight UTC) as is.
func formatDate(l Locale, d time.Time) string {
	if d.IsZero() {
		return "-"
	}
	s := d.Format("2006-01-02")
	if l == LocaleZH {
		return s + " " + weekdaysZH[d.Weekday()]
	}
	return s + " " + d.Format("Mon")
}

// formatTime shows an instant in the reader's time zone.
func formatTime(l Locale, t time.Time, tz *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(tz)
	if l == LocaleZH {
		return t.Format("2006-01-02 ") + weekdaysZH[t.Weekday()] + t.Format(" 15:04")
	}
	return t.Format("2006-01-02 Mon 15:04 MST")
}

// formatPercent shows 0–100 as "62%".
func formatPercent(p float64) string { return strconv.Itoa(int(math.Round(p))) + "%" }

// zeroTime is the zero instant, for clearing a date.
func zeroTime() time.Time { return time.Time{} }
