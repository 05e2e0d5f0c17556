package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// PlatformSender sends a reply on one platform to a tenant, named by its key
// on that platform (the tenant without its "platform:" prefix), idempotently
// by rep.Key: the adapters' senders, which replies go through as well.
type PlatformSender func(ctx context.Context, tenantKey string, rep bot.Reply) (messageID string, err error)

// Senders are the platform senders of a process by platform ("lark",
// "slack"); Send routes a reminder to its platform's.
type Senders map[string]PlatformSender

// ErrNoSender is a reminder for a platform this process cannot reach.
var ErrNoSender = errors.New("no sender for the reminder's platform")

// Send is a Sender over the map.
func (s Senders) Send(ctx context.Context, r bot.Reminder, rep bot.Reply) (string, error) {
	send, ok := s[r.Platform]
	if !ok {
		return "", fmt.Errorf("reminder %d on %s: %w", r.ID, r.Platform, ErrNoSender)
	}
	key, _ := strings.CutPrefix(r.Tenant, r.Platform+":")
	return send(ctx, key, rep)
}
