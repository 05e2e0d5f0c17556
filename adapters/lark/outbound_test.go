package lark

import (
	"context"
	"sync"
	"time"

	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// Fakes and helpers shared by the outbound tests (Sender, Directory).

// outPeople is an in-memory People for the outbound tests.
type outPeople struct {
	mu    sync.Mutex
	m     map[string]bot.Person
	saves int
}

func newOutPeople(ps ...bot.Person) *outPeople {
	p := &outPeople{m: map[string]bot.Person{}}
	for _, x := range ps {
		p.m[x.Tenant+"/"+x.ID] = x
	}
	return p
}

func (p *outPeople) Person(_ context.Context, tenant, id string) (bot.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x, ok := p.m[tenant+"/"+id]
	if !ok {
		return bot.Person{}, bot.ErrNotFound
	}
	return x, nil
}

func (p *outPeople) SavePerson(_ context.Context, x bot.Person) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.saves++
	p.m[x.Tenant+"/"+x.ID] = x
	return nil
}

// countingAPI counts the calls reaching the real SDK.
type countingAPI struct {
	openAPI
	mu             sync.Mutex
	creates, patch int
}

func (c *countingAPI) CreateMessage(ctx context.Context, r *larkim.CreateMessageReq) (*larkim.CreateMessageResp, error) {
	c.mu.Lock()
	c.creates++
	c.mu.Unlock()
	return c.openAPI.CreateMessage(ctx, r)
}

func (c *countingAPI) PatchMessage(ctx context.Context, r *larkim.PatchMessageReq) (*larkim.PatchMessageResp, error) {
	c.mu.Lock()
	c.patch++
	c.mu.Unlock()
	return c.openAPI.PatchMessage(ctx, r)
}

// outSender is a Sender using the real SDK against s, paced by an
// in-memory limiter.
func outSender(s *larktest.Server, edit ...func(*SenderOptions)) *Sender {
	o := SenderOptions{Client: NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second),
		AppID: larktest.AppID, Limiter: larktest.NewLimiter(nil), Timeout: 5 * time.Second}
	for _, e := range edit {
		e(&o)
	}
	return NewSender(o)
}

func outText(s string) bot.Reply {
	return bot.Reply{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: s}}}}
}
