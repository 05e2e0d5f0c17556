package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/config"
)

// The inbound suite drives the shared pipeline through each platform's
// real serve path (its adapter behind HTTP, its workers and sender, the
// fake platform API), on a real SQLite file that the suite also reads and
// sabotages directly. One table, both platforms: inboundPlatforms.

// inboundPlatform is one platform as the suite drives it.
type inboundPlatform struct {
	name string
	path string // the events endpoint
	// configure points cfg at a fake of the platform and returns how many
	// messages the bot has sent there so far.
	configure func(t *testing.T, cfg *config.Config) (sent func() int)
	// message is a DM "help" from one of the people (who, modulo their
	// number), delivered as event eventID carrying message msgID.
	message func(eventID, msgID string, who int) []byte
	// seal returns a plaintext event as the platform sends it at time at:
	// encrypted (Feishu) and signed.
	seal func(plain []byte, at time.Time) signed
	// sigHeader names the header holding the hex signature.
	sigHeader string
}

var inboundPlatforms = []inboundPlatform{
	{
		name: "feishu", path: "/lark/events", sigHeader: "X-Lark-Signature",
		configure: func(t *testing.T, cfg *config.Config) func() int {
			fake := larktest.NewServer(t, larktest.WithUsers(feishuPeople...))
			for _, u := range feishuPeople {
				fake.SetChat(dm(u.OpenID), "p2p")
			}
			cfg.Lark = config.LarkConfig{AppID: larktest.AppID, AppSecret: larktest.AppSecret, VerificationToken: e2eToken,
				EncryptKey: e2eKey, Domain: fake.URL, Mode: "webhook"}
			return func() int { return len(fake.Messages()) }
		},
		message: func(eventID, msgID string, who int) []byte {
			content, _ := json.Marshal(map[string]string{"text": "help"})
			from := feishuPeople[who%len(feishuPeople)].OpenID
			return larktest.Event(eventID, "im.message.receive_v1", e2eTenantKey, e2eToken, map[string]any{
				"sender": map[string]any{"sender_type": "user", "tenant_key": e2eTenantKey,
					"sender_id": map[string]any{"open_id": from}},
				"message": map[string]any{"message_id": msgID, "chat_id": dm(from), "chat_type": "p2p",
					"message_type": "text", "content": string(content)}})
		},
		seal: func(plain []byte, at time.Time) signed {
			body, h := larktest.Seal(plain, e2eKey, at)
			return signed{body, h}
		},
	},
	{
		name: "slack", path: "/slack/events", sigHeader: "X-Slack-Signature",
		configure: func(t *testing.T, cfg *config.Config) func() int {
			fake := slacktest.NewServer(t, slacktest.WithUsers(slackPeople()...))
			for i, u := range slackPeople() {
				if dm := fake.OpenDM(u.ID); dm != suiteSlackDM(i) {
					t.Fatalf("the fake opened DM %s for %s, the suite writes in %s", dm, u.ID, suiteSlackDM(i))
				}
			}
			cfg.Slack = config.SlackConfig{BotToken: slacktest.BotToken, SigningSecret: e2eSigningSecret, APIURL: fake.APIURL()}
			return func() int { return len(fake.Messages()) }
		},
		message: func(eventID, msgID string, who int) []byte {
			people := slackPeople()
			who %= len(people)
			body, _ := json.Marshal(map[string]any{"type": "event_callback", "token": "x", "team_id": slacktest.TeamID,
				"api_app_id": "A1", "event_id": eventID, "event_time": time.Now().Unix(),
				"event": map[string]any{"type": "message", "channel_type": "im", "user": people[who].ID, "team": slacktest.TeamID,
					"text": "help", "channel": suiteSlackDM(who), "ts": "1790000000." + msgID, "client_msg_id": "cm-" + msgID}})
			return body
		},
		seal: func(body []byte, at time.Time) signed {
			ts := strconv.FormatInt(at.Unix(), 10)
			mac := hmac.New(sha256.New, []byte(e2eSigningSecret))
			fmt.Fprintf(mac, "v0:%s:%s", ts, body)
			h := http.Header{}
			h.Set("Content-Type", "application/json")
			h.Set("X-Slack-Request-Timestamp", ts)
			h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
			return signed{body, h}
		},
	},
}

// suiteSlackDM is the DM with the bot of the i-th of slackPeople, as a
// fake opens them in order.
func suiteSlackDM(i int) string { return fmt.Sprintf("D%08d", i+1) }

// signed is a request as the platform sends it.
type signed struct {
	body []byte
	h    http.Header
}

// inboundRig is pipbot serving one platform on a SQLite file.
type inboundRig struct {
	t    *testing.T
	p    inboundPlatform
	file string
	url  string
	sent func() int
	stop func()
}

// startInbound starts pipbot for p on the SQLite file (a new one when "")
// against a new fake platform; before counts what earlier fakes were sent.
func startInbound(t *testing.T, p inboundPlatform, file string, before func() int) *inboundRig {
	t.Helper()
	if file == "" {
		file = filepath.Join(t.TempDir(), "pipbot.db")
	}
	cfg := config.Default()
	cfg.DB = "sqlite://" + file
	sent := p.configure(t, &cfg)
	if before != nil {
		now := sent
		sent = func() int { return before() + now() }
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.name == "feishu" {
		a.lark, err = a.newLark(ctx, time.Now)
	} else {
		a.slack, err = a.newSlack(ctx, time.Now)
	}
	if err != nil {
		t.Fatal(err)
	}
	url, stop := serveApp(t, ctx, cancel, a, time.Now)
	return &inboundRig{t: t, p: p, file: file, url: url, sent: sent, stop: stop}
}

// send posts a request and returns the status and body.
func (r *inboundRig) send(s signed) (int, []byte) {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.url+r.p.path, bytes.NewReader(s.body))
	req.Header = s.h.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// sendAll posts requests at once and returns their statuses.
func (r *inboundRig) sendAll(ss []signed) []int {
	r.t.Helper()
	codes := make([]int, len(ss))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range ss {
		wg.Go(func() {
			<-start
			req, _ := http.NewRequest(http.MethodPost, r.url+r.p.path, bytes.NewReader(s.body))
			req.Header = s.h.Clone()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	return codes
}

// sql opens the rig's SQLite file beside pipbot's own connection.
func (r *inboundRig) sql() *sql.DB {
	r.t.Helper()
	db, err := sql.Open("sqlite", r.file+"?_pragma=busy_timeout(5000)")
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = db.Close() })
	return db
}

// count runs a counting query on the rig's database.
func (r *inboundRig) count(query string) int {
	r.t.Helper()
	var n int
	if err := r.sql().QueryRow(query).Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// rows is how many deliveries and keys are stored.
func (r *inboundRig) rows() (deliveries, keys int) {
	return r.count("SELECT count(*) FROM inbox"), r.count("SELECT count(*) FROM inbox_keys")
}

// awaitSent waits until the bot has sent n messages, then a little more,
// and returns how many it sent by then.
func (r *inboundRig) awaitSent(n int) int {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for r.sent() < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	return r.sent()
}

// tamper changes the last hex digit of the signature header.
func tamper(h http.Header, name string) http.Header {
	h = h.Clone()
	sig := h.Get(name)
	last := sig[len(sig)-1]
	next := byte('0')
	if last == '0' {
		next = '1'
	}
	h.Set(name, sig[:len(sig)-1]+string(next))
	return h
}
