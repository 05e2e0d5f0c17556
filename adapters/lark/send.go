package lark

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/pipbot/pipbot/adapters/directory"
	"github.com/pipbot/pipbot/adapters/pace"
	"log/slog"
	"strconv"
	"sync"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"

	"github.com/pipbot/pipbot/bot"
)

// Refusals: nothing is sent.
var (
	// ErrPrivateToGroup: personal plan content addressed to a group chat.
	ErrPrivateToGroup = errors.New("private content is never sent to a group chat")
	// ErrNoRecipient: a reply with nowhere to go.
	ErrNoRecipient = errors.New("reply has no recipient")
)

// SenderOptions configure a Sender.
type SenderOptions struct {
	Client  *lark.Client // NewClient's answer
	AppID   string       // names the rate-limit buckets
	Limiter pace.Limiter // buckets shared by every replica; nil: paced by 429s alone
	// People gives each recipient's chosen language; nil or unknown means
	// Locale, the tenant default.
	People   directory.People
	Locale   bot.Locale
	Limits   Limits        // zero: DefaultLimits()
	Timeout  time.Duration // per attempt; zero: 10 s
	Attempts int           // per call, rate limits included; zero: 5
	Log      *slog.Logger
	// Cards keeps the cards sent with buttons or forms, for Feishu's
	// 14-day window (cardwindow.go); nil keeps none.
	Cards CardStore
	Clock func() time.Time // zero: time.Now
}

// Sender delivers the engine's replies to Feishu: as cards, to the right
// user or chat, each at most once, within the platform's rate limits.
type Sender struct {
	api      openAPI
	appID    string
	people   directory.People
	locale   bot.Locale
	limits   Limits
	timeout  time.Duration
	attempts int
	log      *slog.Logger
	tokens   tokenUses
	pacer    *pace.Pacer
	cards    CardStore
	now      func() time.Time
}

