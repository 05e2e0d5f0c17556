package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/scheduler"
)

// riskEvery is how often a replica re-rates every running plan: a rating
// moves by well under a point an hour, and missed weeks turn at midnight,
// so an hour late is never news. Changes made in chat are rated at once.
const riskEvery = time.Hour

// riskSweep re-rates every running plan as time passes (a plan can turn
// critical with nobody touching it) and sends the alerts of those that
// turned critical. It rides on the planner's tick on every replica; the
// engine's compare-and-swap on the stored rating lets one replica alert,
// and each alert's key lets the platform drop a resend. An alert is lost
// only if the process dies between recording the turn and sending it.
type riskSweep struct {
	db      *storageDB
	engine  *bot.Engine
	senders scheduler.Senders
	now     func() time.Time
	log     *slog.Logger

	mu   sync.Mutex
	last time.Time
}

// run sweeps when riskEvery has passed since this replica's last sweep.
func (s *riskSweep) run(ctx context.Context) error {
	now := s.now()
	s.mu.Lock()
	due := s.last.IsZero() || now.Sub(s.last) >= riskEvery
	if due {
		s.last = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.sweep(ctx)
}

// sweep pages through the open plans of every tenant, loads the running
// ones whole (the planner's page omits goals) and rates them.
func (s *riskSweep) sweep(ctx context.Context) error {
	var errs []error
	var after int64
	for {
		page, err := s.db.PlansForScheduling(ctx, after, 2000)
		if err != nil {
			return fmt.Errorf("rate risks: %w", err)
		}
		if len(page) == 0 {
			return errors.Join(errs...)
		}
		after = page[len(page)-1].ID
		ids := map[string][]int64{}
		for _, p := range page {
			if p.Tracking() {
				ids[p.Tenant] = append(ids[p.Tenant], p.ID)
			}
		}
		for tenant, list := range ids {
			if err := s.tenant(ctx, tenant, list); err != nil {
				s.log.ErrorContext(ctx, "rate risks failed", "tenant", tenant, "err", err)
				errs = append(errs, err)
			}
		}
	}
}

// tenant rates the listed plans of one tenant and sends their alerts.
func (s *riskSweep) tenant(ctx context.Context, tenant string, ids []int64) error {
	plans, err := s.db.PlansByIDs(ctx, tenant, ids)
	if err != nil {
		return fmt.Errorf("rate risks of tenant %s: %w", tenant, err)
	}
	alerts, err := s.engine.RateRisks(ctx, tenant, plans)
	platform, key, _ := strings.Cut(tenant, ":")
	send, ok := s.senders[platform]
	for _, rep := range alerts {
		if !ok {
			s.log.WarnContext(ctx, "risk alert for a platform this process cannot reach", "tenant", tenant, "user_id", rep.To)
			continue
		}
		if _, serr := send(ctx, key, rep); serr != nil {
			err = errors.Join(err, fmt.Errorf("send risk alert to %s: %w", rep.To, serr))
		}
	}
	return err
}

// clockOr is now, or the wall clock when nil.
func clockOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
