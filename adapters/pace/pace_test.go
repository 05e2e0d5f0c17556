package pace

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// limiter grants one call per bucket every gap, and counts the asks.
type limiter struct {
	mu   sync.Mutex
	next map[string]time.Time
	gap  time.Duration
	asks atomic.Int64
	err  error
}

func (l *limiter) Allow(_ context.Context, key string, _ float64, _ int) (bool, time.Duration, error) {
	l.asks.Add(1)
	if l.err != nil {
		return false, 0, l.err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if wait := l.next[key].Sub(now); wait > 0 {
		return false, wait, nil
	}
	l.next[key] = now.Add(l.gap)
	return true, 0, nil
}

// Callers of one bucket are spaced by its rate, and wait at the gate
// rather than all asking the Limiter at every refill.
func TestAcquireSpacesAndQueues(t *testing.T) {
	l := &limiter{next: map[string]time.Time{}, gap: 20 * time.Millisecond}
	p := New(l, nil)
	const callers = 5
	var wg sync.WaitGroup
	start := time.Now()
	for range callers {
		wg.Go(func() {
			if err := p.Acquire(t.Context(), []Bucket{{Key: "b", Rate: Rate{PerSecond: 50, Burst: 1}}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took < (callers-1)*l.gap {
		t.Errorf("%d calls took %v, want ≥ %v", callers, took, (callers-1)*l.gap)
	}
	if asks := l.asks.Load(); asks > 2*callers {
		t.Errorf("the Limiter was asked %d times for %d calls", asks, callers)
	}
}

// A held bucket is not used before its hold ends; a failing Limiter lets
// calls through; a cancelled wait returns the context's error.
func TestHoldsAndFailures(t *testing.T) {
	p := New(nil, nil)
	p.Hold("b", 60*time.Millisecond)
	start := time.Now()
	if err := p.Acquire(t.Context(), []Bucket{{Key: "b"}}); err != nil || time.Since(start) < 50*time.Millisecond {
		t.Errorf("acquire during a hold: %v after %v", err, time.Since(start))
	}
	down := New(&limiter{err: errors.New("redis down")}, nil)
	if err := down.Acquire(t.Context(), []Bucket{{Key: "b", Rate: Rate{PerSecond: 1, Burst: 1}}}); err != nil {
		t.Errorf("a failing Limiter stopped the call: %v", err)
	}
	p.Hold("c", time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if err := p.Acquire(ctx, []Bucket{{Key: "c"}}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled wait: %v", err)
	}
	if d := Backoff(3, 100*time.Millisecond, time.Second); d < 400*time.Millisecond || d > 600*time.Millisecond {
		t.Errorf("Backoff(3) = %v, want 400–600 ms", d)
	}
}

// A Limiter that failed is not asked again before limiterPause, so that a
// Redis that is down costs one call its client's retries, not every call;
// after the pause it is asked again, and paces again once it answers.
func TestFailedLimiterPaused(t *testing.T) {
	l := &limiter{next: map[string]time.Time{}, gap: time.Hour, err: errors.New("redis down")}
	p := New(l, nil)
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	p.now = func() time.Time { return now }
	b := []Bucket{{Key: "b", Rate: Rate{PerSecond: 1, Burst: 1}}, {Key: "app", Rate: Rate{PerSecond: 50, Burst: 50}}}
	for range 3 {
		if err := p.Acquire(t.Context(), b); err != nil {
			t.Fatalf("a failing Limiter stopped the call: %v", err)
		}
	}
	if asks := l.asks.Load(); asks != 1 {
		t.Errorf("the failed Limiter was asked %d times within the pause, want 1", asks)
	}
	now = now.Add(limiterPause)
	l.err = nil
	if err := p.Acquire(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if asks := l.asks.Load(); asks != 3 {
		t.Errorf("after the pause the Limiter was asked %d times in all, want 3 (one per bucket)", asks)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := p.Acquire(ctx, b); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the Limiter, back, did not pace the next call: %v", err)
	}
}
