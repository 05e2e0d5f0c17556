package lark

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pipbot/pipbot/bot"
)

// Event types the adapter reads.
const (
	eventMessage    = "im.message.receive_v1"
	eventCard       = "card.action.trigger"
	eventBotAdded   = "im.chat.member.bot.added_v1"
	eventP2PEntered = "im.chat.access_event.bot_p2p_chat_entered_v1"
)

// messageEvent is the part of im.message.receive_v1 the adapter reads.
type messageEvent struct {
	Header struct {
		EventID   string `json:"event_id"`
		TenantKey string `json:"tenant_key"`
	} `json:"header"`
	Event struct {
		Sender struct {
			SenderID   userID `json:"sender_id"`
			SenderType string `json:"sender_type"`
		} `json:"sender"`
		Message struct {
			MessageID   string    `json:"message_id"`
			ChatID      string    `json:"chat_id"`
			ChatType    string    `json:"chat_type"`
			MessageType string    `json:"message_type"`
			Content     string    `json:"content"` // JSON in a string
			Mentions    []mention `json:"mentions"`
		} `json:"message"`
	} `json:"event"`
}

type userID struct {
	OpenID string `json:"open_id"`
}

// mention is one @-mention: Key is its placeholder in the text ("@_user_1").
type mention struct {
	Key  string `json:"key"`
	ID   userID `json:"id"`
	Name string `json:"name"`
}

// messageCommand turns a recorded message event into the engine's command
// and where to answer it; ok is false for a message the bot ignores.
func (a *Adapter) messageCommand(ctx context.Context, raw []byte) (cmd bot.Command, o Origin, ok bool, err error) {
	var ev messageEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return cmd, o, false, fmt.Errorf("read message event: %w", err)
	}
	text, ok := a.addressed(ev)
	if !ok {
		return cmd, o, false, nil
	}
	m, tk, from := ev.Event.Message, ev.Header.TenantKey, ev.Event.Sender.SenderID.OpenID
	o = Origin{TenantKey: tk, ChatID: m.ChatID, ChatType: kindOf(m.ChatType), MessageID: m.MessageID,
		OperatorID: from, EventID: ev.Header.EventID}
	cmd = bot.Command{Platform: bot.PlatformLark, Tenant: tenantOf(tk), Actor: a.actor(ctx, tk, from),
		Chat: bot.Chat{ID: m.ChatID, Group: o.Group()}, Text: text, EventID: ev.Header.EventID}
	return cmd, o, true, nil
}

// addressed returns the text of a message meant for the bot, with the bot's
// mention stripped and other mentions written <@open_id>. Everything a
// person types in a one-to-one chat is meant for the bot; in a group, only
// what mentions it (see botMention). Messages from apps and non-text
// messages are ignored.
func (a *Adapter) addressed(ev messageEvent) (string, bool) {
	s, m := ev.Event.Sender, ev.Event.Message
	if s.SenderType != "user" || s.SenderID.OpenID == "" {
		return "", false
	}
	text, ok := messageText(m.MessageType, m.Content)
	if !ok {
		return "", false
	}
	key := a.botMention(m.Mentions, text, kindOf(m.ChatType) == "group")
	if key == "" && kindOf(m.ChatType) == "group" {
		return "", false
	}
	return rewriteMentions(text, m.Mentions, key), true
}

// botMention is the placeholder of the bot's mention, or "". The bot is the
// mention of Options.BotOpenID; without it, the mention named BotName;
// without both, in a group (where Feishu only delivers messages that mention
// the bot, unless the app has the all-messages scope), the mention the text
// starts with.
func (a *Adapter) botMention(ms []mention, text string, group bool) string {
	for _, m := range ms {
		switch {
		case a.opts.BotOpenID != "":
			if m.ID.OpenID == a.opts.BotOpenID {
				return m.Key
			}
		case a.opts.BotName != "":
			if m.Name == a.opts.BotName {
				return m.Key
			}
		case group && m.Key != "" && strings.HasPrefix(strings.TrimSpace(text), m.Key):
			return m.Key
		}
	}
	return ""
}

// rewriteMentions strips the bot's placeholder and writes the others as the
// engine's <@open_id>; longer keys first, so @_user_1 never eats @_user_10.
func rewriteMentions(text string, ms []mention, botKey string) string {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(x, y mention) int { return cmp.Compare(len(y.Key), len(x.Key)) })
	for _, m := range ms {
		switch {
		case m.Key == "":
		case m.Key == botKey:
			text = strings.ReplaceAll(strings.ReplaceAll(text, m.Key+" ", ""), m.Key, "")
		case m.ID.OpenID != "":
			text = strings.ReplaceAll(text, m.Key, "<@"+m.ID.OpenID+">")
		default:
			text = strings.ReplaceAll(text, m.Key, "@"+m.Name)
		}
	}
	return strings.TrimSpace(strings.ReplaceAll(text, "@_all", "@all"))
}

// messageText reads a text message, or the text of a rich-text post.
func messageText(kind, content string) (string, bool) {
	switch kind {
	case "text":
		var c struct {
			Text string `json:"text"`
		}
		if json.Unmarshal([]byte(content), &c) != nil {
			return "", false
		}
		return c.Text, true
	case "post":
		var c struct {
			Title   string `json:"title"`
			Content [][]struct {
				Tag    string `json:"tag"`
				Text   string `json:"text"`
				UserID string `json:"user_id"` // the mention's placeholder
			} `json:"content"`
		}
		if json.Unmarshal([]byte(content), &c) != nil {
			return "", false
		}
		lines := []string{}
		if c.Title != "" {
			lines = append(lines, c.Title)
		}
		for _, para := range c.Content {
			var b strings.Builder
			for _, el := range para {
				switch el.Tag {
				case "text", "a":
					b.WriteString(el.Text)
				case "at":
					b.WriteString(el.UserID)
				}
			}
			lines = append(lines, b.String())
		}
		return strings.Join(lines, "\n"), true
	}
	return "", false
}

// actor is who typed or clicked: the verified open_id, with name, language
// and manager from the directory when it answers in time. A directory
// failure never drops the event.
func (a *Adapter) actor(ctx context.Context, tenantKey, openID string) bot.Person {
	p := bot.Person{Tenant: tenantOf(tenantKey), ID: openID}
	if a.opts.Profiler == nil {
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, a.tune.profile)
	defer cancel()
	got, err := a.opts.Profiler.Profile(ctx, tenantKey, openID)
	if err != nil {
		a.log.WarnContext(ctx, "profile user", "tenant", p.Tenant, "user_id", openID, "err", err)
		return p
	}
	p.Name, p.Locale, p.TZ, p.ManagerID = got.Name, got.Locale, got.TZ, got.ManagerID
	return p
}

// kindOf maps Feishu's chat_type to "p2p" or "group"; anything but p2p is
// treated as a group, the side on which private content stays out.
func kindOf(chatType string) string {
	if chatType == "p2p" {
		return "p2p"
	}
	return "group"
}

// chatKinds remembers, for a bounded number of chats, whether each is p2p or
// a group, learnt from messages and membership events.
type chatKinds struct {
	mu sync.Mutex
	m  map[string]string
}

const maxChatKinds = 10000

func newChatKinds() *chatKinds { return &chatKinds{m: map[string]string{}} }

func (c *chatKinds) note(chatID, chatType string) {
	if chatID == "" || chatType == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[chatID]; !ok && len(c.m) >= maxChatKinds {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[chatID] = kindOf(chatType)
}

func (c *chatKinds) get(chatID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[chatID]
}
