package main

import (
	"context"
	"sync"
	"time"

	"github.com/pipbot/pipbot/adapters/directory"
	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/adapters/pace"
	"github.com/pipbot/pipbot/storage"
)

// Aliases so the port checks read plainly.
type (
	storageDB    = storage.DB
	storageRedis = storage.Redis
)

// The storage implements the shared adapter machinery's ports.
var (
	_ inbound.Inbox    = (*storageDB)(nil)
	_ inbound.Purger   = (*storageDB)(nil)
	_ pace.Limiter     = (*storageRedis)(nil)
	_ directory.People = (*storageDB)(nil)
	_ lark.CardStore   = (*storageDB)(nil)
)

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
		wg.Go(func() { a.lark.refresher.Run(ctx) })
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
	wg.Go(func() { inbound.Purge(ctx, a.db, now, inbound.Retention, inbound.PurgeEvery, a.log) })
	wg.Go(func() { a.watchAudit(ctx) })
	wg.Wait()
}
