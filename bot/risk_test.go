package bot_test

import (
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// riskPlan is an active 100-day plan from Monday 2026-09-07 whose one goal
// goes from 0 to 100, at value current.
func riskPlan(current float64) *bot.Plan {
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	return &bot.Plan{Status: bot.StatusActive, Start: start, End: start.AddDate(0, 0, 100), StartedAt: start.Add(9 * time.Hour),
		Goals: []bot.Goal{{No: 1, Metric: "m", Baseline: 0, Target: 100, Current: current, Updated: current > 0}}}
}

// TestRate: the documented default rule at its boundaries: at risk from
// 20 points behind or one missed week, critical from 40 points or two
// missed weeks in a row, or the end date passed with goals unmet; a plan
// not running is not rated.
func TestRate(t *testing.T) {
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	day := func(n int, h int) time.Time { return start.AddDate(0, 0, n).Add(time.Duration(h) * time.Hour) }
	rule := bot.DefaultRiskRule()
	for _, c := range []struct {
		name    string
		current float64
		latest  string
		now     time.Time
		want    bot.RiskLevel
		missed  int
	}{
		{"first days, nothing yet", 0, "", day(3, 12), bot.RiskOnTrack, 0},
		{"19.9 points behind", 0.1, "2026-W38", day(20, 0), bot.RiskOnTrack, 0},
		{"20 points behind", 0, "2026-W38", day(20, 0), bot.RiskAtRisk, 0},
		{"39 points behind", 1, "2026-W42", day(40, 0), bot.RiskAtRisk, 0},
		{"40 points behind: 20% at 60% of the time", 20, "2026-W45", day(60, 0), bot.RiskCritical, 0},
		{"ahead of time", 80, "2026-W45", day(60, 0), bot.RiskOnTrack, 0},
		{"this week's update not due yet", 10, "2026-W37", day(8, 0), bot.RiskOnTrack, 0},
		{"one week missed", 10, "2026-W37", day(14, 10), bot.RiskAtRisk, 1},
		{"two weeks missed in a row", 15, "2026-W37", day(21, 10), bot.RiskCritical, 2},
		{"no update ever, two weeks over", 15, "", day(14, 10), bot.RiskCritical, 2},
		{"end date passed, goal unmet", 99, "2026-W51", day(101, 10), bot.RiskCritical, 0},
		{"end date passed, goal met", 100, "2026-W51", day(101, 10), bot.RiskOnTrack, 0},
		{"last day, goal unmet, updates in", 99, "2026-W51", day(100, 10), bot.RiskOnTrack, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := bot.Rate(riskPlan(c.current), c.latest, c.now, time.UTC, rule)
			if k.Level != c.want || k.Missed != c.missed {
				t.Errorf("Rate = %s, %d missed (progress %.1f, elapsed %.1f); want %s, %d missed", k.Level, k.Missed, k.Progress, k.Elapsed, c.want, c.missed)
			}
		})
	}
	p := riskPlan(0)
	p.Status = bot.StatusDraft
	if k := bot.Rate(p, "", day(90, 0), time.UTC, rule); k.Level != "" || k.Label(bot.LocaleEN) != "" {
		t.Errorf("a draft is rated %+v", k)
	}
}

// TestRateFirstWeek: a plan started on a Friday owes no update for that
// week; one started on the Thursday does.
func TestRateFirstWeek(t *testing.T) {
	monday := time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC) // 2026-W38
	for _, c := range []struct {
		started time.Time
		missed  int
	}{
		{time.Date(2026, 9, 11, 9, 0, 0, 0, time.UTC), 0}, // Friday of W37
		{time.Date(2026, 9, 10, 9, 0, 0, 0, time.UTC), 1}, // Thursday of W37
	} {
		p := riskPlan(0)
		p.Start, p.StartedAt = bot.DateOnly(c.started), c.started
		p.End = p.Start.AddDate(0, 0, 100)
		if k := bot.Rate(p, "", monday, time.UTC, bot.DefaultRiskRule()); k.Missed != c.missed {
			t.Errorf("started %s: %d missed, want %d", c.started.Weekday(), k.Missed, c.missed)
		}
	}
}

// TestRateTenantRule: a tenant's thresholds move the boundaries.
func TestRateTenantRule(t *testing.T) {
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	now := start.AddDate(0, 0, 60) // 60% of the time, progress 20%: 40 points behind
	lenient := bot.RiskRule{AtRiskLag: 30, CriticalLag: 50, AtRiskMissed: 2, CriticalMissed: 3}
	strict := bot.RiskRule{AtRiskLag: 10, CriticalLag: 15, AtRiskMissed: 1, CriticalMissed: 1}
	for _, c := range []struct {
		rule   bot.RiskRule
		latest string
		want   bot.RiskLevel
	}{
		{bot.DefaultRiskRule(), "2026-W45", bot.RiskCritical},
		{lenient, "2026-W45", bot.RiskAtRisk},
		{lenient, "2026-W43", bot.RiskAtRisk},          // 1 missed, 40 points: at risk
		{lenient, "2026-W41", bot.RiskCritical},        // 3 missed
		{bot.RiskRule{}, "2026-W45", bot.RiskCritical}, // unset: the defaults
	} {
		if k := bot.Rate(riskPlan(20), c.latest, now, time.UTC, c.rule); k.Level != c.want {
			t.Errorf("rule %+v, latest %s: %s (missed %d), want %s", c.rule, c.latest, k.Level, k.Missed, c.want)
		}
	}
	if k := bot.Rate(riskPlan(50), "2026-W43", now, time.UTC, strict); k.Level != bot.RiskCritical || k.Missed != 1 {
		t.Errorf("strict rule, one missed week: %+v", k)
	}
}

// TestRiskReasons: the label and the reasons in both languages.
func TestRiskReasons(t *testing.T) {
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	k := bot.Rate(riskPlan(20), "2026-W42", start.AddDate(0, 0, 60), time.UTC, bot.DefaultRiskRule())
	for l, want := range map[bot.Locale]string{
		bot.LocaleZH: "🔴 高风险 · 进度 20%，时间已过 60%（落后 40 个百分点）；连续 2 周未提交周进展",
		bot.LocaleEN: "🔴 Critical · progress 20% at 60% of the time elapsed (40 points behind); 2 weekly updates missed in a row",
	} {
		if got := k.Line(l); got != want {
			t.Errorf("%s: %q, want %q", l, got, want)
		}
	}
	over := bot.Rate(riskPlan(50), "2026-W51", start.AddDate(0, 0, 102), time.UTC, bot.DefaultRiskRule())
	if got, want := over.Reasons(bot.LocaleEN), "progress 50% at 100% of the time elapsed (50 points behind); end date passed with goals unmet"; got != want {
		t.Errorf("overdue: %q, want %q", got, want)
	}
}
