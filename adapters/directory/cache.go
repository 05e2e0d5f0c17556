// Package directory keeps the profiles the adapters read from their
// platform's directory (Feishu's contact API, Slack's users.info) in the
// store, so a person is looked up on the platform at most once per TTL and
// a slow or failing directory still leaves the last profile known.
package directory

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// People is the store the profiles are kept in (*storage.DB).
type People interface {
	Person(ctx context.Context, tenant, id string) (bot.Person, error)
	SavePerson(ctx context.Context, p bot.Person) error
}

// Cache serves profiles from People while they are younger than its TTL.
type Cache struct {
	people People
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
}

// NewCache builds a Cache whose profiles are fetched again once older than
// ttl (24 h when zero). clock may be nil for time.Now, log for none.
func NewCache(people People, ttl time.Duration, clock func() time.Time, log *slog.Logger) *Cache {
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cache{people: people, ttl: ttl, now: clock, log: log}
}

// WithLog makes the Cache log to log.
func (c *Cache) WithLog(log *slog.Logger) { c.log = log }

// Refresh reads a person from the platform: cached is what the store has
// (the zero Person when nothing), to be updated with what the platform
// says, keeping what the user chose in pipbot.
type Refresh func(ctx context.Context, cached bot.Person) (bot.Person, error)

// Profile is the person id of tenant: from the store when fresh, else from
// refresh and saved. When refresh fails, a stored profile, however old, is
// the answer; without one, the error.
func (c *Cache) Profile(ctx context.Context, tenant, id string, refresh Refresh) (bot.Person, error) {
	cached, err := c.people.Person(ctx, tenant, id)
	have := err == nil
	now := c.now()
	if have && !cached.UpdatedAt.IsZero() && now.Sub(cached.UpdatedAt) < c.ttl {
		return cached, nil
	}
	p, err := refresh(ctx, cached)
	if err != nil {
		if have {
			c.log.Warn("directory refresh failed, using the cached profile", "tenant", tenant, "user_id", id, "err", err)
			return cached, nil
		}
		return bot.Person{}, fmt.Errorf("profile %s: %w", id, err)
	}
	p.Tenant, p.ID, p.UpdatedAt = tenant, id, now
	if err := c.people.SavePerson(ctx, p); err != nil {
		c.log.Warn("directory cache not saved", "tenant", tenant, "user_id", id, "err", err)
	}
	return p, nil
}
