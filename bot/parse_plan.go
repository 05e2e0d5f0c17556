package bot

import (
	"strconv"
	"strings"
	"time"
)

// numbersFrom splits words into the leading name and the numbers after it,
// unglueing "销售额50万". It returns the name, the numbers with their units,
// and the words that follow the last number.
func numbersFrom(words []string) (name string, nums []float64, units []string, rest []string) {
	var nameParts []string
	i := 0
	for ; i < len(words); i++ {
		if _, _, ok := ParseNumber(words[i]); ok {
			break
		}
		if w, n, ok := splitGluedNumber(words[i]); ok {
			nameParts = append(nameParts, w)
			words = append(append(append([]string{}, words[:i]...), n), words[i+1:]...)
			break
		}
		nameParts = append(nameParts, words[i])
	}
	for ; i < len(words); i++ {
		v, u, ok := ParseNumber(words[i])
		if !ok {
			break
		}
		nums = append(nums, v)
		units = append(units, u)
	}
	return strings.Join(nameParts, " "), nums, units, words[i:]
}

// firstUnit is the first non-empty unit among units, else fallback.
func firstUnit(units []string, fallback string) string {
	for _, u := range units {
		if u != "" {
			return u
		}
	}
	return fallback
}

// parseGap reads "季度销售额 50万 35万 元" / "quarterly sales 500000 350000 CNY":
// metric, target, actual, optional unit.
func parseGap(words []string) (Gap, error) {
	name, nums, units, rest := numbersFrom(words)
	if name == "" || len(nums) != 2 || len(rest) > 1 {
		return Gap{}, Errorf(EINVALID, "err.gap_format")
	}
	unit := firstUnit(units, "")
	if len(rest) == 1 {
		unit = rest[0]
	}
	if err := checkNames(name, unit); err != nil {
		return Gap{}, err
	}
	return Gap{Metric: name, Target: nums[0], Actual: nums[1], Unit: unit}, nil
}

// parseCause reads "人 客户跟进不及时" / "person slow follow-up".
func parseCause(words []string) (RootCause, error) {
	if len(words) < 2 {
		return RootCause{}, Errorf(EINVALID, "err.cause_format")
	}
	d, ok := parseDimension(words[0])
	if !ok {
		return RootCause{}, Errorf(EINVALID, "err.cause_dimension", words[0])
	}
	text := strings.Join(words[1:], " ")
	if err := checkLength("cause_text", text, maxReason); err != nil {
		return RootCause{}, err
	}
	return RootCause{Dimension: d, Text: text}, nil
}

// parseDimension accepts 人/个人/person, 事/工作/work, 环境/environment and initials.
func parseDimension(w string) (Dimension, bool) {
	switch strings.ToLower(strings.Trim(w, "[]【】:：")) {
	case "人", "个人", "person", "people", "p":
		return DimPerson, true
	case "事", "工作", "work", "w":
		return DimWork, true
	case "环境", "environment", "env", "e":
		return DimEnvironment, true
	}
	return "", false
}

// parseGoal reads "客户投诉率 8% 3% 2个月" / "sales 350000 500000 CNY 2027-01-31":
// metric, baseline, target, optional unit, deadline (a date or a duration).
func parseGoal(words []string, now time.Time, tz *time.Location) (Goal, error) {
	name, nums, units, rest := numbersFrom(words)
	if name == "" || len(nums) < 2 {
		return Goal{}, Errorf(EINVALID, "err.goal_format")
	}
	g := Goal{Metric: name, Baseline: nums[0], Target: nums[1], Unit: firstUnit(units, "")}
	// A duration like "2 个月" is read as numbers: the third number and the
	// word after it.
	if len(nums) == 3 && len(rest) >= 1 {
		rest = append([]string{strconv.FormatFloat(nums[2], 'f', -1, 64) + units[2] + rest[0]}, rest[1:]...)
	} else if len(nums) == 3 {
		rest = []string{strconv.FormatFloat(nums[2], 'f', -1, 64) + units[2]}
	}
	if len(nums) > 3 {
		return Goal{}, Errorf(EINVALID, "err.goal_format")
	}
	if len(rest) == 0 {
		return Goal{}, Errorf(EINVALID, "err.goal_deadline_missing")
	}
	dl := rest[len(rest)-1]
	if len(rest) >= 2 {
		if _, ok := parseDeadline(rest[len(rest)-2]+rest[len(rest)-1], now, tz); ok {
			dl = rest[len(rest)-2] + rest[len(rest)-1]
			rest = rest[:len(rest)-1]
		}
	}
	d, ok := parseDeadline(dl, now, tz)
	if !ok {
		return Goal{}, Errorf(EINVALID, "err.bad_date", dl)
	}
	if !d.After(now) {
		return Goal{}, Errorf(EINVALID, "err.date_past", dl)
	}
	if len(rest) == 2 && g.Unit == "" {
		g.Unit = rest[0]
	} else if len(rest) > 1 {
		return Goal{}, Errorf(EINVALID, "err.goal_format")
	}
	if g.Baseline == g.Target {
		return Goal{}, Errorf(EINVALID, "err.goal_same")
	}
	if err := checkNames(g.Metric, g.Unit); err != nil {
		return Goal{}, err
	}
	g.Deadline = DateOnly(d)
	g.Current = g.Baseline
	if err := checkRange(&g, g.Baseline); err != nil {
		return Goal{}, err
	}
	if err := checkRange(&g, g.Target); err != nil {
		return Goal{}, err
	}
	return g, nil
}

