package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage"
)

// TestDispatcherOnePerRecipient: 40 due reminders, 10 of them to one
// person; with 8 sends in flight, that person never has two at once and
// gets theirs in due order, while the others' sends run in parallel.
func TestDispatcherOnePerRecipient(t *testing.T) {
	eachOutbox(t, func(t *testing.T, db *storage.DB) {
		due := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		rs := dueReminders(40, due)
		for i := range 10 {
			rs[i].Recipient = "ou_busy"
			rs[i].DueAt = due.Add(time.Duration(i) * time.Second)
		}
		mustUpsert(t, db, rs)
		var (
			mu               sync.Mutex
			inFlight         = map[string]int{}
			total, peakTotal int
			peakBusy         int
			busyOrder        []time.Time
		)
		notify := scheduler.NotifierFunc(func(_ context.Context, r bot.Reminder) (string, error) {
			mu.Lock()
			inFlight[r.Recipient]++
			total++
			peakTotal = max(peakTotal, total)
			if r.Recipient == "ou_busy" {
				peakBusy = max(peakBusy, inFlight[r.Recipient])
				busyOrder = append(busyOrder, r.DueAt)
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			inFlight[r.Recipient]--
			total--
			mu.Unlock()
			return "m", nil
		})
		d := newDispatcher(t, scheduler.DispatcherOptions{Store: db, Notifier: notify, Owner: "a", Parallel: 8,
			Now: func() time.Time { return due.Add(time.Minute) }})
		sent, _, err := d.RunOnce(t.Context())
		if err != nil || sent != 40 {
			t.Fatalf("RunOnce = %d sent, %v; want 40", sent, err)
		}
		if peakBusy != 1 || peakTotal < 2 || peakTotal > 8 {
			t.Errorf("peak in flight: %d to one recipient (want 1), %d in all (want 2 to 8)", peakBusy, peakTotal)
		}
		for i := 1; i < len(busyOrder); i++ {
			if busyOrder[i].Before(busyOrder[i-1]) {
				t.Errorf("one recipient's reminders out of due order: %v", busyOrder)
			}
		}
	})
}
