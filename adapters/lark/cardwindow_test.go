package lark

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The tests of Feishu's 14-day card window run the real SDK against the
// fake Open API and the real store (SQLite), on one controllable clock.

const windowTenant = "tk"

type windowEnv struct {
	clk    *fakeClock
	srv    *larktest.Server
	db     *storage.DB
	sender *Sender
}

func newWindowEnv(t *testing.T, clk *fakeClock) *windowEnv {
	t.Helper()
	if clk == nil {
		clk = &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	}
	srv := larktest.NewServer(t, larktest.WithClock(clk.Now))
	db, err := storage.Open(context.Background(), storagetest.SQLite(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := outSender(srv, func(o *SenderOptions) { o.Cards, o.Clock = db, clk.Now })
	return &windowEnv{clk: clk, srv: srv, db: db, sender: s}
}

func (e *windowEnv) refresher(owner string, aw Awaiter) *Refresher {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	return NewRefresher(RefresherOptions{Sender: e.sender, Cards: e.db, Awaiter: aw, Owner: owner, Zone: shanghai,
		Lease: time.Minute, Clock: e.clk.Now})
}

func (e *windowEnv) cards(t *testing.T) []bot.SentCard {
	t.Helper()
	cs, err := e.db.SentCards(context.Background(), tenantOf(windowTenant))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// approvalCard is plan 12's card for its manager, waiting for a decision.
func approvalCard() bot.Reply {
	ref := map[string]string{"plan": "12"}
	return bot.Reply{To: "ou_mgr", Private: true, Key: "lark:tk:plan:12:v3:submitted:ou_mgr", Message: bot.Message{
		Title: "绩效改进计划 #12", Color: bot.ColorOrange, Blocks: []bot.Block{
			bot.Text{Body: "张三 提交了计划 #12，请审批"},
			bot.Buttons{{Label: "批准", Action: bot.ActionRef{ID: "plan.approve", Args: ref}, Style: bot.StylePrimary},
				{Label: "退回修改", Action: bot.ActionRef{ID: "plan.changes", Args: ref}}},
		}}}
}

// statusCard is plan 12's card with nothing to decide, only to look.
func statusCard() bot.Reply {
	return bot.Reply{To: "ou_mgr", Private: true, Key: "status-12", Message: bot.Message{Title: "绩效改进计划 #12",
		Blocks: []bot.Block{bot.Text{Body: "进度 40%"},
			bot.Buttons{{Label: "刷新", Action: bot.ActionRef{ID: "plan.show", Args: map[string]string{"plan": "12"}}}}}}}
}

func cardText(c map[string]any) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// awaiterFunc is an Awaiter in a function.
type awaiterFunc func(tenant string, number int, action, person string) (*bot.Message, bool, error)

func (f awaiterFunc) Awaited(_ context.Context, tenant string, number int, action, person string) (*bot.Message, bool, error) {
	return f(tenant, number, action, person)
}

// A card waiting for the manager's approval is sent again on day 13,
// exactly once although two replicas' refreshers race, with a fresh uuid;
// the old card is patched to point to the new one, in both languages and
// the reader's zone; the row follows the new card, which is sent again 13
// days later in its turn.
func TestWaitingCardSentAgainOnceBeforeWindowCloses(t *testing.T) {
	e := newWindowEnv(t, nil)
	ctx := context.Background()
	first, err := e.sender.Send(ctx, windowTenant, approvalCard())
	if err != nil {
		t.Fatal(err)
	}
	cs := e.cards(t)
	if len(cs) != 1 || cs[0].Kind != "plan.approve" || cs[0].Plan != 12 || cs[0].MessageID != first ||
		cs[0].Recipient != "ou_mgr" || cs[0].RecipientType != "open_id" || !cs[0].SentAt.Equal(e.clk.Now()) {
		t.Fatalf("kept cards = %+v", cs)
	}
	a, b := e.refresher("replica-a", nil), e.refresher("replica-b", nil)
	e.clk.Advance(12 * 24 * time.Hour)
	if n, err := a.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("day 12: sent %d, %v; want none yet", n, err)
	}
	e.clk.Advance(24 * time.Hour) // day 13
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, f := range []*Refresher{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := f.RunOnce(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	msgs := e.srv.Messages()
	if total != 1 || len(msgs) != 2 {
		t.Fatalf("day 13: refreshers sent %d, platform has %d messages; want 1 and 2", total, len(msgs))
	}
	re := msgs[1]
	if re.ReceiveIDType != "open_id" || re.ReceiveID != "ou_mgr" || re.UUID == "" || re.UUID == msgs[0].UUID {
		t.Errorf("sent again as %+v", re)
	}
	if txt := cardText(re.Card); !strings.Contains(txt, "plan.approve") || !strings.Contains(txt, "重新发送") {
		t.Errorf("new card lacks the approval or the note: %s", txt)
	}
	old, _ := e.srv.Card(first)
	if txt := cardText(old); !strings.Contains(txt, "此卡片已过期，请查看 2026-06-14 17:00 发送的新卡片") ||
		!strings.Contains(txt, "This card has expired; see the new one sent on 2026-06-14 17:00") || strings.Contains(txt, "plan.approve") {
		t.Errorf("old card now: %s", txt)
	}
	cs = e.cards(t)
	if len(cs) != 1 || cs[0].MessageID != re.ID || cs[0].PrevMessageID != first || cs[0].Generation != 1 || !cs[0].SentAt.Equal(e.clk.Now()) {
		t.Fatalf("kept card after sending again: %+v", cs)
	}
	if n, _ := b.RunOnce(ctx); n != 0 || len(e.srv.Messages()) != 2 {
		t.Errorf("a second round on day 13 sent %d", n)
	}
	e.clk.Advance(13 * 24 * time.Hour) // the new card's day 13
	if n, err := b.RunOnce(ctx); n != 1 || err != nil || len(e.srv.Messages()) != 3 {
		t.Fatalf("the new card's day 13: sent %d, %v", n, err)
	}
	if cs = e.cards(t); cs[0].Generation != 2 || cs[0].PrevMessageID != re.ID {
		t.Errorf("after the second round: %+v", cs[0])
	}
}

// A crash between sending again and recording it: the replica that takes
// the card over after the lease sends the same uuid, so the platform shows
// one new card.
func TestCardSentAgainAfterLostLeaseNotDoubled(t *testing.T) {
	e := newWindowEnv(t, nil)
	ctx := context.Background()
	if _, err := e.sender.Send(ctx, windowTenant, approvalCard()); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(13 * 24 * time.Hour)
	e.srv.LoseNextResponses("patch", 1) // the old card's patch times out: the lease is given back
	a := e.refresher("replica-a", nil)
	a.o.Sender.timeout, a.o.Sender.attempts = 200*time.Millisecond, 1
	if n, err := a.RunOnce(ctx); n != 0 || err == nil {
		t.Fatalf("round with a lost answer: sent %d, %v", n, err)
	}
	e.clk.Advance(2 * time.Minute)
	if n, err := e.refresher("replica-b", nil).RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("next round: sent %d, %v", n, err)
	}
	if msgs := e.srv.Messages(); len(msgs) != 2 {
		t.Errorf("%d messages, want the card and one new card", len(msgs))
	}
}

// A card answered by a click that replaced it is not sent again; nor is one
// whose plan moved on (the Awaiter says so), and that one is resolved.
func TestResolvedCardNotSentAgain(t *testing.T) {
	e := newWindowEnv(t, nil)
	ctx := context.Background()
	clicked, err := e.sender.Send(ctx, windowTenant, approvalCard())
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)
	decided := bot.Reply{Replace: true, Private: true, Message: bot.Message{Title: "绩效改进计划 #12",
		Blocks: []bot.Block{bot.Text{Body: "已批准 **#12**"}}}}
	o := Origin{TenantKey: windowTenant, ChatID: "oc_p2p_mgr", ChatType: "p2p", CardMessageID: clicked, OperatorID: "ou_mgr", EventID: "ev-click"}
	if err := e.sender.Deliver(ctx, o, []bot.Reply{decided}); err != nil {
		t.Fatal(err)
	}
	if len(e.srv.Patches()) != 1 {
		t.Fatalf("the click did not update the card in place")
	}
	other := approvalCard()
	other.To, other.Key = "ou_hr", "for-hr"
	if _, err := e.sender.Send(ctx, windowTenant, other); err != nil {
		t.Fatal(err)
	}
	asked := 0
	movedOn := awaiterFunc(func(tenant string, number int, action, person string) (*bot.Message, bool, error) {
		asked++
		if tenant != "lark:tk" || number != 12 || action != "plan.approve" || person != "ou_hr" {
			t.Errorf("asked about %s %d %s %s", tenant, number, action, person)
		}
		return nil, false, nil
	})
	e.clk.Advance(13 * 24 * time.Hour)
	if n, err := e.refresher("r", movedOn).RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("sent %d, %v; want none", n, err)
	}
	if asked != 1 || len(e.srv.Messages()) != 2 || len(e.srv.Patches()) != 1 {
		t.Errorf("asked %d times, %d messages, %d patches", asked, len(e.srv.Messages()), len(e.srv.Patches()))
	}
	for _, c := range e.cards(t) {
		if c.ResolvedAt.IsZero() {
			t.Errorf("card %+v still waits", c)
		}
	}
}

// A card sent again shows the plan as it is now when the Awaiter has it.
func TestCardSentAgainIsRebuilt(t *testing.T) {
	e := newWindowEnv(t, nil)
	ctx := context.Background()
	if _, err := e.sender.Send(ctx, windowTenant, approvalCard()); err != nil {
		t.Fatal(err)
	}
	now := approvalCard().Message
	now.Blocks = append([]bot.Block{bot.Text{Body: "进度 55%"}}, now.Blocks...)
	aw := awaiterFunc(func(string, int, string, string) (*bot.Message, bool, error) { return &now, true, nil })
	e.clk.Advance(13 * 24 * time.Hour)
	if n, err := e.refresher("r", aw).RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("sent %d, %v", n, err)
	}
	if txt := cardText(e.srv.Messages()[1].Card); !strings.Contains(txt, "进度 55%") {
		t.Errorf("new card is not the plan as it is now: %s", txt)
	}
}

