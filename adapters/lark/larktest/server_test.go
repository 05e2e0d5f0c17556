package larktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"
	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"
	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

// clock is a settable clock for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// client is the real SDK pointed at s.
func client(s *larktest.Server, secret string, timeout time.Duration) *lark.Client {
	return lark.NewClient(larktest.AppID, secret, lark.WithOpenBaseUrl(s.URL),
		lark.WithReqTimeout(timeout), lark.WithLogLevel(larkcore.LogLevelError))
}

// cardJSON is a minimal shared card 2.0 carrying text.
func cardJSON(text string) string {
	b, _ := json.Marshal(map[string]any{"schema": "2.0", "config": map[string]any{"update_multi": true},
		"body": map[string]any{"elements": []any{map[string]any{"tag": "markdown", "content": text}}}})
	return string(b)
}

// send creates a message through the SDK.
func send(t *testing.T, c *lark.Client, idType, id, msgType, content, uuid string) *larkim.CreateMessageResp {
	t.Helper()
	body := larkim.NewCreateMessageReqBodyBuilder().ReceiveId(id).MsgType(msgType).Content(content)
	if uuid != "" {
		body = body.Uuid(uuid)
	}
	resp, err := c.Im.V1.Message.Create(context.Background(),
		larkim.NewCreateMessageReqBuilder().ReceiveIdType(idType).Body(body.Build()).Build())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return resp
}

func patch(t *testing.T, c *lark.Client, id, content string) *larkim.PatchMessageResp {
	t.Helper()
	resp, err := c.Im.V1.Message.Patch(context.Background(), larkim.NewPatchMessageReqBuilder().MessageId(id).
		Body(larkim.NewPatchMessageReqBodyBuilder().Content(content).Build()).Build())
	if err != nil {
		t.Fatalf("patch: %v", err)
	}
	return resp
}

func TestTokenRefusesWrongSecret(t *testing.T) {
	s := larktest.NewServer(t)
	_, err := client(s, "not-the-secret", 5*time.Second).Im.V1.Message.Create(context.Background(),
		larkim.NewCreateMessageReqBuilder().ReceiveIdType("open_id").Body(larkim.NewCreateMessageReqBodyBuilder().
			ReceiveId("ou_a").MsgType("text").Content(`{"text":"hi"}`).Build()).Build())
	var ce larkcore.CodeError
	if !errors.As(err, &ce) || ce.Code != larktest.CodeAppSecretInvalid {
		t.Fatalf("err = %v, want code %d", err, larktest.CodeAppSecretInvalid)
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages recorded, want 0", n)
	}
}

func TestCreateDedupesUUIDForAnHour(t *testing.T) {
	clk := newClock()
	s := larktest.NewServer(t, larktest.WithClock(clk.Now))
	c := client(s, larktest.AppSecret, 5*time.Second)
	first := send(t, c, "open_id", "ou_a", "interactive", cardJSON("one"), "u-1")
	again := send(t, c, "open_id", "ou_a", "interactive", cardJSON("one"), "u-1")
	if !first.Success() || !again.Success() || *first.Data.MessageId != *again.Data.MessageId {
		t.Fatalf("ids %v %v, want the same message twice", first.Data, again.Data)
	}
	clk.Add(time.Hour)
	later := send(t, c, "open_id", "ou_a", "interactive", cardJSON("one"), "u-1")
	if *later.Data.MessageId == *first.Data.MessageId {
		t.Errorf("uuid still deduped after an hour")
	}
	msgs := s.Messages()
	if len(msgs) != 2 || msgs[0].UUID != "u-1" || msgs[0].Card["schema"] != "2.0" || msgs[0].ReceiveID != "ou_a" {
		t.Errorf("messages = %+v, want 2 with uuid u-1", msgs)
	}
}

