package scheduler_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
)

func TestDefaultRulesAreDesignMD(t *testing.T) {
	r := scheduler.DefaultRules()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.Region != "CN" || r.NoticeDays != 3 || r.NoticeTime != "10:00" || r.WeeklyDay != scheduler.Weekday(time.Friday) ||
		r.WeeklyTime != "17:00" || r.EscalationTime != "10:00" || r.MonthlyDay != 25 || r.MonthlyTime != "10:00" ||
		r.EndingDays != 3 || r.ArchiveDays != 1 {
		t.Errorf("defaults drifted from docs/architecture.md: %+v", r)
	}
}

// TestParseRules: sections override only what they name, default over
// DefaultRules and each tenant over default; JSON reads as well as YAML.
func TestParseRules(t *testing.T) {
	yaml := `
default:
  weekly_time: "16:30"
tenants:
  "slack:T01": {region: US, tz: America/New_York, monthly_day: 28, weekly_day: thursday}
  "lark:t2":
    notice_days: 2
`
	json := `{"default": {"weekly_time": "16:30"}, "tenants": {"slack:T01": {"region": "US", "tz": "America/New_York",
		"monthly_day": 28, "weekly_day": "周四"}, "lark:t2": {"notice_days": 2}}}`
	for name, src := range map[string]string{"yaml": yaml, "json": json} {
		t.Run(name, func(t *testing.T) {
			b, err := scheduler.ParseRules([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			us := b.For("slack:T01")
			if us.Region != "US" || us.TZ != "America/New_York" || us.MonthlyDay != 28 || us.WeeklyDay != scheduler.Weekday(time.Thursday) ||
				us.WeeklyTime != "16:30" || us.NoticeDays != 3 {
				t.Errorf("slack:T01 = %+v", us)
			}
			if cn := b.For("lark:t2"); cn.NoticeDays != 2 || cn.WeeklyTime != "16:30" || cn.Region != "CN" {
				t.Errorf("lark:t2 = %+v", cn)
			}
			if other := b.For("lark:other"); other.WeeklyTime != "16:30" || other.MonthlyDay != 25 {
				t.Errorf("a tenant without overrides = %+v", other)
			}
		})
	}
	if b, err := scheduler.ParseRules(nil); err != nil || b.For("x") != scheduler.DefaultRules() {
		t.Errorf("an empty file: %v, %+v", err, b)
	}
}

// TestRulesRefused: every problem is reported at once, send times in the
// small hours are refused, unknown keys are errors.
func TestRulesRefused(t *testing.T) {
	for name, c := range map[string]struct {
		src  string
		want []string
	}{
		"small hours": {`tenants: {"lark:t": {weekly_time: "02:30", notice_time: "3:59"}}`,
			[]string{"lark:t", "weekly_time", "notice_time", "00:00 and 03:59"}},
		"several": {`default: {monthly_day: 32, region: cn, tz: Mars/Base, weekly_day: saturday, notice_deadline: soon}`,
			[]string{"monthly_day: 32", "region", "Mars/Base", "weekly_day", "notice_deadline"}},
		"bad clock":   {`default: {archive_time: "noon"}`, []string{"archive_time", "HH:MM"}},
		"unknown key": {`default: {weekly_tmie: "17:00"}`, []string{"weekly_tmie"}},
		"bad weekday": {`default: {weekly_day: funday}`, []string{"funday"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := scheduler.ParseRules([]byte(c.src))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}
}

func TestLoadRulesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte("default: {escalation_time: \"09:30\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := scheduler.LoadRules(path)
	if err != nil || b.For("t").EscalationTime != "09:30" {
		t.Fatalf("LoadRules = %v, %+v", err, b)
	}
	if _, err := scheduler.LoadRules(path + ".missing"); err == nil || !strings.Contains(err.Error(), "read rules") {
		t.Errorf("missing file: %v", err)
	}
}

// TestRulesPolicy: the rule file carries each tenant's process settings,
// which the engine reads; the defaults are manager-only approval, no
// adjustment override and plans out of team summaries.
func TestRulesPolicy(t *testing.T) {
	b, err := scheduler.ParseRules([]byte(`
default: {team_visible: true}
tenants:
  "lark:strict": {approval: manager+hr, adjust_override: true, notice_days: 5}
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := (*scheduler.RuleBook)(nil).Policy("x"); got != (bot.Policy{Approval: bot.ApproveManager, NoticeDays: 3, Risk: bot.DefaultRiskRule()}) {
		t.Errorf("no rules file: %+v", got)
	}
	if got := b.Policy("slack:other"); got != (bot.Policy{Approval: bot.ApproveManager, TeamVisible: true, NoticeDays: 3, Risk: bot.DefaultRiskRule()}) {
		t.Errorf("default section: %+v", got)
	}
	if got := b.Policy("lark:strict"); got != (bot.Policy{Approval: bot.ApproveManagerHR, AdjustOverride: true, TeamVisible: true, NoticeDays: 5, Risk: bot.DefaultRiskRule()}) {
		t.Errorf("tenant section: %+v", got)
	}
	if _, err := scheduler.ParseRules([]byte(`default: {approval: hr-only}`)); err == nil || !strings.Contains(err.Error(), "approval") {
		t.Errorf("a bad approval setting was accepted: %v", err)
	}
}
