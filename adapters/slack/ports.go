package slack

import (
	"context"
	"time"
)

// Sent remembers messages being sent, so that a retry after an unknown
// outcome first looks for the message instead of posting it twice (Slack
// has no idempotency key). Keys are the replies' keys.
type Sent interface {
	// SeenOnce marks key as being sent; first is false when it was marked
	// before, so the send may already have happened (*storage.Redis).
	SeenOnce(ctx context.Context, key string, ttl time.Duration) (first bool, err error)
}

// DMs keeps the DM channel id of each person the bot has written to
// across restarts and replicas (*storage.Redis), so a restarted process
// does not open every DM again with conversations.open (Tier 3, about 50
// a minute). It is a cache: an error or a miss only costs that call.
type DMs interface {
	Get(ctx context.Context, key string) (value []byte, found bool, err error)
	// Set stores value for ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}
