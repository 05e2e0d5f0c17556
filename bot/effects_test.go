package bot_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// once runs cmd with an event key, as an adapter does for a delivery.
func (w *world) once(p bot.Person, key, text string, action *bot.ActionInput) ([]bot.Reply, error) {
	w.t.Helper()
	return w.engine.Handle(context.Background(), bot.Command{Platform: bot.PlatformConsole, Tenant: w.tenant,
		Actor: bot.Person{ID: p.ID}, Chat: bot.Chat{ID: "dm:" + p.ID}, Text: text, Action: action, EventKey: key, EventID: key})
}

// TestSameEventTwiceOneEffect: a weekly update, an approval click and an
// adjustment confirmation, each run twice under the same event key (a
// worker that died after the commit, a redelivery), change things once and
// answer the second time with exactly the first run's replies.
func TestSameEventTwiceOneEffect(t *testing.T) {
	cases := []struct {
		name  string
		setup stage
		who   bot.Person
		text  string
		click *bot.ActionInput
	}{
		{"weekly update", inActive, emp, "更新 销售额 42万 本周拜访8家", nil},
		{"approval click", inSubmitted, mgr, "", &bot.ActionInput{ID: "plan.approve", Args: map[string]string{"plan": "1"}}},
		{"adjustment confirmation", withProposal, mgr, "调整 1 确认 1", nil},
		{"guided draft step", func(w *world) int { w.say(emp, "新建"); return 1 }, emp, "1", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			c.setup(w)
			first, err := w.once(c.who, "ev-1", c.text, c.click)
			if err != nil {
				t.Fatal(err)
			}
			after := w.snap()
			again, err := w.once(c.who, "ev-1", c.text, c.click)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, w.snap()) {
				t.Error("the second run of the event changed state")
			}
			if !reflect.DeepEqual(first, again) {
				t.Errorf("the second run answered differently:\nfirst %s\nagain %s", text(first), text(again))
			}
			// A new event doing the same is a new effect (or a clear refusal).
			w.once(c.who, "ev-2", c.text, c.click)
		})
	}
}

// TestCrashAfterCommitBeforeReplies: the change took effect but its replies
// were not kept; a rerun changes nothing and tells the actor it is done.
func TestCrashAfterCommitBeforeReplies(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.store.failReplies = errors.New("killed")
	if _, err := w.once(emp, "ev-9", "更新 销售额 42万 拜访", nil); err != nil {
		t.Fatal(err)
	}
	w.store.failReplies = nil
	before := w.snap()
	r, err := w.once(emp, "ev-9", "更新 销售额 42万 拜访", nil)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, r, "已处理：这项操作已经生效")
	if !reflect.DeepEqual(before, w.snap()) || len(w.store.updates) != 1 {
		t.Fatalf("the rerun changed state: %d updates", len(w.store.updates))
	}
}

// TestInfrastructureFailureIsRetried: with Redis or the database down the
// command fails with an error (for the adapter to retry) and nothing is
// recorded as done; once they are back, the retry applies once and answers
// once.
func TestInfrastructureFailureIsRetried(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.sessions.down = errors.New("redis: connection refused")
	before := w.snap()
	if _, err := w.once(emp, "ev-3", "更新 销售额 42万 拜访", nil); err == nil {
		t.Fatal("a Redis outage is not reported for a retry")
	}
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("a failed run changed state")
	}
	w.sessions.down = nil
	w.store.failSave = errors.New("database is down")
	if _, err := w.once(emp, "ev-3", "更新 销售额 42万 拜访", nil); err == nil {
		t.Fatal("a database outage is not reported for a retry")
	}
	w.store.failSave = nil
	r, err := w.once(emp, "ev-3", "更新 销售额 42万 拜访", nil)
	if err != nil || len(w.store.updates) != 1 {
		t.Fatalf("the retry: %v, %d updates", err, len(w.store.updates))
	}
	mustContain(t, r, "2026-W47 进展已记录")
	again, _ := w.once(emp, "ev-3", "更新 销售额 42万 拜访", nil)
	if len(w.store.updates) != 1 || !reflect.DeepEqual(r, again) {
		t.Fatal("a redelivery after the retry had a second effect or another answer")
	}
}

// TestReadsAreNotRemembered: showing a plan records no effect, so the same
// button clicked deliberately again (a new event) is answered again.
func TestReadsAreNotRemembered(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	w.once(mgr, "ev-show-1", "", &bot.ActionInput{ID: "plan.show", Args: map[string]string{"plan": "1"}})
	if len(w.store.effects) != 0 {
		t.Fatalf("a read recorded an effect: %v", w.store.effects)
	}
}

// TestRepliesRoundTrip: every kind of block survives being kept.
func TestRepliesRoundTrip(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	for _, c := range []string{"查看 1", "更新", "帮助", "审计 1", "团队"} {
		r := w.say(mgr, c)
		if c == "更新" {
			r = w.say(emp, c)
		}
		raw, err := bot.MarshalReplies(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := bot.UnmarshalReplies(raw)
		if err != nil || !reflect.DeepEqual(r, back) {
			t.Errorf("%q: replies changed on the way: %v\n%+v\n%+v", c, err, r, back)
		}
	}
}
