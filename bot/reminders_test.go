package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestReminderMessages: each kind reaches its recipient privately, in
// their language, with its button or form; it is skipped once it no longer
// applies; the team summary goes to the chat with counts only.
func TestReminderMessages(t *testing.T) {
	w := newWorld(t)
	n := w.activePlan()
	p := w.plan(n)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	week := bot.WeekKey(w.now, sh)
	rm := func(kind bot.ReminderKind, key, to string) bot.Reminder {
		return bot.Reminder{ID: 7, Tenant: w.tenant, Platform: bot.PlatformConsole, PlanID: p.ID, Subject: "plan:" + itoa(int(p.ID)),
			Kind: kind, DueKey: key, Recipient: to, DueAt: w.now, ExpiresAt: w.now.Add(8 * time.Hour)}
	}
	compose := func(r bot.Reminder) (bot.Reply, bool) {
		t.Helper()
		rep, skip, err := w.engine.Reminder(ctx, r)
		if err != nil {
			t.Fatalf("%s: %v", r.Kind, err)
		}
		if !skip && (!rep.Private || rep.To != r.Recipient || rep.Key != r.Key()) {
			t.Errorf("%s: Private %v To %q Key %q", r.Kind, rep.Private, rep.To, rep.Key)
		}
		return rep, skip
	}

	rep, skip := compose(rm(bot.RemindWeekly, week, emp.ID))
	if skip || !strings.Contains(rep.Message.Text(), "进展") || !slicesContains(buttons([]bot.Reply{rep}, emp.ID), "plan.update") {
		t.Errorf("weekly: skip %v\n%s", skip, rep.Message.Text())
	}
	if _, skip := compose(rm(bot.RemindWeekly, week, mgr.ID)); !skip {
		t.Error("a weekly reminder to someone who is no longer the employee was not skipped")
	}
	rep, skip = compose(rm(bot.RemindMonthly, bot.MonthKey(w.now, sh), mgr.ID))
	if skip || !hasForm(rep, "plan.review") {
		t.Errorf("monthly: skip %v, want the review form:\n%s", skip, rep.Message.Text())
	}
	rep, skip = compose(rm(bot.RemindEnding, p.End.Format("2006-01-02"), mgr.ID))
	if skip || !slicesContains(buttons([]bot.Reply{rep}, mgr.ID), "plan.close") {
		t.Errorf("ending: skip %v, buttons %v", skip, buttons([]bot.Reply{rep}, mgr.ID))
	}
	if _, skip := compose(rm(bot.RemindEnding, "2020-01-01", mgr.ID)); !skip {
		t.Error("an ending prompt for a former end date was not skipped")
	}
	rep, skip = compose(rm(bot.RemindMissed, week, mgr.ID))
	if skip || !strings.Contains(rep.Message.Text(), emp.Name) {
		t.Errorf("missed: skip %v\n%s", skip, rep.Message.Text())
	}
	if err := w.store.BindTeamChat(ctx, bot.TeamChat{Tenant: w.tenant, ChatID: "oc_t", ManagerID: mgr.ID}); err != nil {
		t.Fatal(err)
	}
	sum := bot.Reminder{Tenant: w.tenant, Subject: "chat:oc_t", Kind: bot.RemindWeeklySummary, DueKey: week, Recipient: "oc_t", ToChat: true}
	if _, skip, _ := w.engine.Reminder(ctx, sum); !skip {
		t.Error("a summary with no team-visible plan was not skipped")
	}

	w.act(emp, "plan.update", map[string]string{"plan": itoa(n)}, map[string]string{"text": "拜访8家客户"})
	for _, kind := range []bot.ReminderKind{bot.RemindWeekly, bot.RemindMissed} {
		to := map[bot.ReminderKind]string{bot.RemindWeekly: emp.ID, bot.RemindMissed: mgr.ID}[kind]
		if _, skip := compose(rm(kind, week, to)); !skip {
			t.Errorf("%s not skipped after the week's update", kind)
		}
	}
	p = w.plan(n)
	p.TeamVisible = true
	if err := w.store.SavePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	rep, skip, err := w.engine.Reminder(ctx, sum)
	if err != nil || skip || rep.Private || rep.Chat != "oc_t" || rep.To != "" {
		t.Fatalf("summary: %v skip %v Private %v Chat %q To %q", err, skip, rep.Private, rep.Chat, rep.To)
	}
	if text := rep.Message.Text(); !strings.Contains(text, "1 人提交进展，0 人") || strings.Contains(text, emp.Name) || strings.Contains(text, "#") {
		t.Errorf("summary text:\n%s", text)
	}
	if _, _, err := w.engine.Reminder(ctx, rm("bogus", week, emp.ID)); err == nil {
		t.Error("an unknown kind is no error")
	}
}

func TestPrevWeekKey(t *testing.T) {
	for in, want := range map[string]string{"2026-W47": "2026-W46", "2026-W01": "2025-W52", "2021-W01": "2020-W53", "2027-W01": "2026-W53"} {
		if got, ok := bot.PrevWeekKey(in); !ok || got != want {
			t.Errorf("PrevWeekKey(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "2026-11", "2026-W54", "x-W1"} {
		if _, ok := bot.PrevWeekKey(bad); ok {
			t.Errorf("PrevWeekKey(%q) ok", bad)
		}
	}
}

func hasForm(rep bot.Reply, action string) bool {
	for _, b := range rep.Message.Blocks {
		if f, ok := b.(bot.Form); ok && f.Action.ID == action {
			return true
		}
	}
	return false
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestInterviewReminderBeforeStart: the interview comes before the plan
// runs, so its notice goes out for a submitted plan, while reminders about
// progress do not.
func TestInterviewReminderBeforeStart(t *testing.T) {
	w := newWorld(t)
	n := w.draftPlan(emp)
	w.say(emp, "提交 "+itoa(n))
	w.say(mgr, "interview "+itoa(n)+" book 2026-11-25 15:00")
	p := w.plan(n)
	ctx := context.Background()
	ivs, err := w.store.Interviews(ctx, w.tenant, p.ID)
	if err != nil || len(ivs) != 1 {
		t.Fatalf("interviews = %v, %v", ivs, err)
	}
	r := bot.Reminder{Tenant: w.tenant, PlanID: p.ID, Subject: "interview:" + itoa(int(ivs[0].ID)), Kind: bot.RemindInterview,
		DueKey: "2026-11-20", Recipient: emp.ID, ShortNotice: true}
	rep, skip, err := w.engine.Reminder(ctx, r)
	if err != nil || skip || !strings.Contains(rep.Message.Text(), "临时通知") || !strings.Contains(rep.Message.Text(), "开场") {
		t.Errorf("notice for a submitted plan: %v skip %v\n%s", err, skip, rep.Message.Text())
	}
	r.Recipient = other.ID
	if _, skip, _ := w.engine.Reminder(ctx, r); !skip {
		t.Error("a notice to someone not invited was not skipped")
	}
	r.Kind, r.Subject, r.DueKey, r.Recipient = bot.RemindWeekly, "plan:"+itoa(int(p.ID)), "2026-W47", emp.ID
	if _, skip, _ := w.engine.Reminder(ctx, r); !skip {
		t.Error("a weekly reminder for a plan not yet running was not skipped")
	}
}
