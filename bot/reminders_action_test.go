package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestActionReminder: an action's reminder reaches its owner privately, in
// their language, naming the action, its time of day and the plan, with a
// done button and the command to type; it is skipped for someone who does
// not answer for the action, for an action removed or done, and once the
// plan no longer runs.
func TestActionReminder(t *testing.T) {
	w := newWorld(t)
	n := w.activePlan() // action 1: 更新客户拜访记录 | 每周五 17:00, the employee's
	w.say(mgr, "行动 1 添加 每周一对一辅导 | 每周一 17:00前 | 经理")
	w.say(mgr, "action 1 add stand-up | every working day 9:00 | HR")
	w.say(mgr, "action 1 add ride-along | by 2026-12-01 | <@u_other>")
	p := w.plan(n)
	ctx := context.Background()
	rm := func(no int, to string) bot.Reminder {
		return bot.Reminder{ID: 9, Tenant: w.tenant, Platform: bot.PlatformConsole, PlanID: p.ID, Subject: "plan:" + itoa(int(p.ID)),
			Kind: bot.RemindAction, DueKey: bot.ActionDueKey(no, "2026-11-20"), Recipient: to, DueAt: w.now, ExpiresAt: w.now.Add(8 * time.Hour)}
	}
	compose := func(r bot.Reminder) (bot.Reply, bool) {
		t.Helper()
		rep, skip, err := w.engine.Reminder(ctx, r)
		if err != nil {
			t.Fatalf("action %s to %s: %v", r.DueKey, r.Recipient, err)
		}
		if !skip && (!rep.Private || rep.To != r.Recipient || rep.Chat != "" || rep.GroupSafe || rep.Key != r.Key()) {
			t.Errorf("action %s: To %q Chat %q Private %v GroupSafe %v Key %q", r.DueKey, rep.To, rep.Chat, rep.Private, rep.GroupSafe, rep.Key)
		}
		return rep, skip
	}
	for _, c := range []struct {
		no    int
		to    string
		parts []string
	}{
		{1, emp.ID, []string{"提醒：行动 #1「更新客户拜访记录」今天 17:00 到期（计划 #" + itoa(n) + "）。", "时间节点：每周五 17:00", "「完成 " + itoa(n) + " 1」"}},
		{2, mgr.ID, []string{"行动 #2「每周一对一辅导」今天 17:00 到期", "每周一 17:00前"}},
		{3, hr.ID, []string{"Reminder: action #3 \"stand-up\" is due today 09:00 (plan #" + itoa(n) + ").", "Time node: every working day 09:00", "send \"done " + itoa(n) + " 3\""}},
		{4, other.ID, []string{"Reminder: action #4 \"ride-along\" is due today (plan #" + itoa(n) + ").", "Time node: by"}},
	} {
		rep, skip := compose(rm(c.no, c.to))
		if skip {
			t.Errorf("action %d to %s skipped", c.no, c.to)
			continue
		}
		mustContain(t, []bot.Reply{rep}, c.parts...)
		if b := buttons([]bot.Reply{rep}, c.to); len(b) != 1 || b[0] != "action.done" {
			t.Errorf("action %d: buttons %v, want the done button", c.no, b)
		}
		if c.no == 4 && strings.Contains(rep.Message.Text(), emp.Name) {
			t.Errorf("a named owner outside the plan was told whose plan it is:\n%s", rep.Message.Text())
		}
	}
	for _, c := range []struct {
		why string
		r   bot.Reminder
	}{
		{"the manager, for the employee's action", rm(1, mgr.ID)},
		{"the employee, for HR's action", rm(3, emp.ID)},
		{"someone else, for a named owner's action", rm(4, mentor.ID)},
		{"an action that does not exist", rm(9, emp.ID)},
		{"a malformed due key", func() bot.Reminder { r := rm(1, emp.ID); r.DueKey = "2026-11-20"; return r }()},
	} {
		if _, skip := compose(c.r); !skip {
			t.Errorf("%s: not skipped", c.why)
		}
	}

	// The owner marks it done by the button: the reminder no longer applies.
	w.act(emp, "action.done", map[string]string{"plan": itoa(n), "action": "1"}, nil)
	if _, skip := compose(rm(1, emp.ID)); !skip {
		t.Error("the reminder of an action marked done was not skipped")
	}
	w.say(hr, "done "+itoa(n)+" 3")
	if _, skip := compose(rm(3, hr.ID)); !skip {
		t.Error("the reminder of an action HR marked done was not skipped")
	}
	closed := w.plan(n)
	closed.Status = bot.StatusClosed
	if err := w.store.SavePlan(ctx, closed); err != nil {
		t.Fatal(err)
	}
	if _, skip := compose(rm(2, mgr.ID)); !skip {
		t.Error("an action reminder of a plan that no longer runs was not skipped")
	}
}

// TestActionDoneTellsScheduler: marking an action done, by command or by
// button, tells the scheduler, which cancels the action's pending
// reminders; a refused attempt does not.
func TestActionDoneTellsScheduler(t *testing.T) {
	w := newWorld(t)
	var calls []int64
	w.opts.Changed = func(_ context.Context, _ string, planID int64) { calls = append(calls, planID) }
	w.build()
	n := w.activePlan()
	w.say(mgr, "行动 1 添加 每周一对一辅导 | 每周一 17:00前 | 经理")
	id := w.plan(n).ID
	before := len(calls)
	w.say(emp, "完成 "+itoa(n)+" 2") // refused: the manager's action
	if len(calls) != before || w.plan(n).Action(2).Status == bot.ActionDone {
		t.Fatal("a refused done told the scheduler or marked the action")
	}
	w.say(emp, "完成 "+itoa(n)+" 1")
	w.act(mgr, "action.done", map[string]string{"plan": itoa(n), "action": "2"}, nil)
	if got := calls[before:]; len(got) != 2 || got[0] != id || got[1] != id {
		t.Fatalf("done by command and by button told the scheduler %v, want plan %d twice", got, id)
	}
}

func TestActionDueKey(t *testing.T) {
	key := bot.ActionDueKey(12, "2026-12-04")
	if key != "12@2026-12-04" {
		t.Fatalf("ActionDueKey = %q", key)
	}
	if no, day, ok := bot.ParseActionDueKey(key); !ok || no != 12 || day != "2026-12-04" {
		t.Errorf("ParseActionDueKey(%q) = %d %q %v", key, no, day, ok)
	}
	for _, bad := range []string{"", "2026-W47", "x@2026-12-04", "0@2026-12-04", "3@"} {
		if _, _, ok := bot.ParseActionDueKey(bad); ok {
			t.Errorf("ParseActionDueKey(%q) accepted", bad)
		}
	}
}
