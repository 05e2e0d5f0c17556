package bot

import (
	"strings"
	"time"
)

// Repeat is how often an action's time node comes round.
type Repeat string

// Repeats of a time node.
const (
	RepeatOnce     Repeat = "once"     // one date: "2026-12-31前"
	RepeatDaily    Repeat = "daily"    // every day: "每日9:00站会"
	RepeatWorkdays Repeat = "workdays" // every working day of the tenant's calendar
	RepeatWeekly   Repeat = "weekly"   // on some weekdays, every Every weeks: "每周五17:00前"
	RepeatMonthly  Repeat = "monthly"  // on a day of the month: "每月25日"
)

// TimeNode is when an action is due (时间节点), in a form a scheduler can
// turn into reminders: a date, or a cadence with an optional time of day.
// The zero TimeNode means none was given.
type TimeNode struct {
	Repeat   Repeat         `json:"repeat,omitempty"`
	Date     time.Time      `json:"date,omitzero"`      // RepeatOnce: the day, stored at 00:00 UTC
	Weekdays []time.Weekday `json:"weekdays,omitempty"` // RepeatWeekly: Sunday is 0
	Every    int            `json:"every,omitempty"`    // RepeatWeekly: every N weeks; 0 and 1 mean every week
	Day      int            `json:"day,omitempty"`      // RepeatMonthly: 1–31, the month's last day when it is shorter
	Clock    string         `json:"clock,omitempty"`    // "17:00" in the tenant's zone; empty for no time of day
	By       bool           `json:"by,omitempty"`       // a deadline ("…前", "by"), not a start
	// Text is a time node stored before they were structured that could
	// not be read as one; it is kept and shown as it was typed.
	Text string `json:"text,omitempty"`
}

// IsZero reports whether no time node was given.
func (t TimeNode) IsZero() bool {
	return t.Repeat == "" && t.Text == "" && t.Date.IsZero()
}

// Recurs reports whether the node comes round more than once.
func (t TimeNode) Recurs() bool {
	return t.Repeat != "" && t.Repeat != RepeatOnce
}

// HourMinute is the node's time of day; ok is false when it has none.
func (t TimeNode) HourMinute() (h, m int, ok bool) {
	if t.Clock == "" {
		return 0, 0, false
	}
	return ParseClock(t.Clock)
}

// String shows the node in l: "每周五 17:00前", "every working day 9:00",
// "每两周周一", "by 2026-12-31".
func (t TimeNode) String(l Locale) string {
	var s string
	switch t.Repeat {
	case "":
		return t.Text
	case RepeatOnce:
		s = formatDate(l, t.Date)
	case RepeatDaily:
		s = T(l, "when.daily")
	case RepeatWorkdays:
		s = T(l, "when.workdays")
	case RepeatWeekly:
		var days []string
		for _, d := range t.Weekdays {
			days = append(days, weekdayName(l, d))
		}
		s = T(l, "when.weekly", strings.Join(days, T(l, "when.day_sep")))
		if t.Every > 1 {
			s = T(l, "when.weekly_n", strings.Join(days, T(l, "when.day_sep")), t.Every)
		}
	case RepeatMonthly:
		s = T(l, "when.monthly", t.Day)
	}
	switch {
	case t.By && t.Clock != "":
		return T(l, "when.by_clock", s, t.Clock)
	case t.By:
		return T(l, "when.by", s)
	case t.Clock != "":
		return s + " " + t.Clock
	}
	return s
}

// weekdayName is "周五" or "Friday".
func weekdayName(l Locale, d time.Weekday) string {
	if l == LocaleZH {
		return weekdaysZH[d]
	}
	return d.String()
}
