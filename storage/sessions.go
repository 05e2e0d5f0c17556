package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Get returns the session value under key; ok is false when there is none or
// it has expired.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := r.client.Get(ctx, r.key("session", key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("get session: %w", err)
	}
	return v, true, nil
}

// Set stores a session value for ttl; a ttl of zero or less keeps it until
// deleted.
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl < 0 {
		ttl = 0
	}
	if err := r.client.Set(ctx, r.key("session", key), value, ttl).Err(); err != nil {
		return fmt.Errorf("set session: %w", err)
	}
	return nil
}

// Delete removes a session value; a missing one is not an error.
func (r *Redis) Delete(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.key("session", key)).Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
