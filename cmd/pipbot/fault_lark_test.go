package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
)

// larkFaults is the Feishu side of a fault rig.
type larkFaults struct {
	r      *faultRig
	fake   *larktest.Server
	emp    string // the scenario's employee, 王经理's report
	p1, p2 *feishu
}

// startLarkFaults starts the first process against a fake Open API that
// knows the scenario's employee besides everyone else.
func startLarkFaults(r *faultRig) *larkFaults {
	r.t.Helper()
	emp := larktest.User{OpenID: fmt.Sprintf("ou_e%d", r.who), Name: fmt.Sprintf("员工%d", r.who), LeaderOpenID: ouMgr, TimeZone: "Asia/Shanghai"}
	lk := &larkFaults{r: r, emp: emp.OpenID,
		fake: larktest.NewServer(r.t, larktest.WithUsers(append(slices.Clone(feishuPeople), emp)...))}
	lk.fake.SetChat(dm(emp.OpenID), "p2p")
	proxy := r.f.proxy(r.t, lk.fake.URL, func(req *http.Request, status int, body []byte) bool {
		var out struct {
			Code int `json:"code"`
		}
		return req.Method == http.MethodPost && req.URL.Path == "/open-apis/im/v1/messages" &&
			status == http.StatusOK && json.Unmarshal(body, &out) == nil && out.Code == 0
	})
	lk.p1 = startFeishuProc(r.t, r.dsn, lk.fake, r.p1Opts(), lk.withRedis,
		func(_ testing.TB, cfg *config.Config) { cfg.Lark.Domain = proxy })
	lk.p1.seq.Store(int64(r.who) << 20) // event and message ids of its own: the database keeps earlier scenarios' keys
	r.plat, r.app, r.tenant = lk, lk.p1.a, lk.p1.tenant
	return lk
}

func (lk *larkFaults) withRedis(_ testing.TB, cfg *config.Config) { cfg.Redis = lk.r.redisURL() }

func (lk *larkFaults) second(r *faultRig) {
	lk.p2 = startFeishuProc(r.t, r.dsn, lk.fake, r.p2Opts(), lk.withRedis)
}

func (lk *larkFaults) quiet() { lk.p1.quiet() }

func (lk *larkFaults) close() {
	lk.p1.stop()
	if lk.p2 != nil {
		lk.p2.stop()
	}
}

func (lk *larkFaults) messages() []faultMessage {
	var out []faultMessage
	for _, m := range lk.fake.Messages() {
		to := m.ReceiveID
		if rest, ok := strings.CutPrefix(to, "oc_p2p_"); ok && m.ReceiveIDType == "chat_id" {
			to = "ou_" + rest // one's one-to-one chat with the bot: see dm
		}
		out = append(out, faultMessage{to: to, shown: content(m)})
	}
	return out
}

// replaced lists the cards that replaced the clicked card msgID, as shown:
// the callback's answer, then the delayed updates and patches.
func (lk *larkFaults) replaced(msgID string) func(resp map[string]any) []string {
	return func(resp map[string]any) []string {
		var cards []string
		if c := answerCard(resp); c != nil {
			cards = append(cards, content(larktest.Message{Card: c}))
		}
		for _, u := range lk.fake.CardUpdates() {
			if u.MessageID == msgID {
				cards = append(cards, content(larktest.Message{Card: u.Card}))
			}
		}
		for _, p := range lk.fake.Patches() {
			if p.MessageID == msgID {
				cards = append(cards, content(larktest.Message{Card: p.Card}))
			}
		}
		return cards
	}
}

// faultForm is the plan every scenario starts from.
var faultForm = planForm{metric: "季度销售额", baseline: "61万", target: "73万", unit: "元",
	cause: "客户跟进不及时", action: "更新客户拜访记录"}

// update: the employee's plan runs; he types his weekly update, which is stored
// once, audited once, confirmed to him and told to his manager.
func (lk *larkFaults) update() faultEvent {
	p := lk.p1.runningPlan(lk.emp, faultForm)
	lk.p1.quiet()
	return faultEvent{
		actor: lk.emp,
		send:  func() map[string]any { lk.p1.say(lk.emp, "更新 季度销售额 66万 本周拜访8家"); return nil },
		effect: func(r *faultRig, n int) {
			r.updated(p.ID, 660000, n)
		},
		replies: map[string]int{lk.emp: 1, ouMgr: 1},
	}
}

