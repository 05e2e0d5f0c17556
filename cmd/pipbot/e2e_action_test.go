package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestEndToEndActionReminder runs a cadence reminder through the whole
// process on every SQL database, with the scheduler wired as serve wires
// it (engine hook → change queue → planner; dispatcher → composer →
// engine): the manager adds an action he owns, "每个工作日 9:00", and HR
// one owned by HR, "每周五 17:00前"; the planning pass plans the manager's
// reminders on the next working days at 09:00 and HR's on Friday; the
// dispatcher sends Monday's, privately, to the manager, with the done
// button and command; the manager marks the action done by the command, and
// the queue cancels the pending ones at once; Tuesday 09:00 sends nothing
// about it, while HR's action still has its reminder.
func TestEndToEndActionReminder(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		sh, _ := time.LoadLocation("Asia/Shanghai")
		var mu sync.Mutex
		now := time.Date(2026, 11, 16, 8, 0, 0, 0, sh) // Monday
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		set := func(t time.Time) { mu.Lock(); defer mu.Unlock(); now = t }
		cfg := config.Default()
		cfg.DB = dsn
		a, err := newApp(ctx, cfg, testLog(t), withClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if a.sched, err = a.newSchedule(clock); err != nil {
			t.Fatal(err)
		}
		if err := seedDemo(ctx, a.db, demoPeople(), clock()); err != nil {
			t.Fatal(err)
		}
		queue := make(chan struct{})
		go func() {
			defer close(queue)
			a.sched.changes.Run(ctx)
		}()
		defer func() { stop(); <-queue }()
		say := func(who, text string) []bot.Reply {
			t.Helper()
			r, err := a.engine.Handle(ctx, bot.Command{Platform: bot.PlatformConsole, Tenant: demoTenant, Actor: bot.Person{ID: who}, Chat: bot.Chat{ID: "dm:" + who}, Text: text})
			if err != nil || len(r) == 0 {
				t.Fatalf("%s %q: %v", who, text, err)
			}
			return r
		}
		for _, l := range []string{"新建", "1", "季度销售额 50万 35万 元", "个人 跟进慢", "完成", "季度销售额 35万 50万 元 2个月", "完成", "拜访客户 | 2026-12-31前", "完成", "默认", "提交 1"} {
			say("zhangsan", l)
		}
		say("wang", "批准 1")
		say("zhangsan", "确认 1")
		say("wang", "行动 1 添加 每日站会 | 每个工作日 9:00 | 经理")
		say("wang", "行动 1 添加 产品培训 | 每周五 17:00前 | HR")
		if err := a.sched.planner.Run(ctx); err != nil {
			t.Fatal(err)
		}
		rows := func(status bot.ReminderStatus) []string {
			t.Helper()
			rs, err := a.db.ListReminders(ctx, demoTenant, scheduler.ReminderFilter{Kind: bot.RemindAction, Status: status})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.DueKey+" "+r.Recipient)
			}
			slices.Sort(out)
			return out
		}
		// The window ends at 11-19 00:00 UTC: Monday to Wednesday for the
		// stand-up; Friday is planned on a later pass.
		if got, want := rows(bot.ReminderPending), []string{"2@2026-11-16 wang", "2@2026-11-17 wang", "2@2026-11-18 wang"}; !slices.Equal(got, want) {
			t.Fatalf("pending action reminders %v, want %v", got, want)
		}

		var sent []bot.Reply
		send := func(_ context.Context, r bot.Reminder, rep bot.Reply) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			sent = append(sent, rep)
			return "om_" + r.DueKey, nil
		}
		d, err := scheduler.NewDispatcher(scheduler.DispatcherOptions{Store: a.db, Notifier: a.sched.composer.Notifier(send),
			Owner: "e2e", Now: clock, Log: testLog(t)})
		if err != nil {
			t.Fatal(err)
		}
		set(time.Date(2026, 11, 16, 9, 10, 0, 0, sh)) // past the spread window after 09:00
		if _, _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 || sent[0].To != "wang" || !sent[0].Private || sent[0].Chat != "" {
			t.Fatalf("Monday 09:10 sent %+v, want one private reminder to wang", sent)
		}
		body := sent[0].Message.Text()
		for _, part := range []string{"行动 #2「每日站会」今天 09:00 到期（计划 #1）", "「完成 1 2」"} {
			if !strings.Contains(body, part) {
				t.Errorf("reminder lacks %q:\n%s", part, body)
			}
		}

		set(time.Date(2026, 11, 16, 10, 0, 0, 0, sh))
		say("wang", "完成 1 2")
		for deadline := time.Now().Add(5 * time.Second); len(rows(bot.ReminderPending)) > 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after done, still pending: %v", rows(bot.ReminderPending))
			}
		}
		if got, want := rows(bot.ReminderCancelled), []string{"2@2026-11-17 wang", "2@2026-11-18 wang"}; !slices.Equal(got, want) {
			t.Errorf("cancelled after done %v, want %v", got, want)
		}
		set(time.Date(2026, 11, 17, 9, 10, 0, 0, sh))
		if _, _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 {
			t.Errorf("after done, %d more reminders sent", len(sent)-1)
		}

		// HR's Friday reminder is planned once the window reaches Friday.
		set(time.Date(2026, 11, 18, 9, 0, 0, 0, sh))
		a.sched.planner.RequestFull()
		if err := a.sched.planner.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := rows(bot.ReminderPending), []string{"3@2026-11-20 lin"}; !slices.Equal(got, want) {
			t.Errorf("pending on Wednesday %v, want HR's Friday reminder only", got)
		}
	})
}
