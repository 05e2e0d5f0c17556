package bot

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A plan card shows each goal's values week by week against its target
// line, so a reader sees the direction and not only today's snapshot. The
// engine builds the series from the weekly updates and the applied target
// adjustments; each platform draws them its own way (a Feishu chart
// component, a PNG in the Slack DM) or not at all (the terminal keeps the
// text bars, which every platform shows anyway).

// Limits of the trend charts on one card.
const (
	// maxTrendCharts is the charts one card carries: Feishu renders at
	// most five chart components per card well, and five trends are as
	// many as a reader compares at a glance.
	maxTrendCharts = 5
	// maxTrendWeeks keeps the latest weeks of a long (extended) plan, so a
	// chart stays readable and the card within the platforms' size limits.
	maxTrendWeeks = 16
)

// Trend is one goal's series: the value reported in each week of the plan
// (the last report of the week wins) against the target in force that week.
type Trend struct {
	Goal     int
	Metric   string
	Unit     string
	Baseline float64
	Weeks    []TrendWeek
}

// TrendWeek is one ISO week of a Trend.
type TrendWeek struct {
	Week     string  // "2026-W47", as updates are keyed
	Label    string  // the week's Monday, "11-16": short, ASCII, the same in both languages
	Value    float64 // the last value reported in the week; meaningful only when Reported
	Reported bool    // false: no update gave this goal a value this week
	Target   float64 // the target in force at the end of the week
}

// Reported counts the weeks with a value.
func (t Trend) Reported() int {
	n := 0
	for _, w := range t.Weeks {
		if w.Reported {
			n++
		}
	}
	return n
}

// Range is the span a chart's value axis needs: every reported value,
// every week's target and the baseline, with a tenth of the span to
// spare on each side (not below zero when no figure is).
func (t Trend) Range() (lo, hi float64) {
	lo, hi = t.Baseline, t.Baseline
	for _, w := range t.Weeks {
		lo, hi = min(lo, w.Target), max(hi, w.Target)
		if w.Reported {
			lo, hi = min(lo, w.Value), max(hi, w.Value)
		}
	}
	pad := (hi - lo) / 10
	if pad == 0 {
		pad = max(1, math.Abs(hi)/10)
	}
	if lo >= 0 {
		return max(0, lo-pad), hi + pad
	}
	return lo - pad, hi + pad
}

// Chart is a Trend to draw, with the words around it in the reader's
// language. Renderers that cannot draw it skip it: the goal's text bar
// is on the same card.
type Chart struct {
	Title string // "1. 季度销售额（元）"
	// Names of the lines, for legends: the reported values, the target
	// line and the baseline.
	ValueName, TargetName, BaselineName string
	// Alt is the chart as one line of text, for an image's alternative
	// text: "1. 季度销售额：11-09 35万 · 11-16 — · 11-23 41万；目标 50万".
	Alt string
	Trend
}

func (Chart) block() {}

// ChartsOf lists the charts of a message, in order.
func ChartsOf(m Message) []Chart {
	var out []Chart
	for _, b := range m.Blocks {
		if c, ok := b.(Chart); ok {
			out = append(out, c)
		}
	}
	return out
}

// WithoutCharts is m without its charts, for a surface that shows them
// apart from the message (the Slack DM) or has no room for them.
func WithoutCharts(m Message) Message {
	m.Blocks = slices.DeleteFunc(slices.Clone(m.Blocks), func(b Block) bool { _, ok := b.(Chart); return ok })
	return m
}

// BuildTrends is the series of every goal of p, in goal order, over the
// weeks from the plan's start to now (or its end or closing, when
// earlier), the latest maxTrendWeeks of them. Weeks are those of the
// updates as stored (in their authors' zones); now's week is taken in tz,
// the reader's zone. Targets follow the applied adjustments: before the
// first one a goal had that adjustment's From, after each its To.
func BuildTrends(p *Plan, updates []Update, adjs []Adjustment, now time.Time, tz *time.Location) []Trend {
	weeks := trendWeeks(p, updates, now, tz)
	out := make([]Trend, 0, len(p.Goals))
	ups := slices.Clone(updates)
	slices.SortStableFunc(ups, func(a, b Update) int { return a.At.Compare(b.At) })
	for _, g := range p.Goals {
		t := Trend{Goal: g.No, Metric: g.Metric, Unit: g.Unit, Baseline: g.Baseline}
		values := map[string]float64{}
		reported := map[string]bool{}
		for _, u := range ups {
			for _, v := range u.Values {
				if v.Goal == g.No {
					values[u.Week], reported[u.Week] = v.Value, true
				}
			}
		}
		steps := targetsOf(g, adjs, tz)
		for _, wk := range weeks {
			t.Weeks = append(t.Weeks, TrendWeek{Week: wk, Label: weekLabel(wk), Value: values[wk],
				Reported: reported[wk], Target: steps.at(wk)})
		}
		out = append(out, t)
	}
	return out
}

