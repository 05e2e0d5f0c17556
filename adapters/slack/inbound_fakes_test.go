package slack

import (
	"context"
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
