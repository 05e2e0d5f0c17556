package lark

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"

	"github.com/pipbot/pipbot/bot"
)

// Feishu lets a card be clicked and updated for 14 days after it was sent;
// past that a patch answers 230031 and the card is dead. A card that still
// waits for someone's action (an approval, an acknowledgment, HR's
// confirmation of an outcome, an adjustment) is therefore sent again before
// its window closes, and the old one is patched to say where the new one
// is. The Sender keeps every card with buttons or a form in a CardStore
// (one row per card: recipient, plan, the action it waits for, message id,
// sent time, the reply), the Refresher re-sends the waiting ones, and a
// click on a card past its window is answered with a new card.

// CardWindow is how long Feishu lets a card be clicked and updated.
const CardWindow = 14 * 24 * time.Hour

// CardStore keeps the cards the Sender sent (storage.DB implements it).
type CardStore interface {
	RecordCard(ctx context.Context, c bot.SentCard) error
	CardSentAt(ctx context.Context, messageID string) (time.Time, bool, error)
	CardReplaced(ctx context.Context, messageID, kind string, reply []byte, at time.Time) (bool, error)
	ClaimStaleCards(ctx context.Context, owner string, now, sentBefore time.Time, n int, lease time.Duration) ([]bot.SentCard, error)
	CardResent(ctx context.Context, c bot.SentCard, owner, newMessageID string, at time.Time) error
	ResolveCard(ctx context.Context, c bot.SentCard, owner string, at time.Time) error
	ReleaseCard(ctx context.Context, c bot.SentCard, owner string) error
	HoldCard(ctx context.Context, c bot.SentCard, owner string, until time.Time) error
	PruneCards(ctx context.Context, before time.Time) (int, error)
}

// Awaiter tells whether a card's action is still wanted, and gives the card
// as it is now (bot.Engine implements it). Without one, a waiting card is
// sent again as it was until someone clicks it.
type Awaiter interface {
	Awaited(ctx context.Context, tenant string, number int, action, personID string) (*bot.Message, bool, error)
}

// awaitedActions are the buttons that make a card wait for someone.
var awaitedActions = []string{"plan.approve", "plan.ack", "outcome.confirm", "adjust.confirm"}

// tracked says whether a reply's card is kept: it has buttons or a form;
// and which action it waits for ("" none) on which plan (0 none).
func tracked(m bot.Message) (ok bool, kind string, plan int) {
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case bot.Form:
			ok = true
		case bot.Buttons:
			ok = true
			for _, btn := range b {
				for _, a := range awaitedActions {
					if btn.Action.ID == a && kind == "" {
						kind = a
						plan, _ = strconv.Atoi(btn.Action.Args["plan"])
					}
				}
			}
		}
	}
	return ok, kind, plan
}

// recordCard keeps the card just sent as messageID to t for reply r, when
// it has anything to click. A failure is logged: the card went out.
func (s *Sender) recordCard(ctx context.Context, tenantKey string, t target, r bot.Reply, messageID string) {
	ok, kind, plan := tracked(r.Message)
	if s.cards == nil || !ok || messageID == "" {
		return
	}
	raw, err := bot.MarshalReplies([]bot.Reply{r})
	if err == nil {
		err = s.cards.RecordCard(ctx, bot.SentCard{Tenant: tenantOf(tenantKey), RecipientType: t.idType, Recipient: t.id,
			Plan: plan, Kind: kind, MessageID: messageID, SentAt: s.now(), Reply: raw})
	}
	if err != nil {
		s.log.Warn("sent card not recorded; it will not be sent again before its window closes",
			"tenant", tenantOf(tenantKey), "message_id", messageID, "err", err)
	}
}

// cardReplaced notes that the card messageID now shows r (a click answered
// in place): a card that waits for nothing any more is resolved.
func (s *Sender) cardReplaced(ctx context.Context, messageID string, r bot.Reply) {
	if s.cards == nil || messageID == "" {
		return
	}
	noteReplaced(ctx, s.cards, s.log, messageID, r, s.now())
}