func TestCreateValidates(t *testing.T) {
	s := larktest.NewServer(t)
	c := client(s, larktest.AppSecret, 5*time.Second)
	big := cardJSON(strings.Repeat("x", 31<<10))
	// Under 30 KB as JSON, over it as the request's escaped content string.
	quoted := cardJSON(strings.Repeat(`"`, 12<<10))
	if len(quoted) >= 30<<10 {
		t.Fatalf("the escaped-size case is %d bytes before escaping", len(quoted))
	}
	v1, _ := json.Marshal(map[string]any{"elements": []any{}})
	withConfig := func(cfg map[string]any) string {
		b, _ := json.Marshal(map[string]any{"schema": "2.0", "config": cfg, "body": map[string]any{"elements": []any{}}})
		return string(b)
	}
	tests := []struct {
		name, idType, id, msgType, content, uuid string
		code                                     int
	}{
		{"card over 30 KB", "open_id", "ou_a", "interactive", big, "", larktest.CodeTooLong},
		{"card over 30 KB once escaped", "open_id", "ou_a", "interactive", quoted, "", larktest.CodeTooLong},
		{"card schema 1.0", "open_id", "ou_a", "interactive", string(v1), "", larktest.CodeCardInvalid},
		{"unknown config attribute", "open_id", "ou_a", "interactive", withConfig(map[string]any{"update_multi": true, "forward": false}), "", larktest.CodeCardInvalid},
		{"enable_forward not a boolean", "open_id", "ou_a", "interactive", withConfig(map[string]any{"update_multi": true, "enable_forward": "false"}), "", larktest.CodeCardInvalid},
		{"content not JSON", "open_id", "ou_a", "interactive", "{", "", larktest.CodeBadRequest},
		{"chat id as open id", "open_id", "oc_a", "interactive", cardJSON("x"), "", larktest.CodeBadRequest},
		{"unknown msg_type", "chat_id", "oc_a", "post", "{}", "", larktest.CodeBadRequest},
		{"uuid over 50", "chat_id", "oc_a", "text", `{"text":"x"}`, strings.Repeat("u", 51), larktest.CodeBadRequest},
		{"text", "chat_id", "oc_a", "text", `{"text":"hello"}`, "", 0},
		{"unforwardable card", "chat_id", "oc_a", "interactive", withConfig(map[string]any{"update_multi": true, "enable_forward": false, "enable_forward_interaction": false}), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := send(t, c, tt.idType, tt.id, tt.msgType, tt.content, tt.uuid)
			if resp.Code != tt.code {
				t.Errorf("code = %d (%s), want %d", resp.Code, resp.Msg, tt.code)
			}
		})
	}
	if msgs := s.Messages(); len(msgs) != 2 || msgs[0].Text != "hello" || msgs[1].MsgType != "interactive" {
		t.Errorf("messages = %+v, want only the text and the unforwardable card", msgs)
	}
}

func TestRateLimitAnswers429(t *testing.T) {
	clk := newClock()
	s := larktest.NewServer(t, larktest.WithClock(clk.Now), larktest.WithCeilings(larktest.Platform.Scale(0.02)))
	c := client(s, larktest.AppSecret, 5*time.Second)
	if r := send(t, c, "open_id", "ou_a", "interactive", cardJSON("1"), ""); !r.Success() {
		t.Fatalf("first: %d %s", r.Code, r.Msg)
	}
	clk.Add(300 * time.Millisecond)
	r := send(t, c, "open_id", "ou_b", "interactive", cardJSON("2"), "")
	if r.StatusCode != http.StatusTooManyRequests || r.Code != larktest.CodeRateLimited {
		t.Fatalf("second: HTTP %d code %d, want 429 %d", r.StatusCode, r.Code, larktest.CodeRateLimited)
	}
	if got := r.Header.Get("x-ogw-ratelimit-reset"); got != "1" {
		t.Errorf("x-ogw-ratelimit-reset = %q, want 1", got)
	}
	if got := r.Header.Get("x-ogw-ratelimit-limit"); got != "1" {
		t.Errorf("x-ogw-ratelimit-limit = %q, want 1", got)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	clk.Add(700 * time.Millisecond)
	if r := send(t, c, "open_id", "ou_b", "interactive", cardJSON("2"), ""); !r.Success() {
		t.Errorf("after reset: %d %s", r.Code, r.Msg)
	}
	if n := s.Count429(); n != 1 {
		t.Errorf("Count429 = %d, want 1", n)
	}
}

func TestRecipientLimits(t *testing.T) {
	clk := newClock()
	s := larktest.NewServer(t, larktest.WithClock(clk.Now))
	c := client(s, larktest.AppSecret, 5*time.Second)
	for _, to := range []struct{ idType, id, other string }{{"open_id", "ou_a", "ou_b"}, {"chat_id", "oc_a", "oc_b"}} {
		for i := range 5 {
			if r := send(t, c, to.idType, to.id, "interactive", cardJSON("x"), ""); !r.Success() {
				t.Fatalf("%s message %d: %d", to.id, i, r.Code)
			}
		}
		if r := send(t, c, to.idType, to.id, "interactive", cardJSON("x"), ""); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("6th to %s in a second: HTTP %d, want 429", to.id, r.StatusCode)
		}
		if r := send(t, c, to.idType, to.other, "interactive", cardJSON("x"), ""); !r.Success() {
			t.Errorf("to %s: %d, want its own limit", to.other, r.Code)
		}
	}
}

func TestUnknownPathAnswersJSON(t *testing.T) {
	s := larktest.NewServer(t)
	resp, err := http.Get(s.URL + "/open-apis/nope")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("HTTP %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestLimiterBucket(t *testing.T) {
	clk := newClock()
	l := larktest.NewLimiter(clk.Now)
	ctx := context.Background()
	for i := range 2 {
		if ok, _, _ := l.Allow(ctx, "k", 4, 2); !ok {
			t.Fatalf("token %d refused within burst", i)
		}
	}
	ok, wait, _ := l.Allow(ctx, "k", 4, 2)
	if ok || wait != 250*time.Millisecond {
		t.Errorf("over burst: ok=%v wait=%v, want refused for 250ms", ok, wait)
	}
	clk.Add(250 * time.Millisecond)
	if ok, _, _ := l.Allow(ctx, "k", 4, 2); !ok {
		t.Errorf("refill refused")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
