package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// managerField is the workspace's custom "user" field naming a manager.
const managerField = "Xf01MGR"

// The people of the manager tests: an employee whose field names their
// manager, the manager (who never wrote to the bot), and someone whose
// field is empty.
var (
	mgrEmp  = slacktest.User{ID: "U0EMP", Name: "zhang", RealName: "张三", TZ: "Asia/Shanghai", Locale: "zh-CN", Fields: map[string]string{managerField: "U0MGR", "Xf02": "Sales"}}
	mgrMgr  = slacktest.User{ID: "U0MGR", Name: "li", RealName: "Li Lei", TZ: "Europe/London", Locale: "en-GB"}
	mgrNone = slacktest.User{ID: "U0NEW", Name: "wang", RealName: "王五", TZ: "Asia/Shanghai", Locale: "zh-CN"}
)

// managerDirectory is a Directory with the manager field on a fake that
// knows users, both on clk; opts adjust the fake.
func managerDirectory(t *testing.T, clk *outClock, people *outPeople, ttl time.Duration, opts ...slacktest.Option) (*Directory, *slacktest.Server) {
	t.Helper()
	opts = append([]slacktest.Option{slacktest.WithClock(clk.Now), slacktest.WithUsers(mgrEmp, mgrMgr, mgrNone)}, opts...)
	fake := slacktest.NewServer(t, opts...)
	d := NewDirectory(NewClient(slacktest.BotToken, fake.APIURL(), time.Second), people, ttl, clk.Now).WithManagerField(managerField)
	return d, fake
}

func TestDirectoryManagerField(t *testing.T) {
	clk := &outClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	people := newOutPeople()
	d, fake := managerDirectory(t, clk, people, 24*time.Hour)
	tenant := tenantOf(slacktest.TeamID)

	p, err := d.Profile(outCtx, slacktest.TeamID, "U0EMP")
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Person{Tenant: tenant, ID: "U0EMP", Name: "张三", TZ: "Asia/Shanghai", Locale: bot.LocaleZH, ManagerID: "U0MGR", UpdatedAt: clk.Now()}
	if p != want || people.get(tenant, "U0EMP") != want {
		t.Fatalf("profile %+v, saved %+v; want %+v", p, people.get(tenant, "U0EMP"), want)
	}
	// The manager, never seen before, comes with their language and zone.
	m, err := d.Profile(outCtx, slacktest.TeamID, p.ManagerID)
	if err != nil || m.Locale != bot.LocaleEN || m.TZ != "Europe/London" || m.Name != "Li Lei" || m.ManagerID != "" {
		t.Errorf("manager %+v, %v; want English, London, no manager of their own", m, err)
	}
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0NEW"); err != nil || p.ManagerID != "" {
		t.Errorf("empty field: %+v, %v; want no manager", p, err)
	}
	if n := fake.Calls("users.profile.get"); n != 3 {
		t.Errorf("%d users.profile.get calls, want one per refresh (3)", n)
	}

	// Within the TTL the cache answers; after it, Slack's change shows,
	// and a cleared field clears the manager instead of keeping the old one.
	fake.SetField("U0EMP", managerField, "U0BOSS")
	fake.SetField("U0NEW", managerField, "U0MGR")
	clk.Add(time.Hour)
	if p, _ := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); p.ManagerID != "U0MGR" || fake.Calls("users.profile.get") != 3 {
		t.Errorf("within the TTL: %+v, %d calls; want the cache", p, fake.Calls("users.profile.get"))
	}
	clk.Add(24 * time.Hour)
	if p, _ := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); p.ManagerID != "U0BOSS" {
		t.Errorf("after the TTL: manager %q, want U0BOSS", p.ManagerID)
	}
	if p, _ := d.Profile(outCtx, slacktest.TeamID, "U0NEW"); p.ManagerID != "U0MGR" {
		t.Errorf("field filled: manager %q, want U0MGR", p.ManagerID)
	}
	fake.SetField("U0EMP", managerField, "")
	clk.Add(25 * time.Hour)
	if p, _ := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); p.ManagerID != "" || people.get(tenant, "U0EMP").ManagerID != "" {
		t.Errorf("field cleared: %+v, saved %+v; want no manager", p, people.get(tenant, "U0EMP"))
	}
}

// TestDirectoryManagerFieldNotAUser: a field holding something else than a
// user id (its type was changed to text) names no manager.
func TestDirectoryManagerFieldNotAUser(t *testing.T) {
	clk := &outClock{t: time.Now()}
	d, fake := managerDirectory(t, clk, newOutPeople(), 0)
	fake.SetField("U0EMP", managerField, "Li Lei")
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); err != nil || p.ManagerID != "" {
		t.Errorf("%+v, %v; want no manager", p, err)
	}
}

