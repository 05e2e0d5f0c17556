package bot

import (
	"math"
	"strings"
	"time"
)

// RiskLevel is how a running plan stands against its own clock: the
// seed's "when the plan falls behind, a risk warning" made a rating that
// plan cards, the team overview and HR's list show, and whose turn to
// critical alerts the manager and HR.
type RiskLevel string

// Risk levels, from best to worst. The zero value is "not rated": a plan
// that is not running (draft, waiting, closed).
const (
	RiskOnTrack  RiskLevel = "on_track"
	RiskAtRisk   RiskLevel = "at_risk"
	RiskCritical RiskLevel = "critical"
)

// RiskRule is a tenant's thresholds (rules file: risk_lag_at_risk,
// risk_lag_critical, risk_missed_at_risk, risk_missed_critical). Lag is how
// many points progress trails the share of the plan's time elapsed; missed
// is how many weekly updates in a row are missing. Either threshold
// reached raises the level; a plan past its end date with goals unmet is
// critical whatever the figures.
type RiskRule struct {
	AtRiskLag      float64 // points, 20 by default
	CriticalLag    float64 // points, 40 by default
	AtRiskMissed   int     // weeks, 1 by default
	CriticalMissed int     // weeks, 2 by default
}

// DefaultRiskRule is the documented default (README, "Risk rating").
func DefaultRiskRule() RiskRule {
	return RiskRule{AtRiskLag: 20, CriticalLag: 40, AtRiskMissed: 1, CriticalMissed: 2}
}

// orDefault fills the thresholds a tenant left unset.
func (r RiskRule) orDefault() RiskRule {
	d := DefaultRiskRule()
	if r.AtRiskLag <= 0 {
		r.AtRiskLag = d.AtRiskLag
	}
	if r.CriticalLag <= 0 {
		r.CriticalLag = d.CriticalLag
	}
	if r.AtRiskMissed <= 0 {
		r.AtRiskMissed = d.AtRiskMissed
	}
	if r.CriticalMissed <= 0 {
		r.CriticalMissed = d.CriticalMissed
	}
	return r
}

// Risk is a plan's rating with the figures it was decided on, so that the
// reason can be shown next to it.
type Risk struct {
	Level    RiskLevel
	Progress float64 // the plan's mean goal progress, 0–100
	Elapsed  float64 // share of the plan's time elapsed, 0–100
	Missed   int     // weekly updates missed in a row, up to the last finished week
	Overdue  bool    // the end date passed with goals unmet
}

// Lag is how many points progress trails time (negative: ahead).
func (k Risk) Lag() float64 { return k.Elapsed - k.Progress }

// Rate rates a running plan at now: progress against elapsed time, and the
// weekly updates missed since latestWeek (the ISO week of its newest
// update, "" when none), counted in tz (the employee's zone). A plan not
// running gets the zero Risk. It is pure: the views, the engine's check
// after each change and the periodic sweep all call it.
func Rate(p *Plan, latestWeek string, now time.Time, tz *time.Location, rule RiskRule) Risk {
	if p == nil || !p.Tracking() {
		return Risk{}
	}
	if tz == nil {
		tz = time.UTC
	}
	rule = rule.orDefault()
	k := Risk{Progress: p.Progress(), Elapsed: elapsedShare(p, now), Missed: missedWeeks(p, latestWeek, now, tz)}
	today := DateOnly(now.In(tz))
	k.Overdue = !p.End.IsZero() && today.After(DateOnly(p.End)) && !p.AllAchieved()
	lag := round1(k.Lag())
	switch {
	case k.Overdue || lag >= rule.CriticalLag || k.Missed >= rule.CriticalMissed:
		k.Level = RiskCritical
	case lag >= rule.AtRiskLag || k.Missed >= rule.AtRiskMissed:
		k.Level = RiskAtRisk
	default:
		k.Level = RiskOnTrack
	}
	return k
}

// round1 rounds to a tenth of a point, so that a boundary shown as "20"
// rates as 20 and not as 19.999….
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// elapsedShare is (now − start) / (end − start) in percent, within 0–100:
// the same clock as each goal's on-track colour.
func elapsedShare(p *Plan, now time.Time) float64 {
	total := p.End.Sub(p.Start)
	if total <= 0 || !now.After(p.Start) {
		return 0
	}
	return min(100, float64(now.Sub(p.Start))/float64(total)*100)
}

// missedWeeks counts the finished ISO weeks, newest first, with no update:
// from the week before now's back to the one after latestWeek. A week
// counts only if the plan was already running before its Friday (the
// weekly reminder's day); weeks past the end date count too, but such a
// plan is critical anyway.
func missedWeeks(p *Plan, latestWeek string, now time.Time, tz *time.Location) int {
	started := p.StartedAt
	if started.IsZero() {
		started = p.Start
	}
	startDay := DateOnly(started.In(tz))
	today := DateOnly(now.In(tz))
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	n := 0
	for w := monday.AddDate(0, 0, -7); n < 60; w = w.AddDate(0, 0, -7) {
		friday := w.AddDate(0, 0, 4)
		if !startDay.Before(friday) || WeekKey(w, time.UTC) <= latestWeek {
			break
		}
		n++
	}
	return n
}

// riskDot is the coloured mark of a level.
func riskDot(l RiskLevel) string {
	switch l {
	case RiskOnTrack:
		return "🟢"
	case RiskAtRisk:
		return "🟠"
	case RiskCritical:
		return "🔴"
	}
	return ""
}

// riskColor is a level as a message colour.
func riskColor(l RiskLevel) Color {
	switch l {
	case RiskOnTrack:
		return ColorGreen
	case RiskAtRisk:
		return ColorOrange
	}
	return ColorRed
}

// Label is the level with its coloured mark: "🟠 有风险", "🟠 At risk".
func (k Risk) Label(l Locale) string {
	if k.Level == "" {
		return ""
	}
	return riskDot(k.Level) + " " + T(l, "risk."+string(k.Level))
}

// Reasons says what the level was decided on, in language l: "进度 20%，
// 时间已过 60%；连续 2 周未更新".
func (k Risk) Reasons(l Locale) string {
	if k.Level == "" {
		return ""
	}
	parts := []string{T(l, "risk.pace", formatPercent(k.Progress), formatPercent(k.Elapsed))}
	if lag := math.Round(k.Lag()); lag >= 2 { // "1 points behind" says nothing
		parts[0] = T(l, "risk.pace_behind", formatPercent(k.Progress), formatPercent(k.Elapsed), int(lag))
	}
	if k.Missed > 0 {
		parts = append(parts, T(l, "risk.missed", k.Missed))
	}
	if k.Overdue {
		parts = append(parts, T(l, "risk.overdue"))
	}
	return strings.Join(parts, T(l, "risk.sep"))
}

// Line is the label with its reasons: "🟠 At risk · progress 20% at 60% of
// the time (40 points behind)".
func (k Risk) Line(l Locale) string {
	if k.Level == "" {
		return ""
	}
	return k.Label(l) + " · " + k.Reasons(l)
}
