package lark

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher"
	larkws "github.com/larksuite/oapi-sdk-go/v3/ws"
	"github.com/pipbot/pipbot/adapters/inbound"
)

// fakeSocket speaks the long connection's protocol: the endpoint call, then
// protobuf frames over a websocket, collecting the client's ACKs.
type fakeSocket struct {
	srv   *httptest.Server
	conns chan *websocket.Conn
	acks  chan larkws.Frame
	apps  chan string
	gone  chan struct{} // the client closed its connection
}

func newFakeSocket(t *testing.T) *fakeSocket {
	f := &fakeSocket{conns: make(chan *websocket.Conn, 1), acks: make(chan larkws.Frame, 16), apps: make(chan string, 4),
		gone: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /callback/ws/endpoint", func(w http.ResponseWriter, r *http.Request) {
		var req larkws.BootstrapRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.apps <- req.AppID + ":" + req.AppSecret
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 0, "data": map[string]any{
			"URL":          "ws://" + r.Host + "/ws?device_id=d1&service_id=7",
			"ClientConfig": map[string]int{"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 1, "PingInterval": 120},
		}})
	})
	up := websocket.Upgrader{}
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		f.conns <- c
		defer close(f.gone)
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			var fr larkws.Frame
			if fr.Unmarshal(msg) == nil && fr.Method == int32(larkws.FrameTypeData) {
				f.acks <- fr
			}
		}
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// push sends payload as one event frame.
func push(t *testing.T, c *websocket.Conn, id string, payload []byte) {
	t.Helper()
	fr := larkws.Frame{SeqID: 1, LogID: 1, Service: 7, Method: int32(larkws.FrameTypeData), Payload: payload,
		Headers: []larkws.Header{{Key: "type", Value: "event"}, {Key: "message_id", Value: id},
			{Key: "sum", Value: "1"}, {Key: "seq", Value: "0"}, {Key: "trace_id", Value: "tr-" + id}}}
	b, err := fr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(websocket.BinaryMessage, b); err != nil {
		t.Fatal(err)
	}
}

func TestLongConnection(t *testing.T) {
	sock := newFakeSocket(t)
	var mu sync.Mutex
	recorded := map[string]int{} // source/outcome → events
	h := newHarness(t, func(o *Options) {
		o.Mode, o.EncryptKey, o.VerificationToken, o.BaseURL = ModeWebSocket, "", "", sock.srv.URL
		o.Recorded = func(source string, out inbound.Outcome) {
			mu.Lock()
			defer mu.Unlock()
			recorded[source+"/"+string(out)]++
		}
	})
	h.engine.reply = approvalEngine
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	if app := <-sock.apps; app != "cli_a1b2c3:secret_FAKE" {
		t.Errorf("endpoint asked for %q", app)
	}
	var conn *websocket.Conn
	select {
	case conn = <-sock.conns:
	case <-time.After(5 * time.Second):
		t.Fatal("the client did not connect")
	}
	msg := fixture(t, "message_p2p.json")
	push(t, conn, "f-msg", msg)
	push(t, conn, "f-msg-again", msg) // a redelivery: acknowledged, no second effect
	push(t, conn, "f-read", []byte(`{"schema":"2.0","header":{"event_id":"r1","event_type":"im.message.message_read_v1","tenant_key":"`+testTenantKey+`"},"event":{}}`))
	push(t, conn, "f-card", fixture(t, "card_approve.json"))

	acks := map[string]larkws.Response{}
	for len(acks) < 4 {
		select {
		case fr := <-sock.acks:
			var resp larkws.Response
			if err := json.Unmarshal(fr.Payload, &resp); err != nil {
				t.Fatalf("ack payload %q: %v", fr.Payload, err)
			}
			acks[larkws.Headers(fr.Headers).GetString("message_id")] = resp
		case <-time.After(5 * time.Second):
			t.Fatalf("got %d acks: %v", len(acks), acks)
		}
	}
	for id, resp := range acks {
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s acknowledged with %d", id, resp.StatusCode)
		}
	}
	var ans cardAnswer
	if err := json.Unmarshal(acks["f-card"].Data, &ans); err != nil || ans.Card == nil || ans.Card.Type != "raw" {
		t.Errorf("card answer %s: %v", acks["f-card"].Data, err)
	}
	waitFor(t, "the message handled", func() bool { return len(h.engine.commands()) == 2 })
	time.Sleep(50 * time.Millisecond)
	if n := len(h.engine.commands()); n != 2 {
		t.Errorf("engine ran %d times, want 2 (the message once, the click)", n)
	}
	if n := len(h.inbox.Stored()); n != 2 {
		t.Errorf("stored %d", n)
	}
	// The metrics hear of events on the long connection as of webhooks'.
	mu.Lock()
	want := map[string]int{sourceEvents + "/stored": 1, sourceEvents + "/duplicate": 1, sourceCards + "/stored": 1}
	for k, n := range want {
		if recorded[k] != n {
			t.Errorf("recorded %v; want %v (the read receipt is not an event pipbot keeps)", recorded, want)
			break
		}
	}
	mu.Unlock()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	select {
	case <-sock.gone:
	case <-time.After(time.Second):
		t.Error("the connection is still open after Run returned")
	}
}

// Every subscribed event type has a handler: an unknown one is acknowledged
// with an error over the long connection, and resent.
func TestEveryEventHasAHandler(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Mode, o.EncryptKey = ModeWebSocket, "" })
	d := h.a.dispatcher()
	for _, typ := range SubscribedEvents() {
		payload := `{"schema":"2.0","header":{"event_id":"e1","event_type":"` + typ + `","tenant_key":"t"},"event":{}}`
		if typ == "p2p_chat_create" {
			payload = `{"uuid":"u1","type":"event_callback","event":{"type":"p2p_chat_create"}}`
		}
		_, err := d.Do(context.Background(), []byte(payload))
		var nf *dispatcher.NotFoundEventHandlerErr
		if errors.As(err, &nf) || (err != nil && strings.Contains(err.Error(), "not found handler")) {
			t.Errorf("%s: %v", typ, err)
		}
	}
	if _, err := d.Do(context.Background(), []byte(`{"schema":"2.0","header":{"event_type":"x.unknown"}}`)); err == nil {
		t.Error("an unknown type was accepted; the check above proves nothing")
	}
}
