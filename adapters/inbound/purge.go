package inbound

import (
	"context"
	"log/slog"
	"time"
)

// Retention keeps handled events' dedupe keys past the platforms'
// redelivery windows (Feishu retries for about 7.1 hours).
const Retention = 24 * time.Hour

// PurgeEvery is how often Purge removes handled events past Retention.
const PurgeEvery = time.Hour

// Purge removes handled inbound events received before now-retention,
// at once and then every every, until ctx is done.
func Purge(ctx context.Context, inbox Purger, now func() time.Time, retention, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := inbox.PurgeInbox(ctx, now().Add(-retention))
		if err != nil && ctx.Err() == nil {
			log.Warn("purge inbox", "component", "inbox", "err", err)
		} else if n > 0 {
			log.Info("purged inbox", "component", "inbox", "deliveries", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
