package storage

import (
	"context"
	"fmt"
	"time"
)

// SeenOnce records key for ttl and reports whether this call was the first
// to do so, so that a platform's duplicate delivery of an event (same event
// id) has exactly one effect across replicas.
func (r *Redis) SeenOnce(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("dedupe %s: ttl must be positive", key)
	}
	first, err := r.client.SetNX(ctx, r.key("seen", key), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe %s: %w", key, err)
	}
	return first, nil
}
