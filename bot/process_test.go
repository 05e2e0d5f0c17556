package bot_test

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestWholeProcessOnFakes walks one plan from draft to promotion list on the
// in-memory store with authority from the directory, checking what each
// step tells its reader.
func TestWholeProcessOnFakes(t *testing.T) {
	w := newWorld(t)
	n := w.draftPlan(emp)
	p := w.plan(n)
	if len(p.Problems) != 1 || p.Problems[0].Gap.Target != 500000 || p.Problems[0].Gap.Actual != 350000 || len(p.Problems[0].Causes) != 1 || len(p.Goals) != 1 || len(p.Actions) != 1 {
		t.Fatalf("draft = %+v", p)
	}
	if p.ManagerID != mgr.ID {
		t.Fatalf("manager %q, want the directory's %q", p.ManagerID, mgr.ID)
	}
	r := w.say(emp, "提交 1")
	mustContain(t, r, "计划 #1 已提交给 王经理 审批")
	if got := buttons(r, mgr.ID); len(got) != 3 || got[0] != "plan.approve" {
		t.Fatalf("manager buttons = %v", got)
	}
	r = w.act(mgr, "plan.approve", map[string]string{"plan": "1"}, nil)
	mustContain(t, r, bot.T(bot.LocaleZH, "tone.under_performer"), "Plan #1 (张三) was approved by 王经理")
	if got := recipients(r); !got[hr.ID] || !got[emp.ID] {
		t.Errorf("approval told %v; want the employee and HR", got)
	}
	r = w.act(emp, "plan.ack", map[string]string{"plan": "1"}, nil)
	mustContain(t, r, "你已确认计划 #1")
	r = w.say(emp, "更新 销售额 42万 本周拜访8家")
	mustContain(t, r, "2026-W47", "47%")
	if g := w.plan(1).Goals[0]; g.Current != 420000 {
		t.Fatalf("current = %v", g.Current)
	}
	r = w.say(mgr, "团队")
	mustContain(t, r, "按计划推进: 1", "本周未更新: 0")
	r = w.say(mgr, "面谈 1 预约 14天后 15:00 50 HR")
	mustContain(t, r, "2026-11-30 周一 15:00", "When: 2026-11-30 Mon 15:00 CST", "开场 5′ · 回顾 15′ · 达成共识 20′ · 总结 10′")
	r = w.say(emp, "面谈 1 自评 客户跟进比以前及时")
	mustContain(t, r, "自我分析: 客户跟进比以前及时")
	w.say(emp, "面谈 1 诉求 希望增加 CRM 培训")
	r = w.say(mgr, "面谈 1 记录 开场: 说明目的 回顾: 销售额 42万 共识: 每周复盘 总结: 方向一致 优势: 客户关系好 差距: 新客户开发不足")
	mustContain(t, r, "达成共识: 每周复盘", "优势项: 客户关系好", "自我分析: 客户跟进比以前及时", "诉求: 希望增加 CRM 培训")
	w.say(emp, "面谈 1 确认")
	r = w.say(emp, "面谈 1 评价 4 很有帮助")
	mustContain(t, r, "4 分")
	r = w.say(mgr, "评估 1 销售额 45万 进展良好 下一步: 跟进大客户")
	mustContain(t, r, "实际 45万元 / 目标 50万元", "跟进大客户")
	r = w.say(emp, "调整 1 1 45万 市场萎缩")
	mustContain(t, r, "50万元 → 45万元")
	r = w.say(mgr, "调整 1 确认 1")
	mustContain(t, r, "已确认调整 #1")
	r = w.say(hr, "adjust 1 confirm 1")
	mustContain(t, r, "Adjustment #1 is confirmed by manager and HR")
	r = w.say(emp, "确认 1 会继续保持每周复盘")
	mustContain(t, r, "你已确认计划 #1")
	r = w.say(mgr, "结案 1 达成 每周复盘很有效")
	mustContain(t, r, "等待 HR 确认后生效")
	if p := w.plan(1); p.Status != bot.StatusActive || p.Pending == nil {
		t.Fatalf("a proposed outcome is final: %s %+v", p.Status, p.Pending)
	}
	r = w.say(hr, "promotions")
	mustContain(t, r, "No one has achieved a plan yet")
	r = w.say(hr, "close 1 confirm")
	mustContain(t, r, "Confirmed: plan #1's outcome is")
	r = w.say(hr, "promotions")
	mustContain(t, r, "张三: plan #1")
	r = w.say(mgr, "审计 1")
	mustContain(t, r, "HR Lin (HR 确认人, 终端) · HR 确认结果", "结案 · 执行中 → 已结案", "员工确认", "已校验")
	if strings.Contains(text(r), "⚠️") {
		t.Errorf("the untouched audit log does not verify:\n%s", text(r))
	}
	r = w.say(mgr, "查看 1")
	mustContain(t, r, "员工意见", "会继续保持每周复盘")
	if w.plan(1).Status != bot.StatusClosed {
		t.Fatal("not closed")
	}
}

// recipients lists who replies are addressed to.
func recipients(replies []bot.Reply) map[string]bool {
	m := map[string]bool{}
	for _, r := range replies {
		if r.To != "" {
			m[r.To] = true
		}
	}
	return m
}
