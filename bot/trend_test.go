package bot_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

var day = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// trendPlan runs from Monday 2026-11-02 (W45) to 2026-12-31 with two goals.
func trendPlan() *bot.Plan {
	return &bot.Plan{ID: 7, Tenant: tenantA, Number: 3, Status: bot.StatusActive,
		Start: day(2026, 11, 2), End: day(2026, 12, 31),
		Goals: []bot.Goal{
			{No: 1, Metric: "季度销售额", Baseline: 350000, Target: 480000, Unit: "元"},
			{No: 2, Metric: "客户投诉率", Baseline: 8, Target: 3, Unit: "%"},
		}}
}

// TestBuildTrends: a value per ISO week (the last report of a week wins),
// weeks without an update kept as gaps, targets as the applied
// adjustments left them week by week (pending and rejected ones do not
// count), from the plan's start to the reader's week.
func TestBuildTrends(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ups := []bot.Update{
		{Week: "2026-W47", At: time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC), Values: []bot.GoalValue{{Goal: 1, Value: 410000}, {Goal: 2, Value: 6}}},
		{Week: "2026-W45", At: time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC), Values: []bot.GoalValue{{Goal: 1, Value: 370000}}},
		{Week: "2026-W45", At: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), Values: []bot.GoalValue{{Goal: 1, Value: 360000}}},
		{Week: "2026-W47", At: time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC), Text: "no numbers this time"},
	}
	adjs := []bot.Adjustment{
		{Goal: 1, From: 500000, To: 480000, Status: bot.AdjustApplied, DecidedAt: time.Date(2026, 11, 17, 3, 0, 0, 0, time.UTC)},
		{Goal: 1, From: 480000, To: 300000, Status: bot.AdjustRejected, DecidedAt: time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC)},
		{Goal: 2, From: 3, To: 2, Status: bot.AdjustPending, ProposedAt: time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC)},
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) // Thursday of W48
	got := bot.BuildTrends(trendPlan(), ups, adjs, now, sh)
	want := []bot.Trend{
		{Goal: 1, Metric: "季度销售额", Unit: "元", Baseline: 350000, Weeks: []bot.TrendWeek{
			{Week: "2026-W45", Label: "11-02", Value: 370000, Reported: true, Target: 500000},
			{Week: "2026-W46", Label: "11-09", Target: 500000},
			{Week: "2026-W47", Label: "11-16", Value: 410000, Reported: true, Target: 480000},
			{Week: "2026-W48", Label: "11-23", Target: 480000},
		}},
		{Goal: 2, Metric: "客户投诉率", Unit: "%", Baseline: 8, Weeks: []bot.TrendWeek{
			{Week: "2026-W45", Label: "11-02", Target: 3},
			{Week: "2026-W46", Label: "11-09", Target: 3},
			{Week: "2026-W47", Label: "11-16", Value: 6, Reported: true, Target: 3},
			{Week: "2026-W48", Label: "11-23", Target: 3},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("trends\n got %+v\nwant %+v", got, want)
	}
	if got[0].Reported() != 2 || got[1].Reported() != 1 {
		t.Errorf("reported weeks %d, %d", got[0].Reported(), got[1].Reported())
	}
}

// TestTrendWeeksInReaderZone: Sunday evening in UTC is already Monday in
// Shanghai, so a reader there sees the new week on the axis, one in UTC
// does not.
func TestTrendWeeksInReaderZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC) // Mon 04:00 in Shanghai
	last := func(tz *time.Location) string {
		w := bot.BuildTrends(trendPlan(), nil, nil, now, tz)[0].Weeks
		return w[len(w)-1].Week
	}
	if a, b := last(sh), last(time.UTC); a != "2026-W48" || b != "2026-W47" {
		t.Errorf("last week in Shanghai %s, in UTC %s", a, b)
	}
}

// TestTrendWeeksBounds: a plan that ended stops at its end's week; a long
// one keeps its latest 16 weeks; a plan not started yet has none but the
// weeks its updates name.
func TestTrendWeeksBounds(t *testing.T) {
	p := trendPlan()
	p.End = day(2026, 11, 11) // a Wednesday of W46
	w := bot.BuildTrends(p, nil, nil, day(2027, 3, 1), time.UTC)[0].Weeks
	if len(w) != 2 || w[1].Week != "2026-W46" {
		t.Errorf("ended plan weeks %+v", w)
	}
	p = trendPlan()
	p.Start, p.End = day(2025, 1, 6), day(2027, 1, 1)
	w = bot.BuildTrends(p, nil, nil, day(2026, 11, 26), time.UTC)[0].Weeks
	if len(w) != 16 || w[15].Week != "2026-W48" || w[0].Week != "2026-W33" {
		t.Errorf("long plan: %d weeks, %s … %s", len(w), w[0].Week, w[len(w)-1].Week)
	}
	p = trendPlan()
	p.Start = day(2027, 1, 4)
	w = bot.BuildTrends(p, []bot.Update{{Week: "2026-W53", Values: []bot.GoalValue{{Goal: 1, Value: 1}}}}, nil, day(2026, 12, 30), time.UTC)[0].Weeks
	if len(w) != 1 || w[0].Week != "2026-W53" || w[0].Label != "12-28" {
		t.Errorf("not started: %+v", w)
	}
}

// charts lists the chart blocks of the replies.
func charts(replies []bot.Reply) []bot.Chart {
	var out []bot.Chart
	for _, r := range replies {
		out = append(out, bot.ChartsOf(r.Message)...)
	}
	return out
}

