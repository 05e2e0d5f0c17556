package inbound

import (
	"context"
	"errors"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Inbox keeps inbound events durably from before the platform is
// acknowledged until they are handled (*storage.DB).
type Inbox interface {
	// PutLeased stores d and sets d.ID, unless an event sharing any of
	// d.Keys was stored before (keys are kept at least 8 hours, across
	// restarts); then fresh is false and the event must have no effect. It
	// returns once the event is durable. With an owner, the stored delivery
	// is leased to owner until until, as if claimed (its first attempt);
	// without, it waits for a Claim.
	PutLeased(ctx context.Context, d *bot.Delivery, owner string, until time.Time) (fresh bool, err error)
	// Claim leases up to n unhandled deliveries of source to owner until
	// now+lease; a delivery whose lease ran out is claimed again.
	Claim(ctx context.Context, source, owner string, n int, now time.Time, lease time.Duration) ([]bot.Delivery, error)
	// Finish marks a delivery handled if owner still holds its lease, and
	// drops its payload.
	Finish(ctx context.Context, id int64, owner string) error
}

// Purger removes handled deliveries, and dedupe keys, received before a
// time (*storage.DB).
type Purger interface {
	PurgeInbox(ctx context.Context, before time.Time) (int64, error)
}

// Engine runs one command and returns the replies to deliver (*bot.Engine).
type Engine interface {
	Handle(ctx context.Context, cmd bot.Command) ([]bot.Reply, error)
}

// Platform is what the pipeline asks of its adapter, whose Origin type O
// says where an event came from and so where its replies go.
type Platform[O any] interface {
	// Translate reads a claimed delivery into the work it asks for. An
	// error means the payload can never be read; the delivery is dropped,
	// unless the error wraps ErrTryLater: a lookup the work depends on
	// failed for now, and the delivery stays pending, unanswered, to be
	// translated again after its lease (see Pipeline.LastAttempt).
	Translate(ctx context.Context, d bot.Delivery) (Work[O], error)
	// Deliver sends replies to o. It may be called again with the same
	// replies after a failure for which Retryable is true.
	Deliver(ctx context.Context, o O, replies []bot.Reply) error
	// Retryable reports whether a failed Deliver may pass when tried again.
	Retryable(err error) bool
}

// Work is a claimed delivery as its adapter read it.
type Work[O any] struct {
	// Run is false for a delivery that needs no engine call (a message the
	// bot ignores, an event that only refreshes a view): it is finished as
	// it is, after Then.
	Run    bool
	Cmd    bot.Command
	Origin O
	// Prepare, when set, runs once on the engine's replies before the first
	// delivery and returns those left for Deliver (a Slack form opened as a
	// modal is not delivered again on a retry).
	Prepare func(ctx context.Context, replies []bot.Reply) []bot.Reply
	// NotBefore holds the delivery until then, on the pipeline's clock (a
	// Feishu card may be updated only after its callback was answered).
	NotBefore time.Time
	// Then runs once the delivery has been handled (a Slack App Home is
	// published again after a click made there).
	Then func(ctx context.Context)
}

// ErrTryLater, wrapped in Translate's error, keeps a delivery pending
// instead of dropping it: something it needs (a directory lookup) did not
// answer now and may answer on a later attempt.
var ErrTryLater = errors.New("needed information not available yet")
