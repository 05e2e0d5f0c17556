package slack

import (
	"context"
	"errors"
	"fmt"
	"github.com/pipbot/pipbot/adapters/directory"
	"github.com/pipbot/pipbot/adapters/pace"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/bot"
)

// Refusals: nothing is sent, and trying again would not change that.
var (
	// ErrPrivateToChannel: personal plan content addressed to a channel.
	ErrPrivateToChannel error = &sendError{op: "route", err: errors.New("private content is never posted to a channel")}
	// ErrNoRecipient: a reply with nowhere to go.
	ErrNoRecipient error = &sendError{op: "route", err: errors.New("reply has no recipient")}
)

// SenderOptions configure a Sender.
type SenderOptions struct {
	Client  *slack.Client // NewClient's answer
	Limiter pace.Limiter  // buckets shared by every replica; nil: paced by 429s alone
	// Sent marks messages before they are posted, so a retry after an
	// unknown outcome looks for the message first; nil gives up that
	// check (a retry may post twice).
	Sent Sent
	// People gives each reader's chosen language; nil or unknown means
	// Locale, the workspace default.
	People directory.People
	// DMs keeps DM channel ids across restarts (Redis); nil: they are
	// kept in memory only, and a restarted process opens each DM again.
	DMs      DMs
	Locale   bot.Locale    // zero: Chinese, as the engine
	Pace     Pace          // zero: DefaultPace()
	Timeout  time.Duration // per attempt; zero: 10 s
	Attempts int           // per call, of unknown outcome; zero: 6 (429s are waited out up to 20 times)
	Log      *slog.Logger
	// Clock dates the history search (time.Now when nil); pauses and
	// timeouts run on the real clock.
	Clock func() time.Time
}

// Sender delivers the engine's replies to Slack as Block Kit messages: to
// the right user or channel, private content only one-to-one or
// ephemerally, each message at most once as far as Slack lets us know
// (see post), within Slack's rate limits.
type Sender struct {
	api      outboundAPI
	sent     Sent
	people   directory.People
	dmStore  DMs
	locale   bot.Locale
	pace     Pace
	timeout  time.Duration
	attempts int
	log      *slog.Logger
	now      func() time.Time
	pacer    *pace.Pacer
	dms      dmChannels
}

// NewSender builds a Sender from its options.
func NewSender(o SenderOptions) *Sender {
	var api outboundAPI
	if o.Client != nil {
		api = o.Client
	}
	return newSender(api, o)
}

func newSender(api outboundAPI, o SenderOptions) *Sender {
	s := &Sender{api: api, sent: o.Sent, people: o.People, dmStore: o.DMs, locale: o.Locale,
		pace: o.Pace, timeout: o.Timeout, attempts: o.Attempts, log: o.Log, now: o.Clock}
	if s.now == nil {
		s.now = time.Now
	}
	if s.pace == (Pace{}) {
		s.pace = DefaultPace()
	}
	if s.timeout <= 0 {
		s.timeout = 10 * time.Second
	}
	if s.attempts <= 0 {
		s.attempts = 6
	}
	if s.locale == "" {
		s.locale = bot.LocaleZH
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "slack")
	s.pacer = pace.New(o.Limiter, s.log)
	return s
}

