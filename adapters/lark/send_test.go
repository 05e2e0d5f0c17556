package lark

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

var (
	p2pOrigin   = Origin{TenantKey: "tk", ChatID: "oc_p2p", ChatType: "p2p", OperatorID: "ou_op", EventID: "ev1"}
	groupOrigin = Origin{TenantKey: "tk", ChatID: "oc_group", ChatType: "group", OperatorID: "ou_op", EventID: "ev2"}
)

func TestDeliverRoutes(t *testing.T) {
	tests := []struct {
		name        string
		o           Origin
		edit        func(*bot.Reply)
		idType, id  string
		wantRefusal error
	}{
		{"to a user", groupOrigin, func(r *bot.Reply) { r.To, r.Private = "ou_emp", true }, "open_id", "ou_emp", nil},
		{"team post to a chat", p2pOrigin, func(r *bot.Reply) { r.Chat = "oc_team" }, "chat_id", "oc_team", nil},
		{"answer in a p2p chat", p2pOrigin, func(r *bot.Reply) { r.Private = true }, "chat_id", "oc_p2p", nil},
		{"answer in a group", groupOrigin, func(r *bot.Reply) {}, "chat_id", "oc_group", nil},
		{"private answer to a group command goes one-to-one", groupOrigin, func(r *bot.Reply) { r.Private = true }, "open_id", "ou_op", nil},
		{"private content aimed at a chat", p2pOrigin, func(r *bot.Reply) { r.Chat, r.Private = "oc_team", true }, "", "", ErrPrivateToGroup},
		{"nowhere to go", Origin{TenantKey: "tk"}, func(r *bot.Reply) {}, "", "", ErrNoRecipient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := larktest.NewServer(t)
			r := outText("hello")
			tt.edit(&r)
			err := outSender(s).Deliver(context.Background(), tt.o, []bot.Reply{r})
			msgs := s.Messages()
			if tt.wantRefusal != nil {
				if !errors.Is(err, tt.wantRefusal) || len(msgs) != 0 {
					t.Fatalf("err = %v with %d messages, want %v and none", err, len(msgs), tt.wantRefusal)
				}
				if Temporary(err) {
					t.Errorf("a refusal is not temporary")
				}
				return
			}
			if err != nil {
				t.Fatalf("deliver: %v", err)
			}
			if len(msgs) != 1 || msgs[0].ReceiveIDType != tt.idType || msgs[0].ReceiveID != tt.id {
				t.Fatalf("messages = %+v, want one to %s %s", msgs, tt.idType, tt.id)
			}
			if msgs[0].MsgType != "interactive" || msgs[0].Card["schema"] != "2.0" || len(msgs[0].UUID) != 50 {
				t.Errorf("message = %+v, want a 2.0 card with a 50-char uuid", msgs[0])
			}
		})
	}
}

