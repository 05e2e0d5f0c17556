package lark

import (
	"context"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Engine runs one command and returns the replies to deliver (*bot.Engine).
type Engine interface {
	Handle(ctx context.Context, cmd bot.Command) ([]bot.Reply, error)
}

// Inbox keeps inbound events durably from before the platform is
// acknowledged until they are handled (*storage.DB).
type Inbox interface {
	// Put stores d and sets d.ID, unless an event sharing any of d.Keys was
	// stored before (keys are kept at least 8 hours, across restarts); then
	// fresh is false and the event must have no effect.
	Put(ctx context.Context, d *bot.Delivery) (fresh bool, err error)
	// Claim leases up to n unhandled deliveries of source to owner until
	// now+lease; a delivery whose lease ran out is claimed again.
	Claim(ctx context.Context, source, owner string, n int, now time.Time, lease time.Duration) ([]bot.Delivery, error)
	// Finish marks a delivery handled if owner still holds its lease, and
	// drops its payload.
	Finish(ctx context.Context, id int64, owner string) error
}

// Limiter paces outbound calls with token buckets shared by every replica
// (*storage.Redis).
type Limiter interface {
	Allow(ctx context.Context, key string, rate float64, burst int) (ok bool, wait time.Duration, err error)
}

// People is the tenant directory the adapter refreshes from Feishu's
// contact API (*storage.DB).
type People interface {
	Person(ctx context.Context, tenant, id string) (bot.Person, error)
	SavePerson(ctx context.Context, p bot.Person) error
}
