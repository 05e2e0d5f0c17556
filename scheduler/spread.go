package scheduler

import (
	"hash/fnv"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// DefaultSpread is the window over which reminders due at the same minute
// are spread (the rules' spread): 10,000 Friday reminders at 17:00 would
// otherwise all be due at once, and Feishu asks apps not to send on the hour
// and the half hour.
const DefaultSpread = 5 * time.Minute

// maxSpread bounds the spread a tenant's rules may set.
const maxSpread = time.Hour

// spreadOffset is recipient's place in a window: a whole number of seconds
// below window, fixed by a hash of the tenant and the recipient, so that
// every pass plans the same time (no row moves back and forth) and one
// person's reminders keep their order.
func spreadOffset(tenant, recipient string, window time.Duration) time.Duration {
	secs := uint64(window / time.Second)
	if secs < 2 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(tenant))
	h.Write([]byte{0})
	h.Write([]byte(recipient))
	return time.Duration(h.Sum64()%secs) * time.Second
}

// spread moves r's due time by its recipient's offset in window, keeping it
// before its catch-up deadline: where the deadline is closer than the
// offset, the offset wraps within the time left. A short-notice reminder
// (due when its interview was booked) is not moved: it goes out at once.
func spread(r *bot.Reminder, window time.Duration) {
	if r.ShortNotice || window <= 0 {
		return
	}
	off := spreadOffset(r.Tenant, r.Recipient, window)
	if left := r.ExpiresAt.Sub(r.DueAt); off >= left {
		if left <= time.Second {
			return
		}
		off %= left.Truncate(time.Second)
	}
	r.DueAt = r.DueAt.Add(off)
}
