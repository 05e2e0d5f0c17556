package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseTimeNode reads an action's time node as typed, in either language:
// a date ("2026-12-31", "12月31日前", "by 2026-12-31 17:00") or a cadence
// ("每周五 17:00前", "每周一、三、五 9:00", "隔周五", "每日9:00",
// "每个工作日 9:00", "每月25日", "every Friday by 17:00", "every other
// Monday", "daily 9am", "every working day 9:00", "monthly on the 25th").
// The whole of s must be read: a word it does not know fails it.
func ParseTimeNode(s string, now time.Time, tz *time.Location) (TimeNode, bool) {
	s = strings.ToLower(strings.TrimSpace(toHalfWidth(s)))
	if s == "" {
		return TimeNode{}, false
	}
	s, by := cutBy(s)
	s, clock, ok := cutClock(s)
	if !ok {
		return TimeNode{}, false
	}
	t, ok := parseCadence(s)
	if !ok {
		d, dok := ParseDate(strings.TrimSpace(strings.TrimPrefix(s, "on ")), now, tz)
		if !dok {
			return TimeNode{}, false
		}
		t = TimeNode{Repeat: RepeatOnce, Date: DateOnly(d)}
	}
	t.Clock, t.By = clock, by
	return t, true
}

// cutBy removes the words that make a time node a deadline.
func cutBy(s string) (string, bool) {
	for _, suf := range []string{"之前", "以前", "前", "截止"} {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSpace(strings.TrimSuffix(s, suf)), true
		}
	}
	for _, w := range []string{"no later than ", "before ", "by ", "due ", "until "} {
		if i := strings.Index(" "+s, " "+w); i >= 0 {
			return strings.Join(strings.Fields(s[:i]+" "+s[i+len(w):]), " "), true
		}
	}
	return s, false
}

var (
	clockEN = regexp.MustCompile(`(?:^|\s)(?:at\s+)?(\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})(?:\s|$)`)
	clockZH = regexp.MustCompile(`(?:上午|早上|下午|晚上)?\d{1,2}(?::\d{2}|点(?:半|\d{1,2}分?)?)`)
)

// cutClock takes the time of day out of s; ok is false when it is not a
// real time (25:00).
func cutClock(s string) (rest, clock string, ok bool) {
	loc := clockEN.FindStringSubmatchIndex(s)
	var raw string
	if loc != nil {
		raw = s[loc[2]:loc[3]]
		rest = s[:loc[0]] + " " + s[loc[1]:]
	} else if loc = clockZH.FindStringIndex(s); loc != nil && !strings.HasPrefix(s[loc[1]:], "日") && !strings.HasPrefix(s[loc[1]:], "号") {
		raw = s[loc[0]:loc[1]]
		rest = s[:loc[0]] + " " + s[loc[1]:]
	} else {
		return s, "", true
	}
	h, m, ok := ParseClock(strings.ReplaceAll(raw, " ", ""))
	if !ok {
		return s, "", false
	}
	return strings.Join(strings.Fields(rest), " "), pad2(h) + ":" + pad2(m), true
}

var (
	weeklyZH  = regexp.MustCompile(`^(每|隔)(两|二|2|三|3)?个?(?:周|星期|礼拜)的?(?:周|星期|礼拜)?([一二三四五六日天1-7、,/和及 ]+)$`)
	monthlyZH = regexp.MustCompile(`^每个?月的?(\d{1,2})(?:日|号)$`)
	monthlyEN = regexp.MustCompile(`^(?:(?:every|each) month|monthly)(?: on)?(?: the)? (\d{1,2})(?:st|nd|rd|th)?$|^(?:on )?(?:the )?(\d{1,2})(?:st|nd|rd|th)? (?:of )?(?:every|each) month$`)
	weeklyEN  = regexp.MustCompile(`^(?:(?:every|each)(?: (other|2|two|second|3|three))?(?: weeks?)?|weekly|bi-?weekly|fortnightly)?\s*(?:on )?([a-z][a-z ,/&]*)$`)
)

