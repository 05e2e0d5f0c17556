package bot_test

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestEveryOutcomeNeedsHR: close, extend, role change, not achieved and
// cancel are proposals until HR confirms them; the plan runs on meanwhile.
func TestEveryOutcomeNeedsHR(t *testing.T) {
	for _, c := range []struct {
		propose string
		status  bot.Status
		outcome bot.Outcome
	}{
		{"结案 1 未达成 差距仍大", bot.StatusClosed, bot.OutcomeNotAchieved},
		{"结案 1 调岗 更适合运营岗", bot.StatusClosed, bot.OutcomeRoleAdjusted},
		{"延期 1 2027-03-31 还需巩固", bot.StatusActive, ""},
		{"取消 1 组织调整", bot.StatusCancelled, bot.OutcomeCancelled},
	} {
		t.Run(c.propose, func(t *testing.T) {
			w := newWorld(t)
			inActive(w)
			w.say(mgr, c.propose)
			p := w.plan(1)
			if p.Status != bot.StatusActive || p.Pending == nil || p.Cycle != 1 {
				t.Fatalf("a proposal took effect: %s cycle %d pending %+v", p.Status, p.Cycle, p.Pending)
			}
			w.refusedUnchanged(mgr, "结案 1 确认", "err.forbidden_op")
			w.refusedUnchanged(mgr, "结案 1 未达成 另一个", "err.outcome_pending")
			w.say(hr, "close 1 confirm agreed")
			p = w.plan(1)
			if p.Status != c.status || p.Outcome != c.outcome || p.Pending != nil {
				t.Fatalf("confirmed: %s %s pending %+v", p.Status, p.Outcome, p.Pending)
			}
			if strings.HasPrefix(c.propose, "延期") && (p.Cycle != 2 || p.End.Format("2006-01-02") != "2027-03-31") {
				t.Errorf("extension: cycle %d end %s", p.Cycle, p.End.Format("2006-01-02"))
			}
		})
	}
}

// TestAchievedCheckedAgainstGoals: "achieved" with a goal below target
// needs HR's written reason; with every goal met it needs HR's word only;
// either way only the confirmed outcome reaches the promotion list.
func TestAchievedCheckedAgainstGoals(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(emp, "更新 销售额 43万 进展")
	r := w.say(mgr, "结案 1 达成 进步明显")
	mustContain(t, r, "仍有目标未达到目标值")
	mustContain(t, w.say(hr, "promotions"), "No one has achieved a plan yet")
	w.refusedUnchanged(hr, "close 1 confirm", "err.outcome_reason")
	w.say(hr, "close 1 confirm client mix changed; contribution met the bar")
	mustContain(t, w.say(hr, "promotions"), "张三: plan #1")
	if !hasAudit(w, "outcome.confirm", "client mix changed") {
		t.Error("HR's reason is not in the audit log")
	}

	w = newWorld(t)
	inActive(w)
	w.say(emp, "更新 销售额 50万 达标")
	r = w.say(mgr, "结案 1 达成 目标全部达成")
	if strings.Contains(text(r), "仍有目标未达到") {
		t.Error("a plan with every goal met is called below target")
	}
	w.say(hr, "close 1 confirm")
	if p := w.plan(1); p.Status != bot.StatusClosed || p.Outcome != bot.OutcomeAchieved {
		t.Fatalf("plan %s %s", p.Status, p.Outcome)
	}
}

// TestOutcomeFourEyes: HR who proposed an outcome cannot confirm it;
// another HR user can; an employee cannot propose one; a rejected proposal
// leaves the plan running, audited with its reason.
func TestOutcomeFourEyes(t *testing.T) {
	w := newWorld(t)
	w.opts.Org = []bot.OrgEntry{{Employee: "console:u_other", HR: true}}
	w.build()
	inActive(w)
	w.refusedUnchanged(emp, "结案 1 达成 我觉得可以", "err.forbidden_op")
	w.say(hr, "close 1 not_achieved still short")
	w.refusedUnchanged(hr, "close 1 confirm", "err.own_proposal")
	w.say(other, "close 1 reject the manager has not been heard")
	p := w.plan(1)
	if p.Status != bot.StatusActive || p.Pending != nil {
		t.Fatalf("after the rejection: %s pending %+v", p.Status, p.Pending)
	}
	if !hasAudit(w, "outcome.reject", "the manager has not been heard") {
		t.Error("the rejection is not audited with its reason")
	}
	w.say(hr, "close 1 not_achieved still short after the 1:1")
	w.say(other, "close 1 confirm")
	if p := w.plan(1); p.Status != bot.StatusClosed {
		t.Fatalf("another HR's confirmation did not close it: %s", p.Status)
	}
}

// TestOutcomeButtons: HR gets a card with confirm/reject; below target the
// confirm button asks for the reason in a form.
func TestOutcomeButtons(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	r := w.say(mgr, "结案 1 达成 进步明显")
	if got := buttons(r, hr.ID); len(got) != 2 || got[0] != "outcome.confirm" || got[1] != "outcome.reject" {
		t.Fatalf("HR's buttons = %v", got)
	}
	r = w.act(hr, "outcome.confirm", map[string]string{"plan": "1"}, nil)
	var form *bot.Form
	for _, b := range r[0].Message.Blocks {
		if f, ok := b.(bot.Form); ok {
			form = &f
		}
	}
	if form == nil || form.Inputs[0].Name != "reason" || w.plan(1).Status != bot.StatusActive {
		t.Fatalf("the confirm button did not ask for a reason: %s", text(r))
	}
	r = w.act(hr, "outcome.confirm", map[string]string{"plan": "1"}, map[string]string{"reason": ""})
	if r[0].Errors["reason"] == "" {
		t.Errorf("an empty reason has no field error: %+v", r[0].Errors)
	}
	w.act(hr, "outcome.confirm", map[string]string{"plan": "1"}, map[string]string{"reason": "key account signed"})
	if p := w.plan(1); p.Status != bot.StatusClosed || p.Outcome != bot.OutcomeAchieved {
		t.Fatalf("plan %s %s", p.Status, p.Outcome)
	}
}
