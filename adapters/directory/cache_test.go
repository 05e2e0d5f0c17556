package directory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// people is the store as a map.
type people map[string]bot.Person

func (p people) Person(_ context.Context, tenant, id string) (bot.Person, error) {
	got, ok := p[tenant+"/"+id]
	if !ok {
		return bot.Person{}, bot.ErrNotFound
	}
	return got, nil
}

func (p people) SavePerson(_ context.Context, x bot.Person) error {
	p[x.Tenant+"/"+x.ID] = x
	return nil
}

func TestCache(t *testing.T) {
	now := time.Date(2026, 6, 12, 10, 0, 0, 0, time.UTC)
	store := people{"t/fresh": {Tenant: "t", ID: "fresh", Name: "Fresh", UpdatedAt: now.Add(-time.Hour)},
		"t/stale": {Tenant: "t", ID: "stale", Name: "Old name", Locale: bot.LocaleEN, UpdatedAt: now.Add(-48 * time.Hour)}}
	c := NewCache(store, 24*time.Hour, func() time.Time { return now }, nil)
	calls := 0
	rename := func(_ context.Context, cached bot.Person) (bot.Person, error) {
		calls++
		cached.Name = "From the platform"
		return cached, nil
	}
	failing := func(context.Context, bot.Person) (bot.Person, error) {
		calls++
		return bot.Person{}, errors.New("down")
	}

	if p, err := c.Profile(t.Context(), "t", "fresh", rename); err != nil || p.Name != "Fresh" || calls != 0 {
		t.Errorf("fresh profile: %+v, %v after %d calls; want the stored one, no call", p, err, calls)
	}
	if p, err := c.Profile(t.Context(), "t", "stale", failing); err != nil || p.Name != "Old name" {
		t.Errorf("stale profile, platform down: %+v, %v; want the stored one", p, err)
	}
	p, err := c.Profile(t.Context(), "t", "stale", rename)
	if err != nil || p.Name != "From the platform" || p.Locale != bot.LocaleEN || !p.UpdatedAt.Equal(now) {
		t.Errorf("stale profile refreshed: %+v, %v; want the new name, the kept locale, updated now", p, err)
	}
	if store["t/stale"].Name != "From the platform" {
		t.Errorf("refreshed profile not saved: %+v", store["t/stale"])
	}
	if _, err := c.Profile(t.Context(), "t", "unknown", failing); err == nil {
		t.Error("an unknown person with the platform down: no error")
	}
	if p, err := c.Profile(t.Context(), "t", "new", rename); err != nil || p.Tenant != "t" || p.ID != "new" {
		t.Errorf("a new person: %+v, %v", p, err)
	}
}
