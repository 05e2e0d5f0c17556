package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuTeamSummary: 王经理 binds a Feishu group to his team
// (@bot 绑定团队) and opts 张三's plan into the weekly team summary
// (汇总 37 开); 李四's plan stays out. `pipbot jobs run weekly_update` for
// that week's Friday 17:00, on the same database, app and Open API, sends
// the group exactly one summary, and a second run sends nothing more. It
// counts 张三 alone (not yet posted; 李四 posted and would make it "1 of
// 2"), and reads no name, no open_id, no plan number, no goal, cause,
// action or figure. Its button, pressed in the group, answers one-to-one.
func TestFeishuTeamSummary(t *testing.T) {
	t.Parallel()
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		t.Parallel()
		f := startFeishu(t, dsn)
		ctx := context.Background()
		const group = "oc_team_room"
		f.fake.SetChat(group, "group")

		// #37 and #38: numbers that cannot pass for a count.
		f.skipPlanNumbers(36)
		in := f.runningPlan(ouEmp, planForm{metric: "季度销售额", baseline: "61万", target: "73万", unit: "元",
			cause: "客户跟进不及时", action: "更新客户拜访记录"})
		out := f.runningPlan(ouPeer, planForm{metric: "新签客户数", baseline: "3", target: "8", unit: "家",
			cause: "新客户开发不足", action: "每周陌拜五家"})
		if in.Number != 37 || out.Number != 38 || in.ManagerID != ouMgr || out.ManagerID != ouMgr {
			t.Fatalf("plans #%d (manager %s) and #%d (manager %s), want #37 and #38 of 王经理", in.Number, in.ManagerID, out.Number, out.ManagerID)
		}
		f.ask(ouPeer, "更新 新签客户数 5 本周新签两家", "进展已记录")
		if ups, _ := f.a.db.Updates(ctx, f.tenant, out.ID); len(ups) != 1 || ups[0].Week != "2026-W47" {
			t.Fatalf("李四's updates: %+v", ups)
		}

		// The manager binds the group from inside it; only this confirmation is said there.
		sent := len(f.fake.Messages())
		f.sayInGroup(group, ouMgr, "绑定团队")
		f.awaitChat(group, sent, "本群已绑定为 王经理 的团队群")
		if chats, err := f.a.db.TeamChats(ctx, f.tenant, ouMgr); err != nil || len(chats) != 1 || chats[0].ChatID != group {
			t.Fatalf("team chats of 王经理: %+v %v", chats, err)
		}
		f.ask(ouMgr, "汇总 37 开", "计划 #37 将计入团队群的每周汇总")
		if !f.plan(37).TeamVisible || f.plan(38).TeamVisible {
			t.Fatalf("in the summary: #37 %v, #38 %v; want only #37", f.plan(37).TeamVisible, f.plan(38).TeamVisible)
		}
		f.quiet()
		bound := len(f.fake.Messages())

		// The weekly job for Friday of 2026-W47, twice.
		for run := 1; run <= 2; run++ {
			stdout, stderr, err := runCmd(t, ctx, f.env(), "", "jobs", "run", "weekly_update", "--at", "2026-11-20 17:00")
			if err != nil {
				t.Fatalf("jobs run #%d: %v\n%s%s", run, err, stdout, stderr)
			}
			if run == 1 && !regexp.MustCompile(`(?m)^sent .*weekly_summary`).MatchString(stdout) {
				t.Errorf("jobs run sent no team summary:\n%s", stdout)
			}
			if run == 2 && strings.Contains(stdout, "weekly_summary") {
				t.Errorf("the second run touched the summary again:\n%s", stdout)
			}
		}
		f.quiet()

		var summaries []larktest.Message
		for _, m := range f.fake.Messages()[bound:] {
			if m.ReceiveIDType == "chat_id" && m.ReceiveID == group {
				summaries = append(summaries, m)
			}
		}
		if len(summaries) != 1 {
			t.Fatalf("the group got %d messages after the binding, want the one summary", len(summaries))
		}
		s := content(summaries[0])
		if !containsAll(s, "团队周进展 · 2026-W47", "本周已有 0 人提交进展，1 人尚未提交。") {
			t.Errorf("the summary does not count 张三 alone, not yet posted: %s", s)
		}
		var never []string
		for _, u := range feishuPeople {
			never = append(never, u.Name, u.OpenID)
		}
		never = append(never, "季度销售额", "新签客户数", "客户跟进", "新客户开发", "客户拜访", "陌拜", "本周新签",
			"73万", "61万", "730000", "610000", `"plan":`)
		for _, w := range never {
			if strings.Contains(s, w) {
				t.Errorf("the summary reads %q: %s", w, s)
			}
		}
		if n := regexp.MustCompile(`(^|[^0-9])3[78]([^0-9]|$)`).FindString(s); n != "" {
			t.Errorf("the summary reads a plan number (%q): %s", n, s)
		}

		// Its button, pressed in the group by 张三, opens his update form
		// one-to-one and adds nothing to the group.
		sent = len(f.fake.Messages())
		resp := f.click(ouEmp, summaries[0], buttonValue(t, summaries[0].Card, "plan.update"), nil)
		if answerCard(resp) != nil {
			t.Errorf("the click replaced the group's summary card: %v", resp)
		}
		form := f.awaitDM(ouEmp, sent, "goal_1", "季度销售额")
		if forwardable(form.Card) {
			t.Errorf("the update form sent one-to-one can be forwarded")
		}
		f.quiet()
		for _, m := range f.fake.Messages()[sent:] {
			if m.ReceiveIDType == "chat_id" && m.ReceiveID == group {
				t.Errorf("the group got a message after the click: %s", content(m))
			}
		}
		if p := f.plan(38); p.TeamVisible || p.Status != bot.StatusActive {
			t.Errorf("#38 changed: visible %v status %s", p.TeamVisible, p.Status)
		}
	})
}
