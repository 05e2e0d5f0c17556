package lark

import (
	"context"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Limiter paces outbound calls with token buckets shared by every replica
// (*storage.Redis).
type Limiter interface {
	Allow(ctx context.Context, key string, rate float64, burst int) (ok bool, wait time.Duration, err error)
}

// People is the tenant directory the adapter refreshes from Feishu's
// contact API (*storage.DB).
type People interface {
	Person(ctx context.Context, tenant, id string) (bot.Person, error)
	SavePerson(ctx context.Context, p bot.Person) error
}