// TestShowHasTrendCharts: after weekly updates the plan card carries a
// chart per goal with values, in the reader's language, whose series
// match the updates; before any update it has none.
func TestShowHasTrendCharts(t *testing.T) {
	w := newWorld(t) // Monday 2026-11-16
	n := w.activePlan()
	if c := charts(w.say(mgr, "查看 "+itoa(n))); len(c) != 0 {
		t.Fatalf("charts before any update: %+v", c)
	}
	w.say(emp, "更新 "+itoa(n)+" 季度销售额 38万 本周拜访10家客户")
	w.now = w.now.AddDate(0, 0, 14) // W49: W48 has no update
	w.say(emp, "更新 "+itoa(n)+" 季度销售额 42万")
	r := w.say(mgr, "查看 "+itoa(n))
	c := charts(r)
	if len(c) != 1 {
		t.Fatalf("%d charts, want 1", len(c))
	}
	wk := c[0].Weeks
	if len(wk) != 3 || !wk[0].Reported || wk[0].Value != 380000 || wk[1].Reported || wk[2].Value != 420000 || wk[2].Target != 500000 {
		t.Errorf("series %+v", wk)
	}
	if c[0].Title != "1. 季度销售额（元）" || c[0].TargetName != "目标" || !strings.Contains(c[0].Alt, "11-23 —") {
		t.Errorf("chart words %q %q %q", c[0].Title, c[0].TargetName, c[0].Alt)
	}
	en := charts(w.say(hr, "show "+itoa(n)))
	if len(en) != 1 || en[0].ValueName != "Actual" || en[0].Title != "1. 季度销售额 (元)" {
		t.Errorf("English chart %+v", en)
	}
	// Kept replies (effects) carry the charts as they were.
	raw, err := bot.MarshalReplies(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := bot.UnmarshalReplies(raw)
	if err != nil || !reflect.DeepEqual(charts(back), c) {
		t.Errorf("charts after a round trip %+v, %v", charts(back), err)
	}
}

// TestShowAtMostFiveCharts: a plan with seven reported goals shows the
// five first by priority (the goals of the most urgent problem first)
// and says two more are left out.
func TestShowAtMostFiveCharts(t *testing.T) {
	w := newWorld(t)
	p := &bot.Plan{Tenant: w.tenant, EmployeeID: emp.ID, ManagerID: mgr.ID, Status: bot.StatusActive, Cycle: 1,
		Start: day(2026, 11, 2), End: day(2026, 12, 31), EmployeeType: bot.TypeUnderPerformer,
		Problems: []bot.Problem{{No: 1, Priority: 2, Gap: bot.Gap{Metric: "a"}}, {No: 2, Priority: 1, Gap: bot.Gap{Metric: "b"}}}}
	var vals []bot.GoalValue
	for i := 1; i <= 7; i++ {
		prob := 1
		if i >= 6 { // goals 6 and 7 address the most urgent problem
			prob = 2
		}
		p.Goals = append(p.Goals, bot.Goal{No: i, Problem: prob, Metric: "goal" + itoa(i), Baseline: 0, Target: 10, Deadline: day(2026, 12, 31)})
		vals = append(vals, bot.GoalValue{Goal: i, Value: float64(i)})
	}
	ctx := context.Background()
	if err := w.store.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := w.store.AddUpdate(ctx, &bot.Update{Tenant: w.tenant, PlanID: p.ID, AuthorID: emp.ID, Week: "2026-W46", Values: vals, At: day(2026, 11, 10)}); err != nil {
		t.Fatal(err)
	}
	r := w.say(emp, "查看 "+itoa(p.Number))
	c := charts(r)
	var goals []int
	for _, x := range c {
		goals = append(goals, x.Goal)
	}
	if !reflect.DeepEqual(goals, []int{6, 7, 1, 2, 3}) {
		t.Errorf("charted goals %v, want 6 7 1 2 3", goals)
	}
	mustContain(t, r, "图表只显示按优先级排在前面的 5 个目标，另有 2 个目标见上方进度条")
	// The text bars stay for every goal.
	bars := 0
	for _, b := range r[0].Message.Blocks {
		if _, ok := b.(bot.Progress); ok {
			bars++
		}
	}
	if bars != 7 {
		t.Errorf("%d text bars, want 7", bars)
	}
}

// TestChartsNeverToGroup: show typed in a group chat answers with the
// charts privately, one-to-one to the asker; the group gets no chart,
// and someone who may not see the plan gets none at all.
func TestChartsNeverToGroup(t *testing.T) {
	w := newWorld(t)
	n := w.activePlan()
	w.say(emp, "更新 "+itoa(n)+" 季度销售额 38万")
	r := w.cmd(bot.Command{Actor: bot.Person{ID: mgr.ID}, Chat: bot.Chat{ID: "oc_team", Group: true}, Text: "查看 " + itoa(n)})
	got := 0
	for _, x := range r {
		c := bot.ChartsOf(x.Message)
		if len(c) == 0 {
			continue
		}
		got += len(c)
		if !x.Private || x.GroupSafe || x.Chat != "" || (x.To != "" && x.To != mgr.ID) {
			t.Errorf("charts addressed to=%q chat=%q private=%v group-safe=%v", x.To, x.Chat, x.Private, x.GroupSafe)
		}
	}
	if got != 1 {
		t.Errorf("%d charts, want the one goal's", got)
	}
	r = w.cmd(bot.Command{Actor: bot.Person{ID: other.ID}, Chat: bot.Chat{ID: "oc_team", Group: true}, Text: "show " + itoa(n)})
	if c := charts(r); len(c) != 0 {
		t.Errorf("an outsider got charts: %+v", c)
	}
}
