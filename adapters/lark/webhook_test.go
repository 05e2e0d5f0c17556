package lark

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

func TestP2PMessageReachesEngineAndDeliverer(t *testing.T) {
	h := newHarness(t, nil)
	plain := fixture(t, "message_p2p.json")
	rec := h.send(t, "/lark/events", plain)
	if rec.Code != http.StatusOK || rec.Body.String() != "{}" || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q %q, want 200 {} as JSON", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}
	// Recorded before the answer, as the decrypted payload.
	stored := h.inbox.Stored()
	if len(stored) != 1 {
		t.Fatalf("%d deliveries stored before the worker ran, want 1", len(stored))
	}
	d := stored[0]
	wantKeys := []string{"lark:ev:5e3702a84e847582be8db7fb73283c02", "lark:msg:om_p2p1"}
	if d.Source != "lark" || d.Tenant != "lark:"+testTenantKey || string(d.Payload) != string(plain) || !cmp.Equal(d.Keys, wantKeys) {
		t.Errorf("stored %+v", d)
	}

	h.start(t)
	got := <-h.engine.calls
	want := bot.Command{
		Platform: bot.PlatformLark, Tenant: "lark:" + testTenantKey,
		Actor: bot.Person{Tenant: "lark:" + testTenantKey, ID: "ou_emp", Name: "张三", ManagerID: "ou_mgr"},
		Chat:  bot.Chat{ID: "oc_dm_emp"}, Text: "新建 计划 导师 <@ou_mentor>",
		EventID: "5e3702a84e847582be8db7fb73283c02", EventKey: "lark:1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("command (-want +got):\n%s", diff)
	}
	out := <-h.out.calls
	wantOrigin := Origin{TenantKey: testTenantKey, ChatID: "oc_dm_emp", ChatType: "p2p", MessageID: "om_p2p1",
		OperatorID: "ou_emp", EventID: "5e3702a84e847582be8db7fb73283c02"}
	if diff := cmp.Diff(wantOrigin, out.o); diff != "" {
		t.Errorf("origin (-want +got):\n%s", diff)
	}
	if len(out.replies) != 1 || out.replies[0].Message.Text() != "ok: "+want.Text {
		t.Errorf("delivered %+v", out.replies)
	}
	waitFor(t, "the delivery finished", func() bool { return h.inbox.Finished(d.ID) })
}

func TestGroupMessages(t *testing.T) {
	t.Run("with mention", func(t *testing.T) {
		h := newHarness(t, nil)
		h.start(t)
		if rec := h.send(t, "/lark/events", fixture(t, "message_group_mention.json")); rec.Code != http.StatusOK {
			t.Fatalf("got %d", rec.Code)
		}
		got := <-h.engine.calls
		if got.Text != "绑定团队 <@ou_emp>" || got.Chat != (bot.Chat{ID: "oc_team", Group: true}) || got.Actor.ID != "ou_mgr" {
			t.Errorf("command %+v", got)
		}
		if o := (<-h.out.calls).o; o.ChatType != "group" || o.ChatID != "oc_team" {
			t.Errorf("origin %+v", o)
		}
	})
	t.Run("without mention", func(t *testing.T) {
		h := newHarness(t, nil)
		h.start(t)
		rec := h.send(t, "/lark/events", fixture(t, "message_group_nomention.json"))
		if rec.Code != http.StatusOK || rec.Body.String() != "{}" {
			t.Fatalf("got %d %q", rec.Code, rec.Body)
		}
		time.Sleep(50 * time.Millisecond)
		if n := len(h.inbox.Stored()); n != 0 {
			t.Errorf("stored %d deliveries: group chatter not meant for the bot is not kept", n)
		}
		if n := len(h.engine.commands()); n != 0 {
			t.Errorf("engine called %d times", n)
		}
	})
}

func TestReplayHasOneEffect(t *testing.T) {
	h := newHarness(t, nil)
	h.start(t)
	plain := fixture(t, "message_p2p.json")
	for i := range 5 {
		if rec := h.send(t, "/lark/events", plain); rec.Code != http.StatusOK {
			t.Fatalf("delivery %d: got %d", i+1, rec.Code)
		}
	}
	// The same message redelivered under a new event id.
	again := edited(t, plain, map[string]any{"header.event_id": "ffffffffffffffffffffffffffffffff"})
	if rec := h.send(t, "/lark/events", again); rec.Code != http.StatusOK {
		t.Fatalf("new event id: got %d", rec.Code)
	}
	<-h.out.calls
	time.Sleep(50 * time.Millisecond)
	if n := len(h.engine.commands()); n != 1 {
		t.Errorf("engine called %d times, want 1", n)
	}
	if n := len(h.out.all()); n != 1 {
		t.Errorf("delivered %d times, want 1", n)
	}
	if n := len(h.inbox.Stored()); n != 1 {
		t.Errorf("stored %d, want 1", n)
	}
}

func TestInboxDownAnswers500(t *testing.T) {
	h := newHarness(t, nil)
	h.inbox.PutErr = errors.New("database is down")
	h.start(t)
	rec := h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500 so that Feishu retries", rec.Code)
	}
	time.Sleep(30 * time.Millisecond)
	if n := len(h.engine.commands()); n != 0 {
		t.Errorf("engine called %d times", n)
	}
}

func TestOtherEventsAcknowledged(t *testing.T) {
	h := newHarness(t, nil)
	for _, typ := range SubscribedEvents() {
		if typ == eventMessage || typ == eventCard {
			continue
		}
		body := []byte(`{"schema":"2.0","header":{"event_id":"e-` + typ + `","token":"vt_FAKE","event_type":"` + typ +
			`","tenant_key":"` + testTenantKey + `"},"event":{"chat_id":"oc_new"}}`)
		if typ == "p2p_chat_create" {
			body = []byte(`{"uuid":"u1","token":"vt_FAKE","ts":"1","type":"event_callback","event":{"type":"p2p_chat_create","chat_id":"oc_p2p","tenant_key":"` + testTenantKey + `"}}`)
		}
		if rec := h.send(t, "/lark/events", body); rec.Code != http.StatusOK || rec.Body.String() != "{}" {
			t.Errorf("%s: got %d %q", typ, rec.Code, rec.Body)
		}
	}
	if n := len(h.inbox.Stored()); n != 0 {
		t.Errorf("stored %d deliveries", n)
	}
	if got := h.a.chats.get("oc_new"); got != "p2p" { // the last one was the p2p-entered event
		t.Errorf("chat kind %q", got)
	}
}

func TestProfileFailureKeepsTheMessage(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Profiler = fakeProfiler{} })
	h.start(t)
	h.send(t, "/lark/events", fixture(t, "message_p2p.json"))
	got := <-h.engine.calls
	if got.Actor != (bot.Person{Tenant: "lark:" + testTenantKey, ID: "ou_emp"}) {
		t.Errorf("actor %+v, want only the id", got.Actor)
	}
}
