package scheduler_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// The service is down when reminders fall due; the first dispatch after
// the restart sends those still inside their catch-up deadline (late) and
// marks the others missed, counted and logged. The rows are built by hand
// with the deadlines the planner computes: the Friday reminder until 23:59
// that day, the monthly prompt for 2 working days, the interview notice
// until 2 hours before the interview (Asia/Shanghai).
func TestCatchUpAfterDowntime(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }
	friday := bot.Reminder{Kind: bot.RemindWeekly, DueKey: "2026-W48", DueAt: day(11, 27, 17, 0), ExpiresAt: day(11, 27, 23, 59)}
	// The 25th of December 2026 is a Friday: its two working days end on Tuesday.
	monthly := bot.Reminder{Kind: bot.RemindMonthly, DueKey: "2026-12", DueAt: day(12, 25, 10, 0), ExpiresAt: day(12, 29, 10, 0)}
	notice := bot.Reminder{Kind: bot.RemindInterview, DueKey: "2026-12-03", DueAt: day(11, 30, 10, 0), ExpiresAt: day(12, 3, 12, 0)}
	cases := []struct {
		name string
		r    bot.Reminder
		back time.Time // the first dispatch after the downtime
		want bot.ReminderStatus
	}{
		{"friday reminder, back at 20:00", friday, day(11, 27, 20, 0), bot.ReminderSent},
		{"friday reminder, back at 23:59", friday, day(11, 27, 23, 59), bot.ReminderSent},
		{"friday reminder, back at 00:30 on Saturday", friday, day(11, 28, 0, 30), bot.ReminderMissed},
		{"monthly prompt, back on Monday", monthly, day(12, 28, 9, 0), bot.ReminderSent},
		{"monthly prompt, back after Tuesday 10:00", monthly, day(12, 29, 10, 1), bot.ReminderMissed},
		{"interview notice, back 3 hours before", notice, day(12, 3, 11, 0), bot.ReminderSent},
		{"interview notice, back 1 hour before", notice, day(12, 3, 13, 0), bot.ReminderMissed},
	}
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := c.r
				r.Tenant, r.Platform, r.Subject, r.Recipient = fmt.Sprintf("t%d", i), "lark", "plan:1", "ou_1"
				r.DueAt, r.ExpiresAt = r.DueAt.UTC(), r.ExpiresAt.UTC()
				later := r // next period's row, not due yet: untouched
				later.DueKey, later.DueAt, later.ExpiresAt = "next", r.DueAt.AddDate(1, 0, 0), r.ExpiresAt.AddDate(1, 0, 0)
				mustUpsert(t, db, []bot.Reminder{r, later})
				var logs bytes.Buffer
				p, m := newFakePlatform(), scheduler.NewMetrics()
				d := newDispatcher(t, scheduler.DispatcherOptions{
					Store: db, Notifier: p, Owner: "a", Metrics: m,
					Now: func() time.Time { return c.back }, Log: slog.New(slog.NewTextHandler(&logs, nil)),
				})
				sent, missed, err := d.RunOnce(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				wantSent := map[bool]int{true: 1}[c.want == bot.ReminderSent]
				if sent != wantSent || missed != 1-wantSent {
					t.Fatalf("sent %d, missed %d; want %s", sent, missed, c.want)
				}
				rs, err := db.ListReminders(t.Context(), r.Tenant, scheduler.ReminderFilter{})
				if err != nil || len(rs) != 2 || rs[0].Status != c.want || rs[1].Status != bot.ReminderPending {
					t.Fatalf("rows %+v, %v; want %s and the next one pending", rs, err, c.want)
				}
				keys, _ := p.counts(t)
				snap := m.Snapshot()
				if keys != wantSent || snap.Sent[r.Kind] != wantSent || snap.Missed[r.Kind] != 1-wantSent {
					t.Errorf("%d sends, metrics %+v", keys, snap)
				}
				if c.want == bot.ReminderMissed {
					line := logs.String()
					for _, want := range []string{"reminder missed", "tenant=" + r.Tenant, "kind=" + string(r.Kind), "due_key=" + r.DueKey, "reason=expired"} {
						if !strings.Contains(line, want) {
							t.Errorf("log lacks %q:\n%s", want, line)
						}
					}
				}
			})
		}
	})
}
