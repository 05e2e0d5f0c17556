package slack

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

var _ DMs = (*slacktest.Cache)(nil)

// outDMReply is a private reminder to user.
func outDMReply(user, key string) bot.Reply {
	r := outNote("please post this week's update")
	r.To, r.Private, r.Key = user, true, key
	return r
}

// outInDM checks that the fake's messages from index from on went to the
// DMs of users, in order.
func outInDM(t *testing.T, o *outbound, from int, users ...string) {
	t.Helper()
	msgs := o.fake.Messages()
	if len(msgs)-from != len(users) {
		t.Fatalf("%d messages, want %d", len(msgs)-from, len(users))
	}
	for i, u := range users {
		dm, found := o.fake.DM(u)
		if !found || msgs[from+i].Channel != dm {
			t.Errorf("message %d went to %s, want %s's DM %s", from+i, msgs[from+i].Channel, u, dm)
		}
	}
}

// A restarted Sender sharing the DMs store opens no DM again.
func TestSenderDMsSurviveRestart(t *testing.T) {
	store := slacktest.NewCache(nil)
	o := newOutbound(t, nil, func(opts *SenderOptions) { opts.DMs = store })
	users := []string{"U1", "U2", "U3"}
	for i, u := range users {
		if _, err := o.snd.Send(outCtx, slacktest.TeamID, outDMReply(u, fmt.Sprintf("first:%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if n := o.fake.Calls("conversations.open"); n != len(users) {
		t.Fatalf("first process: %d conversations.open calls, want %d", n, len(users))
	}
	for _, u := range users {
		dm, _ := o.fake.DM(u)
		if got, found := store.Value(dmKey(slacktest.TeamID, u)); !found || got != dm {
			t.Errorf("store holds %q (found %v) for %s, want %s", got, found, u, dm)
		}
	}

	// The restart: a new Sender, memory empty, the same store.
	restarted := NewSender(SenderOptions{
		Client:  NewClient(slacktest.BotToken, o.fake.APIURL(), 5*time.Second),
		Limiter: o.lim, Sent: o.sent, People: o.people, Locale: bot.LocaleEN, DMs: store,
	})
	for i, u := range users {
		if _, err := restarted.Send(outCtx, slacktest.TeamID, outDMReply(u, fmt.Sprintf("second:%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if n := o.fake.Calls("conversations.open"); n != len(users) {
		t.Errorf("after the restart: %d more conversations.open calls, want 0", n-len(users))
	}
	outInDM(t, o, len(users), users...)
}

// A remembered DM id Slack no longer knows is forgotten, the DM opened
// again and the message posted there, once.
func TestSenderStaleDM(t *testing.T) {
	const stale = "D99999999" // the fake never handed it out: channel_not_found
	tests := []struct {
		name   string
		memory bool // remembered in memory, not only in the store
		marked bool // a retry: the key was marked, so the history is searched first
	}{
		{"in the store", false, false},
		{"in memory", true, false},
		{"in the store, a retry", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := slacktest.NewCache(nil)
			o := newOutbound(t, nil, func(opts *SenderOptions) { opts.DMs = store })
			key := dmKey(slacktest.TeamID, "U1")
			if err := store.Set(outCtx, key, []byte(stale), dmTTL); err != nil {
				t.Fatal(err)
			}
			if tt.memory {
				o.snd.dms.put(slacktest.TeamID, "U1", stale)
			}
			r := outDMReply("U1", "stale:1")
			if tt.marked {
				if _, err := o.sent.SeenOnce(outCtx, "slack:sent:"+slacktest.TeamID+":"+r.Key, sentTTL); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := o.snd.Send(outCtx, slacktest.TeamID, r); err != nil {
				t.Fatalf("Send: %v", err)
			}
			outInDM(t, o, 0, "U1")
			if n := o.fake.Calls("conversations.open"); n != 1 {
				t.Errorf("%d conversations.open calls, want 1", n)
			}
			// Unmarked, the first post is refused; marked, the search of
			// the stale DM is, before any post.
			posts, searches := 2, 1
			if tt.marked {
				posts, searches = 1, 2
			}
			if p, h := o.fake.Calls("chat.postMessage"), o.fake.Calls("conversations.history"); p != posts || h != searches {
				t.Errorf("%d posts and %d history reads, want %d and %d", p, h, posts, searches)
			}
			dm, _ := o.fake.DM("U1")
			if got, _ := store.Value(key); got != dm {
				t.Errorf("store holds %q, want the reopened %s", got, dm)
			}
			if got, _ := o.snd.dms.get(slacktest.TeamID, "U1"); got != dm {
				t.Errorf("memory holds %q, want the reopened %s", got, dm)
			}
		})
	}
}

// When the DM cannot be opened again, the send fails for good and the
// stale id is not tried next time.
func TestSenderStaleDMGone(t *testing.T) {
	store := slacktest.NewCache(nil)
	o := newOutbound(t, []slacktest.Option{slacktest.WithUsers(slacktest.User{ID: "U1"})},
		func(opts *SenderOptions) { opts.DMs = store })
	key := dmKey(slacktest.TeamID, "U9")
	if err := store.Set(outCtx, key, []byte("D99999999"), dmTTL); err != nil {
		t.Fatal(err)
	}
	_, err := o.snd.Send(outCtx, slacktest.TeamID, outDMReply("U9", "gone:1"))
	if slackCode(err) != "user_not_found" || outTemporary(err) {
		t.Fatalf("Send: %v (temporary %v), want user_not_found for good", err, outTemporary(err))
	}
	if n := o.fake.Calls("chat.postMessage") + o.fake.Calls("conversations.open"); n != 2 {
		t.Errorf("%d posts and opens, want one of each", n)
	}
	if v, found := store.Value(key); found && v != "" {
		t.Errorf("store still holds %q", v)
	}
	if _, found := o.snd.dms.get(slacktest.TeamID, "U9"); found {
		t.Error("memory still holds the stale id")
	}
	if len(o.fake.Messages()) != 0 {
		t.Errorf("%d messages posted", len(o.fake.Messages()))
	}
}

// A failing DMs store costs a conversations.open, never a send; garbage
// in it is a miss.
func TestSenderDMStoreDown(t *testing.T) {
	store := slacktest.NewCache(nil)
	o := newOutbound(t, nil, func(opts *SenderOptions) { opts.DMs = store })
	if err := store.Set(outCtx, dmKey(slacktest.TeamID, "U2"), []byte("not an id"), dmTTL); err != nil {
		t.Fatal(err)
	}
	if _, err := o.snd.Send(outCtx, slacktest.TeamID, outDMReply("U2", "down:0")); err != nil {
		t.Fatalf("Send with garbage in the store: %v", err)
	}
	store.Fail(errors.New("connection refused"))
	if _, err := o.snd.Send(outCtx, slacktest.TeamID, outDMReply("U1", "down:1")); err != nil {
		t.Fatalf("Send with the store down: %v", err)
	}
	// The id is still remembered in memory.
	if _, err := o.snd.Send(outCtx, slacktest.TeamID, outDMReply("U1", "down:2")); err != nil {
		t.Fatalf("second Send with the store down: %v", err)
	}
	outInDM(t, o, 0, "U2", "U1", "U1")
	if n := o.fake.Calls("conversations.open"); n != 2 {
		t.Errorf("%d conversations.open calls, want 2", n)
	}
}
