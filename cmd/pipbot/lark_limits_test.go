package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/adapters/pace"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestRepliesShareRedisBuckets: two replicas sending at once stay under the
// platform's per-app ceiling together because their token buckets live in
// one Redis (real Redis when PIPBOT_TEST_REDIS is set, else embedded). With a
// bucket per replica instead, the same load draws 429s, so the test can fail.
func TestRepliesShareRedisBuckets(t *testing.T) {
	const perSecond, messages = 10, 24
	ceilings := larktest.Ceilings{AppPerSecond: perSecond, AppPerMinute: 1000, UserPerSecond: 5, ChatPerSecond: 5, PatchPerMsg: 5}
	limits := lark.DefaultLimits()
	limits.AppPerSecond = lark.Rate{PerSecond: perSecond * 0.8, Burst: 1}

	run := func(t *testing.T, limiterFor func(replica int) pace.Limiter) int {
		fake := larktest.NewServer(t, larktest.WithCeilings(ceilings))
		client := lark.NewClient(larktest.AppID, larktest.AppSecret, fake.URL, 5*time.Second)
		var wg sync.WaitGroup
		for replica := range 2 {
			s := lark.NewSender(lark.SenderOptions{Client: client, AppID: larktest.AppID, Limiter: limiterFor(replica),
				Limits: limits, Log: slog.New(slog.DiscardHandler), Attempts: 1})
			wg.Go(func() {
				for i := range messages / 2 {
					to := fmt.Sprintf("ou_r%d_%d", replica, i)
					r := bot.Reply{To: to, Private: true, Key: to, Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "提醒"}}}}
					_, _ = s.Send(context.Background(), "tk", r)
				}
			})
		}
		wg.Wait()
		if got := len(fake.Messages()); got+fake.Count429() < messages {
			t.Fatalf("only %d messages and %d 429s for %d sends", got, fake.Count429(), messages)
		}
		return fake.Count429()
	}

	t.Run("shared", func(t *testing.T) {
		url, prefix := redisForTest(t)
		if url == "" {
			prefix = "pipbot-test:"
		}
		r, err := storage.OpenRedis(context.Background(), url, slog.New(slog.DiscardHandler), storage.WithKeyPrefix(prefix))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if n := run(t, func(int) pace.Limiter { return r }); n != 0 {
			t.Errorf("replicas sharing Redis buckets drew %d 429s", n)
		}
	})
	t.Run("per replica", func(t *testing.T) {
		own := []pace.Limiter{larktest.NewLimiter(time.Now), larktest.NewLimiter(time.Now)}
		if n := run(t, func(i int) pace.Limiter { return own[i] }); n == 0 {
			t.Error("separate buckets drew no 429s: the shared case proves nothing")
		}
	})
}

// redisForTest is real Redis under a private key prefix (removed at the
// end) when PIPBOT_TEST_REDIS is set, else "" for the embedded one.
func redisForTest(t *testing.T) (string, string) {
	t.Helper()
	if os.Getenv(storagetest.EnvRedis) == "" {
		return "", ""
	}
	return storagetest.Redis(t)
}
