package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// faultAction is a kind of event that must take effect exactly once.
type faultAction struct {
	name string
	// prepare brings the tenant, through the healthy first process, to
	// where the event means something, and returns the event.
	prepare func(r *faultRig) faultEvent
}

// faultEvent is one event and what it must do, once.
type faultEvent struct {
	actor string
	// send delivers the event to the first process; a click returns the
	// callback's answer.
	send func() map[string]any
	card string // the clicked card's message id; "" for a typed message
	// effect checks, on the database, that the event took effect exactly
	// once (n is 1), or not at all (n is 0).
	effect func(r *faultRig, n int)
	// replies is how many messages each person gets for it.
	replies map[string]int
}

var faultActions = []faultAction{
	{name: "weekly update", prepare: prepareUpdate},
	{name: "approval click", prepare: prepareApproval},
	{name: "adjustment confirmation", prepare: prepareAdjustConfirm},
}

// faultForm is the plan every scenario starts from: 张三's, managed by 王经理.
var faultForm = planForm{metric: "季度销售额", baseline: "61万", target: "73万", unit: "元",
	cause: "客户跟进不及时", action: "更新客户拜访记录"}

// prepareUpdate: 张三's plan runs; he types his weekly update, which is
// stored once, audited once, confirmed to him and told to his manager.
func prepareUpdate(r *faultRig) faultEvent {
	p := r.p1.runningPlan(ouEmp, faultForm)
	r.p1.quiet()
	return faultEvent{
		actor: ouEmp,
		send:  func() map[string]any { r.p1.say(ouEmp, "更新 季度销售额 66万 本周拜访8家"); return nil },
		effect: func(r *faultRig, n int) {
			ups, err := r.p1.a.db.Updates(context.Background(), r.p1.tenant, p.ID)
			if err != nil {
				r.t.Fatal(err)
			}
			if len(ups) != n {
				r.t.Errorf("%d weekly updates stored, want %d", len(ups), n)
			}
			for _, u := range ups {
				if len(u.Values) != 1 || u.Values[0].Value != 660000 {
					r.t.Errorf("update stored as %+v", u)
				}
			}
			r.audited(p.ID, "plan.update", n)
		},
		replies: map[string]int{ouEmp: 1, ouMgr: 1},
	}
}

// prepareApproval: 张三 submits his plan; 王经理 approves it from the card,
// which approves it once, sends 张三 the card to acknowledge and tells HR.
func prepareApproval(r *faultRig) faultEvent {
	p := r.p1.draft(ouEmp, faultForm)
	n := strconv.Itoa(p.Number)
	sent := len(r.fake.Messages())
	r.p1.ask(ouEmp, "提交 "+n, "计划 #"+n+" 已提交给 王经理")
	card := r.p1.awaitDM(ouMgr, sent, "plan.approve")
	r.p1.quiet()
	version := r.p1.plan(p.Number).Version
	return faultEvent{
		actor: ouMgr, card: card.ID,
		send: func() map[string]any {
			return r.p1.click(ouMgr, card, buttonValue(r.t, card.Card, "plan.approve"), nil)
		},
		effect: func(r *faultRig, n int) {
			got := r.p1.plan(p.Number)
			approved := got.Status == bot.StatusApproved && got.ApprovedBy == ouMgr
			if n == 1 && (!approved || got.Version != version+1) {
				r.t.Errorf("after the approval: status %s by %q, version %d→%d", got.Status, got.ApprovedBy, version, got.Version)
			}
			if n == 0 && (got.Status != bot.StatusSubmitted || got.Version != version) {
				r.t.Errorf("not yet approved, the plan is %s, version %d→%d", got.Status, version, got.Version)
			}
			r.audited(p.ID, "plan.approve", n)
		},
		replies: map[string]int{ouEmp: 1, ouHR: 1, ouHR2: 1},
	}
}

// prepareAdjustConfirm: 王经理 proposes lowering 张三's target to 70万
// (confirming it himself); 林HR confirms it from the card, which applies it
// once and tells 张三 and 王经理.
func prepareAdjustConfirm(r *faultRig) faultEvent {
	p := r.p1.runningPlan(ouEmp, faultForm)
	n := strconv.Itoa(p.Number)
	sent := len(r.fake.Messages())
	r.p1.say(ouMgr, "调整 "+n+" 1 70万 市场萎缩")
	card := r.p1.awaitDM(ouHR, sent, "adjust.confirm")
	r.p1.quiet()
	return faultEvent{
		actor: ouHR, card: card.ID,
		send: func() map[string]any {
			return r.p1.click(ouHR, card, buttonValue(r.t, card.Card, "adjust.confirm"), nil)
		},
		effect: func(r *faultRig, n int) {
			adjs, err := r.p1.a.db.Adjustments(context.Background(), r.p1.tenant, p.ID)
			if err != nil {
				r.t.Fatal(err)
			}
			want := bot.AdjustPending
			if n == 1 {
				want = bot.AdjustApplied
			}
			if len(adjs) != 1 || adjs[0].Status != want {
				r.t.Errorf("adjustments %+v, want one %s", adjs, want)
			}
			if target := r.p1.plan(p.Number).Goals[0].Target; (n == 1) != (target == 700000) {
				r.t.Errorf("goal 1's target is %v after %d confirmations", target, n)
			}
			r.audited(p.ID, "adjust.apply", n)
			r.audited(p.ID, "adjust.confirm/hr/"+ouHR, n)
		},
		replies: map[string]int{ouEmp: 1, ouMgr: 1},
	}
}

// audited checks that the plan's audit trail holds n entries starting with
// step ("action" or "action/role/actor") and that the chain verifies.
func (r *faultRig) audited(planID int64, step string, n int) {
	r.t.Helper()
	got := 0
	for _, s := range r.p1.auditSteps(planID) {
		if s == step || strings.HasPrefix(s, step+"/") {
			got++
		}
	}
	if got != n {
		r.t.Errorf("%d audit entries %s, want %d", got, step, n)
	}
	check, err := r.p1.a.db.VerifyAudit(context.Background(), r.p1.tenant, 0)
	if err != nil || check.Broken != "" {
		r.t.Errorf("the audit chain: %+v, %v", check, err)
	}
}
