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

// fakeInbox keeps deliveries in memory with storage's semantics: a key seen
// before makes a duplicate; leases by owner until a time.
type fakeInbox struct {
	mu     sync.Mutex
	keys   map[string]int64
	rows   map[int64]*inboxRow
	next   int64
	putErr error
}

type inboxRow struct {
	d     bot.Delivery
	done  bool
	owner string
	until time.Time
}

func newFakeInbox() *fakeInbox {
	return &fakeInbox{keys: map[string]int64{}, rows: map[int64]*inboxRow{}}
}

func (f *fakeInbox) Put(_ context.Context, d *bot.Delivery) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.putErr != nil {
		return false, f.putErr
	}
	if len(d.Keys) == 0 {
		return false, errors.New("no keys")
	}
	for _, k := range d.Keys {
		if _, ok := f.keys[k]; ok {
			return false, nil
		}
	}
	f.next++
	d.ID = f.next
	for _, k := range d.Keys {
		f.keys[k] = d.ID
	}
	f.rows[d.ID] = &inboxRow{d: *d}
	return true, nil
}

func (f *fakeInbox) Claim(_ context.Context, source, owner string, n int, now time.Time, lease time.Duration) ([]bot.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int64, 0, len(f.rows))
	for id := range f.rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []bot.Delivery
	for _, id := range ids {
		r := f.rows[id]
		if len(out) == n || r.done || r.d.Source != source || (r.owner != "" && !r.until.Before(now)) {
			continue
		}
		r.owner, r.until = owner, now.Add(lease)
		r.d.Attempts++
		d := r.d
		d.Keys = nil
		out = append(out, d)
	}
	return out, nil
}

func (f *fakeInbox) Finish(_ context.Context, id int64, owner string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rows[id]
	if r == nil || r.done || r.owner != owner {
		return fmt.Errorf("finish %d: lease lost", id)
	}
	r.done, r.owner = true, ""
	return nil
}

// stored is every delivery put, by id.
func (f *fakeInbox) stored() []bot.Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bot.Delivery
	for id := int64(1); id <= f.next; id++ {
		out = append(out, f.rows[id].d)
	}
	return out
}

func (f *fakeInbox) finished(id int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rows[id] != nil && f.rows[id].done
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
