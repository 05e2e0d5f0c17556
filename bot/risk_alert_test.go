package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// sweep is the scheduler's pass: rate every plan of the tenant now.
func (w *world) sweep() []bot.Reply {
	w.t.Helper()
	plans, err := w.store.ListPlans(context.Background(), w.tenant, bot.PlanQuery{})
	if err != nil {
		w.t.Fatal(err)
	}
	alerts, err := w.engine.RateRisks(context.Background(), w.tenant, plans)
	if err != nil {
		w.t.Fatal(err)
	}
	return alerts
}

// alertsIn picks the critical-risk alerts out of replies.
func alertsIn(replies []bot.Reply) map[string]bot.Reply {
	out := map[string]bot.Reply{}
	for _, r := range replies {
		if strings.Contains(r.Key, ":risk:critical:") {
			out[r.To] = r
		}
	}
	return out
}

// riskAudit lists the plan's "plan.risk" audit entries as "from→to".
func (w *world) riskAudit() []string {
	var out []string
	for _, a := range w.store.audit {
		if a.Action == "plan.risk" {
			out = append(out, a.From+"→"+a.To)
		}
	}
	return out
}

// TestRiskAlertOnce: a plan that turns critical as time passes alerts its
// manager and HR once each, privately, in their languages; it does not
// again while it stays critical; after it recovers, turning critical again
// (this time from a command, posted in a group) alerts them once more,
// never the group. Each move is in the audit log.
func TestRiskAlertOnce(t *testing.T) {
	w := newWorld(t)
	n := inActive(w)
	if a := w.sweep(); len(a) != 0 {
		t.Fatalf("a fresh plan alerted: %+v", a)
	}
	// Two weeks later, no update for either week: critical.
	w.now = w.now.AddDate(0, 0, 15)
	a := alertsIn(w.sweep())
	if len(a) != 2 || a[mgr.ID].To == "" || a[hr.ID].To == "" {
		t.Fatalf("alerts = %+v, want the manager and HR", a)
	}
	for to, r := range a {
		if !r.Private || r.Chat != "" || r.Key == "" {
			t.Errorf("alert to %s is not a keyed private message: %+v", to, r)
		}
	}
	mustContain(t, []bot.Reply{a[mgr.ID]}, "张三", "#1", "🔴 高风险", "连续 2 周未提交周进展")
	mustContain(t, []bot.Reply{a[hr.ID]}, "turned 🔴 critical", "2 weekly updates missed in a row")
	// Still critical: nothing more, from the sweep or from a command.
	if again := w.sweep(); len(again) != 0 {
		t.Errorf("alerted again while critical: %+v", again)
	}
	w.now = w.now.Add(time.Hour)
	if got := alertsIn(w.say(mgr, "跟踪 1 本周一对一辅导，约定下周补交进展")); len(got) != 0 {
		t.Errorf("a command on a plan still critical alerted again: %+v", got)
	}
	// The employee catches up: back on track, no alert.
	r := w.say(emp, "更新 1 季度销售额 36万 补交两周进展")
	if got := alertsIn(r); len(got) != 0 {
		t.Errorf("recovering alerted: %+v", got)
	}
	if k := w.plan(n); k.Goals[0].Current != 360000 {
		t.Fatalf("update not applied: %+v", k.Goals[0])
	}
	// Two weeks on, progress has stalled: the employee's next update,
	// posted in the team group, finds the plan critical again.
	w.now = w.now.AddDate(0, 0, 16)
	r = w.sayIn(emp, "oc_team", "更新 1 进展缓慢")
	a = alertsIn(r)
	if len(a) != 2 || a[mgr.ID].To == "" || a[hr.ID].To == "" {
		t.Fatalf("second turn to critical: alerts = %+v", a)
	}
	for _, x := range r {
		if x.Chat != "" && strings.Contains(x.Message.Text(), "高风险") {
			t.Errorf("the rating reached the group: %+v", x)
		}
	}
	mustContain(t, []bot.Reply{a[mgr.ID]}, "落后")
	if again := w.sweep(); len(again) != 0 {
		t.Errorf("the sweep alerted again after the command did: %+v", again)
	}
	want := []string{"on_track→critical", "critical→on_track", "on_track→critical"}
	if got := w.riskAudit(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("risk audit = %v, want %v", got, want)
	}
}

// TestRiskAlertTenantRule: with the tenant's thresholds relaxed, the same
// two missed weeks are only "at risk": no alert.
func TestRiskAlertTenantRule(t *testing.T) {
	w := newWorld(t)
	w.policy.Risk = bot.RiskRule{AtRiskLag: 30, CriticalLag: 60, AtRiskMissed: 2, CriticalMissed: 3}
	w.build()
	inActive(w)
	w.now = w.now.AddDate(0, 0, 15)
	if a := w.sweep(); len(a) != 0 {
		t.Errorf("alerted under the tenant's relaxed rule: %+v", a)
	}
	if got := w.riskAudit(); len(got) != 1 || got[0] != "on_track→at_risk" {
		t.Errorf("risk audit = %v", got)
	}
}

// TestRiskShown: the rating and its reasons on the plan card, in the team
// overview and in HR's list, in Chinese and English.
func TestRiskShown(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	mustContain(t, w.say(mgr, "查看 1"), "风险", "🟢 进展正常")
	w.now = w.now.AddDate(0, 0, 15)
	mustContain(t, w.say(mgr, "查看 1"), "🔴 高风险 · 进度 0%，时间已过 2", "连续 2 周未提交周进展")
	mustContain(t, w.say(hr, "show 1"), "Risk", "🔴 Critical · progress 0% at 2", "2 weekly updates missed in a row")
	mustContain(t, w.say(mgr, "团队"), "高风险", "🔴 #1 张三", "连续 2 周未提交周进展")
	mustContain(t, w.say(hr, "team"), "Critical", "🔴 #1 张三")
	mustContain(t, w.say(hr, "all"), "#1 张三", "🔴 Critical · progress 0%")
	w.say(hr, "lang zh")
	mustContain(t, w.say(hr, "全部"), "🔴 高风险 · 进度 0%")
	mustContain(t, w.say(emp, "我的计划"), "🔴 高风险")
}

// TestRiskInDigest: HR's Monday digest counts the running plans by rating
// and lists the plan that turned critical in the past week, with why.
func TestRiskInDigest(t *testing.T) {
	w := newWorld(t)
	n := inActive(w)
	w.now = w.now.AddDate(0, 0, 15) // Tuesday of the third week: two weeks missed
	w.sweep()
	w.now = w.now.AddDate(0, 0, 6) // the next Monday
	rm := bot.Reminder{Tenant: w.tenant, Platform: bot.PlatformConsole, Kind: bot.RemindHRDigest, Subject: "digest",
		DueKey: bot.WeekKey(w.now, time.UTC), Recipient: hr.ID}
	rep, skip, err := w.engine.Reminder(context.Background(), rm)
	if err != nil || skip {
		t.Fatalf("digest: skip %v, %v", skip, err)
	}
	if rep.To != hr.ID || !rep.Private {
		t.Errorf("digest not private to HR: %+v", rep)
	}
	mustContain(t, []bot.Reply{rep}, "🔴 Critical", "Turned at risk or critical in the past week (1)",
		"#"+itoa(n)+" 张三", "🔴 Critical · progress 0%", "weekly updates missed in a row")
}
