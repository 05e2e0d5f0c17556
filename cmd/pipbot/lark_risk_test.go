package main

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuRiskAlert: through the real Feishu adapter and sender, on
// every SQL database, a plan whose employee posts nothing for two weeks
// turns critical on the sweep; the manager and both HR people each get one
// card in their one-to-one chat, nothing reaches a group or the employee,
// a second sweep sends nothing, and the manager's plan card shows the
// rating.
func TestFeishuRiskAlert(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		feishuRiskWalk(t, dsn, "", 3)
	})
}

// TestFeishuRiskTenantRule: a tenant whose rules allow three missed weeks
// before critical gets no alert for the same plan, which shows at risk.
func TestFeishuRiskTenantRule(t *testing.T) {
	feishuRiskWalk(t, storagetest.SQLite(t), "risk_missed_critical: 3", 0)
}

// feishuRiskWalk runs a plan two weeks without updates under the tenant
// rules (YAML; "" for none) and checks the sweep sends that many alerts.
func feishuRiskWalk(t *testing.T, dsn, rules string, alerts int) {
	t.Helper()
	var mu sync.Mutex
	now := feishuStart
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var opts []feishuOption
	if rules != "" {
		opts = append(opts, withTenantRules(rules))
	}
	f := startFeishuProc(t, dsn, nil, procOpts{app: []appOption{withClock(clock)}}, opts...)
	p := f.runningPlan(ouEmp, planForm{metric: "季度销售额", baseline: "35", target: "50", unit: "万元",
		cause: "客户跟进不及时", action: "每周拜访客户"})
	f.quiet()
	mu.Lock()
	now = now.AddDate(0, 0, 15)
	mu.Unlock()
	sweep := func() {
		t.Helper()
		s := &riskSweep{db: f.a.db, engine: f.a.engine, senders: f.a.senders(), now: clock, log: testLog(t)}
		if err := s.run(t.Context()); err != nil {
			t.Fatalf("sweep: %v", err)
		}
	}
	sent := len(f.fake.Messages())
	sweep()
	n := "#" + strconv.Itoa(p.Number)
	if alerts > 0 {
		for _, to := range []string{ouMgr, ouHR, ouHR2} {
			f.awaitDM(to, sent, "计划 "+n+" 转为高风险", "张三", "连续 2 周未提交周进展")
		}
	}
	f.quiet()
	msgs := f.fake.Messages()[sent:]
	if len(msgs) != alerts {
		t.Fatalf("%d messages after the sweep, want %d", len(msgs), alerts)
	}
	for _, m := range msgs {
		if !oneToOne(m, m.ReceiveID) || m.ReceiveID == ouEmp {
			t.Errorf("alert to %s %s: not the manager's or HR's own chat", m.ReceiveIDType, m.ReceiveID)
		}
	}
	sent = len(f.fake.Messages())
	sweep()
	f.quiet()
	if extra := len(f.fake.Messages()) - sent; extra != 0 {
		t.Errorf("a second sweep sent %d messages", extra)
	}
	want := "🔴 高风险"
	if alerts == 0 {
		want = "🟠 有风险"
	}
	f.ask(ouMgr, "查看 "+strconv.Itoa(p.Number), want, "连续 2 周未提交周进展")
}
