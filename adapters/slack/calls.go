package slack

import (
	"context"
	"errors"
	"sync"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
)

// The calls besides a new post (post.go) that put a reply in front of
// someone: an ephemeral answer, an update of a clicked message, and the DM
// channel a direct message goes to.

// rendered is a reply as Slack shows it.
type rendered struct {
	blocks []slack.Block
	text   string // top-level text: push notifications, lock screens, old clients
}

// render is r in the language of reader ("" for the workspace default).
// A private message's notification text says only that there is a
// message: it shows on lock screens and in push notifications.
func (s *Sender) render(ctx context.Context, team string, r bot.Reply, reader string) rendered {
	l := s.localeOf(ctx, team, reader)
	m := rendered{blocks: blockkit.Render(r.Message, blockkit.Options{Locale: l, Interactive: true}),
		text: blockkit.Text(r.Message)}
	if r.Private || m.text == "" {
		m.text = privateNotice(l)
	}
	return m
}

// privateNotice is the notification text of a private message.
func privateNotice(l bot.Locale) string {
	if l == bot.LocaleEN {
		return "You have a new message from pipbot"
	}
	return "你有一条来自 pipbot 的新消息"
}

// localeOf is the language of a message's reader: a user's chosen one, the
// workspace default for channels and strangers.
func (s *Sender) localeOf(ctx context.Context, team, user string) bot.Locale {
	if user == "" || s.people == nil {
		return s.locale
	}
	if p, err := s.people.Person(ctx, tenantOf(team), user); err == nil && p.Locale != "" {
		return p.Locale
	}
	return s.locale
}

// ephemeral shows m to user only, in channel. Slack keeps no trace of an
// ephemeral message to look for, so after an unknown outcome it is shown
// again: at least once, not exactly once.
func (s *Sender) ephemeral(ctx context.Context, team, channel, user string, m rendered) (string, error) {
	var ts string
	err := s.repeat(ctx, "post ephemeral", s.methodBucket(team, "chat.postEphemeral", s.pace.Ephemeral),
		func(ctx context.Context) error {
			var err error
			ts, err = s.api.PostEphemeralContext(ctx, channel, user,
				slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
			return err
		})
	return ts, err
}

// update replaces the message channel+ts with m (its buttons go with the
// old content). Repeating an update is harmless.
func (s *Sender) update(ctx context.Context, team, channel, ts string, m rendered) error {
	return s.repeat(ctx, "update message", s.methodBucket(team, "chat.update", s.pace.Update),
		func(ctx context.Context) error {
			_, _, _, err := s.api.UpdateMessageContext(ctx, channel, ts,
				slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
			return err
		})
}

// openDM is the DM channel of the bot and user (conversations.open, Tier
// 3), remembered for the life of the process: Slack keeps a user's DM id
// for good, and opening one per message would bind sending to 50 a minute.
func (s *Sender) openDM(ctx context.Context, team, user string) (string, error) {
	if id, found := s.dms.get(team, user); found {
		return id, nil
	}
	var id string
	err := s.repeat(ctx, "open DM", s.methodBucket(team, "conversations.open", s.pace.Open),
		func(ctx context.Context) error {
			ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
			if err == nil && (ch == nil || ch.ID == "") {
				err = errors.New("conversations.open answered without a channel")
			}
			if err == nil {
				id = ch.ID
			}
			return err
		})
	if err != nil {
		return "", err
	}
	s.dms.put(team, user, id)
	return id, nil
}

// dmChannels remembers DM channel ids by workspace and user: one entry per
// person the bot has written to.
type dmChannels struct {
	mu sync.Mutex
	m  map[string]string
}

func (d *dmChannels) get(team, user string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id, found := d.m[team+"|"+user]
	return id, found
}

func (d *dmChannels) put(team, user, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string]string{}
	}
	d.m[team+"|"+user] = id
}
