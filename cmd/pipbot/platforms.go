package main

import (
	"context"
	"sync"
	"time"

	"github.com/pipbot/pipbot/storage"
)

// Aliases so the port checks read plainly.
type (
	storageDB    = storage.DB
	storageRedis = storage.Redis
)

// inboxRetention keeps handled events' dedupe keys past the platforms'
// redelivery windows (Feishu retries for about 7.1 hours).
const inboxRetention = 24 * time.Hour

// inboxPurgeEvery is how often handled inbox rows past retention are removed.
const inboxPurgeEvery = time.Hour

// runPlatforms runs the platform adapters' workers, the inbox purge and the
// audit chain check until ctx is done, and returns once they have stopped.
func (a *app) runPlatforms(ctx context.Context, now func() time.Time) {
	var wg sync.WaitGroup
	if a.lark != nil {
		wg.Go(func() {
			if err := a.lark.adapter.Run(ctx); err != nil {
				a.log.Error("feishu/lark adapter stopped", "component", "lark", "err", err)
			}
		})
	}
	if a.slack != nil {
		wg.Go(func() {
			if err := a.slack.adapter.Run(ctx); err != nil {
				a.log.Error("slack adapter stopped", "component", "slack", "err", err)
			}
		})
	}
	if a.sched != nil {
		wg.Go(func() {
			a.sched.run(ctx, func(err error) { a.log.Error("scheduler stopped", "component", "scheduler", "err", err) })
		})
	}
	wg.Go(func() { a.purgeInbox(ctx, now) })
	wg.Go(func() { a.watchAudit(ctx) })
	wg.Wait()
}

// purgeInbox removes handled inbound events older than the retention, hourly.
func (a *app) purgeInbox(ctx context.Context, now func() time.Time) {
	t := time.NewTicker(inboxPurgeEvery)
	defer t.Stop()
	for {
		n, err := a.db.PurgeInbox(ctx, now().Add(-inboxRetention))
		if err != nil && ctx.Err() == nil {
			a.log.Warn("purge inbox", "component", "inbox", "err", err)
		} else if n > 0 {
			a.log.Info("purged inbox", "component", "inbox", "deliveries", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