// A click on a status card sent 20 days ago is answered with a new card:
// no replacement inline (the platform would not show it), a toast saying
// so, and the answer as a new message in the clicker's chat.
func TestClickOnDay20CardAnsweredWithNewCard(t *testing.T) {
	h := newHarness(t, nil)
	e := newWindowEnv(t, h.clock)
	h.a.opts.Deliverer, h.a.opts.Cards = e.sender, e.db
	h.engine.reply = func(bot.Command) ([]bot.Reply, error) {
		return []bot.Reply{{Replace: true, Private: true, Message: statusCard().Message}}, nil
	}
	h.start(t)
	ctx := context.Background()
	old, err := e.sender.Send(ctx, testTenantKey, statusCard())
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(20 * 24 * time.Hour)
	if !e.srv.Expired(old) {
		t.Fatal("the fake does not count the card expired")
	}
	payload := edited(t, fixture(t, "card_approve.json"), map[string]any{
		"event.context.open_message_id": old, "event.action.value": map[string]any{"action": "plan.show", "args": map[string]any{"plan": "12"}}})
	ans := click(t, h, payload)
	if ans.Card != nil {
		t.Errorf("answered with a replacement card on a day-20 card")
	}
	if ans.Toast == nil || ans.Toast.Content != msgResent.zh {
		t.Errorf("toast %+v", ans.Toast)
	}
	waitFor(t, "the new card", func() bool { return len(e.srv.Messages()) == 2 })
	m := e.srv.Messages()[1]
	if m.ReceiveIDType != "chat_id" || m.ReceiveID != "oc_dm_mgr" || !strings.Contains(cardText(m.Card), "进度 40%") {
		t.Errorf("new card %+v", m)
	}
	if len(e.srv.Patches()) != 0 {
		t.Errorf("patched a card past its window")
	}
}

