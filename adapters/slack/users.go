package slack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/bot"
)

// Directory is users.info behind a cache in People: someone's name, time
// zone and language, so the engine answers in the user's language and the
// scheduler sends at the user's local time.
type Directory struct {
	api     outboundAPI
	people  People
	ttl     time.Duration
	now     func() time.Time
	timeout time.Duration
	log     *slog.Logger
}

// NewDirectory builds a Directory whose profiles are fetched again once
// older than ttl (24 h when zero). clock may be nil for time.Now.
func NewDirectory(client *slack.Client, people People, ttl time.Duration, clock func() time.Time) *Directory {
	var api outboundAPI
	if client != nil {
		api = client
	}
	return newDirectory(api, people, ttl, clock)
}

func newDirectory(api outboundAPI, people People, ttl time.Duration, clock func() time.Time) *Directory {
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if clock == nil {
		clock = time.Now
	}
	return &Directory{api: api, people: people, ttl: ttl, now: clock, timeout: 10 * time.Second,
		log: slog.New(slog.DiscardHandler)}
}

// WithLog makes the Directory log failed refreshes to log.
func (d *Directory) WithLog(log *slog.Logger) *Directory {
	d.log = log.With("component", "slack")
	return d
}

// Profile is the person userID of the workspace teamID: from the cache
// when fresh, else from users.info and saved. What the user chose in
// pipbot wins over Slack: a stored language is kept, Slack's only fills an
// empty one (so once set it stays until the user changes it in pipbot);
// the manager and the HR flag are pipbot's, Slack has neither. When Slack
// fails, a cached profile, however old, is the answer.
func (d *Directory) Profile(ctx context.Context, teamID, userID string) (bot.Person, error) {
	tenant := tenantOf(teamID)
	cached, err := d.people.Person(ctx, tenant, userID)
	have := err == nil
	now := d.now()
	if have && !cached.UpdatedAt.IsZero() && now.Sub(cached.UpdatedAt) < d.ttl {
		return cached, nil
	}
	u, err := d.fetch(ctx, userID)
	if err != nil {
		if have {
			d.log.Warn("users.info failed, using the cached profile", "tenant", tenant, "user_id", userID, "err", err)
			return cached, nil
		}
		return bot.Person{}, fmt.Errorf("profile %s: %w", userID, err)
	}
	p := mergeUser(cached, u)
	p.Tenant, p.ID, p.UpdatedAt = tenant, userID, now
	if err := d.people.SavePerson(ctx, p); err != nil {
		d.log.Warn("profile not cached", "tenant", tenant, "user_id", userID, "err", err)
	}
	return p, nil
}

// fetch reads one user with their locale.
func (d *Directory) fetch(ctx context.Context, userID string) (*slack.User, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	u, err := d.api.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		return nil, fmt.Errorf("users.info: %w", err)
	}
	if u == nil || u.ID == "" {
		return nil, fmt.Errorf("users.info: answer without a user")
	}
	return u, nil
}

// mergeUser updates the cached person with Slack's answer: the full name
// (else the display name, else the handle), the time zone when Go knows
// it, the language when pipbot has none and Slack's is one pipbot speaks.
func mergeUser(p bot.Person, u *slack.User) bot.Person {
	for _, name := range []string{u.RealName, u.Profile.RealName, u.Profile.DisplayName, u.Name} {
		if name != "" {
			p.Name = name
			break
		}
	}
	if u.TZ != "" {
		if _, err := time.LoadLocation(u.TZ); err == nil {
			p.TZ = u.TZ
		}
	}
	if p.Locale == "" {
		if l, ok := bot.ParseLocale(u.Locale); ok {
			p.Locale = l
		}
	}
	return p
}
