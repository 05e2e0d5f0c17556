package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack"
	"github.com/pipbot/pipbot/bot"
)

// The storage implements the ports the Slack adapter declares.
var (
	_ slack.Sent = (*storageRedis)(nil)
	_ slack.DMs  = (*storageRedis)(nil)
)

// slackCallTimeout bounds one Web API call.
const slackCallTimeout = 10 * time.Second

// slackPlatform is the Slack adapter and its sender (which the scheduler
// uses to push reminders).
type slackPlatform struct {
	adapter *slack.Adapter
	sender  *slack.Sender
}

// newSlack builds the Slack adapter from the configuration, or returns nil
// when no Slack app is configured.
func (a *app) newSlack(ctx context.Context, now func() time.Time) (*slackPlatform, error) {
	c := a.cfg.Slack
	if !c.Enabled() {
		return nil, nil
	}
	log := a.log // the adapter's parts tag their own lines component=slack
	client := slack.NewClient(c.BotToken.Reveal(), c.APIURL, slackCallTimeout,
		goslack.OptionHTTPClient(newRateLimits(a.metrics.reg).client("slack", slackCallTimeout)))
	locale, _ := bot.ParseLocale(a.cfg.Locale)
	sender := slack.NewSender(slack.SenderOptions{Client: client, Limiter: a.redis, Sent: a.redis, DMs: a.redis,
		People: a.db, Locale: locale, Pace: a.tune.slackPace(), Log: log, Clock: now})
	dir := slack.NewDirectory(client, a.db, 24*time.Hour, now).WithLog(log).WithManagerField(c.ManagerField)
	a.profiles.byPlatform[bot.PlatformSlack] = dir
	ad, err := slack.New(slack.Options{
		BotToken: c.BotToken.Reveal(), SigningSecret: c.SigningSecret.Reveal(), AppToken: c.AppToken.Reveal(),
		APIURL: c.APIURL, Engine: a.engine, Inbox: a.db, Deliverer: sender,
		Profiler: dir, Client: client, Log: log, Clock: now,
		Recorded: a.metrics.recordedOn(bot.PlatformSlack),
	})
	if err != nil {
		return nil, fmt.Errorf("slack adapter: %w", err)
	}
	log.Info("slack adapter ready", "component", "slack", "socket_mode", c.SocketMode())
	return &slackPlatform{adapter: ad, sender: sender}, nil
}

// routes are the adapter's callback endpoints, in a stable order.
func (p *slackPlatform) routes() []route {
	if p == nil {
		return nil
	}
	var rs []route
	for pattern, h := range p.adapter.Routes() {
		rs = append(rs, route{pattern, h})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].pattern < rs[j].pattern })
	return rs
}
