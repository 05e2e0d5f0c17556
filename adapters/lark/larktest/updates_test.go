package larktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	larkcontact "github.com/larksuite/oapi-sdk-go/v3/service/contact/v3"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

func TestPatch(t *testing.T) {
	clk := newClock()
	s := larktest.NewServer(t, larktest.WithClock(clk.Now))
	c := client(s, larktest.AppSecret, 5*time.Second)
	id := *send(t, c, "chat_id", "oc_a", "interactive", cardJSON("v1"), "").Data.MessageId
	if r := patch(t, c, id, cardJSON("v2")); !r.Success() {
		t.Fatalf("patch: %d %s", r.Code, r.Msg)
	}
	if got, _ := s.Card(id); !strings.Contains(mustJSON(got), "v2") {
		t.Errorf("card after patch = %v", got)
	}
	for range 4 {
		patch(t, c, id, cardJSON("v3"))
	}
	if r := patch(t, c, id, cardJSON("v4")); r.Code != larktest.CodeFrequency {
		t.Errorf("6th patch in a second: code %d, want %d", r.Code, larktest.CodeFrequency)
	}
	clk.Add(time.Second)
	noShare := `{"schema":"2.0","body":{"elements":[]}}`
	if r := patch(t, c, id, noShare); r.Code != larktest.CodeBadRequest {
		t.Errorf("unshared card: code %d, want %d", r.Code, larktest.CodeBadRequest)
	}
	if r := patch(t, c, "om_nope", cardJSON("x")); r.Code != larktest.CodeBadRequest {
		t.Errorf("unknown id: code %d", r.Code)
	}
	clk.Add(14*24*time.Hour + time.Minute)
	if r := patch(t, c, id, cardJSON("x")); r.Code != larktest.CodeTooOld {
		t.Errorf("15 days on: code %d, want %d", r.Code, larktest.CodeTooOld)
	}
	s.Recall(id)
	if r := patch(t, c, id, cardJSON("x")); r.Code != larktest.CodeRecalled {
		t.Errorf("recalled: code %d, want %d", r.Code, larktest.CodeRecalled)
	}
	if n := len(s.Patches()); n != 5 {
		t.Errorf("%d patches recorded, want 5", n)
	}
}

func TestDelayedUpdateToken(t *testing.T) {
	clk := newClock()
	s := larktest.NewServer(t, larktest.WithClock(clk.Now))
	c := client(s, larktest.AppSecret, 5*time.Second)
	id := *send(t, c, "open_id", "ou_a", "interactive", cardJSON("v1"), "").Data.MessageId
	update := func(tok string) int {
		var card map[string]any
		_ = json.Unmarshal([]byte(cardJSON("done")), &card)
		resp, err := c.Post(context.Background(), "/open-apis/interactive/v1/card/update",
			map[string]any{"token": tok, "card": card}, larkcore.AccessTokenTypeTenant)
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		var ce larkcore.CodeError
		_ = json.Unmarshal(resp.RawBody, &ce)
		return ce.Code
	}
	tok := s.CardToken(id)
	if a, b, third := update(tok), update(tok), update(tok); a != 0 || b != 0 || third != larktest.CodeBadRequest {
		t.Errorf("three uses = %d %d %d, want 0 0 %d", a, b, third, larktest.CodeBadRequest)
	}
	old := s.CardToken(id)
	clk.Add(31 * time.Minute)
	if code := update(old); code != larktest.CodeBadRequest {
		t.Errorf("after 31 min: %d", code)
	}
	if code := update("c-unknown"); code != larktest.CodeBadRequest {
		t.Errorf("unknown token: %d", code)
	}
	ups := s.CardUpdates()
	if len(ups) != 2 || ups[0].MessageID != id || ups[0].Token != tok {
		t.Errorf("updates = %+v", ups)
	}
}

func TestContactUser(t *testing.T) {
	s := larktest.NewServer(t, larktest.WithUsers(larktest.User{OpenID: "ou_a", Name: "张三", EnName: "San Zhang",
		LeaderOpenID: "ou_boss", TimeZone: "Asia/Shanghai"}))
	c := client(s, larktest.AppSecret, 5*time.Second)
	get := func(id string) *larkcontact.GetUserResp {
		resp, err := c.Contact.V3.User.Get(context.Background(),
			larkcontact.NewGetUserReqBuilder().UserId(id).UserIdType("open_id").Build())
		if err != nil {
			t.Fatalf("get user: %v", err)
		}
		return resp
	}
	u := get("ou_a")
	if !u.Success() || *u.Data.User.Name != "张三" || *u.Data.User.LeaderUserId != "ou_boss" || *u.Data.User.TimeZone != "Asia/Shanghai" {
		t.Errorf("user = %+v", u.Data)
	}
	if r := get("ou_stranger"); r.Code != larktest.CodeNoUserAuthority {
		t.Errorf("unknown user: code %d", r.Code)
	}
}

func TestLostResponseStillTakesEffect(t *testing.T) {
	s := larktest.NewServer(t)
	s.LoseNextResponses("create", 1)
	c := client(s, larktest.AppSecret, 200*time.Millisecond)
	_, err := c.Im.V1.Message.Create(context.Background(), larkim.NewCreateMessageReqBuilder().ReceiveIdType("open_id").
		Body(larkim.NewCreateMessageReqBodyBuilder().ReceiveId("ou_a").MsgType("interactive").Content(cardJSON("x")).Build()).Build())
	var te *larkcore.ClientTimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a client timeout", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want the one whose answer was lost", n)
	}
}
