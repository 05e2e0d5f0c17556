package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/bot"
)

// foreignTeam is a workspace the app is not installed in.
const foreignTeam = "T0EXT"

// foreignEvent is a recorded event as another workspace's: the envelope's
// team_id, the author's team and the authorization all say T0EXT.
func foreignEvent(t *testing.T, name, eventID string) []byte {
	t.Helper()
	edits := map[string]any{"team_id": foreignTeam, "event_id": eventID,
		"authorizations": []any{map[string]any{"team_id": foreignTeam, "user_id": "U0EXTBOT", "is_bot": true}}}
	if name == "event_message_im.json" {
		edits["event.team"] = foreignTeam
	}
	return withEdits(t, recorded(t, name), edits)
}

// assertNoEffect checks that nothing was recorded, run or delivered, and
// that the refusal was logged without the message's text.
func assertNoEffect(t *testing.T, h *rig) {
	t.Helper()
	time.Sleep(50 * time.Millisecond) // give a wrongly started worker the chance to show it
	if h.inbox.PutCalls() != 0 || len(h.engine.commands()) != 0 || len(h.out.all()) != 0 || len(h.views.published()) != 0 {
		t.Errorf("another workspace's event had an effect: %d inbox writes, %d engine calls, %d deliveries, %d homes",
			h.inbox.PutCalls(), len(h.engine.commands()), len(h.out.all()), len(h.views.published()))
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "event of another workspace refused") || !strings.Contains(logs, "team_id="+foreignTeam) {
		t.Errorf("no refusal logged:\n%s", logs)
	}
	if strings.Contains(logs, "update sales") || strings.Contains(logs, "420000") {
		t.Errorf("the message text was logged:\n%s", logs)
	}
}

// TestEventOfAnotherWorkspaceOverHTTP: a signed event whose team_id is not
// the installed workspace is acknowledged with 200 (a retry would be
// refused alike) and has no effect: no inbox row, no engine call, no App
// Home, nothing for that tenant.
func TestEventOfAnotherWorkspaceOverHTTP(t *testing.T) {
	for _, name := range []string{"event_message_im.json", "event_app_mention.json", "event_app_home_opened.json"} {
		t.Run(name, func(t *testing.T) {
			h := newRig(t, nil)
			h.start(t)
			rec := h.send(t, "/slack/events", foreignEvent(t, name, "Ev0EXT0001"))
			if rec.Code != http.StatusOK {
				t.Fatalf("got %d, want 200", rec.Code)
			}
			assertNoEffect(t, h)
		})
	}
}

// TestEventOfAnotherWorkspaceOverSocket: the same over Socket Mode: the
// envelope is acknowledged and dropped.
func TestEventOfAnotherWorkspaceOverSocket(t *testing.T) {
	srv := newSocketServer(t)
	h := newRig(t, func(o *Options) {
		o.SigningSecret, o.AppToken, o.APIURL = "", "xapp-1-A0PIP-FAKE", srv.URL+"/api/"
	})
	h.start(t)
	c := srv.next()
	if ack := c.envelope(t, "env-ext-1", "events_api", foreignEvent(t, "event_message_im.json", "Ev0EXT0002"), false, 0); ack["payload"] != nil {
		t.Errorf("ack %v", ack)
	}
	c.envelope(t, "env-ext-2", "events_api", foreignEvent(t, "event_app_home_opened.json", "Ev0EXT0003"), false, 0)
	assertNoEffect(t, h)

	// The installed workspace's events still go through.
	c.envelope(t, "env-own", "events_api", recorded(t, "event_message_im.json"), false, 0)
	eventually(t, "delivery", func() bool { return len(h.out.all()) == 1 })
	if cmds := h.engine.commands(); len(cmds) != 1 || cmds[0].Tenant != "slack:"+testTeam {
		t.Errorf("commands %+v", cmds)
	}
}

// failingIdentity is an auth.test that fails, as when Slack is down.
type failingIdentity struct{}

func (failingIdentity) AuthTestContext(context.Context) (*slack.AuthTestResponse, error) {
	return nil, errors.New("dial tcp: connection refused")
}

// TestEventWhileInstallationUnknown: when the installed workspace is not
// configured and auth.test fails, an event is neither dropped nor let
// through: HTTP answers 500 and Socket Mode does not acknowledge, so Slack
// delivers it again.
func TestEventWhileInstallationUnknown(t *testing.T) {
	t.Run("http", func(t *testing.T) {
		h := newRig(t, func(o *Options) { o.TeamID = "" })
		h.a.ident = failingIdentity{}
		rec := h.send(t, "/slack/events", recorded(t, "event_message_im.json"))
		if rec.Code != http.StatusInternalServerError || h.inbox.PutCalls() != 0 {
			t.Errorf("got %d with %d inbox writes, want 500 and none", rec.Code, h.inbox.PutCalls())
		}
	})
	t.Run("socket", func(t *testing.T) {
		srv := newSocketServer(t)
		h := newRig(t, func(o *Options) {
			o.SigningSecret, o.AppToken, o.APIURL, o.TeamID = "", "xapp-1-A0PIP-FAKE", srv.URL+"/api/", ""
		})
		h.a.ident = failingIdentity{}
		h.start(t)
		c := srv.next()
		if err := c.ws.WriteJSON(map[string]any{"envelope_id": "env-unknown", "type": "events_api",
			"payload": json.RawMessage(recorded(t, "event_message_im.json")), "accepts_response_payload": false}); err != nil {
			t.Fatal(err)
		}
		select {
		case ack := <-c.acks:
			t.Errorf("acknowledged while the installation is unknown: %v", ack)
		case <-time.After(500 * time.Millisecond):
		}
		if h.inbox.PutCalls() != 0 || len(h.engine.commands()) != 0 {
			t.Error("the event had an effect")
		}
	})
}

// TestWorkerDropsAnotherWorkspacesRow: a row of another workspace already
// in the inbox (recorded before events were checked) never reaches the
// engine.
func TestWorkerDropsAnotherWorkspacesRow(t *testing.T) {
	h := newRig(t, nil)
	d := &bot.Delivery{Source: sourceEvents, Tenant: tenantOf(foreignTeam), Keys: []string{"slack:ev:Ev0EXTOLD"},
		Payload: foreignEvent(t, "event_message_im.json", "Ev0EXTOLD"), ReceivedAt: h.clock.Now()}
	if _, err := h.inbox.Put(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	h.start(t)
	eventually(t, "row finished", h.inbox.AllDone)
	if len(h.engine.commands()) != 0 || len(h.out.all()) != 0 {
		t.Error("another workspace's row reached the engine")
	}
	if logs := h.logs.String(); !strings.Contains(logs, "delivery of another workspace dropped") || strings.Contains(logs, "update sales") {
		t.Errorf("logs:\n%s", logs)
	}
}
