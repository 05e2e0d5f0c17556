package storage

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// BenchmarkSyncRemindersFresh measures the planner's first pass over an
// empty outbox, one group at a time: each op syncs 2,000 plans' new rows
// (three per plan, one past its deadline, as the planner's lookback
// wants) into a table that keeps growing:
//
//	go test ./storage -run '^$' -bench SyncRemindersFresh -benchtime 20x
func BenchmarkSyncRemindersFresh(b *testing.B) {
	for _, k := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storagetest.SQLite}, {"postgres", storagetest.Postgres}, {"mysql", storagetest.MySQL}} {
		b.Run(k.name, func(b *testing.B) {
			db, err := Open(b.Context(), k.dsn(b), slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			now := time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC)
			const plans = 2000
			created := 0
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				want := make([]bot.Reminder, 0, 3*plans)
				subjects := make([]string, 0, plans)
				for p := range plans {
					id := int64(i*plans + p + 1)
					subject := fmt.Sprintf("plan:%d", id)
					subjects = append(subjects, subject)
					to := fmt.Sprintf("ou_%08d", id)
					for d, due := range []time.Time{now.Add(-72 * time.Hour), now.Add(32 * time.Hour), now.Add(56 * time.Hour)} {
						want = append(want, bot.Reminder{Tenant: "lark:tk_bench", Platform: "lark", PlanID: id, Subject: subject,
							Kind: bot.RemindWeekly, DueKey: fmt.Sprintf("2026-W%02d-%d", 47, d), Recipient: to,
							DueAt: due, ExpiresAt: due.Add(8 * time.Hour), CreatedAt: now})
					}
				}
				b.StartTimer()
				n, _, _, err := db.SyncReminders(b.Context(), "lark:tk_bench", want, now, subjects)
				if err != nil {
					b.Fatal(err)
				}
				if n != 2*plans {
					b.Fatalf("created %d, want %d", n, 2*plans)
				}
				created += n
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(created), "ns/row")
		})
	}
}
