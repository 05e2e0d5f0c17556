package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	larksdk "github.com/larksuite/oapi-sdk-go/v3"

	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
)

// Feishu/Lark tuning: an Open API call's timeout, and how long a cached
// profile (name, org-chart manager) is trusted.
const (
	larkCallTimeout = 10 * time.Second
	larkProfileTTL  = 24 * time.Hour
)

// larkPlatform is the Feishu/Lark adapter and its sender (which the
// scheduler will use to push reminders).
type larkPlatform struct {
	adapter *lark.Adapter
	sender  *lark.Sender
	// refresher sends again the cards that still wait for an action
	// before Feishu's 14-day window closes on them.
	refresher *lark.Refresher
}

// newLark builds the Feishu/Lark adapter from the configuration, or returns
// nil when no Lark app is configured.
func (a *app) newLark(ctx context.Context, now func() time.Time) (*larkPlatform, error) {
	c := a.cfg.Lark
	if !c.Enabled() {
		return nil, nil
	}
	base := a.cfg.LarkBaseURL()
	log := a.log // the adapter's parts tag their own lines component=lark
	client := lark.NewClient(c.AppID, c.AppSecret.Reveal(), base, larkCallTimeout,
		larksdk.WithHttpClient(newRateLimits(a.metrics.reg).client("lark", larkCallTimeout)))
	locale, _ := bot.ParseLocale(a.cfg.Locale)
	dir := lark.NewDirectory(client, a.db, larkProfileTTL, now).WithLog(log)
	a.profiles.byPlatform[bot.PlatformLark] = dir
	sender := lark.NewSender(lark.SenderOptions{Client: client, AppID: c.AppID, Limiter: a.redis, People: a.db,
		Locale: locale, Limits: a.tune.larkLimits(), Log: log, Cards: a.db, Clock: now})
	a.meetings[bot.PlatformLark] = lark.NewCalendar(sender, a.db)
	botID, botName, err := lark.BotInfo(ctx, client)
	if err != nil {
		// Without the bot's id, group messages are matched by the bot's
		// name or by a leading mention; one-to-one chats work regardless.
		log.Warn("could not read the bot's identity; group mentions are matched by position", "component", "lark", "err", err)
	}
	ad, err := lark.New(lark.Options{
		AppID: c.AppID, AppSecret: c.AppSecret.Reveal(), VerificationToken: c.VerificationToken.Reveal(),
		EncryptKey: c.EncryptKey.Reveal(), BaseURL: base, Mode: c.Mode, BotOpenID: botID, BotName: botName,
		Engine: a.engine, Inbox: a.db, Deliverer: sender, Profiler: dir, Chats: dir, Log: log, Clock: now,
		Recorded: a.metrics.recordedOn(bot.PlatformLark), Cards: a.db,
	})
	if err != nil {
		return nil, fmt.Errorf("feishu/lark adapter: %w", err)
	}
	log.Info("feishu/lark adapter ready", "component", "lark", "mode", c.Mode, "base_url", config.RedactURL(base), "bot_known", botID != "")
	host, _ := os.Hostname()
	refresher := lark.NewRefresher(lark.RefresherOptions{Sender: sender, Cards: a.db, Awaiter: a.engine,
		Owner: fmt.Sprintf("lark-cards-%s-%d", host, os.Getpid()), Zone: a.cfg.Location(), Clock: now, Log: log})
	return &larkPlatform{adapter: ad, sender: sender, refresher: refresher}, nil
}

// larkRoutes are the adapter's callback endpoints, in a stable order.
func (p *larkPlatform) routes() []route {
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
