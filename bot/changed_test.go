package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestChangedHook: the scheduler is told after each saved change of a plan
// or its interviews, and not after a refused command.
func TestChangedHook(t *testing.T) {
	w := newWorld(t)
	var calls []int64
	sh, _ := time.LoadLocation("Asia/Shanghai")
	w.engine = bot.New(bot.Options{Store: w.store, Sessions: w.sessions, Clock: func() time.Time { return w.now },
		HR: []string{"console:u_hr"}, Locale: bot.LocaleZH, TZ: sh,
		Changed: func(_ context.Context, tenant string, planID int64) {
			if tenant != w.tenant {
				t.Errorf("changed in tenant %q", tenant)
			}
			calls = append(calls, planID)
		}})
	inActive(w)
	before := len(calls)
	w.say(mgr, "面谈 1 预约 2026-12-03 15:00")
	w.say(mgr, "面谈 1 改期 2026-12-04 10:00")
	if got := len(calls) - before; got != 2 {
		t.Fatalf("booking and moving an interview told the scheduler %d times, want 2", got)
	}
	before = len(calls)
	w.say(emp, "批准 1") // refused: the employee cannot approve
	w.say(mgr, "面谈 1 预约 2020-01-01 10:00")
	if len(calls) != before {
		t.Fatal("a refused command told the scheduler")
	}
	w.say(emp, "更新 #1 #1 40万 本周拜访5家")
	if len(calls) != before+1 || calls[len(calls)-1] != w.plan(1).ID {
		t.Fatalf("an update did not tell the scheduler about plan 1: %v", calls)
	}
}
