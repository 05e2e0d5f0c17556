package storage

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/storage/storagetest"
)

// fakeClock is the rate limiter's clock in tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestRedis runs the Redis suite on the embedded server and, when
// PIPBOT_TEST_REDIS is set, on a real one under a key prefix of its own.
func TestRedis(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		var logs bytes.Buffer
		clock := &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
		r, err := OpenRedis(t.Context(), "", slog.New(slog.NewTextHandler(&logs, nil)), WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close() })
		if !r.Embedded() {
			t.Error("Embedded() = false for an empty URL")
		}
		if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), "single-replica") {
			t.Errorf("no INFO line about single-replica mode:\n%s", logs.String())
		}
		testRedis(t, r, clock, r.mini.FastForward)
	})
	t.Run("redis", func(t *testing.T) {
		url, prefix := storagetest.Redis(t)
		clock := &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
		r, err := OpenRedis(t.Context(), url, nil, WithClock(clock.Now), WithKeyPrefix(prefix))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close() })
		if r.Embedded() {
			t.Error("Embedded() = true for a server URL")
		}
		testRedis(t, r, clock, func(d time.Duration) { time.Sleep(d) })
	})
}

// TestEmbeddedExpiresInRealTime checks that the embedded server expires keys
// as the wall clock moves, as production needs, without FastForward.
func TestEmbeddedExpiresInRealTime(t *testing.T) {
	r, err := OpenRedis(t.Context(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Set(t.Context(), "t:s", []byte("v"), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(120 * time.Millisecond)
	if _, ok, err := r.Get(t.Context(), "t:s"); ok || err != nil {
		t.Errorf("Get after TTL = %v, %v; want expired", ok, err)
	}
}

func TestOpenRedisRejects(t *testing.T) {
	if _, err := OpenRedis(t.Context(), "http://localhost:6379", nil); err == nil {
		t.Error("OpenRedis(http://…) succeeded")
	}
	if _, err := OpenRedis(t.Context(), "redis://:hunter2@[::1/0", nil); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("OpenRedis(bad URL) = %v; want an error without the password", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := OpenRedis(ctx, "redis://127.0.0.1:1/0?max_retries=-1", nil); err == nil {
		t.Error("OpenRedis to a closed port succeeded")
	}
}

// testRedis is the contract of the Redis store. expire lets TTLs run out:
// FastForward on the embedded server, a sleep on a real one.
func testRedis(t *testing.T, r *Redis, clock *fakeClock, expire func(time.Duration)) {
	const ttl = 200 * time.Millisecond
	t.Run("Ping", func(t *testing.T) {
		if err := r.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Sessions", func(t *testing.T) {
		ctx := t.Context()
		if _, ok, err := r.Get(ctx, "t1:u1:new"); ok || err != nil {
			t.Fatalf("Get(missing) = %v, %v", ok, err)
		}
		if err := r.Set(ctx, "t1:u1:new", []byte(`{"step":2}`), time.Hour); err != nil {
			t.Fatal(err)
		}
		v, ok, err := r.Get(ctx, "t1:u1:new")
		if err != nil || !ok || string(v) != `{"step":2}` {
			t.Fatalf("Get = %q, %v, %v", v, ok, err)
		}
		if n, err := r.client.Exists(ctx, r.prefix+"session:t1:u1:new").Result(); err != nil || n != 1 {
			t.Errorf("key is not stored under the prefix: %d, %v", n, err)
		}
		if err := r.Delete(ctx, "t1:u1:new"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := r.Get(ctx, "t1:u1:new"); ok {
			t.Error("Get after Delete found the value")
		}
		if err := r.Delete(ctx, "t1:u1:new"); err != nil {
			t.Errorf("Delete(missing) = %v", err)
		}

		if err := r.Set(ctx, "t1:u2:new", []byte("x"), ttl); err != nil {
			t.Fatal(err)
		}
		if pttl, err := r.client.PTTL(ctx, r.prefix+"session:t1:u2:new").Result(); err != nil || pttl <= 0 || pttl > ttl {
			t.Errorf("PTTL = %v, %v; want in (0, %v]", pttl, err, ttl)
		}
		expire(ttl + 50*time.Millisecond)
		if _, ok, err := r.Get(ctx, "t1:u2:new"); ok || err != nil {
			t.Errorf("Get after TTL = %v, %v; want expired", ok, err)
		}
	})
	t.Run("SeenOnce", func(t *testing.T) {
		ctx := t.Context()
		for i, want := range []bool{true, false, false} {
			first, err := r.SeenOnce(ctx, "lark:ev_1", ttl)
			if err != nil || first != want {
				t.Fatalf("call %d: SeenOnce = %v, %v; want %v", i+1, first, err, want)
			}
		}
		if first, err := r.SeenOnce(ctx, "lark:ev_2", ttl); err != nil || !first {
			t.Fatalf("another event: SeenOnce = %v, %v; want true", first, err)
		}
		expire(ttl + 50*time.Millisecond)
		if first, err := r.SeenOnce(ctx, "lark:ev_1", ttl); err != nil || !first {
			t.Errorf("after TTL: SeenOnce = %v, %v; want true", first, err)
		}
		if _, err := r.SeenOnce(ctx, "lark:ev_3", 0); err == nil {
			t.Error("SeenOnce with ttl 0 succeeded; it would never expire")
		}
	})
	t.Run("Lock", func(t *testing.T) {
		ctx := t.Context()
		token, ok, err := r.Lock(ctx, "job:weekly", time.Minute)
		if err != nil || !ok || token == "" {
			t.Fatalf("Lock = %q, %v, %v", token, ok, err)
		}
		if tok2, ok, err := r.Lock(ctx, "job:weekly", time.Minute); err != nil || ok || tok2 != "" {
			t.Fatalf("second Lock = %q, %v, %v; want refused", tok2, ok, err)
		}
		if err := r.Unlock(ctx, "job:weekly", "wrong"); !errors.Is(err, ErrNotHeld) {
			t.Fatalf("Unlock(wrong token) = %v, want ErrNotHeld", err)
		}
		if ok, err := r.Extend(ctx, "job:weekly", "wrong", time.Hour); err != nil || ok {
			t.Fatalf("Extend(wrong token) = %v, %v; want false", ok, err)
		}
		if ok, err := r.Extend(ctx, "job:weekly", token, time.Hour); err != nil || !ok {
			t.Fatalf("Extend = %v, %v; want true", ok, err)
		}
		if pttl, err := r.client.PTTL(ctx, r.prefix+"lock:job:weekly").Result(); err != nil || pttl <= time.Minute {
			t.Errorf("PTTL after Extend = %v, %v; want about an hour", pttl, err)
		}
		if err := r.Unlock(ctx, "job:weekly", token); err != nil {
			t.Fatalf("Unlock = %v", err)
		}
		if err := r.Unlock(ctx, "job:weekly", token); !errors.Is(err, ErrNotHeld) {
			t.Fatalf("second Unlock = %v, want ErrNotHeld", err)
		}
		again, ok, err := r.Lock(ctx, "job:weekly", time.Minute)
		if err != nil || !ok || again == token {
			t.Fatalf("Lock after Unlock = %q, %v, %v; want a new token", again, ok, err)
		}

		// An expired lock can be taken by someone else; the old holder can
		// neither extend nor release it.
		old, ok, err := r.Lock(ctx, "plan:7", ttl)
		if err != nil || !ok {
			t.Fatal(err)
		}
		expire(ttl + 50*time.Millisecond)
		if ok, err := r.Extend(ctx, "plan:7", old, time.Minute); err != nil || ok {
			t.Fatalf("Extend after expiry = %v, %v; want false", ok, err)
		}
		next, ok, err := r.Lock(ctx, "plan:7", time.Minute)
		if err != nil || !ok {
			t.Fatalf("Lock after expiry = %v, %v; want taken", ok, err)
		}
		if err := r.Unlock(ctx, "plan:7", old); !errors.Is(err, ErrNotHeld) {
			t.Fatalf("Unlock by the old holder = %v, want ErrNotHeld", err)
		}
		if err := r.Unlock(ctx, "plan:7", next); err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Lock(ctx, "plan:8", 0); err == nil {
			t.Error("Lock with ttl 0 succeeded; it would never expire")
		}
	})
	t.Run("Allow", func(t *testing.T) {
		ctx := t.Context()
		const rate, burst = 2.0, 3 // 2 per second, 3 at once
		allow := func(key string) (bool, time.Duration) {
			t.Helper()
			ok, wait, err := r.Allow(ctx, key, rate, burst)
			if err != nil {
				t.Fatal(err)
			}
			return ok, wait
		}
		for i := range burst {
			if ok, wait := allow("slack:T1"); !ok || wait != 0 {
				t.Fatalf("call %d of the burst: %v, %v; want allowed", i+1, ok, wait)
			}
		}
		ok, wait := allow("slack:T1")
		if ok || wait != 500*time.Millisecond {
			t.Fatalf("past the burst: %v, wait %v; want refused, wait 500ms", ok, wait)
		}
		if ok, _ := allow("slack:T2"); !ok {
			t.Fatal("another key shares the bucket")
		}
		clock.Advance(200 * time.Millisecond)
		if ok, wait := allow("slack:T1"); ok || wait != 300*time.Millisecond {
			t.Fatalf("after 200ms: %v, wait %v; want refused, wait 300ms", ok, wait)
		}
		clock.Advance(300 * time.Millisecond)
		if ok, _ := allow("slack:T1"); !ok {
			t.Fatal("after the wait: refused; want one token refilled")
		}
		if ok, _ := allow("slack:T1"); ok {
			t.Fatal("refilled more than one token in 500ms")
		}
		clock.Advance(time.Hour) // refills to the burst, not beyond
		for i := range burst {
			if ok, _ := allow("slack:T1"); !ok {
				t.Fatalf("after an hour, call %d: refused", i+1)
			}
		}
		if ok, _ := allow("slack:T1"); ok {
			t.Fatal("the bucket grew past its burst")
		}
		if _, _, err := r.Allow(ctx, "bad", 0, 1); err == nil {
			t.Error("Allow with rate 0 succeeded")
		}
		if _, _, err := r.Allow(ctx, "bad", 1, 0); err == nil {
			t.Error("Allow with burst 0 succeeded")
		}
	})
}
