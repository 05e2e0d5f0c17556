package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// clockFake is the adapter's injected clock; tests move it.
type clockFake struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clockFake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// inboxFake keeps deliveries in memory with storage's semantics: a key seen
// before makes a duplicate; leases by owner until a time.
type inboxFake struct {
	mu     sync.Mutex
	keys   map[string]int64
	rows   map[int64]*inboxFakeRow
	next   int64
	puts   int
	putErr error
}

type inboxFakeRow struct {
	d     bot.Delivery
	done  bool
	owner string
	until time.Time
}

func newInboxFake() *inboxFake {
	return &inboxFake{keys: map[string]int64{}, rows: map[int64]*inboxFakeRow{}}
}

func (f *inboxFake) Put(_ context.Context, d *bot.Delivery) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	if f.putErr != nil {
		return false, f.putErr
	}
	if len(d.Keys) == 0 {
		return false, errors.New("no keys")
	}
	for _, k := range d.Keys {
		if len(k) > maxKey {
			return false, fmt.Errorf("key too long: %d", len(k))
		}
		if _, ok := f.keys[k]; ok {
			return false, nil
		}
	}
	f.next++
	d.ID = f.next
	for _, k := range d.Keys {
		f.keys[k] = d.ID
	}
	f.rows[d.ID] = &inboxFakeRow{d: *d}
	return true, nil
}

func (f *inboxFake) Claim(_ context.Context, source, owner string, n int, now time.Time, lease time.Duration) ([]bot.Delivery, error) {
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

func (f *inboxFake) Finish(_ context.Context, id int64, owner string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rows[id]
	if r == nil || r.done || r.owner != owner {
		return fmt.Errorf("finish %d: lease lost", id)
	}
	r.done, r.owner = true, ""
	return nil
}

// stored is every delivery recorded, oldest first.
func (f *inboxFake) stored() []bot.Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bot.Delivery
	for id := int64(1); id <= f.next; id++ {
		out = append(out, f.rows[id].d)
	}
	return out
}

func (f *inboxFake) allDone() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rows {
		if !r.done {
			return false
		}
	}
	return true
}

func (f *inboxFake) putCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.puts
}

// engineFake records commands and answers with reply (an echo by default).
type engineFake struct {
	mu    sync.Mutex
	cmds  []bot.Command
	reply func(bot.Command) []bot.Reply
}

func (e *engineFake) Handle(_ context.Context, cmd bot.Command) ([]bot.Reply, error) {
	e.mu.Lock()
	e.cmds = append(e.cmds, cmd)
	reply := e.reply
	e.mu.Unlock()
	if reply != nil {
		return reply(cmd), nil
	}
	return []bot.Reply{textReply("ok: " + cmd.Text)}, nil
}

func (e *engineFake) commands() []bot.Command {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.cmds)
}

func (e *engineFake) answer(f func(bot.Command) []bot.Reply) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reply = f
}

// delivererFake records what the adapter hands the Sender.
type delivererFake struct {
	mu  sync.Mutex
	got []delivered
}

type delivered struct {
	o       Origin
	replies []bot.Reply
}

func (f *delivererFake) Deliver(_ context.Context, o Origin, replies []bot.Reply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, delivered{o, replies})
	return nil
}

func (f *delivererFake) all() []delivered {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.got)
}

// profilerFake answers from a map; unknown people are an error.
type profilerFake map[string]bot.Person

func (f profilerFake) Profile(_ context.Context, teamID, userID string) (bot.Person, error) {
	p, ok := f[userID]
	if !ok {
		return bot.Person{}, fmt.Errorf("users.info: user %s not found", userID)
	}
	return p, nil
}

// viewsFake records modals opened and App Home tabs published.
type viewsFake struct {
	mu      sync.Mutex
	opened  []openedView
	homes   []publishedHome
	openErr error
}

type openedView struct {
	trigger string
	view    slack.ModalViewRequest
	at      time.Time
}

type publishedHome struct {
	user string
	view slack.HomeTabViewRequest
}

func (v *viewsFake) OpenView(_ context.Context, triggerID string, view slack.ModalViewRequest) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.openErr != nil {
		return v.openErr
	}
	v.opened = append(v.opened, openedView{triggerID, view, time.Now()})
	return nil
}

func (v *viewsFake) PublishHome(_ context.Context, userID string, view slack.HomeTabViewRequest) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.homes = append(v.homes, publishedHome{userID, view})
	return nil
}

func (v *viewsFake) modals() []openedView {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.opened)
}

func (v *viewsFake) published() []publishedHome {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.homes)
}

// identityFake answers auth.test.
type identityFake struct {
	teamID, userID string
	calls          int
}

func (f *identityFake) AuthTestContext(context.Context) (*slack.AuthTestResponse, error) {
	f.calls++
	return &slack.AuthTestResponse{TeamID: f.teamID, UserID: f.userID}, nil
}

func textReply(s string) bot.Reply {
	return bot.Reply{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: s}}}}
}