// approval: the employee submits his plan; 王经理 approves it from the
// card, which approves it once, sends the employee the card to acknowledge
// and tells HR.
func (lk *larkFaults) approval() faultEvent {
	p := lk.p1.draft(lk.emp, faultForm)
	n := strconv.Itoa(p.Number)
	sent := len(lk.fake.Messages())
	lk.p1.ask(lk.emp, "提交 "+n, "计划 #"+n+" 已提交给 王经理")
	card := lk.p1.awaitDM(ouMgr, sent, "plan.approve")
	lk.p1.quiet()
	version := lk.p1.plan(p.Number).Version
	return faultEvent{
		actor: ouMgr, replaced: lk.replaced(card.ID),
		send: func() map[string]any {
			return lk.p1.click(ouMgr, card, buttonValue(lk.r.t, card.Card, "plan.approve"), nil)
		},
		effect: func(r *faultRig, n int) {
			got := lk.p1.plan(p.Number)
			approved := got.Status == bot.StatusApproved && got.ApprovedBy == ouMgr
			if n == 1 && (!approved || got.Version != version+1) {
				r.t.Errorf("after the approval: status %s by %q, version %d→%d", got.Status, got.ApprovedBy, version, got.Version)
			}
			if n == 0 && (got.Status != bot.StatusSubmitted || got.Version != version) {
				r.t.Errorf("not yet approved, the plan is %s, version %d→%d", got.Status, version, got.Version)
			}
			r.audited(p.ID, "plan.approve", n)
		},
		replies: map[string]int{lk.emp: 1, ouHR: 1, ouHR2: 1},
	}
}

// adjustConfirm: 王经理 proposes lowering the employee's target to 70万
// (confirming it himself); 林HR confirms it from the card, which applies it
// once and tells the employee and 王经理.
func (lk *larkFaults) adjustConfirm() faultEvent {
	p := lk.p1.runningPlan(lk.emp, faultForm)
	n := strconv.Itoa(p.Number)
	sent := len(lk.fake.Messages())
	lk.p1.say(ouMgr, "调整 "+n+" 1 70万 市场萎缩")
	card := lk.p1.awaitDM(ouHR, sent, "adjust.confirm")
	lk.p1.quiet()
	return faultEvent{
		actor: ouHR, replaced: lk.replaced(card.ID),
		send: func() map[string]any {
			return lk.p1.click(ouHR, card, buttonValue(lk.r.t, card.Card, "adjust.confirm"), nil)
		},
		effect: func(r *faultRig, n int) {
			adjs, err := r.app.db.Adjustments(context.Background(), r.tenant, p.ID)
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
			if target := lk.p1.plan(p.Number).Goals[0].Target; (n == 1) != (target == 700000) {
				r.t.Errorf("goal 1's target is %v after %d confirmations", target, n)
			}
			r.audited(p.ID, "adjust.apply", n)
			r.audited(p.ID, "adjust.confirm/hr/"+ouHR, n)
		},
		replies: map[string]int{lk.emp: 1, ouMgr: 1},
	}
}

// guideAnswer: the employee has started a guided draft ("新建"); he answers its
// first step, the employee type, with 2 (high potential): the draft takes
// the type once, audited once, the guide (in Redis) moves on to the gap,
// and he is asked for it.
func (lk *larkFaults) guideAnswer() faultEvent {
	lk.p1.ask(lk.emp, "新建", "第 1 步")
	lk.p1.quiet()
	p := lk.p1.plan(lk.p1.planCount())
	if p.Status != bot.StatusDraft || p.EmployeeType == bot.TypeHighPotential {
		lk.r.t.Fatalf("the guided draft is %s of type %s", p.Status, p.EmployeeType)
	}
	key := "pipbot:session:" + lk.p1.tenant + ":guide:" + lk.emp + ":" + dm(lk.emp)
	return faultEvent{
		actor: lk.emp,
		send:  func() map[string]any { lk.p1.say(lk.emp, "2"); return nil },
		effect: func(r *faultRig, n int) {
			if typ := lk.p1.plan(p.Number).EmployeeType; (typ == bot.TypeHighPotential) != (n == 1) {
				r.t.Errorf("the draft's type is %s after %d answers", typ, n)
			}
			r.audited(p.ID, "plan.edit", n)
			var g struct {
				Step string `json:"step"`
			}
			raw, err := r.redis.Get(key)
			if err == nil {
				err = json.Unmarshal([]byte(raw), &g)
			}
			if want := map[int]string{0: "type", 1: "gap"}[n]; g.Step != want {
				r.t.Errorf("the guide is at step %q (%v) after %d answers, want %q", g.Step, err, n, want)
			}
		},
		replies: map[string]int{lk.emp: 1},
	}
}

// updated checks that plan planID has n weekly updates, each of value.
func (r *faultRig) updated(planID int64, value float64, n int) {
	r.t.Helper()
	ups, err := r.app.db.Updates(context.Background(), r.tenant, planID)
	if err != nil {
		r.t.Fatal(err)
	}
	if len(ups) != n {
		r.t.Errorf("%d weekly updates stored, want %d", len(ups), n)
	}
	for _, u := range ups {
		if len(u.Values) != 1 || u.Values[0].Value != value {
			r.t.Errorf("update stored as %+v", u)
		}
	}
	r.audited(planID, "plan.update", n)
}
