package inbound_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/inbound"
	"github.com/pipbot/pipbot/adapters/inbound/inboundtest"
	"github.com/pipbot/pipbot/bot"
)

// platform is a fake adapter: payloads are the command text, prefixed
// "ignore" for one that needs no engine; the origin is the payload.
type platform struct {
	mu        sync.Mutex
	delivered []string
	fail      int // the next Deliver calls that fail, retryably
	refuse    bool
	then      []string
	prepared  int
}

func (p *platform) Translate(_ context.Context, d bot.Delivery) (inbound.Work[string], error) {
	text := string(d.Payload)
	w := inbound.Work[string]{Origin: text, Then: func(context.Context) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.then = append(p.then, text)
	}}
	if text == "unreadable" {
		return w, errors.New("unreadable")
	}
	w.Run = text != "ignore"
	w.Cmd = bot.Command{Text: text}
	w.Prepare = func(_ context.Context, r []bot.Reply) []bot.Reply {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.prepared++
		return r
	}
	return w, nil
}

func (p *platform) Deliver(_ context.Context, o string, replies []bot.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refuse {
		return errors.New("refused for good")
	}
	if p.fail > 0 {
		p.fail--
		return errors.New("platform down")
	}
	p.delivered = append(p.delivered, o)
	return nil
}

func (p *platform) Retryable(err error) bool { return err.Error() == "platform down" }

func (p *platform) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.delivered)
}

// engine answers every command with one reply; release, when set, holds
// each call until it is closed.
type engine struct {
	mu      sync.Mutex
	calls   []string
	release chan struct{}
	started chan string
}

func (e *engine) Handle(_ context.Context, cmd bot.Command) ([]bot.Reply, error) {
	e.mu.Lock()
	e.calls = append(e.calls, cmd.Text)
	release := e.release
	e.mu.Unlock()
	if e.started != nil {
		e.started <- cmd.Text
	}
	if release != nil {
		<-release
	}
	return []bot.Reply{{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "ok " + cmd.Text}}}}}, nil
}

func (e *engine) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.calls)
}

// clock is the pipeline's injected clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type rig struct {
	pipe   *inbound.Pipeline[string]
	inbox  *inboundtest.Inbox
	plat   *platform
	engine *engine
	clock  *clock
	tune   *inbound.Tuning
}

func newRig(t *testing.T) *rig {
	t.Helper()
	tune := inbound.DefaultTuning()
	tune.Poll, tune.ShutdownWait = 10*time.Millisecond, 5*time.Second
	r := &rig{inbox: inboundtest.NewInbox(), plat: &platform{}, engine: &engine{},
		clock: &clock{t: time.Date(2026, 6, 12, 10, 0, 0, 0, time.UTC)}, tune: &tune}
	var err error
	r.pipe, err = inbound.New(inbound.Options[string]{Inbox: r.inbox, Engine: r.engine, Platform: r.plat,
		Sources: []string{"events", "inline"}, Tuning: r.tune, Clock: r.clock.Now, Owner: "me"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run runs the pipeline until the returned stop is called (or the test ends).
func (r *rig) run(t *testing.T) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.pipe.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func (r *rig) record(t *testing.T, source, text string, keys ...string) *bot.Delivery {
	t.Helper()
	d := &bot.Delivery{Source: source, Tenant: "t", Payload: []byte(text), Keys: keys, ReceivedAt: r.clock.Now()}
	fresh, err := r.pipe.Record(t.Context(), d)
	if err != nil || !fresh {
		t.Fatalf("Record %s: %v, %v", text, fresh, err)
	}
	return d
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