// TestDirectoryWithoutManagerField: Slack knows no manager then, never
// asks users.profile.get, and an old row's manager is not kept, neither
// from a fresh cache nor on a refresh.
func TestDirectoryWithoutManagerField(t *testing.T) {
	clk := &outClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	tenant := tenantOf(slacktest.TeamID)
	people := newOutPeople(
		bot.Person{Tenant: tenant, ID: "U0EMP", Name: "张三", ManagerID: "U0OLD", UpdatedAt: clk.Now().Add(-time.Hour)},
		bot.Person{Tenant: tenant, ID: "U0MGR", Name: "Li", ManagerID: "U0OLD", UpdatedAt: clk.Now().Add(-48 * time.Hour)})
	fake := slacktest.NewServer(t, slacktest.WithClock(clk.Now), slacktest.WithUsers(mgrEmp, mgrMgr))
	d := NewDirectory(NewClient(slacktest.BotToken, fake.APIURL(), time.Second), people, 24*time.Hour, clk.Now)

	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); err != nil || p.ManagerID != "" || p.Name != "张三" {
		t.Errorf("fresh cache: %+v, %v; want the cached row without its manager", p, err)
	}
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0MGR"); err != nil || p.ManagerID != "" || people.get(tenant, "U0MGR").ManagerID != "" {
		t.Errorf("refresh: %+v, %v, saved %+v; want no manager", p, err, people.get(tenant, "U0MGR"))
	}
	if n := fake.Calls("users.profile.get"); n != 0 {
		t.Errorf("%d users.profile.get calls without a manager field", n)
	}
}

// TestDirectoryManagerFieldFails: when users.profile.get fails the
// refresh fails as a users.info failure does: the cached profile, however
// old, with the manager it had; without one, an error.
func TestDirectoryManagerFieldFails(t *testing.T) {
	clk := &outClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	tenant := tenantOf(slacktest.TeamID)
	old := bot.Person{Tenant: tenant, ID: "U0EMP", Name: "Old name", ManagerID: "U0MGR", UpdatedAt: clk.Now().Add(-72 * time.Hour)}
	people := newOutPeople(old)
	d, fake := managerDirectory(t, clk, people, 24*time.Hour)
	d.timeout = 200 * time.Millisecond
	fake.SetField("U0EMP", managerField, "U0BOSS")

	fake.LoseNextResponses("users.profile.get", 2)
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); err != nil || p != old {
		t.Errorf("users.profile.get lost: %+v, %v; want the cached %+v", p, err, old)
	}
	if people.get(tenant, "U0EMP") != old || people.saves != 0 {
		t.Errorf("saved %+v (%d saves); want the cached row untouched", people.get(tenant, "U0EMP"), people.saves)
	}
	_, err := d.Profile(outCtx, slacktest.TeamID, "U0NEW")
	if err == nil || !strings.Contains(err.Error(), "users.profile.get") {
		t.Errorf("no cache: %v, want the users.profile.get error", err)
	}
}

// TestDirectoryManagerFieldRateLimited: a 429 from users.profile.get holds
// the method for Retry-After, as the Sender holds its methods: meanwhile
// refreshes make no call (a cached profile answers, else an error), and
// after it they go through.
func TestDirectoryManagerFieldRateLimited(t *testing.T) {
	clk := &outClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	d, fake := managerDirectory(t, clk, newOutPeople(), 30*time.Second, slacktest.WithTier("users.profile.get", 1))
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); err != nil || p.ManagerID != "U0MGR" {
		t.Fatalf("%+v, %v", p, err)
	}
	clk.Add(59 * time.Second) // the fake's window frees up in 1 s; U0EMP's cache is stale
	_, err := d.Profile(outCtx, slacktest.TeamID, "U0NEW")
	if err == nil || fake.Count429() != 1 {
		t.Fatalf("over the limit: %v, %d 429s; want an error and one 429", err, fake.Count429())
	}
	info, prof := fake.Calls("users.info"), fake.Calls("users.profile.get")
	if _, err := d.Profile(outCtx, slacktest.TeamID, "U0NEW"); err == nil || !strings.Contains(err.Error(), "rate limited") {
		t.Errorf("during Retry-After: %v, want a rate-limit error", err)
	}
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0EMP"); err != nil || p.ManagerID != "U0MGR" {
		t.Errorf("during Retry-After, cached: %+v, %v; want the cached profile", p, err)
	}
	if fake.Calls("users.info") != info || fake.Calls("users.profile.get") != prof {
		t.Errorf("calls during Retry-After: users.info %d→%d, users.profile.get %d→%d",
			info, fake.Calls("users.info"), prof, fake.Calls("users.profile.get"))
	}
	time.Sleep(1100 * time.Millisecond) // Retry-After, on the real clock as for the Sender
	clk.Add(2 * time.Second)
	if p, err := d.Profile(outCtx, slacktest.TeamID, "U0NEW"); err != nil || p.Name != "王五" {
		t.Errorf("after Retry-After: %+v, %v", p, err)
	}
	if fake.Count429() != 1 {
		t.Errorf("%d 429s, want 1: nothing called during the hold", fake.Count429())
	}
}
