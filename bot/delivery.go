package bot

import "time"

// Delivery is one inbound platform event (a message, a click) kept durably
// from before the platform is acknowledged until it has been handled, so an
// acknowledged event is never lost and a redelivered one has no second effect.
// Adapters fill it; storage keeps it; the engine never sees it.
type Delivery struct {
	ID     int64
	Source string // "lark" or "slack"
	Tenant string // the platform tenant ("lark:<tenant_key>"), for logs and purging
	// Keys identify the event: every key is remembered, and a later event
	// sharing any one of them is a duplicate (e.g. event_id and message_id).
	Keys       []string
	Payload    []byte // the verified, decrypted event as the adapter will parse it
	ReceivedAt time.Time
	Attempts   int
}

// TeamChat binds a group chat to a manager's team, so team-level reminders
// and summaries (never private plan content) can be posted there.
type TeamChat struct {
	Tenant    string
	Platform  string
	ChatID    string
	ManagerID string // whose team this group is
	BoundBy   string
	BoundAt   time.Time
}
