package scheduler_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestSpreadFridayPeak plans the weekly reminders of 120 employees, all due
// Friday 17:00, with a 10-minute spread, twice, then dispatches them at
// 17:04 and at 17:10. Want: every row inside [17:00, 17:10) and before its
// deadline; the times spread out (no minute holds more than a third); each
// recipient at one offset for all their rows; the second pass moves and
// creates nothing; each reminder sent once, never before its time.
func TestSpreadFridayPeak(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		sh := mustLoc(t, "Asia/Shanghai")
		cst := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
		rules := scheduler.DefaultRules()
		rules.Spread = "10m"
		people := []bot.Person{wang}
		for i := range 120 {
			people = append(people, bot.Person{ID: fmt.Sprintf("u_e%03d", i), Name: "员工", ManagerID: wang.ID})
		}
		w := newPlanWorld(t, db, "console:spread", rules, sh, people...)
		for _, p := range people[1:] {
			w.activePlan(p.ID, wang.ID, cst(11, 2, 9, 0), cst(12, 31, 0, 0), false)
		}
		w.plan(cst(11, 16, 9, 0))
		first := w.rows(bot.RemindWeekly)
		w.plan(cst(11, 17, 9, 0))
		second := w.rows(bot.RemindWeekly)
		if len(first) != len(second) || len(first) < 120 {
			t.Fatalf("%d weekly rows after the first pass, %d after the second", len(first), len(second))
		}
		offsets := map[string]time.Duration{}
		perMinute := map[time.Time]int{}
		due := map[string]time.Time{}
		for i, r := range first {
			if s := second[i]; s.ID != r.ID || !s.DueAt.Equal(r.DueAt) {
				t.Errorf("second pass moved %s from %v to %v", r.Key(), r.DueAt, s.DueAt)
			}
			local := r.DueAt.In(sh)
			slot := time.Date(local.Year(), local.Month(), local.Day(), 17, 0, 0, 0, sh)
			off := r.DueAt.Sub(slot)
			if off < 0 || off >= 10*time.Minute || !r.DueAt.Before(r.ExpiresAt) {
				t.Errorf("%s due %v: offset %v outside [0, 10m) or not before its deadline %v", r.Key(), local, off, r.ExpiresAt.In(sh))
			}
			if o, ok := offsets[r.Recipient]; ok && o != off {
				t.Errorf("%s at offset %v, earlier rows of %s at %v", r.Key(), off, r.Recipient, o)
			}
			offsets[r.Recipient] = off
			perMinute[r.DueAt.Truncate(time.Minute)]++
			due[r.Key()] = r.DueAt
		}
		for m, n := range perMinute {
			if 3*n > len(first) {
				t.Errorf("%d of %d rows due in the minute of %v", n, len(first), m.In(sh))
			}
		}

		sent := &sendCount{n: map[string]int{}}
		d, err := scheduler.NewDispatcher(scheduler.DispatcherOptions{Store: db, Owner: "spread", Now: w.clock.Now,
			Notifier: scheduler.NotifierFunc(func(_ context.Context, r bot.Reminder) (string, error) {
				if w.clock.Now().Before(r.DueAt) {
					t.Errorf("%s sent at %v, before its time %v", r.Key(), w.clock.Now(), r.DueAt)
				}
				return sent.add(r.Key()), nil
			})})
		if err != nil {
			t.Fatal(err)
		}
		friday := cst(11, 20, 17, 0)
		weekly := 0
		for _, at := range []time.Time{friday.Add(4 * time.Minute), friday.Add(10 * time.Minute)} {
			w.clock.Set(at)
			if _, _, err := d.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			if at == friday.Add(4*time.Minute) {
				early := sent.total()
				if early == 0 || early == 120 {
					t.Errorf("%d of 120 Friday reminders sent by 17:04, want some but not all", early)
				}
			}
		}
		for k, at := range due {
			if at.Before(friday.Add(10*time.Minute)) && !at.Before(friday) {
				weekly++
				if n := sent.n[k]; n != 1 {
					t.Errorf("%s sent %d times", k, n)
				}
			}
		}
		if weekly != 120 {
			t.Errorf("%d reminders due in Friday's window, want 120", weekly)
		}
	})
}

// sendCount counts sends by reminder key.
type sendCount struct {
	mu sync.Mutex
	n  map[string]int
}

func (s *sendCount) add(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n[key]++
	return fmt.Sprintf("m%d", len(s.n))
}

func (s *sendCount) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.n {
		n += v
	}
	return n
}
