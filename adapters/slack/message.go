package slack

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// messageCommand turns a recorded message or mention into the engine's
// command and where to answer it; ok is false for one the bot ignores.
func (a *Adapter) messageCommand(ctx context.Context, raw []byte) (cmd bot.Command, o Origin, ok bool, err error) {
	env, err := parseEnvelope(raw)
	if err != nil {
		return cmd, o, false, fmt.Errorf("read event: %w", err)
	}
	if !a.wanted(ctx, env) {
		return cmd, o, false, nil
	}
	ev, team := env.Event, env.TeamID
	w, _ := a.self.get(ctx, a.ident)
	text := stripMention(plainText(ev.Text), w.BotUserID, ev.Type == eventMention)
	o = Origin{TeamID: team, ChannelID: ev.Channel, ChannelType: channelKind(ev.ChannelType, ev.Channel),
		UserID: ev.User, EventID: env.EventID}
	cmd = bot.Command{Platform: bot.PlatformSlack, Tenant: tenantOf(team), Actor: a.actor(ctx, team, ev.User),
		Chat: bot.Chat{ID: ev.Channel, Group: !o.DM()}, Text: text, EventID: env.EventID}
	return cmd, o, true, nil
}

// channelKind is Origin.ChannelType: the event's channel_type when it has
// one, else "im" for a DM id (D…) and "channel" otherwise, the side on which
// private content stays out.
func channelKind(channelType, channelID string) string {
	switch {
	case channelType != "":
		return channelType
	case strings.HasPrefix(channelID, "D"):
		return "im"
	}
	return "channel"
}

// markup is one of Slack's <…> tokens in message text.
var markup = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns Slack's message markup into the engine's text: user
// mentions as <@U…> (without a label), channels as #name, links as their
// label or address, and &amp; &lt; &gt; unescaped.
func plainText(s string) string {
	s = markup.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		id, label, _ := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(id, "@"):
			return "<" + id + ">"
		case strings.HasPrefix(id, "#"):
			return "#" + cmpLabel(label, id[1:])
		case strings.HasPrefix(id, "!"):
			return "@" + cmpLabel(label, strings.TrimPrefix(strings.SplitN(id, "^", 2)[0], "!"))
		}
		return cmpLabel(label, id)
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func cmpLabel(label, fallback string) string {
	if label != "" {
		return strings.TrimPrefix(label, "@")
	}
	return fallback
}

// stripMention removes the bot's own mention from text. Without the bot's
// id, a mention event's leading mention is taken as the bot's: Slack sends
// app_mention only when the bot is mentioned, nearly always first.
func stripMention(text, botUserID string, mention bool) string {
	switch {
	case botUserID != "":
		m := "<@" + botUserID + ">"
		text = strings.ReplaceAll(strings.ReplaceAll(text, m+" ", ""), m, "")
	case mention:
		t := strings.TrimSpace(text)
		if strings.HasPrefix(t, "<@") {
			if i := strings.Index(t, ">"); i > 0 {
				text = t[i+1:]
			}
		}
	}
	return strings.TrimSpace(text)
}

// actor is who typed or clicked: the verified user id, with name, language
// and time zone from the directory when it answers in time. A directory
// failure never drops the event.
func (a *Adapter) actor(ctx context.Context, teamID, userID string) bot.Person {
	p := bot.Person{Tenant: tenantOf(teamID), ID: userID}
	if a.opts.Profiler == nil {
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, a.tune.profile)
	defer cancel()
	got, err := a.opts.Profiler.Profile(ctx, teamID, userID)
	if err != nil {
		a.log.WarnContext(ctx, "profile user", "tenant", p.Tenant, "user_id", userID, "err", err)
		return p
	}
	p.Name, p.Locale, p.TZ, p.ManagerID = got.Name, got.Locale, got.TZ, got.ManagerID
	return p
}
