package lark

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	larkws "github.com/larksuite/oapi-sdk-go/v3/ws"
)

// fakeSockets is the long connection's endpoint as Feishu runs it for an
// app with several connected instances: each event goes to one connection
// that is still open.
type fakeSockets struct {
	srv   *httptest.Server
	mu    sync.Mutex
	conns []*websocket.Conn // open connections, in the order they came
	acks  chan string       // message_id of each frame a client acknowledged
}

func newFakeSockets(t *testing.T) *fakeSockets {
	f := &fakeSockets{acks: make(chan string, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /callback/ws/endpoint", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 0, "data": map[string]any{
			"URL":          "ws://" + r.Host + "/ws?device_id=d1&service_id=7",
			"ClientConfig": map[string]int{"ReconnectCount": 0, "ReconnectInterval": 1, "ReconnectNonce": 1, "PingInterval": 120},
		}})
	})
	up := websocket.Upgrader{}
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conns = append(f.conns, c)
		f.mu.Unlock()
		defer f.drop(c)
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			var fr larkws.Frame
			if fr.Unmarshal(msg) == nil && fr.Method == int32(larkws.FrameTypeData) {
				f.acks <- larkws.Headers(fr.Headers).GetString("message_id")
			}
		}
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// drop forgets a closed connection.
func (f *fakeSockets) drop(c *websocket.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, o := range f.conns {
		if o == c {
			f.conns = append(f.conns[:i], f.conns[i+1:]...)
			return
		}
	}
}

// open is how many connections are open.
func (f *fakeSockets) open() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns)
}

// send pushes payload to the i-th open connection (modulo their number).
func (f *fakeSockets) send(t *testing.T, i int, id string, payload []byte) {
	t.Helper()
	f.mu.Lock()
	c := f.conns[i%len(f.conns)]
	f.mu.Unlock()
	push(t, c, id, payload)
}

// Several replicas may each hold a long connection: Feishu gives each event
// to one of them, a redelivery may reach another, and the shared inbox
// gives every event one effect. When one replica stops, the events go to
// the others and nothing is lost.
func TestLongConnectionReplicas(t *testing.T) {
	sock := newFakeSockets(t)
	ws := func(o *Options) {
		o.Mode, o.EncryptKey, o.VerificationToken, o.BaseURL = ModeWebSocket, "", "", sock.srv.URL
	}
	a := newHarness(t, ws)
	b := newHarness(t, func(o *Options) {
		ws(o)
		o.Inbox, o.Engine, o.Deliverer, o.Owner = a.inbox, a.engine, a.out, "replica-b"
	})
	ctxA, stopA := context.WithCancel(context.Background())
	doneA := make(chan error, 1)
	go func() { doneA <- a.a.Run(ctxA) }()
	b.start(t)
	waitFor(t, "both replicas connected", func() bool { return sock.open() == 2 })

	event := func(n int) []byte {
		return edited(t, fixture(t, "message_p2p.json"), map[string]any{
			"header.event_id": fmt.Sprintf("ev-%d", n), "event.message.message_id": fmt.Sprintf("om_%d", n)})
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	const first, total = 20, 30
	for n := range first {
		sock.send(t, rnd.IntN(2), fmt.Sprintf("f-%d", n), event(n))
		if n%5 == 0 { // redelivered, to whichever instance
			sock.send(t, rnd.IntN(2), fmt.Sprintf("f-%d-again", n), event(n))
		}
	}
	waitFor(t, "the first events handled", func() bool { return len(a.engine.commands()) >= first })

	stopA()
	select {
	case err := <-doneA:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("replica A did not stop")
	}
	waitFor(t, "replica A's connection closed", func() bool { return sock.open() == 1 })
	for n := first; n < total; n++ {
		sock.send(t, rnd.IntN(2), fmt.Sprintf("f-%d", n), event(n))
	}
	waitFor(t, "every event handled", func() bool { return len(a.engine.commands()) >= total })
	time.Sleep(50 * time.Millisecond)

	var handled []string
	for _, c := range a.engine.commands() {
		handled = append(handled, c.EventID)
	}
	a.inbox.CheckOnceEach(t, handled, total)
}