// parseCadence reads a repeating time node without its time of day.
func parseCadence(s string) (TimeNode, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "每天", "每日", "天天", "daily", "every day", "each day", "everyday":
		return TimeNode{Repeat: RepeatDaily}, true
	case "每个工作日", "每工作日", "工作日", "工作日每天", "每个工作日早上", "every working day", "every workday", "every weekday",
		"working days", "workdays", "weekdays", "every business day", "each working day":
		return TimeNode{Repeat: RepeatWorkdays}, true
	}
	if m := monthlyZH.FindStringSubmatch(s); m != nil {
		return monthly(m[1])
	}
	if m := monthlyEN.FindStringSubmatch(s); m != nil {
		return monthly(m[1] + m[2])
	}
	if m := weeklyZH.FindStringSubmatch(s); m != nil {
		days, ok := readWeekdaysZH(m[3])
		every := 1
		if m[1] == "隔" {
			every = 2
		}
		if m[2] != "" {
			every = map[string]int{"两": 2, "二": 2, "2": 2, "三": 3, "3": 3}[m[2]]
		}
		return weekly(days, every, ok)
	}
	if m := weeklyEN.FindStringSubmatch(s); m != nil {
		if !strings.HasPrefix(s, "every") && !strings.HasPrefix(s, "each") && !strings.Contains(s, "weekly") && !strings.HasPrefix(s, "fortnightly") && !strings.HasSuffix(strings.Fields(m[2])[0], "s") {
			return TimeNode{}, false // "friday" alone is a date, not a cadence
		}
		days, ok := readWeekdaysEN(m[2])
		every := 1
		if m[1] == "3" || m[1] == "three" {
			every = 3
		} else if m[1] != "" || strings.HasPrefix(s, "bi") || strings.HasPrefix(s, "fortnightly") {
			every = 2
		}
		return weekly(days, every, ok)
	}
	return TimeNode{}, false
}

func monthly(day string) (TimeNode, bool) {
	d, err := strconv.Atoi(day)
	if err != nil || d < 1 || d > 31 {
		return TimeNode{}, false
	}
	return TimeNode{Repeat: RepeatMonthly, Day: d}, true
}

func weekly(days []time.Weekday, every int, ok bool) (TimeNode, bool) {
	if !ok || len(days) == 0 {
		return TimeNode{}, false
	}
	if every == 1 {
		every = 0
	}
	return TimeNode{Repeat: RepeatWeekly, Weekdays: days, Every: every}, true
}

// readWeekdaysZH reads "五", "一、三、五", "一三五", "日".
func readWeekdaysZH(s string) ([]time.Weekday, bool) {
	var days []time.Weekday
	for _, r := range s {
		i := strings.IndexRune("日一二三四五六", r)
		switch {
		case strings.ContainsRune("、,/和及 ", r):
			continue
		case r == '天':
			i = 0
		case r >= '1' && r <= '7':
			i = int(r-'0') % 7
		case i < 0:
			return nil, false
		default:
			i = len([]rune("日一二三四五六"[:i]))
		}
		days = addDay(days, time.Weekday(i))
	}
	return days, true
}

// readWeekdaysEN reads "friday", "fridays", "mon, wed and fri", "tue/thu".
func readWeekdaysEN(s string) ([]time.Weekday, bool) {
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	var days []time.Weekday
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '/' || r == '&' }) {
		if w == "and" || w == "on" {
			continue
		}
		found := false
		for i, n := range names {
			full := time.Weekday(i).String()
			lw := strings.ToLower(full)
			if w == n || w == n+"s" || w == lw || w == lw+"s" || (len(w) > 3 && strings.HasPrefix(lw, w)) {
				days, found = addDay(days, time.Weekday(i)), true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return days, true
}

// addDay adds d to days once, keeping them in week order.
func addDay(days []time.Weekday, d time.Weekday) []time.Weekday {
	for i, x := range days {
		if x == d {
			return days
		}
		if x > d {
			return append(days[:i], append([]time.Weekday{d}, days[i:]...)...)
		}
	}
	return append(days, d)
}

// leadingTimeNode finds a cadence at the start of an action's text, as in
// "每周五17:00前更新拜访记录" or "每日9:00站会": the longest prefix that
// reads as a repeating time node, with something left after it.
func leadingTimeNode(text string, now time.Time, tz *time.Location) (TimeNode, bool) {
	rs := []rune(strings.TrimSpace(text))
	for n := len(rs) - 1; n > 1; n-- {
		if t, ok := ParseTimeNode(string(rs[:n]), now, tz); ok && t.Recurs() {
			return t, true
		}
	}
	return TimeNode{}, false
}
