package lark

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// dirClock is a settable clock for the directory.
type dirClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *dirClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *dirClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestDirectoryCachesAndRefreshes(t *testing.T) {
	s := larktest.NewServer(t, larktest.WithUsers(larktest.User{OpenID: "ou_emp", Name: "李四",
		LeaderOpenID: "ou_boss", TimeZone: "Asia/Shanghai"}))
	clk := &dirClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	people := newOutPeople(bot.Person{Tenant: "lark:tk", ID: "ou_emp", Name: "old", Locale: bot.LocaleEN, HR: true})
	d := NewDirectory(NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second), people, 24*time.Hour, clk.now)
	ctx := context.Background()

	got, err := d.Profile(ctx, "tk", "ou_emp")
	want := bot.Person{Tenant: "lark:tk", ID: "ou_emp", Name: "李四", Locale: bot.LocaleEN, TZ: "Asia/Shanghai",
		ManagerID: "ou_boss", HR: true, UpdatedAt: clk.now()}
	if err != nil || got != want {
		t.Fatalf("first profile = %+v, %v; want %+v (locale and HR kept)", got, err, want)
	}
	if people.saves != 1 {
		t.Errorf("%d saves, want the refreshed profile cached", people.saves)
	}

	s.SetUser(larktest.User{OpenID: "ou_emp", Name: "李四", LeaderOpenID: "ou_newboss"})
	clk.add(23 * time.Hour)
	if got, _ := d.Profile(ctx, "tk", "ou_emp"); got.ManagerID != "ou_boss" || people.saves != 1 {
		t.Errorf("within the ttl: manager %q after %d saves, want the cache", got.ManagerID, people.saves)
	}
	clk.add(2 * time.Hour)
	got, _ = d.Profile(ctx, "tk", "ou_emp")
	if got.ManagerID != "ou_newboss" || got.TZ != "Asia/Shanghai" || got.Locale != bot.LocaleEN || people.saves != 2 {
		t.Errorf("after the ttl: %+v after %d saves, want the new manager and the kept zone and locale", got, people.saves)
	}
}

func TestDirectoryFallsBackToCache(t *testing.T) {
	s := larktest.NewServer(t) // knows nobody: every lookup fails
	clk := &dirClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	stale := bot.Person{Tenant: "lark:tk", ID: "ou_emp", Name: "Cached", UpdatedAt: clk.t.Add(-48 * time.Hour)}
	d := NewDirectory(NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second), newOutPeople(stale), 0, clk.now)
	if got, err := d.Profile(context.Background(), "tk", "ou_emp"); err != nil || got != stale {
		t.Errorf("profile = %+v, %v; want the stale cache", got, err)
	}
	_, err := d.Profile(context.Background(), "tk", "ou_nobody")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != larktest.CodeNoUserAuthority || !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown user: err = %v, want the API's code, read by the engine as no such person", err)
	}
}

func TestChatType(t *testing.T) {
	s := larktest.NewServer(t)
	s.SetChat("oc_topic", "topic")
	c := NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second)
	snd := NewSender(SenderOptions{Client: c, AppID: larktest.AppID, Limiter: larktest.NewLimiter(nil)})
	id, _ := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_a", Key: "k", Message: outText("x").Message})
	p2pChat := s.Messages()[0].ChatID
	if _, err := snd.Send(context.Background(), "tk", bot.Reply{Chat: "oc_team", Key: "k", Message: outText("x").Message}); err != nil || id == "" {
		t.Fatal(err)
	}
	d := NewDirectory(c, newOutPeople(), 0, nil)
	for chat, want := range map[string]string{p2pChat: "p2p", "oc_team": "group", "oc_topic": "group"} {
		if got, err := d.ChatType(context.Background(), "tk", chat); err != nil || got != want {
			t.Errorf("ChatType(%s) = %q, %v; want %q", chat, got, err, want)
		}
	}
	if _, err := d.ChatType(context.Background(), "tk", "oc_unknown"); err == nil {
		t.Errorf("unknown chat: no error")
	}
}
