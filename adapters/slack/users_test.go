package slack

import (
	"errors"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// outDirectory is a Directory on a fake that knows users, both on clk.
func outDirectory(t *testing.T, clk *outClock, people *outPeople, users ...slacktest.User) (*Directory, *slacktest.Server) {
	t.Helper()
	fake := slacktest.NewServer(t, slacktest.WithClock(clk.Now), slacktest.WithUsers(users...))
	return NewDirectory(NewClient(slacktest.BotToken, fake.APIURL(), time.Second), people, 24*time.Hour, clk.Now), fake
}

func TestDirectoryCachesAndRefreshes(t *testing.T) {
	clk := &outClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	people := newOutPeople()
	li := slacktest.User{ID: "U1", Name: "lilei", RealName: "Li Lei", TZ: "Asia/Shanghai", Locale: "zh-CN"}
	d, fake := outDirectory(t, clk, people, li)
	tenant := tenantOf(slacktest.TeamID)

	p, err := d.Profile(outCtx, slacktest.TeamID, "U1")
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Person{Tenant: tenant, ID: "U1", Name: "Li Lei", TZ: "Asia/Shanghai", Locale: bot.LocaleZH, UpdatedAt: clk.Now()}
	if p != want || people.get(tenant, "U1") != want {
		t.Fatalf("profile %+v, saved %+v; want %+v", p, people.get(tenant, "U1"), want)
	}

	clk.Add(23 * time.Hour)
	if _, err := d.Profile(outCtx, slacktest.TeamID, "U1"); err != nil || fake.Calls("users.info") != 1 {
		t.Fatalf("within the TTL: %v, %d users.info calls; want the cache", err, fake.Calls("users.info"))
	}

	li.RealName, li.TZ, li.Locale = "Li Lei (Sales)", "Europe/London", "en-GB"
	fake.SetUser(li)
	clk.Add(2 * time.Hour)
	p, err = d.Profile(outCtx, slacktest.TeamID, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Li Lei (Sales)" || p.TZ != "Europe/London" || p.Locale != bot.LocaleZH || !p.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("after the TTL: %+v; want the new name and zone, the stored language kept", p)
	}
	if fake.Calls("users.info") != 2 {
		t.Errorf("%d users.info calls, want 2", fake.Calls("users.info"))
	}

	fake.Close() // Slack unreachable
	clk.Add(25 * time.Hour)
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U1"); err != nil || p.Name != "Li Lei (Sales)" {
		t.Errorf("Slack down: %+v, %v; want the cached profile", p, err)
	}
}

func TestDirectoryKeepsChosenLanguage(t *testing.T) {
	clk := &outClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	tenant := tenantOf(slacktest.TeamID)
	people := newOutPeople(bot.Person{Tenant: tenant, ID: "U1", Name: "Ann", Locale: bot.LocaleEN, ManagerID: "U9", HR: true})
	d, _ := outDirectory(t, clk, people, slacktest.User{ID: "U1", Name: "ann", RealName: "Ann Wu", TZ: "Asia/Shanghai", Locale: "zh-CN"})
	p, err := d.Profile(outCtx, slacktest.TeamID, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Locale != bot.LocaleEN || p.Name != "Ann Wu" || p.ManagerID != "" || !p.HR {
		t.Errorf("profile %+v; want the chosen language and HR flag kept, no manager without a manager field", p)
	}
}

func TestDirectoryLocales(t *testing.T) {
	tests := []struct {
		slack string
		want  bot.Locale
	}{
		{"zh-CN", bot.LocaleZH}, {"zh-TW", bot.LocaleZH}, {"en-US", bot.LocaleEN}, {"en-GB", bot.LocaleEN},
		{"ja-JP", ""}, {"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.slack, func(t *testing.T) {
			clk := &outClock{t: time.Now()}
			d, _ := outDirectory(t, clk, newOutPeople(), slacktest.User{ID: "U1", Name: "x", TZ: "Mars/Olympus", Locale: tt.slack})
			p, err := d.Profile(outCtx, slacktest.TeamID, "U1")
			if err != nil {
				t.Fatal(err)
			}
			if p.Locale != tt.want || p.TZ != "" || p.Name != "x" {
				t.Errorf("profile %+v; want locale %q, no zone Go does not know, the handle as name", p, tt.want)
			}
		})
	}
}

func TestDirectoryUnknownUser(t *testing.T) {
	clk := &outClock{t: time.Now()}
	d, _ := outDirectory(t, clk, newOutPeople())
	if _, err := d.Profile(outCtx, slacktest.TeamID, "U404"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown user: %v, want bot.ErrNotFound, which the engine reads as no such person", err)
	}
}
