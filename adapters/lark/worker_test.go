package lark

import (
	"context"
	"errors"
	"fmt"
	"github.com/pipbot/pipbot/adapters/inbound/inboundtest"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// A failed delivery is retried after its lease without running the engine
// a second time.
func TestFailedDeliveryRetriedAfterLease(t *testing.T) {
	h := newHarness(t, nil)
	h.out.fail = 1
	h.start(t)
	h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	<-h.engine.calls
	time.Sleep(50 * time.Millisecond)
	if n := len(h.out.all()); n != 0 {
		t.Fatalf("delivered %d", n)
	}
	if h.inbox.Finished(1) {
		t.Fatal("finished although nothing was delivered")
	}
	h.clock.Advance(h.a.tune.pipe.Lease + time.Second) // the lease runs out
	<-h.out.calls
	waitFor(t, "the delivery finished", func() bool { return h.inbox.Finished(1) })
	if n := len(h.engine.commands()); n != 1 {
		t.Errorf("engine ran %d times, want 1", n)
	}
}

// An engine that fails on the infrastructure leaves the event pending and
// unanswered; the retry after the lease succeeds and replies once.
func TestEngineErrorRetriedThenAnsweredOnce(t *testing.T) {
	h := newHarness(t, nil)
	failures := 1
	h.engine.reply = func(bot.Command) ([]bot.Reply, error) {
		if failures > 0 {
			failures--
			return []bot.Reply{plainReply("出错了，请稍后再试")}, errors.New("db timeout")
		}
		return []bot.Reply{plainReply("已记录")}, nil
	}
	h.start(t)
	h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	<-h.engine.calls
	time.Sleep(50 * time.Millisecond)
	if n := len(h.out.all()); n != 0 || h.inbox.Finished(1) {
		t.Fatalf("after a failed run: %d deliveries, finished %v; want none, pending", n, h.inbox.Finished(1))
	}
	h.clock.Advance(h.a.tune.pipe.Lease + time.Second)
	if got := <-h.out.calls; got.replies[0].Message.Text() != "已记录" {
		t.Errorf("delivered %+v", got.replies)
	}
	waitFor(t, "the delivery finished", func() bool { return h.inbox.Finished(1) })
	if n := len(h.out.all()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

// An engine that keeps failing answers politely on the last attempt, once.
func TestEngineErrorAnsweredOnLastAttempt(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = func(bot.Command) ([]bot.Reply, error) {
		return []bot.Reply{plainReply("出错了，请稍后再试")}, errors.New("db timeout")
	}
	h.start(t)
	h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	for i := 1; i < h.a.tune.pipe.MaxAttempts; i++ {
		<-h.engine.calls
		time.Sleep(30 * time.Millisecond)
		if n := len(h.out.all()); n != 0 {
			t.Fatalf("attempt %d answered", i)
		}
		h.clock.Advance(h.a.tune.pipe.Lease + time.Second)
	}
	if got := <-h.out.calls; got.replies[0].Message.Text() != "出错了，请稍后再试" {
		t.Errorf("delivered %+v", got.replies)
	}
	waitFor(t, "the delivery finished", func() bool { return h.inbox.Finished(1) })
}

// Run returns once ctx is done and the event in flight has finished.
func TestShutdownFinishesInFlight(t *testing.T) {
	h := newHarness(t, nil)
	release := make(chan struct{})
	h.engine.reply = func(bot.Command) ([]bot.Reply, error) {
		<-release
		return []bot.Reply{plainReply("done")}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	<-h.engine.calls
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned with an event in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	if n := len(h.out.all()); n != 1 || !h.inbox.Finished(1) {
		t.Errorf("delivered %d, finished %v", n, h.inbox.Finished(1))
	}
}

// A message from another app, or not text, is finished without the engine.
func TestIgnoredMessagesFinished(t *testing.T) {
	h := newHarness(t, nil)
	plain := fixture(t, "message_p2p.json")
	for i, edit := range []map[string]any{
		{"event.sender.sender_type": "app"},
		{"event.message.message_type": "image", "event.message.content": `{"image_key":"img_1"}`},
	} {
		d := &bot.Delivery{Source: sourceEvents, Tenant: "lark:x", Keys: []string{string(rune('a' + i))}, Payload: edited(t, plain, edit)}
		if _, err := h.inbox.Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	h.start(t)
	waitFor(t, "both finished", func() bool { return h.inbox.Finished(1) && h.inbox.Finished(2) })
	if n := len(h.engine.commands()); n != 0 {
		t.Errorf("engine called %d times", n)
	}
}

func TestNewRefusesUnsafeConfig(t *testing.T) {
	base := Options{Engine: newFakeEngine(), Inbox: inboundtest.NewInbox(), Deliverer: newFakeDeliverer(), VerificationToken: "vt"}
	cases := map[string]struct {
		edit func(*Options)
		want string
	}{
		"webhook without encrypt key": {func(o *Options) {}, "LARK_ENCRYPT_KEY"},
		"webhook without token":       {func(o *Options) { o.EncryptKey, o.VerificationToken = "k", "" }, "LARK_VERIFICATION_TOKEN"},
		"websocket without app":       {func(o *Options) { o.Mode = ModeWebSocket }, "LARK_APP_ID"},
		"unknown mode":                {func(o *Options) { o.Mode = "carrier-pigeon" }, "LARK_MODE"},
		"no engine":                   {func(o *Options) { o.EncryptKey, o.Engine = "k", nil }, "Engine"},
	}
	for name, tc := range cases {
		o := base
		tc.edit(&o)
		_, err := New(o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New error %v, want one naming %s", name, err, tc.want)
		}
	}
	o := base
	o.Mode, o.AppID, o.AppSecret, o.VerificationToken = ModeWebSocket, "cli", "sec", ""
	a, err := New(o)
	if err != nil {
		t.Fatalf("websocket mode needs no encrypt key: %v", err)
	}
	if len(a.Routes()) != 0 {
		t.Errorf("websocket mode mounts %d routes", len(a.Routes()))
	}
}

// A delivery the platform refuses for good is not retried.
func TestRefusedDeliveryNotRetried(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Deliverer = refusingDeliverer{} })
	h.start(t)
	h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	waitFor(t, "finished", func() bool { return h.inbox.Finished(1) })
	if h.a.pipe.Pending(1) {
		t.Error("kept the replies for a retry")
	}
}

type refusingDeliverer struct{}

func (refusingDeliverer) Deliver(context.Context, Origin, []bot.Reply) error {
	return fmt.Errorf("reply 0: %w", ErrPrivateToGroup)
}
