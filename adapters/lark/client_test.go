package lark

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

func TestBaseURL(t *testing.T) {
	tests := []struct{ domain, want string }{
		{"feishu", "https://open.feishu.cn"},
		{"", lark.FeishuBaseUrl},
		{"lark", "https://open.larksuite.com"},
		{"http://127.0.0.1:9999", "http://127.0.0.1:9999"},
	}
	for _, tt := range tests {
		if got := BaseURL(tt.domain); got != tt.want {
			t.Errorf("BaseURL(%q) = %q, want %q", tt.domain, got, tt.want)
		}
	}
}

func TestTemporary(t *testing.T) {
	limited := &APIError{Op: "send", Status: http.StatusTooManyRequests, Code: codeRateLimited}
	recalled := &APIError{Op: "patch", Status: 400, Code: codeRecalled}
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{ErrPrivateToGroup, false},
		{fmt.Errorf("reply 0: %w", ErrNoRecipient), false},
		{recalled, false},
		{&APIError{Status: 400, Code: codeFrequency}, true},
		{fmt.Errorf("send: gave up: %w", limited), true},
		{&APIError{Status: 502, Code: 0}, true},
		{fmt.Errorf("send: %w", context.DeadlineExceeded), true},
		{errors.Join(recalled, limited), true},
		{errors.Join(recalled, ErrPrivateToGroup), false},
	}
	for _, tt := range tests {
		if got := Temporary(tt.err); got != tt.want {
			t.Errorf("Temporary(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if !errors.Is(fmt.Errorf("x: %w", recalled), ErrRecalled) || errors.Is(recalled, ErrTooOld) {
		t.Errorf("sentinels match by code")
	}
}

func TestWrongSecretIsTerminal(t *testing.T) {
	s := larktest.NewServer(t)
	snd := NewSender(SenderOptions{Client: NewClient(larktest.AppID, "wrong", s.URL, 5*time.Second),
		AppID: larktest.AppID, Limiter: larktest.NewLimiter(nil)})
	start := time.Now()
	_, err := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_a", Key: "k", Message: outText("x").Message})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != larktest.CodeAppSecretInvalid || Temporary(err) {
		t.Fatalf("err = %v, want the token error, not temporary", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("a wrong secret was retried")
	}
}

func TestLarkAndFeishuClientsUseTheirBase(t *testing.T) {
	for _, domain := range []string{"feishu", "lark"} {
		s := larktest.NewServer(t)
		// The fake stands in for the domain's host; the client must call
		// the base it is given for the token and the API alike.
		c := NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second)
		snd := NewSender(SenderOptions{Client: c, AppID: larktest.AppID, Limiter: larktest.NewLimiter(nil)})
		if _, err := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_a", Key: domain, Message: outText("x").Message}); err != nil {
			t.Fatalf("%s: %v", domain, err)
		}
		if n := len(s.Messages()); n != 1 {
			t.Errorf("%s: %d messages at the given base", domain, n)
		}
	}
}