// An answer that was to update a clicked card in place (here: after the
// callback, by the sender) falls back to a new card when the platform
// refuses the update for age (230031).
func TestUpdateOfOldCardFallsBackToNewCard(t *testing.T) {
	e := newWindowEnv(t, nil)
	ctx := context.Background()
	old, err := e.sender.Send(ctx, windowTenant, approvalCard())
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(15 * 24 * time.Hour)
	o := Origin{TenantKey: windowTenant, ChatID: "oc_p2p_mgr", ChatType: "p2p", CardMessageID: old, OperatorID: "ou_mgr", EventID: "ev-late"}
	decided := bot.Reply{Replace: true, Private: true, Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "已批准 #12"}}}}
	if err := e.sender.Deliver(ctx, o, []bot.Reply{decided}); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	msgs := e.srv.Messages()
	if len(msgs) != 2 || msgs[1].ReceiveID != "oc_p2p_mgr" || !strings.Contains(cardText(msgs[1].Card), "已批准") {
		t.Fatalf("messages %+v, want the answer as a new card in the chat", msgs)
	}
	if cs := e.cards(t); cs[0].ResolvedAt.IsZero() {
		t.Errorf("the dead card still waits: %+v", cs[0])
	}
}

// A click that answers the card while the refresher is at it (after the
// claim, before the new card goes out) wins: nothing is sent again and the
// old card keeps the click's answer.
func TestClickDuringRefreshWins(t *testing.T) {
	e := newWindowEnv(t, nil)
	ctx := context.Background()
	id, err := e.sender.Send(ctx, windowTenant, approvalCard())
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(13 * 24 * time.Hour)
	decided := bot.Reply{Replace: true, Private: true, Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "已批准 #12"}}}}
	clickNow := awaiterFunc(func(string, int, string, string) (*bot.Message, bool, error) {
		o := Origin{TenantKey: windowTenant, ChatID: "oc_p2p_mgr", ChatType: "p2p", CardMessageID: id, OperatorID: "ou_mgr", EventID: "ev-race"}
		if err := e.sender.Deliver(ctx, o, []bot.Reply{decided}); err != nil {
			t.Error(err)
		}
		m := approvalCard().Message
		return &m, true, nil
	})
	if n, err := e.refresher("r", clickNow).RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("sent %d, %v; want none", n, err)
	}
	if len(e.srv.Messages()) != 1 {
		t.Errorf("%d messages, want only the first card", len(e.srv.Messages()))
	}
	if got, _ := e.srv.Card(id); !strings.Contains(cardText(got), "已批准") {
		t.Errorf("old card lost the click's answer: %s", cardText(got))
	}
}
