package slack

import (
	"context"
	"errors"
	"fmt"
	"github.com/pipbot/pipbot/adapters/directory"
	"github.com/pipbot/pipbot/adapters/pace"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/bot"
)

// Directory is users.info behind a cache in People: someone's name, time
// zone and language, so the engine answers in the user's language and the
// scheduler sends at the user's local time; with WithManagerField, also
// their manager, from users.profile.get.
type Directory struct {
	api          outboundAPI
	cache        *directory.Cache
	timeout      time.Duration
	log          *slog.Logger
	managerField string // custom profile field id (Xf…); "" reads no manager
	// holds keeps a method Slack answered 429 for unused until its
	// Retry-After, as the Sender does: meanwhile profiles come from the
	// cache, and no call is made.
	holds pace.Holds
}

// NewDirectory builds a Directory whose profiles are fetched again once
// older than ttl (24 h when zero). clock may be nil for time.Now.
func NewDirectory(client *slack.Client, people directory.People, ttl time.Duration, clock func() time.Time) *Directory {
	var api outboundAPI
	if client != nil {
		api = client
	}
	return newDirectory(api, people, ttl, clock)
}

func newDirectory(api outboundAPI, people directory.People, ttl time.Duration, clock func() time.Time) *Directory {
	log := slog.New(slog.DiscardHandler)
	return &Directory{api: api, cache: directory.NewCache(people, ttl, clock, log), timeout: 10 * time.Second, log: log}
}

// WithLog makes the Directory log failed refreshes to log.
func (d *Directory) WithLog(log *slog.Logger) *Directory {
	d.log = log.With("component", "slack")
	d.cache.WithLog(d.log)
	return d
}

// Profile is the person userID of the workspace teamID: from the cache
// when fresh, else from users.info (and users.profile.get, with a manager
// field) and saved. What the user chose in pipbot wins over Slack: a
// stored language is kept, Slack's only fills an empty one (so once set it
// stays until the user changes it in pipbot); the HR flag is pipbot's. The
// manager is Slack's: the configured field's user, else none, whatever an
// older row says (see WithManagerField). When Slack fails or is rate
// limited, a cached profile, however old, is the answer.
func (d *Directory) Profile(ctx context.Context, teamID, userID string) (bot.Person, error) {
	p, err := d.cache.Profile(ctx, tenantOf(teamID), userID, func(ctx context.Context, cached bot.Person) (bot.Person, error) {
		return d.refresh(ctx, teamID, userID, cached)
	})
	if d.managerField == "" {
		p.ManagerID = "" // a row from when a field was configured
	}
	return p, err
}

// refresh is cached updated from Slack: users.info, then the manager
// field. Either failing fails the refresh, so a profile is never saved
// with a manager Slack did not say.
func (d *Directory) refresh(ctx context.Context, teamID, userID string, cached bot.Person) (bot.Person, error) {
	if err := d.held(teamID); err != nil {
		return bot.Person{}, err
	}
	u, err := d.fetch(ctx, teamID, userID)
	if err != nil {
		return bot.Person{}, err
	}
	p := mergeUser(cached, u)
	if p.ManagerID, err = d.manager(ctx, teamID, userID); err != nil {
		return bot.Person{}, err
	}
	return p, nil
}

// held fails when a method a refresh needs is held after a 429.
func (d *Directory) held(teamID string) error {
	methods := []string{"users.info"}
	if d.managerField != "" {
		methods = append(methods, "users.profile.get")
	}
	for _, m := range methods {
		if wait := d.holds.Left(directoryKey(teamID, m)); wait > 0 {
			return fmt.Errorf("%s: rate limited for another %v", m, wait.Round(time.Millisecond))
		}
	}
	return nil
}

// call makes one Web API call of method, bounded by d.timeout; a 429
// holds the method for its Retry-After. A refresh is not retried here:
// the caller (a command waiting for its actor) cannot wait that long, and
// the next lookup after the hold tries again.
func (d *Directory) call(ctx context.Context, teamID, method string, do func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	err := do(ctx)
	if o, wait := judgeOutcome(err); o == callLimited {
		d.holds.Hold(directoryKey(teamID, method), wait)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// directoryKey names a method's hold in a workspace, as Slack counts its
// limits: per method, workspace and app.
func directoryKey(teamID, method string) string { return "slack:" + teamID + ":api:" + method }

// fetch reads one user with their locale.
func (d *Directory) fetch(ctx context.Context, teamID, userID string) (*slack.User, error) {
	var u *slack.User
	err := d.call(ctx, teamID, "users.info", func(ctx context.Context) error {
		var err error
		u, err = d.api.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(true))
		return err
	})
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "user_not_found" {
		return nil, fmt.Errorf("users.info %s: %w", userID, bot.ErrNotFound)
	}
	if err != nil {
		return nil, err
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
