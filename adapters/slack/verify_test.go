package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/pipbot/pipbot/adapters/inbound/inboundtest"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hmacHeader signs body under an arbitrary timestamp string.
func hmacHeader(secret, ts string, body []byte) http.Header {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
	return h
}

// TestRefusedWithoutEffect: every forged, stale or malformed signature is
// answered 401 with an empty body on every route, and nothing reaches the
// inbox, the engine, the views or the Sender.
func TestRefusedWithoutEffect(t *testing.T) {
	now := time.Date(2026, 6, 12, 10, 0, 0, 0, time.UTC)
	bodies := map[string][]byte{
		"/slack/events":       recorded(t, "event_message_im.json"),
		"/slack/commands":     recorded(t, "slash_command.txt"),
		"/slack/interactions": interactionBody(recorded(t, "block_actions_approve.json")),
	}
	cases := []struct {
		name  string
		forge func(t *testing.T, body []byte) (http.Header, []byte)
	}{
		{"bad signature", func(t *testing.T, b []byte) (http.Header, []byte) {
			return sign(t, b, "not-the-secret", now), b
		}},
		{"flipped body byte", func(t *testing.T, b []byte) (http.Header, []byte) {
			h := sign(t, b, testSecret, now)
			b = bytes.Clone(b)
			b[len(b)/2] ^= 0x01
			return h, b
		}},
		{"missing timestamp", func(t *testing.T, b []byte) (http.Header, []byte) {
			h := sign(t, b, testSecret, now)
			h.Del("X-Slack-Request-Timestamp")
			return h, b
		}},
		{"missing signature", func(t *testing.T, b []byte) (http.Header, []byte) {
			h := sign(t, b, testSecret, now)
			h.Del("X-Slack-Signature")
			return h, b
		}},
		{"no headers", func(t *testing.T, b []byte) (http.Header, []byte) { return http.Header{}, b }},
		{"stale by 301 s", func(t *testing.T, b []byte) (http.Header, []byte) {
			return sign(t, b, testSecret, now.Add(-301*time.Second)), b
		}},
		{"future by 301 s", func(t *testing.T, b []byte) (http.Header, []byte) {
			return sign(t, b, testSecret, now.Add(301*time.Second)), b
		}},
		{"non-numeric timestamp", func(t *testing.T, b []byte) (http.Header, []byte) {
			return hmacHeader(testSecret, "1781258400abc", b), b
		}},
		{"v1 scheme", func(t *testing.T, b []byte) (http.Header, []byte) {
			h := sign(t, b, testSecret, now)
			h.Set("X-Slack-Signature", "v1="+strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
			return h, b
		}},
		{"no scheme", func(t *testing.T, b []byte) (http.Header, []byte) {
			h := sign(t, b, testSecret, now)
			h.Set("X-Slack-Signature", strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
			return h, b
		}},
		{"short signature", func(t *testing.T, b []byte) (http.Header, []byte) {
			h := sign(t, b, testSecret, now)
			h.Set("X-Slack-Signature", h.Get("X-Slack-Signature")[:40])
			return h, b
		}},
	}
	for path, body := range bodies {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				h := newRig(t, nil)
				hdr, b := c.forge(t, body)
				rec := h.post(t, path, b, hdr)
				if rec.Code != http.StatusUnauthorized || rec.Body.Len() != 0 {
					t.Fatalf("got %d %q, want 401 with an empty body", rec.Code, rec.Body.String())
				}
				if n := h.inbox.PutCalls(); n != 0 {
					t.Errorf("inbox written %d times", n)
				}
				if cmds := h.engine.commands(); len(cmds) != 0 {
					t.Errorf("engine called: %+v", cmds)
				}
				if len(h.views.modals()) != 0 || len(h.out.all()) != 0 {
					t.Error("something was shown or sent")
				}
				logs := h.logs.String()
				if !strings.Contains(logs, "request refused") || strings.Contains(logs, testSecret) ||
					strings.Contains(logs, "secretPart") {
					t.Errorf("log: %s", logs)
				}
			})
		}
	}
}

// TestReserializedJSON: the same event, signed as sent but re-serialized
// on the way (indented), is not what Slack signed.
func TestReserializedJSON(t *testing.T) {
	h := newRig(t, nil)
	body := recorded(t, "event_message_im.json")
	hdr := sign(t, body, testSecret, h.clock.Now())
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	if rec := h.post(t, "/slack/events", pretty.Bytes(), hdr); rec.Code != http.StatusUnauthorized || h.inbox.PutCalls() != 0 {
		t.Fatalf("got %d, %d writes", rec.Code, h.inbox.PutCalls())
	}
}

// TestSignatureWindow: the window is ±5 minutes, both sides inclusive of
// 299 s.
func TestSignatureWindow(t *testing.T) {
	h := newRig(t, nil)
	body := recorded(t, "url_verification.json")
	for _, skew := range []time.Duration{-299 * time.Second, 299 * time.Second, 0} {
		rec := h.post(t, "/slack/events", body, sign(t, body, testSecret, h.clock.Now().Add(skew)))
		if rec.Code != http.StatusOK {
			t.Errorf("skew %v: got %d", skew, rec.Code)
		}
	}
}

// TestBadBodies: oversized bodies are refused before anything else, and
// signed bodies that are not what the endpoint takes answer 400.
func TestBadBodies(t *testing.T) {
	h := newRig(t, nil)
	big := bytes.Repeat([]byte("x"), 1<<20+1)
	for _, path := range []string{"/slack/events", "/slack/commands", "/slack/interactions"} {
		if rec := h.post(t, path, big, sign(t, big, testSecret, h.clock.Now())); rec.Code != http.StatusBadRequest {
			t.Errorf("%s oversized: got %d, want 400", path, rec.Code)
		}
	}
	malformed := map[string][]byte{
		"/slack/events":       []byte(`not json`),
		"/slack/commands":     []byte(`team_id=T0PIP&text=new`), // no user, no trigger
		"/slack/interactions": []byte(`payload=%7Bnot+json`),
	}
	for path, body := range malformed {
		if rec := h.send(t, path, body); rec.Code != http.StatusBadRequest {
			t.Errorf("%s malformed: got %d, want 400", path, rec.Code)
		}
	}
	if h.inbox.PutCalls() != 0 || len(h.engine.commands()) != 0 {
		t.Error("a bad body had an effect")
	}
}

// TestNewNeedsSigningSecret: HTTP mode does not start without the secret,
// and says which variable is missing.
func TestNewNeedsSigningSecret(t *testing.T) {
	_, err := New(Options{BotToken: "xoxb-x", Engine: &engineFake{}, Inbox: inboundtest.NewInbox(), Deliverer: &delivererFake{}})
	if err == nil || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET") {
		t.Fatalf("got %v", err)
	}
	a, err := New(Options{BotToken: "xoxb-x", AppToken: "xapp-x", Engine: &engineFake{}, Inbox: inboundtest.NewInbox(), Deliverer: &delivererFake{}})
	if err != nil {
		t.Fatalf("socket mode: %v", err)
	}
	if len(a.Routes()) != 0 {
		t.Error("socket mode serves HTTP routes")
	}
}
