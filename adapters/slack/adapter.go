package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// Deliverer sends the engine's replies where an inbound event came from (the
// outbound Sender). A Replace reply updates o.MessageTS (chat.update), so a
// decided message loses its buttons for everyone.
type Deliverer interface {
	Deliver(ctx context.Context, o Origin, replies []bot.Reply) error
}

// Profiler reads a user's profile (users.info, cached): name, time zone and
// locale, so the engine answers in the user's language and time, and the
// manager when a profile field names one (Directory.WithManagerField).
type Profiler interface {
	Profile(ctx context.Context, teamID, userID string) (bot.Person, error)
}

// Options wires an Adapter. Engine, Inbox and Deliverer are required, and a
// Web API client (Client, or BotToken); over HTTP so is SigningSecret, in
// Socket Mode (AppToken set) BotToken.
type Options struct {
	BotToken      string // SLACK_BOT_TOKEN (xoxb-…)
	SigningSecret string // SLACK_SIGNING_SECRET: every HTTP request is checked against it
	AppToken      string // SLACK_APP_TOKEN (xapp-…): when set, events come over Socket Mode
	APIURL        string // SLACK_API_URL, ending in "/"; Slack's own by default

	// TeamID is the workspace the app is installed in, and BotUserID the
	// bot's own user; both are learned from auth.test when empty. Clicks and
	// submissions by a user of another workspace (a Slack Connect channel)
	// are refused.
	TeamID    string
	BotUserID string

	Engine    inbound.Engine
	Inbox     inbound.Inbox
	Deliverer Deliverer
	Profiler  Profiler      // optional: commands then carry only the user's id
	Client    *slack.Client // views.open, views.publish, auth.test; built from BotToken and APIURL when nil

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
	pipe    inbound.Tuning // the inbox, the worker pool and their deadlines
	maxBody int64          // largest request body
	window  time.Duration  // accepted signature timestamp skew, both ways
	budget  time.Duration  // inline answer (slash command, click, submission), from arrival
	trigger time.Duration  // a trigger_id's life: views.open must happen within it
	profile time.Duration  // one directory lookup
}

func defaultTuning() tuning {
	return tuning{pipe: inbound.DefaultTuning(), maxBody: 1 << 20, window: 5 * time.Minute,
		budget: 2500 * time.Millisecond, trigger: 3 * time.Second, profile: 700 * time.Millisecond}
}

// Adapter connects Slack to the engine: it verifies inbound requests,
// records them in the inbox, acknowledges, and hands them to the engine
// through the shared inbound pipeline.
type Adapter struct {
	opts   Options
	log    *slog.Logger
	now    func() time.Time
	verify verifier
	tune   *tuning
	api    *slack.Client
	views  views        // views.open and views.publish
	ident  identity     // auth.test
	http   *http.Client // posts to response_url
	self   *self
	pipe   *inbound.Pipeline[Origin]
}

// New checks opts and builds an Adapter. It makes no network call: the
// workspace and bot ids, when not given, are learned from auth.test on first
// need.
func New(opts Options) (*Adapter, error) {
	var errs []error
	if opts.Engine == nil || opts.Inbox == nil || opts.Deliverer == nil {
		errs = append(errs, errors.New("slack: Engine, Inbox and Deliverer are required"))
	}
	if opts.Client == nil && opts.BotToken == "" {
		errs = append(errs, errors.New("slack: SLACK_BOT_TOKEN is required"))
	}
	if opts.AppToken == "" && opts.SigningSecret == "" {
		errs = append(errs, errors.New("slack: SLACK_SIGNING_SECRET is required over HTTP (or set SLACK_APP_TOKEN for Socket Mode)"))
	}
	if opts.AppToken != "" && opts.BotToken == "" {
		errs = append(errs, errors.New("slack: Socket Mode (SLACK_APP_TOKEN) needs SLACK_BOT_TOKEN too"))
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
	api := opts.Client
	if api == nil {
		api = NewClient(opts.BotToken, opts.APIURL, apiTimeout)
	}
	t := defaultTuning()
	a := &Adapter{
		opts: opts, log: log.With("component", "slack"), now: now,
		verify: verifier{secret: []byte(opts.SigningSecret), now: now, window: t.window},
		tune:   &t, api: api, views: clientViews{api}, ident: api, http: &http.Client{Timeout: 5 * time.Second},
		self: &self{teamID: opts.TeamID, botUserID: opts.BotUserID},
	}
	pipe, err := inbound.New(inbound.Options[Origin]{
		Inbox: opts.Inbox, Engine: opts.Engine, Platform: platform{a}, Sources: []string{sourceEvents, sourceUI},
		Tuning: &t.pipe, Log: a.log, Clock: now, Owner: opts.Owner, OwnerPrefix: "slack-",
		Recorded: opts.Recorded,
	})
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	a.pipe = pipe
	return a, nil
}

// apiTimeout bounds each Web API call the adapter makes itself.
const apiTimeout = 10 * time.Second

// Routes are the HTTP endpoints to mount on the server; none in Socket Mode,
// where no public URL is needed.
func (a *Adapter) Routes() map[string]http.Handler {
	if a.opts.AppToken != "" {
		return map[string]http.Handler{}
	}
	return map[string]http.Handler{
		"POST /slack/events":       http.HandlerFunc(a.serveEvents),
		"POST /slack/commands":     http.HandlerFunc(a.serveCommand),
		"POST /slack/interactions": http.HandlerFunc(a.serveInteraction),
	}
}

// Run handles recorded events until ctx is done, with the Socket Mode
// connection open when AppToken is set, then lets in-flight events finish
// (bounded) and returns. It returns an error only when Socket Mode fails for
// good (say, a revoked app token).
func (a *Adapter) Run(ctx context.Context) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if _, err := a.self.get(wctx, a.ident); err != nil {
		a.log.WarnContext(ctx, "auth.test failed; will retry on first need", "err", err)
	}
	var sockErr error
	sockDone := make(chan struct{})
	if a.opts.AppToken != "" {
		go func() {
			defer close(sockDone)
			if err := a.runSocket(wctx); err != nil {
				sockErr = err
				cancel()
			}
		}()
	} else {
		close(sockDone)
	}
	a.pipe.Run(wctx)
	<-sockDone
	return sockErr
}
