package bot_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// TestTenantIsolation: a user of tenant B can neither see nor act on a plan
// of tenant A by its number, even with the same user id.
func TestTenantIsolation(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	before := w.snap()
	tenantB := "console:other-co"
	for _, p := range []bot.Person{mgr, hr, emp} {
		p.Tenant = tenantB
		_ = w.store.SavePerson(context.Background(), p)
	}
	for _, c := range []struct {
		who  bot.Person
		text string
	}{
		{mgr, "show 1"}, {mgr, "approve 1"}, {emp, "update #1 #1 450000 done"}, {mgr, "close 1 achieved good"},
		{mgr, "audit 1"}, {hr, "adjust 1 confirm 1"}, {mgr, "cancel 1 test"},
	} {
		r := w.cmd(bot.Command{Tenant: tenantB, Actor: bot.Person{ID: c.who.ID}, Chat: bot.Chat{ID: "dm"}, Text: c.text})
		if got := text(r); !strings.Contains(got, "#1") || !strings.HasPrefix(got, "⚠️") {
			t.Errorf("tenant B %q: got %q, want not found", c.text, got)
		}
	}
	r := w.cmd(bot.Command{Tenant: tenantB, Actor: bot.Person{ID: hr.ID}, Chat: bot.Chat{ID: "dm"}, Text: "all"})
	if strings.Contains(text(r), "张三") {
		t.Errorf("tenant B's HR sees tenant A's plans:\n%s", text(r))
	}
	after := w.snap()
	if !reflect.DeepEqual(before.plans, after.plans) || before.audit != after.audit {
		t.Error("tenant B changed tenant A's plan")
	}
}

// TestClickAuthorisedByClicker: the approval buttons sent to the manager do
// nothing for anyone else who clicks them, whatever the button says.
func TestClickAuthorisedByClicker(t *testing.T) {
	w := newWorld(t)
	inSubmitted(w)
	before := w.snap()
	for _, who := range []bot.Person{emp, mentor, other} {
		r := w.act(who, "plan.approve", map[string]string{"plan": "1", "actor": mgr.ID, "role": "manager"}, nil)
		if !strings.HasPrefix(text(r), "⚠️") {
			t.Errorf("%s's click approved the plan", who.ID)
		}
	}
	r, err := w.engine.Handle(context.Background(), bot.Command{Tenant: w.tenant, Platform: "console", Actor: bot.Person{ID: ""},
		Action: &bot.ActionInput{ID: "plan.approve", Args: map[string]string{"plan": "1"}}})
	if err != nil || !strings.HasPrefix(text(r), "⚠️") {
		t.Errorf("empty operator: %v %q", err, text(r))
	}
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("refused clicks changed state")
	}
	r = w.act(mgr, "plan.approve", map[string]string{"plan": "1"}, nil)
	if !r[0].Replace {
		t.Error("the decided card is not replaced, so its buttons would stay")
	}
	for _, b := range r[0].Message.Blocks {
		if bs, ok := b.(bot.Buttons); ok {
			for _, x := range bs {
				if x.Action.ID == "plan.approve" {
					t.Error("the replacement card still offers Approve")
				}
			}
		}
	}
	decided := w.snap()
	again := w.act(mgr, "plan.approve", map[string]string{"plan": "1"}, nil)
	if !strings.HasPrefix(text(again), "⚠️") || !reflect.DeepEqual(decided, w.snap()) {
		t.Error("a second click had an effect")
	}
}

// TestStoreFailureIsPolite: a storage failure becomes a generic localised
// reply and an error for the log; no detail reaches the user, nothing is saved.
func TestStoreFailureIsPolite(t *testing.T) {
	w := newWorld(t)
	inSubmitted(w)
	before := w.snap()
	w.store.failSave = errors.New("disk on fire: secret dsn postgres://u:p@h")
	r, err := w.engine.Handle(context.Background(), bot.Command{Tenant: w.tenant, Platform: "console", Actor: bot.Person{ID: mgr.ID}, Text: "approve 1"})
	if err == nil {
		t.Error("internal failure not reported to the adapter")
	}
	got := text(r)
	if strings.Contains(got, "disk") || strings.Contains(got, "postgres") || !strings.Contains(got, literal(bot.LocaleZH, "err.internal")) {
		t.Errorf("user saw %q", got)
	}
	w.store.failSave = nil
	if !reflect.DeepEqual(before, w.snap()) {
		t.Error("a failed command left changes behind")
	}
}

// TestConflictAsksToRetry: two edits from the same version: the second is
// refused with a clear message instead of overwriting the first.
func TestConflictAsksToRetry(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	p := w.plan(1)
	p2 := w.plan(1)
	if err := w.store.SavePlan(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if err := w.store.SavePlan(context.Background(), p2); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
}

// TestPanicNeverReachesUser: a panic inside a command becomes the polite
// internal-error reply and an error for the adapter to log.
func TestPanicNeverReachesUser(t *testing.T) {
	w := newWorld(t)
	w.store.panicky = true
	r, err := w.engine.Handle(context.Background(), bot.Command{Tenant: w.tenant, Platform: "console", Actor: bot.Person{ID: mgr.ID}, Text: "team"})
	if err == nil || len(r) != 1 {
		t.Fatalf("got %d replies, err %v", len(r), err)
	}
	if got := r[0].Message.Text(); strings.Contains(got, "index out of range") || !strings.Contains(got, literal(bot.LocaleZH, "err.internal")) {
		t.Errorf("user saw %q", got)
	}
}