// parseDeadline reads a date or a duration from now: "2个月", "3周", "2months",
// "6weeks", "30天", "30d".
func parseDeadline(s string, now time.Time, tz *time.Location) (time.Time, bool) {
	if d, ok := ParseDate(s, now, tz); ok {
		return d, true
	}
	s = strings.ToLower(strings.TrimSpace(toHalfWidth(s)))
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n <= 0 || n > 365 {
		return time.Time{}, false
	}
	local := now.In(tz)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, tz)
	switch strings.TrimSpace(s[i:]) {
	case "个月", "月", "month", "months", "mo", "m":
		return today.AddDate(0, n, 0), true
	case "周", "个星期", "星期", "week", "weeks", "w":
		return today.AddDate(0, 0, 7*n), true
	case "天", "日", "day", "days", "d":
		return today.AddDate(0, 0, n), true
	}
	return time.Time{}, false
}

// parseAction reads "更新拜访记录 | 每周五 17:00前 | 经理 | CRM 权限 | 拜访数":
// what, then when (a date or a cadence), resources and measure, in that
// order, all optional but what. The owner (员工, 经理, HR or a mention;
// the employee when none is given) may stand in any part after the first.
// A cadence that opens the text ("每周五17:00前更新拜访记录") is the time node
// when no part after it reads as one; the parts then are resources and
// metric. Errors name the part that is wrong.
func parseAction(text string, now time.Time, tz *time.Location) (Action, error) {
	parts := splitPipes(text)
	if parts[0] == "" {
		return Action{}, fieldErr("action_what", "err.action_format")
	}
	a := Action{What: parts[0], OwnerKind: OwnerEmployee, Status: ActionNotStarted}
	rest := parts[1:]
	for i, part := range rest {
		if k, id, ok := parseOwner(part); ok {
			a.OwnerKind, a.Owner = k, id
			rest = append(rest[:i:i], rest[i+1:]...)
			break
		}
	}
	if len(rest) > 3 {
		return Action{}, fieldErr("action_what", "err.action_format")
	}
	lead, led := leadingTimeNode(a.What, now, tz)
	switch {
	case len(rest) > 0 && rest[0] != "":
		t, err := parseWhen(rest[0], now, tz)
		if err != nil && led && len(rest) < 3 {
			// The text gave the time node; the parts are resources and metric.
			a.When, rest = lead, append([]string{""}, rest...)
			break
		}
		if err != nil {
			return Action{}, err
		}
		a.When = t
	case led:
		a.When = lead
	}
	if len(rest) > 1 {
		a.Resources = rest[1]
	}
	if len(rest) > 2 {
		a.Measure = rest[2]
	}
	for name, v := range map[string]string{"action_what": a.What, "action_resources": a.Resources, "action_measure": a.Measure} {
		if err := checkLength(name, v, maxReason); err != nil {
			return Action{}, err
		}
	}
	return a, nil
}

// parseWhen reads an action's time node, refusing a date already past.
func parseWhen(s string, now time.Time, tz *time.Location) (TimeNode, error) {
	t, ok := ParseTimeNode(s, now, tz)
	if !ok {
		return TimeNode{}, fieldErr("action_when", "err.bad_time_node", s)
	}
	if t.Repeat == RepeatOnce && t.Date.Before(DateOnly(now.In(tz))) {
		return TimeNode{}, fieldErr("action_when", "err.date_past", s)
	}
	return t, nil
}

// fieldErr is an EINVALID error about one input, named for forms.
func fieldErr(name, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Fields: []FieldError{{Name: name, Key: key, Args: args}}}
}

// parseType reads an employee type in either language, or its number 1–3.
func parseType(w string) (EmployeeType, bool) {
	switch strings.ToLower(strings.TrimSpace(w)) {
	case "1", "under_performer", "underperformer", "under", "待改进", "待提升", "绩效待改进":
		return TypeUnderPerformer, true
	case "2", "high_potential", "highpotential", "high", "hipo", "高潜", "高潜力":
		return TypeHighPotential, true
	case "3", "new_hire", "newhire", "new", "新员工", "新人":
		return TypeNewHire, true
	}
	return "", false
}

// isWord reports whether w is one of the given words, ignoring case.
func isWord(w string, words ...string) bool {
	w = strings.ToLower(strings.TrimSpace(w))
	for _, x := range words {
		if w == x {
			return true
		}
	}
	return false
}

var doneWords = []string{"done", "finish", "next", "完成", "好了", "下一步", "结束"}
var cancelWords = []string{"cancel", "exit", "quit", "stop", "取消", "退出", "停止"}
var skipWords = []string{"skip", "ok", "default", "跳过", "好", "默认", "可以"}

// checkNames keeps a metric and its unit short enough for a card's line.
func checkNames(metric, unit string) error {
	if err := checkLength("metric", metric, maxName); err != nil {
		return err
	}
	return checkLength("unit", unit, maxName)
}
