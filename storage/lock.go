package storage

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"
)

// ErrNotHeld is returned by Unlock when the caller's token no longer holds
// the lock: it expired, or another holder has it now.
var ErrNotHeld = errors.New("lock not held")

// unlockScript deletes the lock only if it still holds the caller's token.
const unlockScript = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`

// extendScript renews the lock's TTL (ms) only if it holds the caller's token.
const extendScript = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`

// Lock takes the lock named key for ttl unless someone holds it, so that one
// replica runs a scheduled job (the leader) or touches a plan at a time. ok
// reports whether it was taken; token proves ownership to Unlock and Extend.
func (r *Redis) Lock(ctx context.Context, key string, ttl time.Duration) (token string, ok bool, err error) {
	if ttl <= 0 {
		return "", false, fmt.Errorf("lock %s: ttl must be positive", key)
	}
	token = rand.Text()
	ok, err = r.client.SetNX(ctx, r.key("lock", key), token, ttl).Result()
	if err != nil {
		return "", false, fmt.Errorf("lock %s: %w", key, err)
	}
	if !ok {
		return "", false, nil
	}
	return token, true, nil
}

// Unlock releases the lock if token still holds it; ErrNotHeld otherwise, so
// a holder that overran its TTL learns that its work was not exclusive.
func (r *Redis) Unlock(ctx context.Context, key, token string) error {
	n, err := r.unlock.Run(ctx, r.client, []string{r.key("lock", key)}, token).Int()
	if err != nil {
		return fmt.Errorf("unlock %s: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("unlock %s: %w", key, ErrNotHeld)
	}
	return nil
}

// Extend renews the lock for ttl if token still holds it, for work that runs
// longer than its first TTL; false means the lock was lost.
func (r *Redis) Extend(ctx context.Context, key, token string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("extend lock %s: ttl must be positive", key)
	}
	n, err := r.extend.Run(ctx, r.client, []string{r.key("lock", key)}, token, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("extend lock %s: %w", key, err)
	}
	return n == 1, nil
}
