package scheduler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipbot/pipbot/bot"
)

// Rules are one tenant's reminder settings: when each job fires, in the
// recipient's own time zone, on the working days of Region. The zero value
// is not usable; start from DefaultRules (docs/architecture.md, "Default schedules").
type Rules struct {
	Region         string  `yaml:"region"`          // working-day calendar: "CN", or another region's weekend rule
	TZ             string  `yaml:"tz"`              // the tenant's default zone for people without one; "" = the service default
	NoticeDays     int     `yaml:"notice_days"`     // interview notice: working days before the interview
	NoticeTime     string  `yaml:"notice_time"`     // "10:00"
	NoticeDeadline string  `yaml:"notice_deadline"` // a late notice is still sent until this long before the interview
	WeeklyDay      Weekday `yaml:"weekly_day"`      // "friday": the weekly reminder day, or the week's last earlier working day
	WeeklyTime     string  `yaml:"weekly_time"`     // "17:00"; team summaries go out at the same time
	EscalationTime string  `yaml:"escalation_time"` // missed-update escalation, the next working day
	EscalateHR     bool    `yaml:"escalate_hr"`     // after a second missed week, HR hears too
	MonthlyDay     int     `yaml:"monthly_day"`     // 25: the review prompt, moved to the previous working day
	MonthlyTime    string  `yaml:"monthly_time"`
	MonthlyGrace   int     `yaml:"monthly_grace"` // working days a late prompt may still be sent
	EndingDays     int     `yaml:"ending_days"`   // plan-ending prompt: working days before the end date
	EndingTime     string  `yaml:"ending_time"`
	ArchiveDays    int     `yaml:"archive_days"` // archive reminder: working days after an interview
	ArchiveTime    string  `yaml:"archive_time"`
	DigestDay      Weekday `yaml:"digest_day"`  // "monday": HR's weekly digest, or the week's next working day
	DigestTime     string  `yaml:"digest_time"` // "10:00"
	// Spread spreads reminders due at one minute over this window after it,
	// each recipient at an offset fixed by a hash of them ("5m"; "0s" sends
	// on the minute): Feishu asks apps not to send on :00 and :30.
	Spread string `yaml:"spread"`

	// The tenant's process settings, which the engine reads (Policy).
	Approval       string `yaml:"approval"`        // "manager" or "manager+hr": HR as a second, sequential approver
	AdjustOverride bool   `yaml:"adjust_override"` // HR may confirm a target adjustment past the quarterly band
	TeamVisible    bool   `yaml:"team_visible"`    // new plans count in their team group's summary by default
	// The risk rating's thresholds (bot.RiskRule, README "Risk rating"):
	// points progress trails elapsed time, and weekly updates missed in a row.
	RiskLagAtRisk      float64 `yaml:"risk_lag_at_risk"`     // 20
	RiskLagCritical    float64 `yaml:"risk_lag_critical"`    // 40
	RiskMissedAtRisk   int     `yaml:"risk_missed_at_risk"`  // 1
	RiskMissedCritical int     `yaml:"risk_missed_critical"` // 2
}

// DefaultRules are the default schedules of docs/architecture.md.
func DefaultRules() Rules {
	return Rules{
		Region: "CN", NoticeDays: 3, NoticeTime: "10:00", NoticeDeadline: "2h",
		WeeklyDay: Weekday(time.Friday), WeeklyTime: "17:00", EscalationTime: "10:00", EscalateHR: true,
		MonthlyDay: 25, MonthlyTime: "10:00", MonthlyGrace: 2,
		EndingDays: 3, EndingTime: "10:00", ArchiveDays: 1, ArchiveTime: "10:00",
		DigestDay: Weekday(time.Monday), DigestTime: "10:00",
		Spread:        DefaultSpread.String(),
		Approval:      string(bot.ApproveManager),
		RiskLagAtRisk: 20, RiskLagCritical: 40, RiskMissedAtRisk: 1, RiskMissedCritical: 2,
	}
}

// Policy is the part of the rules the engine applies: approvals, the
// adjustment override, team-summary default, the interview notice days and
// the risk rating's thresholds.
func (r Rules) Policy() bot.Policy {
	return bot.Policy{Approval: bot.Approval(r.Approval), AdjustOverride: r.AdjustOverride,
		TeamVisible: r.TeamVisible, NoticeDays: r.NoticeDays,
		Risk: bot.RiskRule{AtRiskLag: r.RiskLagAtRisk, CriticalLag: r.RiskLagCritical,
			AtRiskMissed: r.RiskMissedAtRisk, CriticalMissed: r.RiskMissedCritical}}
}

// Weekday is a time.Weekday written by name in rule files ("friday", "周五").
type Weekday time.Weekday

