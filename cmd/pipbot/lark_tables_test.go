package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuPlanTables runs the tables of issue 10 through Feishu: 张三
// creates a plan with two core problems from the card form, its first
// action the manager's; the manager adds an HR-owned action; on the
// running plan the manager writes a tracking note that HR reads and 张三
// never does; 张三 pressing the manager's "done" button changes nothing,
// the manager pressing it marks the action done.
func TestFeishuPlanTables(t *testing.T) {
	t.Parallel()
	f := startFeishu(t, storagetest.SQLite(t))
	formMsg := f.ask(ouEmp, "新建 表单", "plan.create", "gap_metric2", "action_owner")
	values := map[string]any{"type": "under_performer",
		"gap_metric": "季度销售额", "gap_target": "50万", "gap_actual": "35万", "gap_unit": "元",
		"cause_dim": "person", "cause_text": "客户跟进不及时",
		"goal_metric": "季度销售额", "goal_baseline": "35万", "goal_target": "50万", "goal_unit": "元", "goal_deadline": "2027-01-08 +0800",
		"gap_metric2": "客户投诉率", "gap_target2": "3%", "gap_actual2": "8%", "cause_dim2": "environment", "cause_text2": "交接流程不清",
		"goal_metric2": "客户投诉率", "goal_baseline2": "8%", "goal_target2": "3%", "goal_deadline2": "2027-01-08 +0800",
		"action_what": "每日9:00站会", "action_owner": "manager", "action_resources": "会议室", "action_measure": "出勤"}
	f.click(ouEmp, formMsg, buttonValue(t, formMsg.Card, "plan.create"), values)
	for deadline := time.Now().Add(10 * time.Second); f.planCount() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no plan after the creation form")
		}
	}
	p := f.plan(1)
	if len(p.Problems) != 2 || p.Problems[1].Priority != 2 || len(p.Problems[1].Causes) != 1 || len(p.Goals) != 2 || p.Goals[1].Problem != 2 {
		t.Fatalf("problems %+v goals %+v", p.Problems, p.Goals)
	}
	if a := p.Actions[0]; a.Kind() != bot.OwnerManager || a.When.Repeat != bot.RepeatDaily || a.When.Clock != "09:00" {
		t.Fatalf("action = %+v", a)
	}
	n := strconv.Itoa(p.Number)
	f.ask(ouMgr, "行动 "+n+" 添加 产品培训 | 每月25日 10:00 | HR | 培训预算 | 考试成绩", "责任人：HR")
	f.ask(ouEmp, "提交 "+n, "计划 #"+n+" 已提交给 王经理")
	f.ask(ouMgr, "批准 "+n, "已批准计划 #"+n)
	f.ask(ouEmp, "确认 "+n, "你已确认计划 #"+n)
	f.waitPlan(p.Number, "active", func(p *bot.Plan) bool { return p.Status == bot.StatusActive })

	f.ask(ouMgr, "跟踪 "+n+" 本周完成3次客户模拟沟通", "员工不可见")
	f.ask(ouHR, "查看 "+n, "本周完成3次客户模拟沟通", "核心问题 2")
	mgrCard := f.ask(ouMgr, "查看 "+n, "核心问题 1 · 优先级 1", "核心问题 2 · 优先级 2", "责任人：经理 王经理", "每月25日 10:00", "action.done")
	empCard := f.ask(ouEmp, "查看 "+n, "核心问题 2", "每天 09:00")
	if findButton(empCard.Card, "action.done") != nil {
		t.Errorf("张三 is offered a done button for actions others own: %s", content(empCard))
	}

	before := len(f.auditSteps(p.ID))
	f.click(ouEmp, empCard, buttonValue(t, mgrCard.Card, "action.done"), nil)
	f.quiet()
	if a := f.plan(p.Number).Action(1); a.Status != bot.ActionNotStarted || len(f.auditSteps(p.ID)) != before {
		t.Fatalf("张三's click changed the manager's action: %+v", a)
	}
	f.click(ouMgr, mgrCard, buttonValue(t, mgrCard.Card, "action.done"), nil)
	f.waitPlan(p.Number, "the manager's action done", func(p *bot.Plan) bool {
		a := p.Action(1)
		return a.Status == bot.ActionDone && a.DoneBy == ouMgr
	})
	f.quiet()
	for _, m := range f.fake.Messages() {
		if oneToOne(m, ouEmp) && strings.Contains(content(m), "模拟沟通") {
			t.Errorf("张三 was sent the tracking note: %s", content(m))
		}
	}
}