func noteReplaced(ctx context.Context, cards CardStore, log *slog.Logger, messageID string, r bot.Reply, now time.Time) {
	_, kind, _ := tracked(r.Message)
	var raw []byte
	if kind != "" {
		raw, _ = bot.MarshalReplies([]bot.Reply{r})
	}
	if _, err := cards.CardReplaced(ctx, messageID, kind, raw, now); err != nil {
		log.Warn("replaced card not recorded", "message_id", messageID, "err", err)
	}
}

// expiredCard reports whether the clicked card messageID is known to be
// past (or within margin of) Feishu's window, so that an answer must come
// as a new card.
func expiredCard(ctx context.Context, cards CardStore, messageID string, now time.Time, margin time.Duration) bool {
	if cards == nil || messageID == "" {
		return false
	}
	at, ok, err := cards.CardSentAt(ctx, messageID)
	return err == nil && ok && now.Sub(at) > CardWindow-margin
}

// RefresherOptions configure a Refresher.
type RefresherOptions struct {
	Sender  *Sender
	Cards   CardStore
	Awaiter Awaiter // optional
	Owner   string  // names this replica on leases
	// After is the age at which a waiting card is sent again: 12.5 days
	// by default, which leaves a day and a half of retries in the window.
	After time.Duration
	Every time.Duration  // between rounds; 10 minutes by default
	Lease time.Duration  // how long a claimed card is this replica's; 5 minutes by default
	Zone  *time.Location // for dates shown to readers without a zone; UTC by default
	Clock func() time.Time
	Log   *slog.Logger
}

// Refresher sends again the cards that still wait for someone's action
// before Feishu's 14-day window closes on them, once across replicas: each
// card is claimed with a lease, and the new message's uuid derives from
// the card and its generation, so a retry, or a replica taking over a lost
// lease within the platform's one-hour uuid window, sends nothing twice.
type Refresher struct {
	o   RefresherOptions
	log *slog.Logger
}

// NewRefresher builds a Refresher from its options.
func NewRefresher(o RefresherOptions) *Refresher {
	if o.After <= 0 {
		o.After = CardWindow - 36*time.Hour
	}
	if o.Every <= 0 {
		o.Every = 10 * time.Minute
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = discard
	}
	return &Refresher{o: o, log: o.Log.With("component", "lark", "job", "card_refresh")}
}

