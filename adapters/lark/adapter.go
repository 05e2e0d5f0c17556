package lark

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
)

// Modes of receiving events (LARK_MODE).
const (
	ModeWebhook   = "webhook"   // POST /lark/events and /lark/cards; needs a public URL
	ModeWebSocket = "websocket" // the SDK's long connection; no public URL
)

// Deliverer sends the engine's replies where an inbound event came from
// (the outbound Sender). A Replace reply updates the clicked card; when
// o.UpdateToken is set, the callback has already been answered and the card
// must go through the delayed-update API.
type Deliverer interface {
	Deliver(ctx context.Context, o Origin, replies []bot.Reply) error
}

// Profiler reads a user's profile from the directory: name, language and
// manager (ManagerID lets the engine default a plan's approver).
type Profiler interface {
	Profile(ctx context.Context, tenantKey, openID string) (bot.Person, error)
}

// ChatTyper looks up whether a chat is "p2p" or "group" (im/v1/chats), for
// card clicks in chats the adapter has not seen a message from.
type ChatTyper interface {
	ChatType(ctx context.Context, tenantKey, chatID string) (string, error)
}

// Options wires an Adapter. Engine, Inbox and Deliverer are required; in
// webhook mode so are VerificationToken and EncryptKey, in websocket mode
// AppID and AppSecret.
type Options struct {
	AppID, AppSecret  string
	VerificationToken string // LARK_VERIFICATION_TOKEN
	EncryptKey        string // LARK_ENCRYPT_KEY
	BaseURL           string // open platform base URL for the long connection; Feishu's by default
	Mode              string // ModeWebhook (default) or ModeWebSocket

	// BotOpenID is the bot's own open_id: a group message is addressed to
	// the bot when it mentions this id. Without it, a mention named BotName
	// counts; without both, a message that starts with a mention does.
	BotOpenID string
	BotName   string

	Engine    inbound.Engine
	Inbox     inbound.Inbox
	Deliverer Deliverer
	Profiler  Profiler  // optional: commands then carry only the sender's id
	Chats     ChatTyper // optional: see chatKind
	// Cards, the Sender's kept cards, tells a click on a card past Feishu's
	// 14-day window, which is answered with a new card (cardwindow.go).
	Cards CardStore // optional

	Log   *slog.Logger
	Clock func() time.Time
	// Owner names this process on inbox leases; host name and a random
	// suffix by default.
	Owner string
	// Recorded, when set, hears of every inbound event and what the inbox
	// did with it (inbound.Options.Recorded), on every transport.
	Recorded func(source string, o inbound.Outcome)
}

// tuning holds the adapter's timings; tests shorten them.
type tuning struct {
	pipe       inbound.Tuning // the inbox, the worker pool and their deadlines
	maxBody    int64          // largest request body
	window     time.Duration  // accepted signature timestamp skew
	budget     time.Duration  // inline card answer, from the request's arrival
	cardWindow time.Duration  // no delayed update before received+cardWindow
	profile    time.Duration  // one directory lookup
}

func defaultTuning() tuning {
	pipe := inbound.DefaultTuning()
	pipe.AckTimeout = 2500 * time.Millisecond
	return tuning{
		pipe: pipe, maxBody: 1 << 20, window: 5 * time.Minute, budget: 2500 * time.Millisecond,
		cardWindow: 3 * time.Second, profile: time.Second,
	}
}

// Adapter connects Feishu/Lark to the engine: it verifies inbound requests,
// records them in the inbox, acknowledges, and hands them to the engine
// through the shared inbound pipeline.
type Adapter struct {
	opts   Options
	log    *slog.Logger
	now    func() time.Time
	verify verifier
	tune   *tuning
	chats  *chatKinds
	pipe   *inbound.Pipeline[Origin]
}

// New checks opts and builds an Adapter. In webhook mode it refuses to start
// without an encrypt key: unencrypted callbacks are unsigned and could be
// forged.
func New(opts Options) (*Adapter, error) {
	if opts.Mode == "" {
		opts.Mode = ModeWebhook
	}
	var errs []error
	if opts.Engine == nil || opts.Inbox == nil || opts.Deliverer == nil {
		errs = append(errs, errors.New("lark: Engine, Inbox and Deliverer are required"))
	}
	switch opts.Mode {
	case ModeWebhook:
		if opts.EncryptKey == "" {
			errs = append(errs, errors.New("lark: webhook mode needs LARK_ENCRYPT_KEY (without it Feishu signs nothing)"))
		}
		if opts.VerificationToken == "" {
			errs = append(errs, errors.New("lark: webhook mode needs LARK_VERIFICATION_TOKEN"))
		}
	case ModeWebSocket:
		if opts.AppID == "" || opts.AppSecret == "" {
			errs = append(errs, errors.New("lark: websocket mode needs LARK_APP_ID and LARK_APP_SECRET"))
		}
	default:
		errs = append(errs, fmt.Errorf("lark: unknown LARK_MODE %q (webhook or websocket)", opts.Mode))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	t := defaultTuning()
	a := &Adapter{
		opts: opts, log: log.With("component", "lark"), now: now,
		verify: verifier{token: opts.VerificationToken, key: opts.EncryptKey, now: now, window: t.window},
		tune:   &t, chats: newChatKinds(),
	}
	pipe, err := inbound.New(inbound.Options[Origin]{
		Inbox: opts.Inbox, Engine: opts.Engine, Platform: platform{a}, Sources: []string{sourceEvents, sourceCards},
		Tuning: &t.pipe, Log: a.log, Clock: now, Owner: opts.Owner, OwnerPrefix: "lark-",
		Recorded: opts.Recorded,
	})
	if err != nil {
		return nil, fmt.Errorf("lark: %w", err)
	}
	a.pipe = pipe
	return a, nil
}

// Routes are the webhook endpoints to mount on the HTTP server; none in
// websocket mode. Either path accepts events and card callbacks, so the
// console may point both at one URL.
func (a *Adapter) Routes() map[string]http.Handler {
	if a.opts.Mode != ModeWebhook {
		return map[string]http.Handler{}
	}
	h := http.HandlerFunc(a.serveHTTP)
	return map[string]http.Handler{"POST /lark/events": h, "POST /lark/cards": h}
}

// Run handles recorded events until ctx is done, with the long connection
// open in websocket mode, then lets in-flight events finish (bounded) and
// returns. It returns an error only when the long connection fails for good.
func (a *Adapter) Run(ctx context.Context) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wsErr error
	wsDone := make(chan struct{})
	if a.opts.Mode == ModeWebSocket {
		go func() {
			defer close(wsDone)
			if err := a.runSocket(wctx); err != nil {
				wsErr = err
				cancel()
			}
		}()
	} else {
		close(wsDone)
	}
	a.pipe.Run(wctx)
	<-wsDone
	return wsErr
}

// SubscribedEvents lists the event types the adapter answers, for the setup
// guide and the long connection's handlers: every other type is acknowledged
// with an error over the long connection, and retried.
func SubscribedEvents() []string {
	return []string{
		eventMessage, eventCard,
		"im.message.message_read_v1", "im.message.recalled_v1",
		eventBotAdded, "im.chat.member.bot.deleted_v1", "im.chat.disbanded_v1",
		eventP2PEntered, "p2p_chat_create",
	}
}
