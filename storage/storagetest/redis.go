package storagetest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis returns the URL of the server named by PIPBOT_TEST_REDIS and a key
// prefix ("pipbot_t_<hex>:") for the test's keys alone; at cleanup it
// deletes the keys under that prefix, and nothing else. It skips t when the
// variable is unset.
func Redis(t testing.TB) (url, prefix string) {
	t.Helper()
	url = os.Getenv(EnvRedis)
	if url == "" {
		t.Skip(EnvRedis + " is not set")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("%s: %v", EnvRedis, err)
	}
	prefix = uniqueName(t) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c := redis.NewClient(opts)
		defer c.Close()
		iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				t.Errorf("clean up redis key: %v", err)
			}
		}
		if err := iter.Err(); err != nil {
			t.Errorf("clean up redis keys: %v", err)
		}
	})
	return url, prefix
}
