package slacktest

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
	buckets map[string]*tokens
	calls   int
}

// NewLimiter returns an empty limiter reading time from now (time.Now when
// nil).
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, buckets: map[string]*tokens{}}
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
	t := l.buckets[key]
	if t == nil {
		t = &tokens{n: float64(burst), at: now}
		l.buckets[key] = t
	}
	if w := t.wait(Bucket{PerSecond: rate, Burst: burst}, now); w > 0 {
		return false, time.Duration(math.Ceil(w.Seconds()*1000)) * time.Millisecond, nil
	}
	t.n--
	return true, 0, nil
}

// Calls is how many times Allow was asked, granted or not.
func (l *Limiter) Calls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// Sent is an in-memory SeenOnce with the semantics of the Redis one behind
// the adapter's Sent port (storage/dedupe.go).
type Sent struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]time.Time // key → expiry
	err  error
}

// Fail makes every later call fail with err (Redis down); nil heals it.
func (s *Sent) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// NewSent returns an empty marker store reading time from now (time.Now
// when nil).
func NewSent(now func() time.Time) *Sent {
	if now == nil {
		now = time.Now
	}
	return &Sent{now: now, keys: map[string]time.Time{}}
}

// SeenOnce marks key for ttl and reports whether it was unmarked before.
func (s *Sent) SeenOnce(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("dedupe %s: ttl must be positive", key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false, fmt.Errorf("dedupe %s: %w", key, s.err)
	}
	now := s.now()
	if exp, found := s.keys[key]; found && now.Before(exp) {
		return false, nil
	}
	s.keys[key] = now.Add(ttl)
	return true, nil
}

// Marked is whether key is marked now.
func (s *Sent) Marked(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, found := s.keys[key]
	return found && s.now().Before(exp)
}

// Cache is an in-memory key-value store with the semantics of the Redis
// one behind the adapter's DMs port (storage/sessions.go: Get and Set,
// a ttl of zero or less keeping a value until overwritten). Share one
// between two Senders to simulate a restart.
type Cache struct {
	mu   sync.Mutex
	now  func() time.Time
	vals map[string]cached
	err  error
}

type cached struct {
	value  []byte
	expiry time.Time // zero: none
}

// NewCache returns an empty cache reading time from now (time.Now when
// nil).
func NewCache(now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{now: now, vals: map[string]cached{}}
}

// Fail makes every later call fail with err (Redis down); nil heals it.
func (c *Cache) Fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = err
}

// Get is the value of key, if set and not expired.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, false, fmt.Errorf("get %s: %w", key, c.err)
	}
	v, found := c.vals[key]
	if !found || !v.expiry.IsZero() && !c.now().Before(v.expiry) {
		return nil, false, nil
	}
	return append([]byte(nil), v.value...), true, nil
}

// Set stores value under key for ttl.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return fmt.Errorf("set %s: %w", key, c.err)
	}
	v := cached{value: append([]byte(nil), value...)}
	if ttl > 0 {
		v.expiry = c.now().Add(ttl)
	}
	c.vals[key] = v
	return nil
}

// Value is what Get would answer for key, without a possible failure.
func (c *Cache) Value(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, found := c.vals[key]
	if !found || !v.expiry.IsZero() && !c.now().Before(v.expiry) {
		return "", false
	}
	return string(v.value), true
}
