package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/scheduler"
)

// replans records the ChangeQueue's calls, and can hold them until released.
type replans struct {
	mu    sync.Mutex
	calls [][]string // each call's plans, "tenant/id"
	hold  chan struct{}
	fail  atomic.Bool
}

func (r *replans) replan(ctx context.Context, tenant string, ids []int64) error {
	if r.hold != nil {
		select {
		case <-r.hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var call []string
	for _, id := range ids {
		call = append(call, fmt.Sprintf("%s/%d", tenant, id))
	}
	r.calls = append(r.calls, call)
	if r.fail.Load() {
		return errors.New("database down")
	}
	return nil
}

// planned lists every plan replanned, in call order.
func (r *replans) planned() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Concat(r.calls...)
}

func await(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestChangeQueueDoesNotBlock: while re-planning hangs (a slow database),
// 5,000 changes are added within a second (the engine's hook returns at
// once); at most Limit distinct plans wait, the rest are dropped and ask
// for a full pass.
func TestChangeQueueDoesNotBlock(t *testing.T) {
	r := &replans{hold: make(chan struct{})}
	var full atomic.Int32
	q := scheduler.NewChangeQueue(scheduler.ChangeQueueOptions{Replan: r.replan, Limit: 100,
		Overflow: func() { full.Add(1) }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); q.Run(ctx) }()
	q.Add(ctx, "lark:t", 0)
	await(t, "the worker to hold the first batch", func() bool { return q.Len() == 0 })
	start := time.Now()
	for i := range 5000 {
		q.Add(ctx, "lark:t", int64(i+1))
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("5,000 adds took %v while re-planning hung", took)
	}
	added, _, dropped := q.Stats()
	if q.Len() != 100 || added != 101 || dropped != 4900 || full.Load() != 4900 {
		t.Errorf("waiting %d, added %d, dropped %d, full passes asked %d; want 100, 101, 4900, 4900", q.Len(), added, dropped, full.Load())
	}
	close(r.hold)
	await(t, "the waiting plans to be re-planned", func() bool { return len(r.planned()) == 101 })
	cancel()
	<-done
}

// TestChangeQueueCoalesces: a plan changed many times while the worker is
// busy is re-planned once more, not once per change; tenants are
// re-planned in separate batches.
func TestChangeQueueCoalesces(t *testing.T) {
	r := &replans{hold: make(chan struct{})}
	q := scheduler.NewChangeQueue(scheduler.ChangeQueueOptions{Replan: r.replan})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); q.Run(ctx) }()
	q.Add(ctx, "lark:a", 1)
	await(t, "the worker to take plan 1", func() bool { return q.Len() == 0 })
	for range 50 {
		q.Add(ctx, "lark:a", 7)
		q.Add(ctx, "slack:b", 7)
		q.Add(ctx, "lark:a", 8)
	}
	close(r.hold)
	await(t, "the coalesced plans", func() bool { return len(r.planned()) == 4 })
	cancel()
	<-done
	got := r.planned()
	want := []string{"lark:a/1", "lark:a/7", "lark:a/8", "slack:b/7"}
	if !slices.Equal(got, want) {
		t.Errorf("re-planned %v, want %v", got, want)
	}
	if _, coalesced, _ := q.Stats(); coalesced != 147 {
		t.Errorf("coalesced %d changes, want 147", coalesced)
	}
}

// TestChangeQueueDrainsOnShutdown: changes waiting when the context ends
// are re-planned before Run returns; a change that fails is recorded for
// the next pass; after shutdown a change is dropped and asks for a full
// pass, rather than being lost silently.
func TestChangeQueueDrainsOnShutdown(t *testing.T) {
	r := &replans{}
	var recorded []string
	var full atomic.Int32
	q := scheduler.NewChangeQueue(scheduler.ChangeQueueOptions{Replan: r.replan,
		Record: func(_ context.Context, tenant string, ids []int64) error {
			for _, id := range ids {
				recorded = append(recorded, fmt.Sprintf("%s/%d", tenant, id))
			}
			return nil
		},
		Overflow: func() { full.Add(1) }})
	ctx, cancel := context.WithCancel(context.Background())
	for i := range 20 {
		q.Add(ctx, "lark:t", int64(i))
	}
	cancel() // stopped before the worker ever ran
	q.Run(ctx)
	if got := r.planned(); len(got) != 20 || q.Len() != 0 {
		t.Errorf("drained %d of 20 plans, %d still waiting", len(got), q.Len())
	}
	q.Add(ctx, "lark:t", 99)
	if full.Load() != 1 || q.Len() != 0 {
		t.Errorf("a change after shutdown: %d waiting, %d full passes asked; want 0, 1", q.Len(), full.Load())
	}

	r2 := &replans{}
	r2.fail.Store(true)
	q2 := scheduler.NewChangeQueue(scheduler.ChangeQueueOptions{Replan: r2.replan,
		Record: func(_ context.Context, tenant string, ids []int64) error {
			for _, id := range ids {
				recorded = append(recorded, fmt.Sprintf("%s/%d", tenant, id))
			}
			return nil
		}})
	q2.Add(ctx, "slack:x", 5)
	q2.Run(ctx)
	if !slices.Equal(recorded, []string{"slack:x/5"}) {
		t.Errorf("recorded %v after a failed re-plan, want [slack:x/5]", recorded)
	}
}
