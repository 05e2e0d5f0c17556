package bot

import (
	"testing"
	"time"
)

func TestParseNumber(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		unit string
		ok   bool
	}{
		{"420000", 420000, "", true}, {"420,000", 420000, "", true}, {"42万", 420000, "", true},
		{"4.2w", 42000, "", true}, {"42k", 42000, "", true}, {"1.5m", 1500000, "", true},
		{"8%", 8, "%", true}, {"３亿", 3e8, "", true}, {"￥350000", 350000, "", true},
		{"35万元", 350000, "元", true}, {"8家", 8, "家", true}, {"-5", -5, "", true}, {"０．５", 0.5, "", true},
		{"abc", 0, "", false}, {"", 0, "", false}, {"8家3", 0, "", false}, {"万", 0, "", false}, {"1.2.3", 0, "", false},
	}
	for _, c := range cases {
		v, u, ok := ParseNumber(c.in)
		if ok != c.ok || (ok && (v != c.want || u != c.unit)) {
			t.Errorf("ParseNumber(%q) = %v %q %v, want %v %q %v", c.in, v, u, ok, c.want, c.unit, c.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC) // 2026-11-21 04:00 in Shanghai
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-12-03", "2026-12-03", true}, {"2026/12/3", "2026-12-03", true}, {"12月3日", "2026-12-03", true},
		{"2027年1月31日", "2027-01-31", true}, {"1-5", "2027-01-05", true}, {"今天", "2026-11-21", true},
		{"tomorrow", "2026-11-22", true}, {"2026-02-30", "", false}, {"13/1", "", false}, {"someday", "", false},
	}
	for _, c := range cases {
		d, ok := ParseDate(c.in, now, sh)
		if ok != c.ok || (ok && d.Format("2006-01-02") != c.want) {
			t.Errorf("ParseDate(%q) = %v %v, want %s %v", c.in, d, ok, c.want, c.ok)
		}
	}
	at, ok := ParseDateTime("12月3日 下午3点", now, sh)
	if !ok || at.UTC().Format(time.RFC3339) != "2026-12-03T07:00:00Z" {
		t.Errorf("ParseDateTime = %v %v", at, ok)
	}
	if _, ok := ParseDateTime("2026-12-03 25:00", now, sh); ok {
		t.Error("25:00 accepted")
	}
}

func TestWeekKeyUsesReaderZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	sunNightNY := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // Sun 20:00 in New York, Mon 09:00 in Shanghai
	if got := WeekKey(sunNightNY, ny); got != "2026-W47" {
		t.Errorf("New York week = %s", got)
	}
	if got := WeekKey(sunNightNY, sh); got != "2026-W48" {
		t.Errorf("Shanghai week = %s", got)
	}
}

func TestParseUpdate(t *testing.T) {
	p := &Plan{Goals: []Goal{{No: 1, Metric: "季度销售额"}, {No: 2, Metric: "customer visits"}, {No: 3, Metric: "投诉率", Unit: "%"}}}
	cases := []struct {
		in   []string
		want []GoalValue
		text string
	}{
		{fields("销售额 42万 本周拜访8家"), []GoalValue{{1, 420000}}, "本周拜访8家"},
		{fields("销售额42万 投诉率 5% 不错"), []GoalValue{{1, 420000}, {3, 5}}, "不错"},
		{fields("customer visits 8 good week"), []GoalValue{{2, 8}}, "good week"},
		{fields("visits=12 #1 450000"), []GoalValue{{2, 12}, {1, 450000}}, ""},
		{fields("just talked to the team"), nil, "just talked to the team"},
	}
	for _, c := range cases {
		got, text := parseUpdate(p, c.in)
		if len(got) != len(c.want) || text != c.text {
			t.Errorf("parseUpdate(%v) = %v %q, want %v %q", c.in, got, text, c.want, c.text)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("parseUpdate(%v)[%d] = %v, want %v", c.in, i, got[i], c.want[i])
			}
		}
	}
}

func TestParseGoalAndGap(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC)
	g, err := parseGoal(fields("客户投诉率 8% 3% 2个月"), now, sh)
	if err != nil || g.Metric != "客户投诉率" || g.Baseline != 8 || g.Target != 3 || g.Unit != "%" || g.Deadline.Format("2006-01-02") != "2027-01-16" {
		t.Errorf("goal = %+v %v", g, err)
	}
	g, err = parseGoal(fields("project delay rate 20% 8% 1 month"), now, sh)
	if err != nil || g.Metric != "project delay rate" || g.Target != 8 || g.Deadline.Format("2006-01-02") != "2026-12-16" {
		t.Errorf("goal = %+v %v", g, err)
	}
	gap, err := parseGap(fields("quarterly sales 500000 350000 CNY"))
	if err != nil || gap.Metric != "quarterly sales" || gap.Size() != 150000 || gap.Unit != "CNY" {
		t.Errorf("gap = %+v %v", gap, err)
	}
	if g := (Goal{Baseline: 8, Target: 3, Current: 5.5}); g.Progress() != 50 || g.Achieved() {
		t.Errorf("falling goal progress = %v", g.Progress())
	}
}

func TestFormatNumberByLocale(t *testing.T) {
	if got := formatNumber(LocaleZH, 420000); got != "42万" {
		t.Errorf("zh = %s", got)
	}
	if got := formatNumber(LocaleEN, 1234567.5); got != "1,234,567.5" {
		t.Errorf("en = %s", got)
	}
}
