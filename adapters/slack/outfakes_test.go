package slack

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// outPeople is an in-memory People with storage's semantics.
type outPeople struct {
	mu    sync.Mutex
	m     map[string]bot.Person
	saves int
}

func newOutPeople(ps ...bot.Person) *outPeople {
	p := &outPeople{m: map[string]bot.Person{}}
	for _, x := range ps {
		p.m[x.Tenant+"|"+x.ID] = x
	}
	return p
}

func (p *outPeople) Person(_ context.Context, tenant, id string) (bot.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x, found := p.m[tenant+"|"+id]
	if !found {
		return bot.Person{}, bot.ErrNotFound
	}
	return x, nil
}

func (p *outPeople) SavePerson(_ context.Context, x bot.Person) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.saves++
	p.m[x.Tenant+"|"+x.ID] = x
	return nil
}

func (p *outPeople) get(tenant, id string) bot.Person {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[tenant+"|"+id]
}

// outClock is a settable clock.
type outClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *outClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *outClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outbound is a Sender wired to a fake Web API, with in-memory buckets
// and sent markers.
type outbound struct {
	fake   *slacktest.Server
	snd    *Sender
	sent   *slacktest.Sent
	lim    *slacktest.Limiter
	people *outPeople
}

// newOutbound starts a fake with fakeOpts and a Sender on it; mod adjusts
// the Sender's options.
func newOutbound(t testing.TB, fakeOpts []slacktest.Option, mod func(*SenderOptions)) *outbound {
	t.Helper()
	o := &outbound{fake: slacktest.NewServer(t, fakeOpts...), sent: slacktest.NewSent(nil),
		lim: slacktest.NewLimiter(nil), people: newOutPeople()}
	opts := SenderOptions{
		Client:  NewClient(slacktest.BotToken, o.fake.APIURL(), 5*time.Second),
		Limiter: o.lim, Sent: o.sent, People: o.people, Locale: bot.LocaleEN,
	}
	if mod != nil {
		mod(&opts)
	}
	o.snd = NewSender(opts)
	return o
}

// outNote is a small reply.
func outNote(text string) bot.Reply {
	return bot.Reply{Message: bot.Message{Title: "Weekly check-in", Blocks: []bot.Block{bot.Text{Body: text}}}}
}

// outTemporary reports what the inbound worker would read from err.
func outTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

var outCtx = context.Background()

// outOpen asks for user's DM.
func outOpen(user string) *slack.OpenConversationParameters {
	return &slack.OpenConversationParameters{Users: []string{user}}
}
