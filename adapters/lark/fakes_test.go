package lark

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// fakeClock is the adapter's injected clock; tests move it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeEngine records commands and answers with reply (an echo by default).
type fakeEngine struct {
	mu    sync.Mutex
	cmds  []bot.Command
	reply func(bot.Command) ([]bot.Reply, error)
	calls chan bot.Command
}

func newFakeEngine() *fakeEngine { return &fakeEngine{calls: make(chan bot.Command, 100)} }

func (e *fakeEngine) Handle(_ context.Context, cmd bot.Command) ([]bot.Reply, error) {
	e.mu.Lock()
	e.cmds = append(e.cmds, cmd)
	reply := e.reply
	e.mu.Unlock()
	e.calls <- cmd
	if reply != nil {
		return reply(cmd)
	}
	return []bot.Reply{plainReply("ok: " + cmd.Text)}, nil
}

func (e *fakeEngine) commands() []bot.Command {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.cmds)
}

// fakeDeliverer records deliveries; fail makes the next n fail.
type fakeDeliverer struct {
	mu    sync.Mutex
	got   []delivered
	fail  int
	calls chan delivered
}

type delivered struct {
	o       Origin
	replies []bot.Reply
}

func newFakeDeliverer() *fakeDeliverer { return &fakeDeliverer{calls: make(chan delivered, 100)} }

func (f *fakeDeliverer) Deliver(_ context.Context, o Origin, replies []bot.Reply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("open api down")
	}
	d := delivered{o, replies}
	f.got = append(f.got, d)
	f.calls <- d
	return nil
}

func (f *fakeDeliverer) all() []delivered {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.got)
}

// fakeProfiler answers from a map; unknown people are an error.
type fakeProfiler map[string]bot.Person

func (f fakeProfiler) Profile(_ context.Context, tenantKey, openID string) (bot.Person, error) {
	p, ok := f[openID]
	if !ok {
		return bot.Person{}, fmt.Errorf("contact api: user %s not found", openID)
	}
	return p, nil
}

func plainReply(s string) bot.Reply {
	return bot.Reply{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: s}}}}
}