func TestSendRefusesPrivateToChat(t *testing.T) {
	s := larktest.NewServer(t)
	r := outText("plan")
	r.Chat, r.Private, r.Key = "oc_team", true, "k"
	if _, err := outSender(s).Send(context.Background(), "tk", r); !errors.Is(err, ErrPrivateToGroup) {
		t.Fatalf("err = %v, want ErrPrivateToGroup", err)
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestCardInReadersLanguage(t *testing.T) {
	s := larktest.NewServer(t)
	people := newOutPeople(bot.Person{Tenant: "lark:tk", ID: "ou_en", Locale: bot.LocaleEN})
	r := bot.Reply{To: "ou_en", Private: true, Key: "k1", Message: bot.Message{Title: "Plan", Blocks: []bot.Block{
		bot.Form{Title: "Update", Action: bot.ActionRef{ID: "update"}, Submit: "Send",
			Inputs: []bot.Input{{Name: "d", Label: "Date", Kind: bot.InputDate}}}}}}
	if _, err := outSender(s, func(o *SenderOptions) { o.People = people }).Send(context.Background(), "tk", r); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(card.Render(r.Message, card.Options{Locale: bot.LocaleEN, Private: true, Interactive: true}))
	got, _ := json.Marshal(s.Messages()[0].Card)
	if string(got) != string(want) {
		t.Errorf("card =\n%s\nwant\n%s", got, want)
	}
}

func TestReplaceByPatch(t *testing.T) {
	s := larktest.NewServer(t)
	snd := outSender(s)
	id, err := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_op", Key: "approval", Message: outText("approve?").Message})
	if err != nil {
		t.Fatal(err)
	}
	o := p2pOrigin
	o.CardMessageID = id
	r := outText("approved")
	r.Replace = true
	if err := snd.Deliver(context.Background(), o, []bot.Reply{r}); err != nil {
		t.Fatal(err)
	}
	if p := s.Patches(); len(p) != 1 || p[0].MessageID != id {
		t.Errorf("patches = %+v, want one of %s", p, id)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want no new one", n)
	}
}

func TestReplaceByTokenTwiceThenPatch(t *testing.T) {
	s := larktest.NewServer(t)
	snd := outSender(s)
	id, _ := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_op", Key: "c", Message: outText("card").Message})
	o := p2pOrigin
	o.CardMessageID, o.UpdateToken = id, s.CardToken(id)
	r := outText("decided")
	r.Replace = true
	if err := snd.Deliver(context.Background(), o, []bot.Reply{r, r, r}); err != nil {
		t.Fatal(err)
	}
	if u, p := s.CardUpdates(), s.Patches(); len(u) != 2 || len(p) != 1 {
		t.Errorf("%d delayed updates and %d patches, want 2 and 1 (a token serves twice)", len(u), len(p))
	}
}

func TestReplaceWithExpiredTokenPatches(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := larktest.NewServer(t, larktest.WithClock(clock))
	snd := outSender(s)
	id, _ := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_op", Key: "c", Message: outText("card").Message})
	o := p2pOrigin
	o.CardMessageID, o.UpdateToken = id, s.CardToken(id)
	mu.Lock()
	now = now.Add(31 * time.Minute)
	mu.Unlock()
	r := outText("decided")
	r.Replace = true
	if err := snd.Deliver(context.Background(), o, []bot.Reply{r}); err != nil {
		t.Fatal(err)
	}
	if u, p := s.CardUpdates(), s.Patches(); len(u) != 0 || len(p) != 1 {
		t.Errorf("%d updates, %d patches; want the patch after the token failed", len(u), len(p))
	}
}

func TestReplacePrivateInGroupGoesOneToOne(t *testing.T) {
	s := larktest.NewServer(t)
	o := groupOrigin
	o.CardMessageID = "om_in_group"
	r := outText("your plan")
	r.Replace, r.Private = true, true
	if err := outSender(s).Deliver(context.Background(), o, []bot.Reply{r}); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(s.Patches()) != 0 || len(msgs) != 1 || msgs[0].ReceiveID != "ou_op" {
		t.Errorf("patches %v, messages %+v; want a DM to the clicker and the groupOrigin card untouched", s.Patches(), msgs)
	}
}

func TestRecalledCardIsNotRetried(t *testing.T) {
	s := larktest.NewServer(t)
	snd := outSender(s)
	id, _ := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_op", Key: "c", Message: outText("card").Message})
	s.Recall(id)
	api := &countingAPI{openAPI: snd.api}
	snd.api = api
	o := p2pOrigin
	o.CardMessageID = id
	r := outText("decided")
	r.Replace = true
	err := snd.Deliver(context.Background(), o, []bot.Reply{r})
	if !errors.Is(err, ErrRecalled) || Temporary(err) {
		t.Fatalf("err = %v, want ErrRecalled, not temporary", err)
	}
	if api.patch != 1 {
		t.Errorf("%d patch calls, want 1", api.patch)
	}
}
