package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/console"
)

// TestTerminalPlanTables walks the tables in the terminal chat: a guided
// draft with two core problems and actions owned by the employee, the
// manager and HR; the running plan shows the problems ranked with their
// goals and each action's owner, time node and status; the manager's
// tracking note shows on his view and HR's, not on 张三's.
func TestTerminalPlanTables(t *testing.T) {
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	a := demoApp(t, now)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	script := lines("新建", "1", "季度销售额 50万 35万 元", "个人 客户跟进不及时", "完成", "季度销售额 35万 50万 元 2个月", "完成",
		"客户投诉率 3% 8%", "环境 交接流程不清", "完成", "客户投诉率 8% 3% 2个月", "完成", "完成",
		"更新客户拜访记录 | 每周五17:00前 | CRM 权限 | 拜访数", "每日9:00站会 | 经理", "产品培训 | 每月25日 | HR | 培训预算 | 考试成绩", "完成", "默认",
		"提交 1", "/as 王经理", "批准 1", "/as 张三", "确认 1",
		"/as 王经理", "跟踪 1 本周完成3次客户模拟沟通", "完成 1 2", "查看 1",
		"/as 林HR", "查看 1", "/as 张三", "查看 1")
	var out strings.Builder
	c := console.New(a.engine, console.Options{In: strings.NewReader(script), Out: &out, Tenant: demoTenant,
		People: demoPeople(), TZ: sh, Echo: true})
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("console: %v", err)
	}
	transcript := out.String()
	defer func() {
		if t.Failed() {
			t.Log(transcript)
		}
	}()
	mustHave(t, transcript, "核心问题 1 · 优先级 1", "核心问题 2 · 优先级 2", "1. ⬜ 更新客户拜访记录 · 责任人：员工 · 每周五 17:00前 · 资源：CRM 权限 · 衡量：拜访数 · 未开始",
		"2. ✅ 每日9:00站会 · 责任人：经理 王经理 · 每天 09:00 · 完成于", "3. ⬜ 产品培训 · 责任人：HR · 每月25日", "员工不可见")
	if n := strings.Count(transcript, "本周完成3次客户模拟沟通"); n != 3 { // typed, and on the manager's and HR's views
		t.Errorf("the tracking note shows %d times, want 3", n)
	}
	employeeView := transcript[strings.LastIndex(transcript, "> 查看 1"):]
	if !strings.Contains(employeeView, "核心问题 2") || strings.Contains(employeeView, "模拟沟通") {
		t.Errorf("张三's view of the plan:\n%s", employeeView)
	}
	if strings.Contains(transcript, "⚠️") {
		t.Error("a step of the walk was refused")
	}
}
