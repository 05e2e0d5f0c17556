package main

import (
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestInterviewMoveReplansAtOnce: with the scheduler wired as in serve,
// booking an interview plans its notices on the third working day before,
// and moving it cancels those and plans new ones, without waiting for the
// next planning run: the engine's hook queues the plan, and the queue
// re-plans it off the request path. The notices are spread over the rules'
// window after 10:00.
func TestInterviewMoveReplansAtOnce(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, sh)
	clock := func() time.Time { return now }
	cfg := config.Default()
	cfg.DB = storagetest.SQLite(t)
	a, err := newApp(ctx, cfg, testLog(t), withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.sched, err = a.newSchedule(clock); err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, a.db, demoPeople(), now); err != nil {
		t.Fatal(err)
	}
	queue := make(chan struct{})
	go func() {
		defer close(queue)
		a.sched.changes.Run(ctx)
	}()
	defer func() { stop(); <-queue }()
	say := func(who, text string) {
		t.Helper()
		r, err := a.engine.Handle(ctx, bot.Command{Platform: bot.PlatformConsole, Tenant: demoTenant, Actor: bot.Person{ID: who}, Chat: bot.Chat{ID: "dm:" + who}, Text: text})
		if err != nil || len(r) == 0 || len(r[0].Message.Blocks) == 0 {
			t.Fatalf("%s %q: %v", who, text, err)
		}
	}
	for _, l := range []string{"新建", "1", "季度销售额 50万 35万 元", "个人 跟进慢", "完成", "季度销售额 35万 50万 元 2个月", "完成", "拜访客户 | 每周五", "完成", "默认", "提交 1"} {
		say("zhangsan", l)
	}
	say("wang", "批准 1")
	say("zhangsan", "确认 1")
	notices := func(status bot.ReminderStatus) []bot.Reminder {
		rs, err := a.db.ListReminders(ctx, demoTenant, scheduler.ReminderFilter{Kind: bot.RemindInterview, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	// Rows are planned three days ahead: the interviews are this week and next.
	say("wang", "面谈 1 预约 2026-11-20 15:00") // Friday: notice on Tuesday 11-17
	pending := awaitNotices(t, notices, "2026-11-17 10:00", 0)
	if len(pending) != 2 {
		t.Fatalf("after booking: %+v", pending)
	}
	say("wang", "面谈 1 改期 2026-11-23 15:00") // next Monday: notice on Wednesday 11-18
	pending = awaitNotices(t, notices, "2026-11-18 10:00", 2)
	if len(pending) != 2 {
		t.Fatalf("after moving: %+v", pending)
	}
	if cancelled := notices(bot.ReminderCancelled); len(cancelled) != 2 {
		t.Fatalf("the old notices were not cancelled: %+v", cancelled)
	}
}

// awaitNotices waits up to 5 s for the queue to have planned two pending
// notices due in the spread window after slot (Shanghai time) and cancelled
// cancelled, and returns the pending ones.
func awaitNotices(t *testing.T, notices func(bot.ReminderStatus) []bot.Reminder, slot string, cancelled int) []bot.Reminder {
	t.Helper()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	from, err := time.ParseInLocation("2006-01-02 15:04", slot, sh)
	if err != nil {
		t.Fatal(err)
	}
	var pending []bot.Reminder
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		pending = notices(bot.ReminderPending)
		ok := len(pending) == 2 && len(notices(bot.ReminderCancelled)) == cancelled
		for _, r := range pending {
			ok = ok && !r.DueAt.Before(from) && r.DueAt.Before(from.Add(scheduler.DefaultSpread))
		}
		if ok {
			return pending
		}
	}
	t.Fatalf("pending notices after %s not planned in time: %+v", slot, pending)
	return nil
}
