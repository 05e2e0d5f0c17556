package bot_test

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func TestSmokeWholeProcess(t *testing.T) {
	w := newWorld(t)
	n := w.draftPlan(emp)
	p := w.plan(n)
	if p.Gap.Target != 500000 || p.Gap.Actual != 350000 || len(p.Causes) != 1 || len(p.Goals) != 1 || len(p.Actions) != 1 {
		t.Fatalf("draft = %+v", p)
	}
	r := w.say(emp, "提交 1")
	t.Log(text(r))
	if got := buttons(r, mgr.ID); len(got) != 3 || got[0] != "plan.approve" {
		t.Fatalf("manager buttons = %v", got)
	}
	r = w.act(mgr, "plan.approve", map[string]string{"plan": "1"}, nil)
	mustContain(t, r, bot.T(bot.LocaleZH, "tone.under_performer"))
	r = w.act(emp, "plan.ack", map[string]string{"plan": "1"}, nil)
	t.Log(text(r))
	r = w.say(emp, "更新 销售额 42万 本周拜访8家")
	t.Log(text(r))
	if g := w.plan(1).Goals[0]; g.Current != 420000 {
		t.Fatalf("current = %v", g.Current)
	}
	r = w.say(mgr, "团队")
	t.Log(text(r))
	r = w.say(mgr, "面谈 1 预约 2026-11-25 15:00 50 HR")
	t.Log(text(r))
	r = w.say(mgr, "评估 1 销售额 45万 进展良好 下一步: 跟进大客户")
	t.Log(text(r))
	r = w.say(emp, "调整 1 1 45万 市场萎缩")
	t.Log(text(r))
	r = w.say(mgr, "调整 1 确认 1")
	t.Log(text(r))
	r = w.say(hr, "adjust 1 confirm 1")
	t.Log(text(r))
	r = w.say(emp, "确认 1")
	t.Log(text(r))
	r = w.say(mgr, "结案 1 达成 每周复盘很有效")
	t.Log(text(r))
	r = w.say(hr, "promotions")
	t.Log(text(r))
	mustContain(t, r, "张三")
	r = w.say(mgr, "审计 1")
	t.Log(text(r))
	r = w.say(hr, "help")
	t.Log(text(r))
	if w.plan(1).Status != bot.StatusClosed {
		t.Fatal("not closed")
	}
}
