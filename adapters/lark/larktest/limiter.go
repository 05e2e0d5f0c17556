package larktest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// Limiter is an in-memory token bucket with the semantics of the Redis one
// behind the adapter's Limiter port (storage/ratelimit.go), for tests that
// run without Redis.
type Limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
	calls   int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns an empty limiter reading time from now (time.Now when
// nil).
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token from the bucket key (refilling at rate per second, up
// to burst), or reports how long until one is available.
func (l *Limiter) Allow(ctx context.Context, key string, rate float64, burst int) (bool, time.Duration, error) {
	if rate <= 0 || burst < 1 {
		return false, 0, fmt.Errorf("rate limit %s: need rate > 0 and burst ≥ 1, got %g and %d", key, rate, burst)
	}
	if err := ctx.Err(); err != nil {
		return false, 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(burst), at: now}
		l.buckets[key] = b
	}
	if now.After(b.at) {
		b.tokens = math.Min(float64(burst), b.tokens+now.Sub(b.at).Seconds()*rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0, nil
	}
	wait := time.Duration(math.Ceil((1-b.tokens)*1000/rate) * float64(time.Millisecond))
	return false, wait, nil
}

// Calls is how many times Allow was asked, granted or not.
func (l *Limiter) Calls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}
