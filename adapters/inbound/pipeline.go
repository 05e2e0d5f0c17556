package inbound

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Tuning holds the pipeline's timings; adapters set their platform's, and
// tests shorten them before Run.
type Tuning struct {
	AckTimeout   time.Duration // inbox write before answering the platform
	Engine       time.Duration // one engine call
	Deliver      time.Duration // one delivery of an event's replies
	Lease        time.Duration // inbox lease: longer than a delivery's whole handling
	Poll         time.Duration // inbox poll when nothing woke the worker
	Pool         int           // deliveries handled at once
	MaxAttempts  int           // deliveries of one event's replies before giving up
	ShutdownWait time.Duration // in-flight work allowed to finish after Run's ctx is done
}

// DefaultTuning is what both platforms start from.
func DefaultTuning() Tuning {
	return Tuning{
		AckTimeout: 2 * time.Second, Engine: 30 * time.Second, Deliver: 20 * time.Second,
		Lease: 90 * time.Second, Poll: 500 * time.Millisecond, Pool: 4, MaxAttempts: 5,
		ShutdownWait: 10 * time.Second,
	}
}

// Options wires a Pipeline. Inbox, Engine and Platform are required.
type Options[O any] struct {
	Inbox    Inbox
	Engine   Engine
	Platform Platform[O]
	// Sources are the inbox sources the worker claims, in that order.
	Sources []string
	// Tuning is read at Run; nil takes DefaultTuning. The adapter owns it.
	Tuning *Tuning
	Log    *slog.Logger
	Clock  func() time.Time
	// Owner names this process on inbox leases; prefix, host name and a
	// random suffix by default.
	Owner, OwnerPrefix string
	// Recorded, when set, hears of every event Record was given, whatever
	// carried it (a webhook, a long connection, Socket Mode): its source
	// and Outcome.
	Recorded func(source string, o Outcome)
}

// Outcome is what Record did with an event.
type Outcome string

// Outcomes of Record.
const (
	Stored    Outcome = "stored"    // new, durable: acknowledged
	Duplicate Outcome = "duplicate" // seen before: acknowledged, no effect
	Failed    Outcome = "failed"    // not stored: the platform is told to retry
)

// Pipeline records inbound events and handles them: see the package doc.
type Pipeline[O any] struct {
	inbox    Inbox
	engine   Engine
	platform Platform[O]
	sources  []string
	tune     *Tuning
	log      *slog.Logger
	now      func() time.Time
	owner    string
	recorded func(string, Outcome)

	wake chan struct{} // something may be waiting to be claimed
	jobs chan bot.Delivery
	busy chan struct{} // one token per delivery being handled
	bg   sync.WaitGroup

	mu      sync.Mutex
	closed  bool                         // the worker stopped taking jobs
	pending map[int64]*pendingReplies[O] // handled, not yet delivered
}

// New checks opts and builds a Pipeline.
func New[O any](opts Options[O]) (*Pipeline[O], error) {
	if opts.Inbox == nil || opts.Engine == nil || opts.Platform == nil {
		return nil, errors.New("inbound: Inbox, Engine and Platform are required")
	}
	if len(opts.Sources) == 0 {
		return nil, errors.New("inbound: no inbox source")
	}
	t := opts.Tuning
	if t == nil {
		d := DefaultTuning()
		t = &d
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	owner := opts.Owner
	if owner == "" {
		host, _ := os.Hostname()
		owner = opts.OwnerPrefix + host + "-" + randomID()
	}
	return &Pipeline[O]{inbox: opts.Inbox, engine: opts.Engine, platform: opts.Platform,
		sources: opts.Sources, tune: t, log: log, now: now, owner: owner, recorded: opts.Recorded,
		wake: make(chan struct{}, 1), pending: map[int64]*pendingReplies[O]{}}, nil
}

// Record stores d (a duplicate has no effect: fresh is false) and returns
// once it is durable, so the platform may be acknowledged; an error means
// the platform must be told to retry. When a worker is idle, d is stored
// leased to this process and handed to that worker at once; otherwise a
// worker claims it.
func (p *Pipeline[O]) Record(ctx context.Context, d *bot.Delivery) (fresh bool, err error) {
	defer p.observe(d, &fresh, &err)
	ctx, cancel := context.WithTimeout(ctx, p.tune.AckTimeout)
	defer cancel()
	if !p.reserve() {
		fresh, err = p.inbox.PutLeased(ctx, d, "", time.Time{})
		if fresh {
			p.Wake()
		}
		return fresh, wrap(err, d)
	}
	fresh, err = p.inbox.PutLeased(ctx, d, p.owner, p.now().Add(p.tune.Lease))
	if !fresh {
		p.unreserve()
		return false, wrap(err, d)
	}
	leased := *d
	leased.Attempts = 1
	p.hand(leased)
	return true, nil
}

// observe tells Options.Recorded, if set, what Record or Inline did with d.
func (p *Pipeline[O]) observe(d *bot.Delivery, fresh *bool, err *error) {
	switch {
	case p.recorded == nil:
	case *err != nil:
		p.recorded(d.Source, Failed)
	case *fresh:
		p.recorded(d.Source, Stored)
	default:
		p.recorded(d.Source, Duplicate)
	}
}

func wrap(err error, d *bot.Delivery) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("record %s event: %w", d.Source, err)
}

// Wake asks the worker to claim now rather than at its next poll.
func (p *Pipeline[O]) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Background runs f after the response, tracked so that shutdown waits for
// it; once the worker has stopped, untracked.
func (p *Pipeline[O]) Background(f func()) {
	p.mu.Lock()
	tracked := !p.closed
	if tracked {
		p.bg.Add(1)
	}
	p.mu.Unlock()
	go func() {
		if tracked {
			defer p.bg.Done()
		}
		f()
	}()
}

// runDelivery runs the engine for a recorded delivery, keyed by it so that
// a second run of d (after a crash, on another replica) has no second
// effect and gets the first run's replies. retry is true when the engine
// failed on the infrastructure before committing and d has attempts left:
// d must then stay pending, unanswered, for a worker to run it again; its
// replies are the polite error for the last attempt.
func (p *Pipeline[O]) runDelivery(ctx context.Context, d bot.Delivery, cmd bot.Command) (replies []bot.Reply, retry bool) {
	ctx, cancel := context.WithTimeout(ctx, p.tune.Engine)
	defer cancel()
	cmd.EventKey = d.Source + ":" + strconv.FormatInt(d.ID, 10)
	replies, err := p.engine.Handle(ctx, cmd)
	if err != nil {
		retry = d.Attempts < p.tune.MaxAttempts
		p.log.ErrorContext(ctx, "handle command", "tenant", cmd.Tenant, "user_id", cmd.Actor.ID,
			"event_id", cmd.EventID, "delivery", d.ID, "attempt", d.Attempts, "retry", retry, "err", err)
	}
	return replies, retry
}

// RunEngine calls the engine for what no delivery records (a read such as
// the App Home), with the per-event deadline. Its error is only logged:
// the engine has already turned it into a polite reply.
func (p *Pipeline[O]) RunEngine(ctx context.Context, cmd bot.Command) []bot.Reply {
	ctx, cancel := context.WithTimeout(ctx, p.tune.Engine)
	defer cancel()
	replies, err := p.engine.Handle(ctx, cmd)
	if err != nil {
		p.log.ErrorContext(ctx, "handle command", "tenant", cmd.Tenant, "user_id", cmd.Actor.ID,
			"event_id", cmd.EventID, "err", err)
	}
	return replies
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