// Run refreshes cards every o.Every until ctx is done.
func (f *Refresher) Run(ctx context.Context) {
	t := time.NewTicker(f.o.Every)
	defer t.Stop()
	for {
		if _, err := f.RunOnce(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("refresh cards", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce sends again every waiting card old enough, a batch at a time, and
// forgets cards past the window that wait for nothing. It returns how many
// it sent again.
func (f *Refresher) RunOnce(ctx context.Context) (int, error) {
	sent := 0
	var errs []error
	for {
		now := f.o.Clock()
		cards, err := f.o.Cards.ClaimStaleCards(ctx, f.o.Owner, now, now.Add(-f.o.After), 20, f.o.Lease)
		if err != nil {
			return sent, errors.Join(append(errs, err)...)
		}
		for _, c := range cards {
			ok, err := f.refresh(ctx, c)
			if ok {
				sent++
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
		if len(cards) < 20 || ctx.Err() != nil {
			break
		}
	}
	if _, err := f.o.Cards.PruneCards(ctx, f.o.Clock().Add(-CardWindow-24*time.Hour)); err != nil {
		errs = append(errs, err)
	}
	return sent, errors.Join(errs...)
}

// refresh sends c again, patches the old card to point to the new one, and
// records the new one; or resolves c when its action is no longer wanted.
// A failure that may pass gives the card back for the next round.
func (f *Refresher) refresh(ctx context.Context, c bot.SentCard) (bool, error) {
	s, owner := f.o.Sender, f.o.Owner
	log := f.log.With("tenant", c.Tenant, "plan", c.Plan, "kind", c.Kind, "message_id", c.MessageID)
	release := func(err error) (bool, error) {
		if rerr := f.o.Cards.ReleaseCard(ctx, c, owner); rerr != nil {
			log.Warn("release card", "err", rerr)
		}
		return false, err
	}
	replies, err := bot.UnmarshalReplies(c.Reply)
	if err != nil || len(replies) != 1 {
		log.Error("stored card unreadable; it is not sent again", "err", err)
		return false, f.o.Cards.ResolveCard(ctx, c, owner, f.o.Clock())
	}
	r := replies[0]
	if f.o.Awaiter != nil && c.Plan > 0 && c.RecipientType == "open_id" {
		card, awaited, err := f.o.Awaiter.Awaited(ctx, c.Tenant, c.Plan, c.Kind, c.Recipient)
		switch {
		case err != nil:
			return release(fmt.Errorf("card %d: %w", c.ID, err))
		case !awaited:
			log.Info("card no longer waits: the plan moved on")
			return false, f.o.Cards.ResolveCard(ctx, c, owner, f.o.Clock())
		case card != nil:
			r.Message = *card
		}
	}
	tenantKey := strings.TrimPrefix(c.Tenant, "lark:")
	t := target{idType: c.RecipientType, id: c.Recipient}
	l := s.localeOf(ctx, tenantKey, t)
	zone := f.zoneOf(ctx, c)
	r.Replace, r.Key, r.To, r.Chat = false, "", "", ""
	r.Message.Blocks = append([]bot.Block{bot.Context(resentNote(l, c.SentAt.In(zone)))}, r.Message.Blocks...)
	// A click may have answered the card since it was claimed: then there
	// is nothing to send.
	if err := f.o.Cards.HoldCard(ctx, c, owner, f.o.Clock().Add(f.o.Lease)); err != nil {
		log.Info("card answered or taken over while being sent again", "err", err)
		return false, nil
	}
	o := Origin{TenantKey: tenantKey}
	newID, err := s.createTracked(ctx, o, t, r, resendUUID(c), false)
	if err != nil {
		if Temporary(err) {
			return release(fmt.Errorf("card %d: send again: %w", c.ID, err))
		}
		log.Error("card could not be sent again; it is dropped", "err", err)
		return false, f.o.Cards.ResolveCard(ctx, c, owner, f.o.Clock())
	}
	now := f.o.Clock()
	if err := f.o.Cards.HoldCard(ctx, c, owner, now.Add(f.o.Lease)); err != nil {
		// Answered by a click in the meantime: its answer stays on the old card.
		log.Info("card answered while being sent again; the old card is left as the click left it", "new_message_id", newID, "err", err)
		return true, nil
	}
	if now.Sub(c.SentAt) <= CardWindow {
		old := Origin{TenantKey: tenantKey, CardMessageID: c.MessageID}
		if t.idType == "open_id" {
			old.OperatorID, old.ChatType = t.id, "p2p"
		} else {
			old.ChatID, old.ChatType = t.id, "group"
		}
		expired := bot.Reply{Private: r.Private, Message: expiredNotice(now.In(zone))}
		err := s.patch(ctx, old, expired)
		switch {
		case err == nil, errors.Is(err, ErrTooOld), errors.Is(err, ErrRecalled):
		case Temporary(err):
			// The next round sends the same uuid (the same message) and
			// patches again.
			return release(fmt.Errorf("card %d: point the old card to the new: %w", c.ID, err))
		default:
			log.Warn("old card not updated to point to the new one", "err", err)
		}
	}
	if err := f.o.Cards.CardResent(ctx, c, owner, newID, now); err != nil {
		return true, fmt.Errorf("card %d: %w", c.ID, err)
	}
	log.Info("card sent again before its window closed", "new_message_id", newID, "generation", c.Generation+1)
	return true, nil
}

// zoneOf is the time zone of a card's reader: theirs, else the default.
func (f *Refresher) zoneOf(ctx context.Context, c bot.SentCard) *time.Location {
	s := f.o.Sender
	if c.RecipientType == "open_id" && s.people != nil {
		if p, err := s.people.Person(ctx, c.Tenant, c.Recipient); err == nil && p.TZ != "" {
			if z, err := time.LoadLocation(p.TZ); err == nil {
				return z
			}
		}
	}
	return f.o.Zone
}

// resendUUID is the idempotency key of c's next generation.
func resendUUID(c bot.SentCard) string {
	sum := sha256.Sum256([]byte(c.Tenant + "|sent-card:" + strconv.FormatInt(c.ID, 10) + "|" +
		strconv.Itoa(c.Generation+1) + "|" + c.Recipient))
	return hex.EncodeToString(sum[:])[:50]
}

// cardDate is how a date shows in the notes about cards sent again.
const cardDate = "2006-01-02 15:04"

// resentNote heads a card sent again.
func resentNote(l bot.Locale, first time.Time) string {
	if l == bot.LocaleEN {
		return "🔁 Sent again: the card of " + first.Format(cardDate) + " can no longer be used after 14 days."
	}
	return "🔁 重新发送：" + first.Format(cardDate) + " 发送的卡片 14 天后将无法操作。"
}

// expiredNotice replaces a card sent again, in both languages: it names
// when the new one was sent, in the reader's zone.
func expiredNotice(at time.Time) bot.Message {
	d := at.Format(cardDate)
	return bot.Message{Color: bot.ColorGrey, Blocks: []bot.Block{
		bot.Text{Body: "⌛ 此卡片已过期，请查看 " + d + " 发送的新卡片。"},
		bot.Text{Body: "This card has expired; see the new one sent on " + d + "."},
	}}
}

// create sends r to t as a new card (createCards) and keeps it when it has
// anything to click.
func (s *Sender) create(ctx context.Context, o Origin, t target, r bot.Reply, uuid string) (string, error) {
	return s.createTracked(ctx, o, t, r, uuid, true)
}

// createTracked is create, keeping the card only when keep is set: a card
// sent again is followed by its own row (CardResent) instead.
func (s *Sender) createTracked(ctx context.Context, o Origin, t target, r bot.Reply, uuid string, keep bool) (string, error) {
	id, err := s.createCards(ctx, o, t, r, uuid)
	if err == nil && keep {
		s.recordCard(ctx, o.TenantKey, t, r, id)
	}
	return id, err
}

// msgResent is the toast of a click on a card past its window.
var msgResent = toastText{"此卡片已超过 14 天，已发送新卡片", "This card is over 14 days old; a new one was sent"}

// answerCard is cardResponse for a click the callback answers itself. On a
// card past (or about to pass) Feishu's window, a replacement card would
// not show, so each Replace reply goes as a new card (the sender's part)
// and the toast says so; otherwise a replacement shown inline is recorded,
// so a card that waits for nothing any more is not sent again.
func (a *Adapter) answerCard(ctx context.Context, replies []bot.Reply, o Origin, actor bot.Person) (*callback.CardActionTriggerResponse, []bot.Reply) {
	if expiredCard(ctx, a.opts.Cards, o.CardMessageID, a.now(), time.Minute) {
		out := make([]bot.Reply, len(replies))
		fresh := false
		for i, r := range replies {
			fresh = fresh || r.Replace
			r.Replace = false
			out[i] = r
		}
		resp, rest := cardResponse(out, o, actor)
		if fresh {
			a.log.InfoContext(ctx, "click on a card past its 14-day window, answered with a new card",
				"tenant", tenantOf(o.TenantKey), "message_id", o.CardMessageID)
			resp.Toast = toast("info", msgResent).Toast
			rest = out // every reply is sent, the short ones too
			noteReplaced(ctx, a.opts.Cards, a.log, o.CardMessageID, bot.Reply{}, a.now())
		}
		return resp, rest
	}
	resp, rest := cardResponse(replies, o, actor)
	if resp.Card != nil && a.opts.Cards != nil {
		for _, r := range replies {
			if r.Replace && r.Chat == "" && (r.To == "" || r.To == actor.ID) && !(o.Group() && r.Private) {
				noteReplaced(ctx, a.opts.Cards, a.log, o.CardMessageID, r, a.now())
				break
			}
		}
	}
	return resp, rest
}