var weekdayNames = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
	"周一": time.Monday, "周二": time.Tuesday, "周三": time.Wednesday, "周四": time.Thursday, "周五": time.Friday,
	"周六": time.Saturday, "周日": time.Sunday,
}

// UnmarshalText reads a weekday name in English or Chinese.
func (w *Weekday) UnmarshalText(b []byte) error {
	d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(string(b)))]
	if !ok {
		return fmt.Errorf("weekday %q: want monday … sunday", b)
	}
	*w = Weekday(d)
	return nil
}

// MarshalText writes the weekday's English name in lower case.
func (w Weekday) MarshalText() ([]byte, error) {
	return []byte(strings.ToLower(time.Weekday(w).String())), nil
}

// clock is a local time of day.
type clock struct{ hour, min int }

// parseClock reads "HH:MM". Send times before 04:00 are refused: daylight
// saving gaps and repeats happen in those hours, where a
// local time may not exist or exist twice.
func parseClock(s string) (clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, err1 := strconv.Atoi(h)
	min, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || min < 0 || min > 59 || len(m) != 2 {
		return clock{}, fmt.Errorf("time %q: want HH:MM", s)
	}
	if hour < 4 {
		return clock{}, fmt.Errorf("time %q: sends between 00:00 and 03:59 are refused (daylight-saving gaps and repeats); choose 04:00 or later", s)
	}
	return clock{hour, min}, nil
}

// Validate reports every problem with the rules at once.
func (r Rules) Validate() error {
	var errs []error
	for _, c := range []struct{ name, v string }{{"notice_time", r.NoticeTime}, {"weekly_time", r.WeeklyTime},
		{"escalation_time", r.EscalationTime}, {"monthly_time", r.MonthlyTime}, {"ending_time", r.EndingTime}, {"archive_time", r.ArchiveTime},
		{"digest_time", r.DigestTime}} {
		if _, err := parseClock(c.v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.name, err))
		}
	}
	for _, c := range []struct {
		name     string
		v, lo, h int
	}{{"notice_days", r.NoticeDays, 1, 15}, {"monthly_day", r.MonthlyDay, 1, 31}, {"monthly_grace", r.MonthlyGrace, 0, 10},
		{"ending_days", r.EndingDays, 0, 15}, {"archive_days", r.ArchiveDays, 0, 10}} {
		if c.v < c.lo || c.v > c.h {
			errs = append(errs, fmt.Errorf("%s: %d is outside %d–%d", c.name, c.v, c.lo, c.h))
		}
	}
	if d, err := time.ParseDuration(r.NoticeDeadline); err != nil || d < 0 || d > 48*time.Hour {
		errs = append(errs, fmt.Errorf("notice_deadline: %q: want a duration between 0 and 48h, e.g. 2h", r.NoticeDeadline))
	}
	if d, err := time.ParseDuration(r.Spread); err != nil || d < 0 || d > maxSpread {
		errs = append(errs, fmt.Errorf("spread: %q: want a duration between 0s and %v, e.g. 5m", r.Spread, maxSpread))
	}
	if a := bot.Approval(r.Approval); a != bot.ApproveManager && a != bot.ApproveManagerHR {
		errs = append(errs, fmt.Errorf("approval: %q: want manager or manager+hr", r.Approval))
	}
	if r.RiskLagAtRisk <= 0 || r.RiskLagCritical > 100 || r.RiskLagAtRisk > r.RiskLagCritical {
		errs = append(errs, fmt.Errorf("risk_lag_at_risk, risk_lag_critical: %v, %v: want 0 < at risk ≤ critical ≤ 100 points", r.RiskLagAtRisk, r.RiskLagCritical))
	}
	if r.RiskMissedAtRisk < 1 || r.RiskMissedCritical > 10 || r.RiskMissedAtRisk > r.RiskMissedCritical {
		errs = append(errs, fmt.Errorf("risk_missed_at_risk, risk_missed_critical: %d, %d: want 1 ≤ at risk ≤ critical ≤ 10 weeks", r.RiskMissedAtRisk, r.RiskMissedCritical))
	}
	if r.WeeklyDay < Weekday(time.Monday) || r.WeeklyDay > Weekday(time.Friday) {
		errs = append(errs, fmt.Errorf("weekly_day: %s: want monday … friday", time.Weekday(r.WeeklyDay)))
	}
	if r.DigestDay < Weekday(time.Monday) || r.DigestDay > Weekday(time.Friday) {
		errs = append(errs, fmt.Errorf("digest_day: %s: want monday … friday", time.Weekday(r.DigestDay)))
	}
	if len(r.Region) != 2 || strings.ToUpper(r.Region) != r.Region {
		errs = append(errs, fmt.Errorf("region: %q: want a two-letter code such as CN or US", r.Region))
	}
	if r.TZ != "" {
		if _, err := time.LoadLocation(r.TZ); err != nil {
			errs = append(errs, fmt.Errorf("tz: %q is not an IANA time zone", r.TZ))
		}
	}
	return errors.Join(errs...)
}

