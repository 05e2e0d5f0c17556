package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFullPlanTablesFit shows a plan with every table as full as the
// engine lets it be (five core problems with three causes each, ten goals,
// twenty actions, a long tracking log) and checks both platforms' limits:
// a Feishu card within 30 KB and 200 components, a Slack message within 50
// blocks, and every problem and the action table still on it.
func TestFullPlanTablesFit(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	a := demoApp(t, now)
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	p := &bot.Plan{Tenant: demoTenant, Platform: bot.PlatformLark, EmployeeID: "zhangsan", ManagerID: "wang", CreatedBy: "zhangsan",
		EmployeeType: bot.TypeUnderPerformer, Status: bot.StatusActive, Cycle: 1, Start: bot.DateOnly(now), End: bot.DateOnly(now.AddDate(0, 3, 0)),
		StartedAt: now, CreatedAt: now, UpdatedAt: now}
	for i := 1; i <= 5; i++ {
		pr := bot.Problem{No: i, Priority: i, Gap: bot.Gap{Metric: long("指", 60), Target: 100, Actual: float64(i), Unit: "%"}}
		for range 3 {
			pr.Causes = append(pr.Causes, bot.RootCause{Dimension: bot.DimWork, Text: long("因", 500)})
		}
		p.Problems = append(p.Problems, pr)
	}
	for i := 1; i <= 10; i++ {
		p.Goals = append(p.Goals, bot.Goal{No: i, Problem: (i-1)/2 + 1, Metric: long("标", 60), Baseline: 1, Target: 90, Unit: "%", Deadline: bot.DateOnly(now.AddDate(0, 2, 0)), Current: 1})
	}
	for i := 1; i <= 20; i++ {
		p.Actions = append(p.Actions, bot.Action{No: i, What: long("做", 500), OwnerKind: bot.OwnerManager, Resources: long("资", 500), Measure: long("量", 500),
			When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Monday, time.Friday}, Clock: "17:00", By: true}, Status: bot.ActionInProgress})
	}
	if err := a.db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		n := &bot.Note{Tenant: demoTenant, PlanID: p.ID, AuthorID: "wang", Kind: bot.NoteTracking, Text: long("记", 2000), At: now.Add(time.Duration(i) * time.Hour)}
		if err := a.db.AddNote(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	r, err := a.engine.Handle(ctx, bot.Command{Platform: bot.PlatformLark, Tenant: demoTenant, Actor: bot.Person{ID: "wang"}, Chat: bot.Chat{ID: "dm:wang"}, Text: "查看 1"})
	if err != nil || len(r) != 1 {
		t.Fatalf("show: %d replies, %v", len(r), err)
	}
	raw, _ := json.Marshal(card.Render(r[0].Message, card.Options{Locale: bot.LocaleZH, Private: true, Interactive: true}))
	if len(raw) > 30<<10 {
		t.Errorf("the Feishu card is %d bytes", len(raw))
	}
	if n := strings.Count(string(raw), `"tag":`); n > 200 {
		t.Errorf("the Feishu card has %d components", n)
	}
	blocks := blockkit.Render(r[0].Message, blockkit.Options{Locale: bot.LocaleZH, Interactive: true})
	if len(blocks) > blockkit.MaxMessageBlocks {
		t.Errorf("the Slack message has %d blocks", len(blocks))
	}
	slackRaw, _ := json.Marshal(blocks)
	for _, want := range []string{"核心问题 1 · 优先级 1", "核心问题 5 · 优先级 5", "行动计划"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the Feishu card lost %q", want)
		}
		if !strings.Contains(string(slackRaw), want) {
			t.Errorf("the Slack message lost %q", want)
		}
	}
}

// demoApp is pipbot on a fresh SQLite database holding the demo
// organisation, its clock standing at now.
func demoApp(t *testing.T, now time.Time) *app {
	t.Helper()
	cfg := config.Default()
	cfg.DB = storagetest.SQLite(t)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), withClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if err := seedDemo(context.Background(), a.db, demoPeople(), now); err != nil {
		t.Fatal(err)
	}
	return a
}
