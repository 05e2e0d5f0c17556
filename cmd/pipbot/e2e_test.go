package main

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/console"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestEndToEndTerminal drives the terminal chat through a whole plan on
// every SQL database: create with gap, causes, goals and actions → submit →
// manager requests changes → resubmit → approve → employee acknowledges →
// three weekly updates → interview booked → monthly review → target
// adjustment confirmed by manager and HR → outcome "achieved" proposed by
// the manager while a goal is short of its target → HR's confirmation,
// refused without a written reason, then given with one → the employee is
// on HR's promotion list, and the audit log holds every step.
func TestEndToEndTerminal(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		sh, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Date(2026, 11, 16, 9, 0, 0, 0, sh) // Monday of 2026-W47
		cfg := config.Default()
		cfg.DB = dsn
		log := slog.New(slog.DiscardHandler)
		a, err := newApp(ctx, cfg, log, withClock(func() time.Time { return now }))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if err := seedDemo(ctx, a.db, demoPeople(), now); err != nil {
			t.Fatal(err)
		}
		script := lines(
			// Week 47: 张三 writes the plan step by step and submits it.
			"新建", "1",
			"季度销售额 50万 35万 元",
			"个人 客户跟进不及时", "工作 线索分配不清", "完成",
			"季度销售额 35万 50万 元 2个月", "完成",
			"更新客户拜访记录 | 每周五 17:00 | CRM 权限 | 拜访数", "完成",
			"默认", "提交 1",
			// 王经理 clicks "request changes" on his card and gives the reason in the form.
			"/as 王经理", "2", "请补充客户投诉率目标",
			// 张三 adds the goal and submits again; 王经理 approves from the card; 张三 acknowledges from his.
			"/as 张三", "目标 1 客户投诉率 8% 3% 2个月", "提交 1", "/as 王经理", "1", "/as 张三", "1",
			"更新 销售额 38万 本周拜访6家",
			// Week 48: a typed update with two goals.
			"/tick 7", "更新 销售额 42万 投诉率 6% 拜访8家",
			// Week 49: the update form, the manager's overview, an interview, the monthly review form.
			"/tick 7", "更新", "45万", "5", "重点客户签约两家",
			"/as 王经理", "团队", "面谈 1 预约 2026-12-04 15:00 50 HR",
			"评估 1", "", "", "稳步推进", "继续跟进大客户",
			// A target adjustment: 张三 proposes, 王经理 and 林HR confirm from their cards, 张三 acknowledges again.
			"/as 张三", "调整 1 1 47万 市场萎缩", "/as 王经理", "1", "/as 林HR", "1", "/as 张三", "确认 1",
			// The outcome, and HR's promotion list.
			"/as 王经理", "结案 1 达成 每周复盘和大客户跟进很有效", "/as 林HR", "晋升名单",
			"结案 1 确认", "结案 1 确认 大客户合同已签，本季度贡献实际达标", "晋升名单", "审计 1")
		var out strings.Builder
		clocked := ticker{h: a.engine, advance: func(days int) { now = now.AddDate(0, 0, days) }}
		c := console.New(clocked, console.Options{In: strings.NewReader(script), Out: &out, Tenant: demoTenant,
			People: demoPeople(), TZ: sh, Echo: true})
		if err := c.Run(ctx); err != nil {
			t.Fatalf("console: %v", err)
		}
		transcript := out.String()
		defer func() {
			if t.Failed() {
				t.Log(transcript)
			}
		}()
		mustHave(t, transcript, "计划 #1 已提交给 王经理 审批", "已将计划 #1 退回修改", "已批准计划 #1", "你已确认计划 #1",
			"2026-W47 进展已记录", "2026-W48 进展已记录", "2026-W49 进展已记录", "团队概览", "按计划推进: 1", "面谈已预约",
			"评估 2026-11", "需经理和 HR 双方确认后生效", "已确认调整 #1", "调整 #1 已由经理和 HR 确认并生效",
			"仍有目标未达到目标值，HR 需写明理由才能确认", "目前没有达成改进目标的员工", "确认「达成」需写明理由",
			"已确认：计划 #1 的结果为「达成", "晋升候选名单", "张三: 计划 #1", "HR 确认结果")
		if n := strings.Count(transcript, "⚠️"); n != 2 { // the refused confirmation, and its warning line on the HR card
			t.Errorf("%d refusals in the walk, want only HR's confirmation without a reason", n)
		}

		p, err := a.db.PlanByNumber(ctx, demoTenant, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != bot.StatusClosed || p.Outcome != bot.OutcomeAchieved || len(p.Goals) != 2 || p.Goals[0].Target != 470000 {
			t.Errorf("plan = status %s outcome %s goals %+v", p.Status, p.Outcome, p.Goals)
		}
		ups, _ := a.db.Updates(ctx, demoTenant, p.ID)
		weeks := map[string]bool{}
		for _, u := range ups {
			weeks[u.Week] = true
		}
		if len(ups) != 3 || len(weeks) != 3 {
			t.Errorf("updates = %d in %d weeks, want 3 in 3", len(ups), len(weeks))
		}
		audit, _ := a.db.Audit(ctx, demoTenant, p.ID)
		var steps []string
		for _, e := range audit {
			if e.Action != "plan.edit" {
				steps = append(steps, e.Action)
			}
			if e.ActorID == "" || e.Platform != bot.PlatformConsole || e.At.IsZero() {
				t.Errorf("audit entry without who/where/when: %+v", e)
			}
		}
		want := []string{"plan.create", "plan.submit", "plan.request_changes", "plan.goal_add", "plan.submit", "plan.approve",
			"plan.acknowledge", "plan.update", "plan.update", "plan.update", "interview.book", "plan.review",
			"adjust.propose", "adjust.confirm", "adjust.confirm", "adjust.apply", "plan.edit_goals", "plan.acknowledge",
			"outcome.propose", "outcome.confirm", "plan.close"}
		if got := strings.Join(steps, " "); got != strings.Join(want, " ") {
			t.Errorf("audit steps:\n got %s\nwant %s", got, strings.Join(want, " "))
		}
	})
}

// ticker passes commands to the engine, except "/tick N", which moves the
// test clock N days ahead between two lines of the script.
type ticker struct {
	h       console.Handler
	advance func(days int)
}

func (k ticker) Handle(ctx context.Context, cmd bot.Command) ([]bot.Reply, error) {
	if days, ok := strings.CutPrefix(cmd.Text, "/tick "); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return nil, err
		}
		k.advance(n)
		return []bot.Reply{{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "(+" + days + "d)"}}}}}, nil
	}
	return k.h.Handle(ctx, cmd)
}

func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }

func mustHave(t *testing.T, out string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(out, p) {
			t.Errorf("output lacks %q", p)
		}
	}
}
