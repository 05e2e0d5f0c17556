package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/console"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestEndToEndRiskChange: on every SQL database, a running plan whose
// employee stops posting turns critical as time passes; two replicas sweep
// at once and the manager and HR each get one private alert; the team
// overview shows it; the employee's catch-up brings it back on track; the
// audit log holds both moves.
func TestEndToEndRiskChange(t *testing.T) {
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
		chat := func(script string) string {
			t.Helper()
			var out strings.Builder
			clocked := ticker{h: a.engine, advance: func(days int) { now = now.AddDate(0, 0, days) }}
			c := console.New(clocked, console.Options{In: strings.NewReader(script), Out: &out, Tenant: demoTenant,
				People: demoPeople(), TZ: sh, Echo: true})
			if err := c.Run(ctx); err != nil {
				t.Fatalf("console: %v", err)
			}
			return out.String()
		}
		chat(lines("新建", "1", "季度销售额 50万 35万 元", "个人 客户跟进不及时", "完成",
			"季度销售额 35万 50万 元 2个月", "完成", "更新客户拜访记录 | 每周五 17:00 | CRM 权限 | 拜访数", "完成",
			"默认", "提交 1", "/as 王经理", "批准 1", "/as 张三", "确认 1", "/tick 15"))

		var mu sync.Mutex
		sent := map[string][]bot.Reply{}
		capture := func(_ context.Context, key string, rep bot.Reply) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			sent[rep.To] = append(sent[rep.To], rep)
			if rep.Chat != "" || !rep.Private || key != "demo" {
				t.Errorf("alert not a private message of the tenant: key %q, %+v", key, rep)
			}
			return "m1", nil
		}
		replica := func() *riskSweep {
			return &riskSweep{db: a.db, engine: a.engine, senders: scheduler.Senders{bot.PlatformConsole: capture},
				now: func() time.Time { return now }, log: log}
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if err := replica().run(ctx); err != nil {
					t.Errorf("sweep: %v", err)
				}
			})
		}
		wg.Wait()
		if len(sent) != 2 || len(sent["wang"]) != 1 || len(sent["lin"]) != 1 {
			t.Fatalf("alerts sent = %v, want one to 王经理 and one to 林HR", sent)
		}
		if got := sent["wang"][0].Message.Text(); !strings.Contains(got, "🔴 高风险") || !strings.Contains(got, "连续 2 周未提交周进展") {
			t.Errorf("manager's alert: %s", got)
		}
		if err := replica().run(ctx); err != nil || len(sent["wang"]) != 1 {
			t.Errorf("a later sweep alerted again (%v): %v", err, sent)
		}

		out := chat(lines("/as 王经理", "团队", "查看 1", "/as 张三", "更新 销售额 37万 补交两周进展", "查看 1"))
		mustHave(t, out, "高风险: 1", "🔴 #1 张三", "🔴 高风险 · 进度 0%", "🟢 进展正常 · 进度 13%")

		p, err := a.db.PlanByNumber(ctx, demoTenant, 1)
		if err != nil {
			t.Fatal(err)
		}
		audit, _ := a.db.Audit(ctx, demoTenant, p.ID)
		var moves []string
		for _, e := range audit {
			if e.Action == "plan.risk" {
				moves = append(moves, e.From+"→"+e.To)
				if e.ActorID != "pipbot" || e.Role != bot.RoleSystem || e.Detail == "" {
					t.Errorf("risk audit entry: %+v", e)
				}
			}
		}
		if got := strings.Join(moves, " "); got != "on_track→critical critical→on_track" {
			t.Errorf("risk moves in the audit log: %s", got)
		}
		if check, err := a.db.VerifyAudit(ctx, demoTenant, 0); err != nil || !check.OK() {
			t.Errorf("audit chain: %+v, %v", check, err)
		}
		if t.Failed() {
			t.Log(out)
		}
	})
}
