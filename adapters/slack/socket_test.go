package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pipbot/pipbot/bot"
)

// socketServer is a fake Slack for Socket Mode: apps.connections.open hands
// out a ws:// URL, and each WebSocket connection speaks Slack's envelope
// protocol (hello first, envelopes with envelope_id, acks back).
type socketServer struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	opens  int
	conns  chan *socketConn
	tokens []string
}

// socketConn is one client connection: send envelopes, read acks.
type socketConn struct {
	ws     *websocket.Conn
	acks   chan map[string]any
	closed chan struct{}
}

func newSocketServer(t *testing.T) *socketServer {
	s := &socketServer{t: t, conns: make(chan *socketConn, 4)}
	// slack-go sends Origin: https://api.slack.com, which a fake on
	// localhost must accept.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.opens++
		s.tokens = append(s.tokens, r.Header.Get("Authorization"))
		s.mu.Unlock()
		url := "ws" + strings.TrimPrefix(s.URL, "http") + "/link/?ticket=fake"
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": url})
	})
	mux.HandleFunc("/link/", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &socketConn{ws: ws, acks: make(chan map[string]any, 16), closed: make(chan struct{})}
		_ = ws.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
			"connection_info": map[string]any{"app_id": "A0PIP"}, "debug_info": map[string]any{"host": "applink-fake"}})
		go func() {
			defer close(c.closed)
			for {
				var m map[string]any
				if err := ws.ReadJSON(&m); err != nil {
					return
				}
				c.acks <- m
			}
		}()
		s.conns <- c
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// next waits for the client's next connection.
func (s *socketServer) next() *socketConn {
	s.t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(5 * time.Second):
		s.t.Fatal("the client did not connect")
		return nil
	}
}

func (s *socketServer) openCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}

// envelope sends one request and returns the client's ack for it.
func (c *socketConn) envelope(t *testing.T, id, typ string, payload []byte, acceptsResponse bool, retry int) map[string]any {
	t.Helper()
	start := time.Now()
	if err := c.ws.WriteJSON(map[string]any{"envelope_id": id, "type": typ, "payload": json.RawMessage(payload),
		"accepts_response_payload": acceptsResponse, "retry_attempt": retry, "retry_reason": ""}); err != nil {
		t.Fatal(err)
	}
	select {
	case ack := <-c.acks:
		if ack["envelope_id"] != id {
			t.Fatalf("ack %v for envelope %s", ack, id)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("envelope %s acknowledged after %v", id, d)
		}
		return ack
	case <-time.After(5 * time.Second):
		t.Fatalf("envelope %s not acknowledged", id)
		return nil
	}
}

// TestSocketMode: over Socket Mode every envelope is acknowledged in time,
// events go through the same inbox (one effect per event, retries
// included), slash commands and submissions answer in the ack, a
// "disconnect" leads to a new connection, and cancelling stops it all.
func TestSocketMode(t *testing.T) {
	srv := newSocketServer(t)
	h := newRig(t, func(o *Options) {
		o.SigningSecret, o.AppToken, o.APIURL = "", "xapp-1-A0PIP-FAKE", srv.URL+"/api/"
	})
	h.engine.answer(func(cmd bot.Command) []bot.Reply {
		switch {
		case cmd.Action != nil:
			return []bot.Reply{{Errors: map[string]string{"sales": "not a number"}}}
		case cmd.Text == "/pip new form":
			return []bot.Reply{newPlanForm()}
		}
		return []bot.Reply{textReply("ok")}
	})
	if len(h.a.Routes()) != 0 {
		t.Fatal("HTTP routes in Socket Mode")
	}
	h.start(t)
	c := srv.next()

	im := recorded(t, "event_message_im.json")
	if ack := c.envelope(t, "env-1", "events_api", im, false, 0); ack["payload"] != nil {
		t.Errorf("ack %v", ack)
	}
	c.envelope(t, "env-2", "events_api", im, false, 1) // Slack's retry of the same event
	eventually(t, "one delivery", func() bool { return len(h.out.all()) == 1 && h.inbox.AllDone() })

	slash, _ := json.Marshal(map[string]any{"token": "x", "team_id": testTeam, "channel_id": "D0EMP", "channel_name": "directmessage",
		"user_id": "U0EMP", "command": "/pip", "text": "new", "trigger_id": "sock-trigger-1", "response_url": "https://hooks.slack.com/commands/x"})
	c.envelope(t, "env-3", "slash_commands", slash, true, 0)
	eventually(t, "modal", func() bool { return len(h.views.modals()) == 1 })
	if m := h.views.modals()[0]; m.trigger != "sock-trigger-1" {
		t.Errorf("modal trigger %q", m.trigger)
	}

	ack := c.envelope(t, "env-4", "interactive", recorded(t, "view_submission.json"), true, 0)
	p, _ := ack["payload"].(map[string]any)
	if p["response_action"] != "errors" || p["errors"].(map[string]any)["sales"] != "not a number" {
		t.Errorf("submission ack %v", ack)
	}

	unknown := withEdits(t, im, map[string]any{"event_id": "Ev0ODD", "event.type": "pip_event_from_the_future"})
	c.envelope(t, "env-5", "events_api", unknown, false, 0)

	if err := c.ws.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"}); err != nil {
		t.Fatal(err)
	}
	c2 := srv.next()
	if srv.openCalls() != 2 {
		t.Errorf("apps.connections.open called %d times", srv.openCalls())
	}
	c2.envelope(t, "env-6", "events_api", recorded(t, "event_app_mention.json"), false, 0)
	eventually(t, "mention handled", func() bool { return len(h.out.all()) == 2 })
	if n := len(h.engine.commands()); n != 4 { // DM, slash, submission, mention
		t.Errorf("engine ran %d times", n)
	}
	srv.mu.Lock()
	tok := srv.tokens[0]
	srv.mu.Unlock()
	if tok != "Bearer xapp-1-A0PIP-FAKE" {
		t.Errorf("apps.connections.open with %q", tok)
	}
	if strings.Contains(h.logs.String(), "xapp-1-A0PIP-FAKE") {
		t.Error("app token logged")
	}
}

// TestSocketModeShutdown: cancelling Run closes the connection and returns.
func TestSocketModeShutdown(t *testing.T) {
	srv := newSocketServer(t)
	h := newRig(t, func(o *Options) { o.AppToken, o.APIURL = "xapp-1-FAKE", srv.URL+"/api/" })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	c := srv.next()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	select {
	case <-c.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the socket stayed open")
	}
}
