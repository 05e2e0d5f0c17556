package bot_test

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestWholeProcessOnFakes walks one plan from draft to promotion list on the
// in-memory store, checking what each step tells its reader.
func TestWholeProcessOnFakes(t *testing.T) {
	w := newWorld(t)
	n := w.draftPlan(emp)
	p := w.plan(n)
	if p.Gap.Target != 500000 || p.Gap.Actual != 350000 || len(p.Causes) != 1 || len(p.Goals) != 1 || len(p.Actions) != 1 {
		t.Fatalf("draft = %+v", p)
	}
	r := w.say(emp, "提交 1")
	mustContain(t, r, "计划 #1 已提交给 王经理 审批")
	if got := buttons(r, mgr.ID); len(got) != 3 || got[0] != "plan.approve" {
		t.Fatalf("manager buttons = %v", got)
	}
	r = w.act(mgr, "plan.approve", map[string]string{"plan": "1"}, nil)
	mustContain(t, r, bot.T(bot.LocaleZH, "tone.under_performer"))
	r = w.act(emp, "plan.ack", map[string]string{"plan": "1"}, nil)
	mustContain(t, r, "你已确认计划 #1")
	r = w.say(emp, "更新 销售额 42万 本周拜访8家")
	mustContain(t, r, "2026-W47", "47%")
	if g := w.plan(1).Goals[0]; g.Current != 420000 {
		t.Fatalf("current = %v", g.Current)
	}
	r = w.say(mgr, "团队")
	mustContain(t, r, "按计划推进: 1", "本周未更新: 0")
	r = w.say(mgr, "面谈 1 预约 2026-11-25 15:00 50 HR")
	mustContain(t, r, "2026-11-25 周三 15:00", "When: 2026-11-25 Wed 15:00 CST", "开场 5′ · 回顾 15′ · 达成共识 20′ · 总结 10′")
	r = w.say(mgr, "评估 1 销售额 45万 进展良好 下一步: 跟进大客户")
	mustContain(t, r, "实际 45万元 / 目标 50万元", "跟进大客户")
	r = w.say(emp, "调整 1 1 45万 市场萎缩")
	mustContain(t, r, "50万元 → 45万元")
	r = w.say(mgr, "调整 1 确认 1")
	mustContain(t, r, "已确认调整 #1")
	r = w.say(hr, "adjust 1 confirm 1")
	mustContain(t, r, "Adjustment #1 is confirmed by manager and HR")
	r = w.say(emp, "确认 1")
	mustContain(t, r, "你已确认计划 #1")
	r = w.say(mgr, "结案 1 达成 每周复盘很有效")
	mustContain(t, r, "计划 #1 已结案")
	r = w.say(hr, "promotions")
	mustContain(t, r, "张三: plan #1")
	r = w.say(mgr, "审计 1")
	mustContain(t, r, "plan.close · active → closed")
	r = w.say(hr, "help")
	mustContain(t, r, "update sales 420000 visited 8 clients")
	if w.plan(1).Status != bot.StatusClosed {
		t.Fatal("not closed")
	}
}
