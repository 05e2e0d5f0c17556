package slack

import (
	"context"
	"errors"
	"sync"
	"time"

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
	// more are the messages that go on after this one, for a reply too
	// long for one (blockkit.Messages); each is sent with the same text.
	more [][]slack.Block
}

// render is r in the language of reader ("" for the workspace default).
// A private message's notification text says only that there is a
// message: it shows on lock screens and in push notifications.
func (s *Sender) render(ctx context.Context, team string, r bot.Reply, reader string) rendered {
	l := s.localeOf(ctx, team, reader)
	parts := blockkit.Messages(r.Message, blockkit.Options{Locale: l, Interactive: true})
	m := rendered{blocks: parts[0], more: parts[1:], text: blockkit.Text(r.Message)}
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

// DM channel ids are remembered: Slack keeps a user's DM id for good, and
// opening one per message (conversations.open, Tier 3) would bind sending
// to 50 a minute. This process remembers them in memory, in front of the
// optional DMs store, which outlives restarts and is shared by replicas.
const (
	// dmTTL is how long the DMs store keeps an id; one expired costs one
	// conversations.open.
	dmTTL = 30 * 24 * time.Hour
	// dmStoreTimeout bounds one DMs store call: a slow store must not
	// hold up a send that conversations.open can serve.
	dmStoreTimeout = 2 * time.Second
)

// dmKey is the DMs store key of user's DM in team.
func dmKey(team, user string) string { return "slack:dm:" + team + ":" + user }

// dmChannel is the DM channel of the bot and user: remembered in memory,
// else in the DMs store, else opened. cached reports a remembered id,
// which Slack may since have dropped. A failing store is skipped.
func (s *Sender) dmChannel(ctx context.Context, team, user string) (id string, cached bool, err error) {
	if id, found := s.dms.get(team, user); found {
		return id, true, nil
	}
	if s.dmStore != nil {
		sctx, cancel := context.WithTimeout(ctx, dmStoreTimeout)
		v, found, err := s.dmStore.Get(sctx, dmKey(team, user))
		cancel()
		switch {
		case err != nil:
			s.log.Warn("DM store unavailable, opening the DM", "tenant", tenantOf(team), "user_id", user, "err", err)
		case found && validDMID(string(v)):
			s.dms.put(team, user, string(v))
			return string(v), true, nil
		}
	}
	id, err = s.openDM(ctx, team, user)
	return id, false, err
}

// openDM opens the DM of the bot and user (conversations.open) and
// remembers its id, in memory and in the DMs store.
func (s *Sender) openDM(ctx context.Context, team, user string) (string, error) {
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
	s.storeDM(ctx, team, user, id, dmTTL)
	return id, nil
}

// forgetDM drops id as user's DM: from memory, and from the DMs store,
// where an empty value (read as a miss) replaces it until the DM is
// opened again.
func (s *Sender) forgetDM(ctx context.Context, team, user, id string) {
	s.dms.drop(team, user, id)
	s.storeDM(ctx, team, user, "", time.Hour)
}

// storeDM writes id to the DMs store, if any; a failure is logged only.
func (s *Sender) storeDM(ctx context.Context, team, user, id string, ttl time.Duration) {
	if s.dmStore == nil {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, dmStoreTimeout)
	defer cancel()
	if err := s.dmStore.Set(sctx, dmKey(team, user), []byte(id), ttl); err != nil {
		s.log.Warn("DM id not stored", "tenant", tenantOf(team), "user_id", user, "err", err)
	}
}

// validDMID reports whether a stored value can be a channel id; anything
// else (an empty tombstone, garbage) is a miss.
func validDMID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
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

// drop forgets user's DM if it is still id (another send may have opened
// it again meanwhile).
func (d *dmChannels) drop(team, user, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m[team+"|"+user] == id {
		delete(d.m, team+"|"+user)
	}
}
