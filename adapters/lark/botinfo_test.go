package lark

import (
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

func TestBotInfoFromTheOpenAPI(t *testing.T) {
	srv := larktest.NewServer(t)
	c := NewClient(larktest.AppID, larktest.AppSecret, srv.URL, 5*time.Second)
	id, name, err := BotInfo(context.Background(), c)
	if err != nil || id != larktest.BotOpenID || name != larktest.BotName {
		t.Fatalf("BotInfo = %q %q %v", id, name, err)
	}
	bad := NewClient(larktest.AppID, "wrong-secret", srv.URL, 5*time.Second)
	if _, _, err := BotInfo(context.Background(), bad); err == nil {
		t.Fatal("a wrong app secret gave a bot")
	}
}