// RuleBook holds the rules of every tenant: defaults, and per-tenant
// overrides that change only the fields they name. It is read-only.
type RuleBook struct {
	def     compiled
	tenants map[string]compiled
}

// compiled is a validated Rules with its times parsed.
type compiled struct {
	Rules
	notice, weekly, escalation, monthly, ending, archive, digest clock
	noticeDeadline                                               time.Duration
	spread                                                       time.Duration
	tz                                                           *time.Location // nil: the service default
}

func compile(r Rules) (compiled, error) {
	if err := r.Validate(); err != nil {
		return compiled{}, err
	}
	c := compiled{Rules: r}
	c.notice, _ = parseClock(r.NoticeTime)
	c.weekly, _ = parseClock(r.WeeklyTime)
	c.escalation, _ = parseClock(r.EscalationTime)
	c.monthly, _ = parseClock(r.MonthlyTime)
	c.ending, _ = parseClock(r.EndingTime)
	c.archive, _ = parseClock(r.ArchiveTime)
	c.digest, _ = parseClock(r.DigestTime)
	c.noticeDeadline, _ = time.ParseDuration(r.NoticeDeadline)
	c.spread, _ = time.ParseDuration(r.Spread)
	if r.TZ != "" {
		c.tz, _ = time.LoadLocation(r.TZ)
	}
	return c, nil
}

// NewRuleBook checks def and every override and returns the book.
func NewRuleBook(def Rules, tenants map[string]Rules) (*RuleBook, error) {
	var errs []error
	b := &RuleBook{tenants: map[string]compiled{}}
	var err error
	if b.def, err = compile(def); err != nil {
		errs = append(errs, fmt.Errorf("default rules: %w", err))
	}
	for t, r := range tenants {
		c, err := compile(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("rules of tenant %s: %w", t, err))
		}
		b.tenants[t] = c
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return b, nil
}

// For returns the rules of tenant.
func (b *RuleBook) For(tenant string) Rules { return b.of(tenant).Rules }

// Policy is the engine's settings for tenant; a nil book gives the defaults.
func (b *RuleBook) Policy(tenant string) bot.Policy {
	if b == nil {
		return DefaultRules().Policy()
	}
	return b.For(tenant).Policy()
}

// maxSpread is the widest spread window of any tenant.
func (b *RuleBook) maxSpread() time.Duration {
	m := b.def.spread
	for _, c := range b.tenants {
		m = max(m, c.spread)
	}
	return m
}

func (b *RuleBook) of(tenant string) compiled {
	if c, ok := b.tenants[tenant]; ok {
		return c
	}
	return b.def
}

// LoadRules reads a rule file (YAML, or JSON, which YAML reads too):
//
//	default: {weekly_time: "16:30"}
//	tenants:
//	  "slack:T01": {region: US, tz: America/New_York, monthly_day: 28}
//
// Each section overrides only the fields it names: "default" over
// DefaultRules, each tenant over "default". Unknown keys are errors.
func LoadRules(path string) (*RuleBook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	b, err := ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("rules file %s: %w", path, err)
	}
	return b, nil
}

// ParseRules is LoadRules on the file's contents.
func ParseRules(data []byte) (*RuleBook, error) {
	var strict struct {
		Default Rules            `yaml:"default"`
		Tenants map[string]Rules `yaml:"tenants"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&strict); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse rules: %w", err)
	}
	var nodes struct {
		Default yaml.Node            `yaml:"default"`
		Tenants map[string]yaml.Node `yaml:"tenants"`
	}
	_ = yaml.Unmarshal(data, &nodes) // the strict pass above already parsed it
	def := DefaultRules()
	if err := overlay(&def, &nodes.Default); err != nil {
		return nil, fmt.Errorf("default: %w", err)
	}
	tenants := map[string]Rules{}
	for t, n := range nodes.Tenants {
		r := def
		if err := overlay(&r, &n); err != nil {
			return nil, fmt.Errorf("tenant %s: %w", t, err)
		}
		tenants[t] = r
	}
	return NewRuleBook(def, tenants)
}

// overlay decodes n onto r, leaving the fields n does not name as they are.
func overlay(r *Rules, n *yaml.Node) error {
	if n.Kind == 0 {
		return nil
	}
	return n.Decode(r)
}
