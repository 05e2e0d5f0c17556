package bot

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestParseTimeNode reads dates and cadences in both languages into the
// structured form a scheduler uses, and refuses what it cannot read whole.
func TestParseTimeNode(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) // Friday 2026-11-20 in Shanghai
	fri, mon := []time.Weekday{time.Friday}, []time.Weekday{time.Monday}
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		in   string
		want TimeNode
	}{
		{"每周五 17:00", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Clock: "17:00"}},
		{"每周五17:00前", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Clock: "17:00", By: true}},
		{"每星期五下午5点前", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Clock: "17:00", By: true}},
		{"每周一、三、五 9:00", TimeNode{Repeat: RepeatWeekly, Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, Clock: "09:00"}},
		{"隔周一", TimeNode{Repeat: RepeatWeekly, Weekdays: mon, Every: 2}},
		{"每两周周五", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Every: 2}},
		{"每日9:00", TimeNode{Repeat: RepeatDaily, Clock: "09:00"}},
		{"每天 早上9点半", TimeNode{Repeat: RepeatDaily, Clock: "09:30"}},
		{"每个工作日 9:00", TimeNode{Repeat: RepeatWorkdays, Clock: "09:00"}},
		{"工作日每天9点", TimeNode{Repeat: RepeatWorkdays, Clock: "09:00"}},
		{"每月25日", TimeNode{Repeat: RepeatMonthly, Day: 25}},
		{"每月25号 10:00", TimeNode{Repeat: RepeatMonthly, Day: 25, Clock: "10:00"}},
		{"2026-12-31", TimeNode{Repeat: RepeatOnce, Date: date(2026, 12, 31)}},
		{"12月31日前", TimeNode{Repeat: RepeatOnce, Date: date(2026, 12, 31), By: true}},
		{"１２月３１日 １７：００", TimeNode{Repeat: RepeatOnce, Date: date(2026, 12, 31), Clock: "17:00"}},
		{"every Friday 17:00", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Clock: "17:00"}},
		{"every Friday by 5pm", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Clock: "17:00", By: true}},
		{"Fridays before 17:00", TimeNode{Repeat: RepeatWeekly, Weekdays: fri, Clock: "17:00", By: true}},
		{"every Mon, Wed and Fri at 9am", TimeNode{Repeat: RepeatWeekly, Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, Clock: "09:00"}},
		{"every other Monday", TimeNode{Repeat: RepeatWeekly, Weekdays: mon, Every: 2}},
		{"biweekly on Monday", TimeNode{Repeat: RepeatWeekly, Weekdays: mon, Every: 2}},
		{"weekly on Friday", TimeNode{Repeat: RepeatWeekly, Weekdays: fri}},
		{"daily 9:00", TimeNode{Repeat: RepeatDaily, Clock: "09:00"}},
		{"every working day at 9am", TimeNode{Repeat: RepeatWorkdays, Clock: "09:00"}},
		{"weekdays 9:30", TimeNode{Repeat: RepeatWorkdays, Clock: "09:30"}},
		{"monthly on the 25th", TimeNode{Repeat: RepeatMonthly, Day: 25}},
		{"the 25th of every month 10am", TimeNode{Repeat: RepeatMonthly, Day: 25, Clock: "10:00"}},
		{"by 2026-12-31", TimeNode{Repeat: RepeatOnce, Date: date(2026, 12, 31), By: true}},
		{"on 12/31 17:00", TimeNode{Repeat: RepeatOnce, Date: date(2026, 12, 31), Clock: "17:00"}},
	}
	for _, c := range cases {
		got, ok := ParseTimeNode(c.in, now, sh)
		if !ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseTimeNode(%q) = %+v, %v; want %+v", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "每周八", "每周五 25:00", "every Funday", "每月32日", "sometimes", "friday", "每周五 看情况", "every Friday 17:00 or so", "2026-02-30"} {
		if got, ok := ParseTimeNode(bad, now, sh); ok {
			t.Errorf("ParseTimeNode(%q) = %+v, want refused", bad, got)
		}
	}
}

// TestTimeNodeString shows a node back in either language.
func TestTimeNodeString(t *testing.T) {
	cases := []struct {
		n      TimeNode
		zh, en string
	}{
		{TimeNode{Repeat: RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00", By: true}, "每周五 17:00前", "every Friday by 17:00"},
		{TimeNode{Repeat: RepeatWeekly, Weekdays: []time.Weekday{time.Monday, time.Thursday}, Every: 2}, "每2周的周一、周四", "every 2 weeks on Monday, Thursday"},
		{TimeNode{Repeat: RepeatWorkdays, Clock: "09:00"}, "每个工作日 09:00", "every working day 09:00"},
		{TimeNode{Repeat: RepeatMonthly, Day: 25}, "每月25日", "monthly on day 25"},
		{TimeNode{Text: "看情况"}, "看情况", "看情况"},
	}
	for _, c := range cases {
		if got := c.n.String(LocaleZH); got != c.zh {
			t.Errorf("zh %+v = %q, want %q", c.n, got, c.zh)
		}
		if got := c.n.String(LocaleEN); got != c.en {
			t.Errorf("en %+v = %q, want %q", c.n, got, c.en)
		}
	}
}

// TestParseActionTable reads one row of the execution table: owner in any
// part after the first, a cadence opening the text, and errors that name
// the part that is wrong.
func TestParseActionTable(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	a, err := parseAction("每周五17:00前更新拜访记录", now, sh)
	if err != nil || a.Kind() != OwnerEmployee || a.When.Repeat != RepeatWeekly || a.When.Clock != "17:00" || !a.When.By || a.What != "每周五17:00前更新拜访记录" {
		t.Errorf("cadence in the text: %+v, %v", a, err)
	}
	a, err = parseAction("每周五17:00前更新拜访记录 | CRM 权限 | 拜访数", now, sh)
	if err != nil || a.When.Repeat != RepeatWeekly || a.Resources != "CRM 权限" || a.Measure != "拜访数" {
		t.Errorf("cadence in the text, then resources and metric: %+v, %v", a, err)
	}
	a, err = parseAction("每日9:00站会 | 经理", now, sh)
	if err != nil || a.Kind() != OwnerManager || a.When.Repeat != RepeatDaily || a.When.Clock != "09:00" {
		t.Errorf("owner as the second part: %+v, %v", a, err)
	}
	a, err = parseAction("skills training | by 2026-12-31 | HR | training budget | exam score", now, sh)
	if err != nil || a.Kind() != OwnerHR || a.When.Repeat != RepeatOnce || a.Resources != "training budget" || a.Measure != "exam score" {
		t.Errorf("full row: %+v, %v", a, err)
	}
	a, err = parseAction("ride-along | every Monday 9am | <@U42> | car", now, sh)
	if err != nil || a.Kind() != OwnerPerson || a.Owner != "U42" || a.Resources != "car" {
		t.Errorf("named owner: %+v, %v", a, err)
	}
	for in, field := range map[string]string{
		"复盘 | 每周八":              "action_when",
		"training | 2020-01-01": "action_when",
		" | every Friday":       "action_what",
		"a | daily | b | c | d": "action_what",
		"x | daily | " + string(make([]rune, 0)) + longText(501): "action_resources",
	} {
		_, err := parseAction(in, now, sh)
		var be *Error
		if !errors.As(err, &be) || be.Code != EINVALID || len(be.Fields) != 1 || be.Fields[0].Name != field {
			t.Errorf("parseAction(%.30q) = %v, want an error on %s", in, err, field)
		}
	}
}

func longText(n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = '字'
	}
	return string(r)
}
