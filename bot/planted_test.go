package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// The tests below each catch a bug that was planted in the engine once and
// that no test caught: they fail when the rule is broken.

// TestAdjustManagerWhoIsHRConfirmsOnce: a manager who is also HR gives one
// confirmation, never both: the second must come from someone else.
func TestAdjustManagerWhoIsHRConfirmsOnce(t *testing.T) {
	w := newWorld(t)
	w.opts.Org = []bot.OrgEntry{{Employee: "console:u_mgr", HR: true}}
	w.build()
	inActive(w)
	w.say(emp, "调整 1 1 46万 市场变化")
	w.say(mgr, "调整 1 确认 1")
	w.refusedUnchanged(mgr, "调整 1 确认 1", "err.already_confirmed")
	if g := w.plan(1).Goals[0]; g.Target != 500000 {
		t.Fatalf("applied on one person's word: target %v", g.Target)
	}
	// The manager proposing (as manager) cannot then confirm as HR either.
	w2 := newWorld(t)
	w2.opts.Org = []bot.OrgEntry{{Employee: "console:u_mgr", HR: true}}
	w2.build()
	inActive(w2)
	w2.say(mgr, "调整 1 1 46万 市场变化")
	w2.refusedUnchanged(mgr, "调整 1 确认 1", "err.already_confirmed")
	w2.say(hr, "adjust 1 confirm 1")
	if g := w2.plan(1).Goals[0]; g.Target != 460000 {
		t.Fatalf("two people confirmed, target %v", g.Target)
	}
}

// TestAdjustRejectOnlyByDeciders: the employee who proposed it and the
// mentor cannot reject a pending adjustment; the manager can, with a
// reason, and the rejection is audited.
func TestAdjustRejectOnlyByDeciders(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(emp, "调整 1 1 46万 市场变化")
	w.refusedUnchanged(emp, "调整 1 驳回 1 不想调了", "err.forbidden_op")
	w.refusedUnchanged(mentor, "调整 1 驳回 1 没必要", "err.forbidden_op")
	before := len(w.store.audit)
	w.say(mgr, "调整 1 驳回 1 市场数据不支持")
	if w.store.adjs[0].Status != bot.AdjustRejected {
		t.Fatalf("status %s", w.store.adjs[0].Status)
	}
	if len(w.store.audit) != before+1 || !hasAudit(w, "adjust.reject", "市场数据不支持") {
		t.Error("the rejection left no audit entry with its reason")
	}
}

// TestAdjustTwoInsideBandOverTogether: two adjustments of one goal in one
// quarter, each inside the band, together over it: the second is refused.
func TestAdjustTwoInsideBandOverTogether(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.say(emp, "调整 1 1 45万 市场萎缩") // −10%
	w.say(mgr, "调整 1 确认 1")
	w.say(hr, "adjust 1 confirm 1")
	w.say(emp, "确认 1")
	if g := w.plan(1).Goals[0]; g.Target != 450000 {
		t.Fatalf("first adjustment: target %v", g.Target)
	}
	// −10% of 45万 is inside the band alone, −19% of the quarter's 50万.
	w.refusedUnchanged(emp, "调整 1 1 40.5万 继续萎缩", "err.adjust_band")
	w.now = w.now.AddDate(0, 3, 0) // the next quarter has its own band
	r := w.say(emp, "调整 1 1 40.5万 继续萎缩")
	if strings.HasPrefix(text(r), "⚠️") {
		t.Fatalf("next quarter's adjustment refused: %s", text(r))
	}
}

// TestAuditViewInGroupIsPrivate: the audit view typed in a group goes to
// the asker alone.
func TestAuditViewInGroupIsPrivate(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	r := w.sayIn(mgr, "oc_team", "审计 1")
	for _, rep := range r {
		if strings.Contains(rep.Message.Text(), "审计日志") && (!rep.Private || rep.Chat != "") {
			t.Fatalf("the audit view is not private: %+v", rep)
		}
	}
}

// TestHREscalationStopsOnceUpdated: the missed-update escalation to HR is
// not sent once an update has landed.
func TestHREscalationStopsOnceUpdated(t *testing.T) {
	w := newWorld(t)
	n := w.activePlan()
	p := w.plan(n)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	w.now = w.now.AddDate(0, 0, 14) // two weeks without an update
	week := bot.WeekKey(w.now, sh)
	rm := bot.Reminder{ID: 9, Tenant: w.tenant, Platform: bot.PlatformConsole, PlanID: p.ID, Subject: "plan:" + itoa(int(p.ID)),
		Kind: bot.RemindMissedHR, DueKey: week, Recipient: hr.ID, DueAt: w.now, ExpiresAt: w.now.Add(8 * time.Hour)}
	if _, skip, err := w.engine.Reminder(ctx, rm); err != nil || skip {
		t.Fatalf("escalation before any update: skip %v, %v", skip, err)
	}
	w.say(emp, "更新 销售额 40万 补上了")
	if _, skip, err := w.engine.Reminder(ctx, rm); err != nil || !skip {
		t.Fatalf("escalation after the update landed: skip %v, %v", skip, err)
	}
}