// trendWeeks are the ISO weeks a plan's charts span, oldest first: every
// week from the start's to the last one (now, the end or the closing,
// whichever comes first), plus any week an update was filed in outside
// them; the latest maxTrendWeeks.
func trendWeeks(p *Plan, updates []Update, now time.Time, tz *time.Location) []string {
	set := map[string]bool{}
	if !p.Start.IsZero() {
		last := now.In(tz)
		if !p.End.IsZero() {
			// End is a calendar date: its own day, wherever the reader is.
			if end := time.Date(p.End.Year(), p.End.Month(), p.End.Day(), 23, 59, 0, 0, tz); end.Before(last) {
				last = end
			}
		}
		if !p.ClosedAt.IsZero() && p.ClosedAt.Before(last) {
			last = p.ClosedAt.In(tz)
		}
		start := time.Date(p.Start.Year(), p.Start.Month(), p.Start.Day(), 0, 0, 0, 0, tz)
		if !start.After(last) {
			// Only the latest weeks are kept: start no earlier than needed.
			if earliest := last.AddDate(0, 0, -7*maxTrendWeeks); start.Before(earliest) {
				start = earliest
			}
			for day := start; !day.After(last); day = day.AddDate(0, 0, 7) {
				set[WeekKey(day, tz)] = true
			}
			set[WeekKey(last, tz)] = true // a week the steps jumped over
		}
	}
	for _, u := range updates {
		if u.Week != "" {
			set[u.Week] = true
		}
	}
	weeks := make([]string, 0, len(set))
	for w := range set {
		weeks = append(weeks, w)
	}
	slices.Sort(weeks) // "2026-W05" < "2026-W47" < "2027-W01"
	return weeks[max(0, len(weeks)-maxTrendWeeks):]
}

// targetSteps is a goal's target over time: the applied adjustments by
// the week they were decided in.
type targetSteps struct {
	first float64
	weeks []string
	to    []float64
}

// targetsOf reads a goal's targets from its applied adjustments.
func targetsOf(g Goal, adjs []Adjustment, tz *time.Location) targetSteps {
	var mine []Adjustment
	for _, a := range adjs {
		if a.Goal == g.No && a.Status == AdjustApplied {
			mine = append(mine, a)
		}
	}
	slices.SortStableFunc(mine, func(a, b Adjustment) int { return decided(a).Compare(decided(b)) })
	s := targetSteps{first: g.Target}
	if len(mine) > 0 {
		s.first = mine[0].From
	}
	for _, a := range mine {
		s.weeks = append(s.weeks, WeekKey(decided(a), tz))
		s.to = append(s.to, a.To)
	}
	return s
}

// decided is when an adjustment took effect.
func decided(a Adjustment) time.Time {
	for _, t := range []time.Time{a.DecidedAt, a.HRAt, a.ManagerAt, a.ProposedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// at is the target in force at the end of week.
func (s targetSteps) at(week string) float64 {
	v := s.first
	for i, w := range s.weeks {
		if w <= week {
			v = s.to[i]
		}
	}
	return v
}

// weekLabel is the Monday of an ISO week, "11-16"; the key itself when it
// does not parse.
func weekLabel(key string) string {
	if d, ok := weekMonday(key); ok {
		return d.Format("01-02")
	}
	return key
}

// weekMonday is the Monday of ISO week key "2026-W47", a calendar date.
func weekMonday(key string) (time.Time, bool) {
	ys, ws, ok := strings.Cut(key, "-W")
	y, err1 := strconv.Atoi(ys)
	w, err2 := strconv.Atoi(ws)
	if !ok || err1 != nil || err2 != nil || w < 1 || w > 53 {
		return time.Time{}, false
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC) // always in week 1
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	return monday, true
}

// trendBlocks are the charts of a plan's card: one per goal with at least
// one reported value, the goals taken in the card's order (core problems
// by priority, then goals addressing none), at most maxTrendCharts, with
// a line saying how many were left out.
func (e *Engine) trendBlocks(r *request, p *Plan, updates []Update, adjs []Adjustment) []Block {
	trends := BuildTrends(p, updates, adjs, r.now, r.tz)
	byGoal := map[int]Trend{}
	for _, t := range trends {
		if t.Reported() > 0 {
			byGoal[t.Goal] = t
		}
	}
	var order []int
	for _, pr := range p.Ranked() {
		for _, g := range p.GoalsOf(pr.No) {
			order = append(order, g.No)
		}
	}
	for _, g := range p.Goals {
		if !slices.Contains(order, g.No) {
			order = append(order, g.No)
		}
	}
	var out []Block
	for _, no := range order {
		t, ok := byGoal[no]
		if !ok {
			continue
		}
		if len(out) == maxTrendCharts {
			out = append(out, Context(T(r.loc, "trend.more", maxTrendCharts, len(byGoal)-maxTrendCharts)))
			break
		}
		out = append(out, chartOf(r.loc, t))
	}
	return out
}

// chartOf dresses a trend in the reader's words.
func chartOf(l Locale, t Trend) Chart {
	title := strconv.Itoa(t.Goal) + ". " + t.Metric
	if t.Unit != "" {
		title += T(l, "trend.unit", t.Unit)
	}
	var pts []string
	for _, w := range t.Weeks {
		v := "—"
		if w.Reported {
			v = withUnit(l, w.Value, t.Unit)
		}
		pts = append(pts, w.Label+" "+v)
	}
	last := t.Weeks[len(t.Weeks)-1].Target
	alt := T(l, "trend.alt", strconv.Itoa(t.Goal)+". "+t.Metric, strings.Join(pts, " · "),
		withUnit(l, last, t.Unit), withUnit(l, t.Baseline, t.Unit))
	return Chart{Title: title, ValueName: T(l, "trend.value"), TargetName: T(l, "trend.target"),
		BaselineName: T(l, "trend.baseline"), Alt: alt, Trend: t}
}

// msgTrend: the trend charts of a plan card.
var msgTrend = map[string]msg{
	"trend.more":     {"图表只显示按优先级排在前面的 %d 个目标，另有 %d 个目标见上方进度条。", "Charts show the first %d goals by priority; %d more are in the bars above."},
	"trend.unit":     {"（%s）", " (%s)"},
	"trend.value":    {"实际", "Actual"},
	"trend.target":   {"目标", "Target"},
	"trend.baseline": {"基线", "Baseline"},
	"trend.alt":      {"%s：%s；目标 %s，基线 %s", "%s: %s; target %s, baseline %s"},
}
