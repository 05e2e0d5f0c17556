package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSlackRiskAlert: through the real Slack adapter and sender, a plan
// running three weeks with no update turns critical on the sweep; its
// manager and HR each get one message in their DM with the bot, nothing
// reaches a channel or the employee, and a second sweep sends nothing.
func TestSlackRiskAlert(t *testing.T) {
	ctx := context.Background()
	s := startSlack(t, storagetest.SQLite(t), slackSetup{env: map[string]string{"PIPBOT_HR": "slack:UHR"}})
	start := bot.DateOnly(time.Now().AddDate(0, 0, -21))
	p := &bot.Plan{Tenant: e2eTenant, Platform: bot.PlatformSlack, EmployeeID: "UEMP", ManagerID: "UMGR", CreatedBy: "UEMP",
		EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusActive, Cycle: 1, Start: start, End: start.AddDate(0, 0, 60),
		StartedAt: start.Add(time.Hour), Goals: []bot.Goal{{No: 1, Metric: "sales", Baseline: 35, Target: 50, Deadline: start.AddDate(0, 0, 60)}},
		CreatedAt: start, UpdatedAt: start}
	if err := s.a.db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	sweep := func() {
		t.Helper()
		rs := &riskSweep{db: s.a.db, engine: s.a.engine, senders: s.a.senders(), now: time.Now, log: testLog(t)}
		if err := rs.run(ctx); err != nil {
			t.Fatalf("sweep: %v", err)
		}
	}
	sent := len(s.fake.Messages())
	sweep()
	mgrDM, hrDM := s.fake.OpenDM("UMGR"), s.fake.OpenDM("UHR")
	s.awaitMessage(mgrDM, sent, "转为高风险", "周未提交周进展")
	s.awaitMessage(hrDM, sent, "转为高风险")
	quietFor(t, 500*time.Millisecond, func() int { return len(s.fake.Messages()) })
	msgs := s.fake.Messages()[sent:]
	if len(msgs) != 2 {
		t.Fatalf("%d messages after the sweep, want 2", len(msgs))
	}
	for _, m := range msgs {
		if m.Channel != mgrDM && m.Channel != hrDM || bytes.Contains(m.Blocks, []byte("UEMP")) {
			t.Errorf("alert in %s: not the manager's or HR's DM", m.Channel)
		}
	}
	sent = len(s.fake.Messages())
	sweep()
	quietFor(t, 500*time.Millisecond, func() int { return len(s.fake.Messages()) })
	if extra := len(s.fake.Messages()) - sent; extra != 0 {
		t.Errorf("a second sweep sent %d messages", extra)
	}
}
