package scheduler

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of ChangeQueueOptions.
const (
	DefaultChangeLimit   = 10_000
	DefaultChangeTimeout = 30 * time.Second
)

// ChangeQueueOptions configures a ChangeQueue; Replan is required.
type ChangeQueueOptions struct {
	// Replan plans the tenant's plans ids again (Planner.ReplanPlans).
	Replan func(ctx context.Context, tenant string, ids []int64) error
	// Record notes plans the queue could not re-plan, for the next
	// planning pass on any replica (ChangeLog.RecordPlanChanges); nil: the
	// next pass of this process is full instead.
	Record func(ctx context.Context, tenant string, ids []int64) error
	// Overflow is called when a change had to be dropped because the queue
	// was full or closed (Planner.RequestFull: the next pass plans all).
	Overflow func()
	Limit    int           // distinct plans waiting at most (DefaultChangeLimit)
	Timeout  time.Duration // bounds one batch of re-planning and the drain (DefaultChangeTimeout)
	Log      *slog.Logger
}

// planRef names one plan.
type planRef struct {
	tenant string
	id     int64
}

// ChangeQueue runs the engine's change hook off the request path: Add
// never blocks (the hook's contract), a plan changed again while it waits
// is queued once, at most Limit plans wait (beyond that a change is
// dropped and the next planning pass is full), and Run re-plans what waits
// in batches, per tenant, until its context ends, then drains what is left.
type ChangeQueue struct {
	o    ChangeQueueOptions
	log  *slog.Logger
	wake chan struct{}

	mu      sync.Mutex
	pending map[planRef]struct{}
	closed  bool

	added, coalesced, dropped atomic.Int64
}

// NewChangeQueue builds a queue; it holds changes until Run starts.
func NewChangeQueue(o ChangeQueueOptions) *ChangeQueue {
	o.Limit = cmpOr(o.Limit, DefaultChangeLimit)
	o.Timeout = cmpOr(o.Timeout, DefaultChangeTimeout)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &ChangeQueue{o: o, log: o.Log.With("component", "plan_changes"), wake: make(chan struct{}, 1),
		pending: map[planRef]struct{}{}}
}

// Add queues plan id of tenant to be planned again; it never blocks. The
// ctx is not used: the change outlives the request that made it.
func (q *ChangeQueue) Add(_ context.Context, tenant string, id int64) {
	ref := planRef{tenant, id}
	q.mu.Lock()
	_, dup := q.pending[ref]
	full := !dup && (q.closed || len(q.pending) >= q.o.Limit)
	if !dup && !full {
		q.pending[ref] = struct{}{}
	}
	q.mu.Unlock()
	switch {
	case dup:
		q.coalesced.Add(1)
	case full:
		q.dropped.Add(1)
		if q.o.Overflow != nil {
			q.o.Overflow()
		}
		return
	default:
		q.added.Add(1)
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Stats reports the changes queued, coalesced into one already waiting,
// and dropped, since the queue was built.
func (q *ChangeQueue) Stats() (added, coalesced, dropped int64) {
	return q.added.Load(), q.coalesced.Load(), q.dropped.Load()
}

// Len is the number of plans waiting.
func (q *ChangeQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// Run re-plans queued plans until ctx ends; then it stops taking changes,
// re-plans those still waiting within Timeout, records any it could not,
// and returns.
func (q *ChangeQueue) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			q.mu.Lock()
			q.closed = true
			q.mu.Unlock()
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.o.Timeout)
			q.flush(dctx)
			cancel()
			return
		case <-q.wake:
			bctx, cancel := context.WithTimeout(ctx, q.o.Timeout)
			q.flush(bctx)
			cancel()
		}
	}
}

// flush takes every waiting plan and re-plans them tenant by tenant.
func (q *ChangeQueue) flush(ctx context.Context) {
	q.mu.Lock()
	batch := q.pending
	q.pending = make(map[planRef]struct{}, len(batch))
	q.mu.Unlock()
	byTenant := map[string][]int64{}
	for ref := range batch {
		byTenant[ref.tenant] = append(byTenant[ref.tenant], ref.id)
	}
	for _, tenant := range slices.Sorted(maps.Keys(byTenant)) {
		ids := byTenant[tenant]
		slices.Sort(ids)
		err := q.o.Replan(ctx, tenant, ids)
		if err == nil {
			continue
		}
		q.log.WarnContext(ctx, "re-plan changed plans failed; the next pass plans them", "tenant", tenant, "plans", len(ids), "err", err)
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.o.Timeout)
		if q.o.Record == nil || q.o.Record(rctx, tenant, ids) != nil {
			if q.o.Overflow != nil {
				q.o.Overflow()
			}
		}
		cancel()
	}
}
