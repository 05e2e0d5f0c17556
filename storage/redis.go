package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/pipbot/pipbot/bot"
	"github.com/redis/go-redis/v9"
)

var _ bot.Sessions = (*Redis)(nil)

// DefaultKeyPrefix starts every key pipbot writes to Redis, so that it can
// share a server with other applications.
const DefaultKeyPrefix = "pipbot:"

// Redis holds the short-lived, shared state of pipbot replicas: sessions,
// event dedupe, locks and rate limits. With no server configured it runs an
// embedded in-process Redis, reached through the same client, for a single
// replica.
type Redis struct {
	client *redis.Client
	mini   *miniredis.Miniredis // the embedded server, or nil
	local  localBuckets         // the rate buckets, when embedded
	prefix string
	now    func() time.Time

	unlock, extend, allow *redis.Script
}

// RedisOption adjusts a Redis at OpenRedis.
type RedisOption func(*Redis)

// WithClock sets the clock the rate limiter reads, so that tests can stand
// on any instant; the default is time.Now.
func WithClock(now func() time.Time) RedisOption {
	return func(r *Redis) { r.now = now }
}

// WithKeyPrefix replaces DefaultKeyPrefix, to keep deployments or tests that
// share a server apart.
func WithKeyPrefix(prefix string) RedisOption {
	return func(r *Redis) { r.prefix = prefix }
}

// OpenRedis connects to the Redis at url (redis://host:6379/0, rediss://…) or,
// when url is empty, starts an embedded one that holds its state in this
// process only, and checks that it answers.
func OpenRedis(ctx context.Context, url string, log *slog.Logger, opts ...RedisOption) (*Redis, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Redis{
		prefix: DefaultKeyPrefix,
		now:    time.Now,
		unlock: redis.NewScript(unlockScript),
		extend: redis.NewScript(extendScript),
		allow:  redis.NewScript(allowScript),
	}
	for _, o := range opts {
		o(r)
	}
	if url == "" {
		m := miniredis.NewMiniRedis()
		m.ClockTTL(true) // expire keys as the wall clock moves, not only on FastForward
		r.mini = m
		// In-memory pipes instead of a TCP listener: nothing else can reach it.
		r.client = redis.NewClient(&redis.Options{
			Addr:   "embedded",
			Dialer: func(context.Context, string, string) (net.Conn, error) { return m.Dial() },
		})
		log.Info("no Redis configured: using an embedded one; pipbot runs in single-replica mode, and sessions, dedupe, locks and rate limits are not shared and are lost on restart",
			"component", "redis")
	} else {
		o, err := redis.ParseURL(url)
		if err != nil {
			return nil, fmt.Errorf("open redis: %w", withoutURL(err))
		}
		r.client = redis.NewClient(o)
	}
	if err := r.Ping(ctx); err != nil {
		_ = r.Close()
		return nil, fmt.Errorf("open redis: %w", err)
	}
	return r, nil
}

// Embedded reports whether the Redis runs in this process (single-replica
// mode), for start-up checks and /readyz output.
func (r *Redis) Embedded() bool { return r.mini != nil }

// Ping checks that Redis answers, for /readyz.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// Close disconnects and, when embedded, stops the server.
func (r *Redis) Close() error {
	err := r.client.Close()
	if r.mini != nil {
		r.mini.Close()
	}
	if err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("close redis: %w", err)
	}
	return nil
}

// key namespaces a caller's key: prefix, kind ("session", "seen", "lock",
// "rate"), then the key.
func (r *Redis) key(kind, key string) string {
	return r.prefix + kind + ":" + key
}
