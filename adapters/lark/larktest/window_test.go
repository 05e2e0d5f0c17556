package larktest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

// TestCardWindow: a card can be patched for 14 days after it was sent, then
// the platform answers 230031 on a patch and on a delayed update alike.
func TestCardWindow(t *testing.T) {
	clk := newClock()
	s := larktest.NewServer(t, larktest.WithClock(clk.Now))
	c := client(s, larktest.AppSecret, 5*time.Second)
	id := *send(t, c, "open_id", "ou_a", "interactive", cardJSON("v1"), "").Data.MessageId
	clk.Add(13 * 24 * time.Hour)
	if r := patch(t, c, id, cardJSON("day13")); !r.Success() {
		t.Fatalf("patch on day 13: %d %s", r.Code, r.Msg)
	}
	if s.Expired(id) {
		t.Error("expired on day 13")
	}
	clk.Add(24*time.Hour - 10*time.Minute)
	tok := s.CardToken(id) // a click just before the window closes
	clk.Add(11 * time.Minute)
	if !s.Expired(id) {
		t.Error("not expired past 14 days")
	}
	if r := patch(t, c, id, cardJSON("day14")); r.Code != larktest.CodeTooOld {
		t.Errorf("patch past 14 days: code %d, want %d", r.Code, larktest.CodeTooOld)
	}
	var card map[string]any
	_ = json.Unmarshal([]byte(cardJSON("late")), &card)
	resp, err := c.Post(context.Background(), "/open-apis/interactive/v1/card/update",
		map[string]any{"token": tok, "card": card}, larkcore.AccessTokenTypeTenant)
	if err != nil {
		t.Fatal(err)
	}
	var ce larkcore.CodeError
	_ = json.Unmarshal(resp.RawBody, &ce)
	if ce.Code != larktest.CodeTooOld {
		t.Errorf("delayed update past 14 days: code %d, want %d", ce.Code, larktest.CodeTooOld)
	}
	if got, _ := s.Card(id); mustJSON(got) != mustJSON(s.Patches()[0].Card) {
		t.Errorf("card changed after the window: %v", got)
	}
}
