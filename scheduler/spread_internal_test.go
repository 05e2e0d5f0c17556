package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// TestSpreadDeadline: an offset never carries a reminder to or past its
// catch-up deadline, even when the deadline is closer than the window; a
// short-notice reminder and a zero window leave the time as it is; the
// offset depends on the recipient alone, and stays below the window.
func TestSpreadDeadline(t *testing.T) {
	due := time.Date(2026, 11, 20, 15, 58, 0, 0, time.UTC)
	window := 5 * time.Minute
	moved := 0
	for i := range 500 {
		who := fmt.Sprintf("ou_%d", i)
		for _, left := range []time.Duration{90 * time.Second, 10 * time.Minute, time.Hour} {
			r := bot.Reminder{Tenant: "lark:t", Recipient: who, DueAt: due, ExpiresAt: due.Add(left)}
			spread(&r, window)
			if off := r.DueAt.Sub(due); off < 0 || off >= window || !r.DueAt.Before(r.ExpiresAt) {
				t.Fatalf("%s, %v before the deadline: moved by %v", who, left, off)
			}
			if r.DueAt != due {
				moved++
			}
			if left >= window && r.DueAt.Sub(due) != spreadOffset("lark:t", who, window) {
				t.Fatalf("%s: offset %v, want the recipient's %v", who, r.DueAt.Sub(due), spreadOffset("lark:t", who, window))
			}
		}
	}
	if moved < 1000 {
		t.Errorf("only %d of 1500 reminders moved", moved)
	}
	for name, r := range map[string]bot.Reminder{
		"short notice":    {Tenant: "t", Recipient: "ou_1", DueAt: due, ExpiresAt: due.Add(time.Hour), ShortNotice: true},
		"deadline in 1 s": {Tenant: "t", Recipient: "ou_1", DueAt: due, ExpiresAt: due.Add(time.Second)},
	} {
		spread(&r, window)
		if !r.DueAt.Equal(due) {
			t.Errorf("%s: moved to %v", name, r.DueAt)
		}
	}
	r := bot.Reminder{Tenant: "t", Recipient: "ou_1", DueAt: due, ExpiresAt: due.Add(time.Hour)}
	spread(&r, 0)
	if !r.DueAt.Equal(due) {
		t.Errorf("zero window: moved to %v", r.DueAt)
	}
}