// NewSender builds a Sender from its options.
func NewSender(o SenderOptions) *Sender {
	s := &Sender{api: sdk{c: o.Client}, appID: o.AppID, people: o.People, locale: o.Locale,
		limits: o.Limits, timeout: o.Timeout, attempts: o.Attempts, log: o.Log,
		tokens: tokenUses{m: map[string]tokenUse{}}, cards: o.Cards, now: o.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limits == (Limits{}) {
		s.limits = DefaultLimits()
	}
	if s.timeout <= 0 {
		s.timeout = 10 * time.Second
	}
	if s.attempts <= 0 {
		s.attempts = 5
	}
	if s.locale == "" {
		s.locale = bot.LocaleZH
	}
	if s.log == nil {
		s.log = discard
	}
	s.log = s.log.With("component", "lark")
	s.pacer = pace.New(o.Limiter, s.log)
	return s
}

// target is where a message goes: a receive_id and its type.
type target struct {
	idType string // "open_id" or "chat_id"
	id     string
}

// scope names the recipient's rate-limit bucket.
func (t target) scope() string {
	if t.idType == "chat_id" {
		return "chat:" + t.id
	}
	return "user:" + t.id
}

// Deliver sends the replies to one inbound event. Each reply is tried even
// if another fails; the errors are joined (see Temporary). Calling it again
// with the same replies sends nothing twice.
func (s *Sender) Deliver(ctx context.Context, o Origin, replies []bot.Reply) error {
	var errs []error
	for i, r := range replies {
		if err := s.deliver(ctx, o, i, r); err != nil {
			s.log.Warn("reply not delivered", "tenant", o.TenantKey, "event_id", o.EventID, "reply", i, "err", err)
			errs = append(errs, fmt.Errorf("reply %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// Send delivers one reply with no event behind it (the scheduler's
// reminders): r.To or r.Chat must be set. Without r.Key it is not
// idempotent.
func (s *Sender) Send(ctx context.Context, tenantKey string, r bot.Reply) (messageID string, err error) {
	t, err := route(Origin{TenantKey: tenantKey}, r)
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	return s.create(ctx, Origin{TenantKey: tenantKey}, t, r, uuidFor(tenantKey, r.Key, "", 0, t.id))
}

// deliver sends the i-th reply to the event o.
func (s *Sender) deliver(ctx context.Context, o Origin, i int, r bot.Reply) error {
	t, err := route(o, r)
	if err != nil {
		return err
	}
	if inPlace(o, r) {
		if o.UpdateToken != "" && s.tokens.take(o.UpdateToken, time.Now()) {
			err := s.updateByToken(ctx, o, r)
			if err == nil {
				s.cardReplaced(ctx, o.CardMessageID, r)
			}
			if err == nil || o.CardMessageID == "" || ctx.Err() != nil {
				return err
			}
			s.log.Info("delayed card update failed, patching instead", "tenant", o.TenantKey, "event_id", o.EventID, "err", err)
		}
		if o.CardMessageID != "" {
			err := s.patch(ctx, o, r)
			if !errors.Is(err, ErrTooOld) {
				if err == nil {
					s.cardReplaced(ctx, o.CardMessageID, r)
				}
				return err
			}
			// Past Feishu's 14-day window: the answer comes as a new card.
			s.log.Info("clicked card is past its 14-day window, answering with a new card",
				"tenant", o.TenantKey, "event_id", o.EventID, "message_id", o.CardMessageID)
			s.cardReplaced(ctx, o.CardMessageID, bot.Reply{})
			r.Replace = false
		}
	}
	if r.File != nil && t.idType != "open_id" {
		return ErrPrivateToGroup // a file never goes to a group, its message neither
	}
	uuid := uuidFor(o.TenantKey, r.Key, o.EventID, i, t.id)
	if _, err = s.create(ctx, o, t, r, uuid); err != nil || r.File == nil {
		return err
	}
	return s.sendFiles(ctx, o, t, r, uuid)
}

// route decides who receives a new message for r. Private content never
// goes to a group: a reply aimed at one is refused, and a private answer to
// a command typed in a group goes to its author one-to-one.
func route(o Origin, r bot.Reply) (target, error) {
	switch {
	case r.To != "":
		return target{idType: "open_id", id: r.To}, nil
	case r.Chat != "" && r.Private:
		return target{}, ErrPrivateToGroup
	case r.Chat != "":
		return target{idType: "chat_id", id: r.Chat}, nil
	case o.ChatID != "" && !(o.Group() && r.Private):
		return target{idType: "chat_id", id: o.ChatID}, nil
	case o.OperatorID != "":
		return target{idType: "open_id", id: o.OperatorID}, nil
	case r.Private:
		return target{}, ErrPrivateToGroup
	}
	return target{}, ErrNoRecipient
}

// inPlace reports whether r replaces the clicked card: asked for, answering
// where the click happened, and never private content on a group's card.
func inPlace(o Origin, r bot.Reply) bool {
	if !r.Replace || r.Chat != "" || (o.Group() && r.Private) {
		return false
	}
	return r.To == "" || (r.To == o.OperatorID && !o.Group())
}

// uuidFor is the message's idempotency key, the same on every retry: from
// the reply's own key when it has one, else from the event and the reply's
// place in its answer. The platform sends one message per uuid an hour.
func uuidFor(tenantKey, key, eventID string, index int, receiver string) string {
	var src string
	switch {
	case key != "":
		src = tenantKey + "|" + key + "|" + receiver
	case eventID != "":
		src = tenantKey + "|event:" + eventID + "|" + strconv.Itoa(index) + "|" + receiver
	default:
		return ""
	}
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:])[:50]
}

// tokenUses counts delayed-update token uses in this process, so a token
// is never asked for a third time (the platform allows 2 in 30 minutes).
type tokenUses struct {
	mu sync.Mutex
	m  map[string]tokenUse
}

type tokenUse struct {
	n     int
	first time.Time
}

// take counts a use of tok and reports whether it was still allowed.
func (u *tokenUses) take(tok string, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, v := range u.m {
		if now.Sub(v.first) > 30*time.Minute {
			delete(u.m, k)
		}
	}
	v, seen := u.m[tok]
	if !seen {
		v.first = now
	}
	if v.n >= 2 {
		return false
	}
	v.n++
	u.m[tok] = v
	return true
}