// Deliver sends the replies to one inbound event (the worker calls it).
// Each reply is tried even if another fails; the error is Temporary when
// any failure may pass. Calling it again with the same replies posts
// nothing twice: a reply without a Key is keyed by the event and its place.
func (s *Sender) Deliver(ctx context.Context, o Origin, replies []bot.Reply) error {
	var errs []error
	for i, r := range replies {
		key := r.Key
		if key == "" && o.EventID != "" {
			key = "event:" + o.EventID + ":" + strconv.Itoa(i)
		}
		if _, err := s.deliver(ctx, o, r, key); err != nil {
			s.log.Warn("reply not delivered", "tenant", tenantOf(o.TeamID), "user_id", o.UserID,
				"event_id", o.EventID, "reply", i, "err", err)
			errs = append(errs, fmt.Errorf("reply %d: %w", i, err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &deliverError{errs: errs}
}

// Send delivers one reply with no event behind it (the scheduler's
// reminders): r.To or r.Chat must be set. It returns the message's ts.
// Without r.Key a retry may post twice.
func (s *Sender) Send(ctx context.Context, teamID string, r bot.Reply) (ts string, err error) {
	return s.deliver(ctx, Origin{TeamID: teamID}, r, r.Key)
}

// deliver sends r as an answer to o under key.
func (s *Sender) deliver(ctx context.Context, o Origin, r bot.Reply, key string) (string, error) {
	if r.Invite != nil { // first: it delivers the rest of r through deliver
		return s.deliverInvite(ctx, o, r, key)
	}
	if len(bot.ChartsOf(r.Message)) > 0 {
		return s.deliverWithCharts(ctx, o, r, key)
	}
	if r.File != nil {
		return s.deliverFile(ctx, o, r, key)
	}
	w, err := destination(o, r)
	if err != nil {
		return "", err
	}
	m := s.render(ctx, o.TeamID, r, w.reader)
	ts, err := s.deliverOne(ctx, o, w, key, m)
	if err != nil || len(m.more) == 0 {
		return ts, err
	}
	return s.deliverMore(ctx, o, w, key, m)
}

// deliverOne sends m (its first message) where w says.
func (s *Sender) deliverOne(ctx context.Context, o Origin, w where, key string, m rendered) (string, error) {
	switch w.kind {
	case viaUpdate:
		return w.ts, s.update(ctx, o.TeamID, w.channel, w.ts, m)
	case viaEphemeral:
		ts, err := s.ephemeral(ctx, o.TeamID, w.channel, w.user, m)
		if err == nil || !fallsBackToDM(err) {
			return ts, err
		}
		s.log.Info("ephemeral refused, answering in a DM", "tenant", tenantOf(o.TeamID), "user_id", w.user,
			"event_id", o.EventID, "err", err)
		w.channel = ""
	}
	if w.channel == "" {
		return s.postDM(ctx, o, w.user, key, m)
	}
	return s.post(ctx, o.TeamID, w.channel, key, m)
}

// postDM posts m in the DM of user. A remembered DM id Slack no longer
// knows (channel_not_found, is_archived) is forgotten and the DM opened
// again, once; the post had not happened, so nothing is sent twice.
func (s *Sender) postDM(ctx context.Context, o Origin, user, key string, m rendered) (string, error) {
	channel, cached, err := s.dmChannel(ctx, o.TeamID, user)
	if err != nil {
		return "", err
	}
	ts, err := s.post(ctx, o.TeamID, channel, key, m)
	if err == nil || !cached || !staleDM(err) {
		return ts, err
	}
	s.log.Info("remembered DM refused, opening it again", "tenant", tenantOf(o.TeamID), "user_id", user,
		"event_id", o.EventID, "err", err)
	s.forgetDM(ctx, o.TeamID, user, channel)
	if channel, err = s.openDM(ctx, o.TeamID, user); err != nil {
		return "", err
	}
	return s.post(ctx, o.TeamID, channel, key, m)
}

// staleDM reports whether a post failed because its DM id is no longer
// one Slack accepts.
func staleDM(err error) bool {
	switch slackCode(err) {
	case "channel_not_found", "is_archived":
		return true
	}
	return false
}

// How a reply reaches its reader.
const (
	viaPost      = iota // chat.postMessage in channel, or in user's DM when channel is ""
	viaEphemeral        // chat.postEphemeral to user in channel
	viaUpdate           // chat.update of channel+ts
)

// where is a reply's way to its reader.
type where struct {
	kind    int
	channel string
	user    string
	ts      string
	reader  string // whose language the message speaks; "" the workspace default
}

// destination decides where r goes. Private content never lands in a
// channel: a reply aimed at one is refused, and a private answer to a
// command typed in one is shown to its author only (ephemeral); a clicked
// message is replaced only with content everyone who sees it may see.
func destination(o Origin, r bot.Reply) (where, error) {
	inDM := o.ChannelID != "" && (o.DM() || (o.ChannelType == "" && strings.HasPrefix(o.ChannelID, "D")))
	here := func(reader string) where {
		if r.Replace && o.MessageTS != "" {
			return where{kind: viaUpdate, channel: o.ChannelID, ts: o.MessageTS, reader: reader}
		}
		return where{kind: viaPost, channel: o.ChannelID, reader: reader}
	}
	switch {
	case r.To != "" && inDM && r.To == o.UserID:
		return here(r.To), nil
	case r.To != "":
		return where{kind: viaPost, user: r.To, reader: r.To}, nil
	case r.Chat != "" && r.Private:
		return where{}, ErrPrivateToChannel
	case r.Chat != "" && r.Chat == o.ChannelID:
		return here(""), nil
	case r.Chat != "":
		return where{kind: viaPost, channel: r.Chat}, nil
	case o.ChannelID == "" && o.UserID != "":
		return where{kind: viaPost, user: o.UserID, reader: o.UserID}, nil
	case o.ChannelID == "":
		return where{}, ErrNoRecipient
	case inDM:
		return here(o.UserID), nil
	case r.Private && o.UserID != "":
		return where{kind: viaEphemeral, channel: o.ChannelID, user: o.UserID, reader: o.UserID}, nil
	case r.Private:
		return where{}, ErrPrivateToChannel
	}
	return here(""), nil
}

// fallsBackToDM reports whether an ephemeral answer failed because the
// bot cannot show one in that channel, so a DM should carry it instead.
func fallsBackToDM(err error) bool {
	switch slackCode(err) {
	case "channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived":
		return true
	}
	return false
}

// deliverError is the failures of one Deliver; it is Temporary when any of
// them is, so the worker tries again (what was sent is not sent twice).
type deliverError struct{ errs []error }

func (e *deliverError) Error() string   { return errors.Join(e.errs...).Error() }
func (e *deliverError) Unwrap() []error { return e.errs }

// Temporary reports whether trying the replies again may help.
func (e *deliverError) Temporary() bool {
	for _, err := range e.errs {
		var t interface{ Temporary() bool }
		if !errors.As(err, &t) || t.Temporary() {
			return true
		}
	}
	return false
}
