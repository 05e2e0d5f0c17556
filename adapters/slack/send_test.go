package slack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// outDM opens the DM of user on the fake, as Slack had before the test.
func outDM(t *testing.T, o *outbound, user string) string {
	t.Helper()
	ch, _, _, err := o.snd.api.OpenConversationContext(outCtx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

// outPosted posts a message with buttons on the fake, to be clicked.
func outPosted(t *testing.T, o *outbound, channel string) string {
	t.Helper()
	_, ts, err := o.snd.api.PostMessageContext(outCtx, channel, slack.MsgOptionText("Approve plan 12?", false))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestSenderRouting(t *testing.T) {
	private := func(r bot.Reply) bot.Reply { r.Private = true; return r }
	replace := func(r bot.Reply) bot.Reply { r.Replace = true; return r }
	to := func(u string, r bot.Reply) bot.Reply { r.To = u; return r }
	chat := func(c string, r bot.Reply) bot.Reply { r.Chat = c; return r }
	tests := []struct {
		name   string
		origin func(t *testing.T, o *outbound) Origin
		reply  bot.Reply
		want   string // "post <channel>", "ephemeral <channel> <user>", "update <channel>", with DM:<user> for a DM
		err    error
	}{
		{"to a user: DM opened", nil, to("U1", private(outNote("plan"))), "post DM:U1", nil},
		{"to a channel", nil, chat("C1", outNote("team news")), "post C1", nil},
		{"private to a channel: refused", nil, chat("C1", private(outNote("plan"))), "", ErrPrivateToChannel},
		{"nowhere", nil, outNote("x"), "", ErrNoRecipient},
		{"answer in a DM", func(t *testing.T, o *outbound) Origin {
			return Origin{ChannelID: outDM(t, o, "U1"), ChannelType: "im", UserID: "U1"}
		}, private(outNote("plan")), "post DM:U1", nil},
		{"answer in a DM by id only", func(t *testing.T, o *outbound) Origin {
			return Origin{ChannelID: outDM(t, o, "U1"), UserID: "U1"}
		}, private(outNote("plan")), "post DM:U1", nil},
		{"to the asker, in their DM", func(t *testing.T, o *outbound) Origin {
			return Origin{ChannelID: outDM(t, o, "U1"), ChannelType: "im", UserID: "U1"}
		}, to("U1", outNote("plan")), "post DM:U1", nil},
		{"private answer in a channel: ephemeral", func(*testing.T, *outbound) Origin {
			return Origin{ChannelID: "C1", ChannelType: "channel", UserID: "U1"}
		}, private(outNote("plan")), "ephemeral C1 U1", nil},
		{"private answer where the bot is not: DM", func(*testing.T, *outbound) Origin {
			return Origin{ChannelID: "C2", ChannelType: "channel", UserID: "U1"}
		}, private(outNote("plan")), "post DM:U1", nil},
		{"private answer, unknown channel type: ephemeral", func(*testing.T, *outbound) Origin {
			return Origin{ChannelID: "C1", UserID: "U1"}
		}, private(outNote("plan")), "ephemeral C1 U1", nil},
		{"public answer in a channel", func(*testing.T, *outbound) Origin {
			return Origin{ChannelID: "C1", ChannelType: "channel", UserID: "U1"}
		}, outNote("done"), "post C1", nil},
		{"replace in a DM: update", func(t *testing.T, o *outbound) Origin {
			dm := outDM(t, o, "U2")
			return Origin{ChannelID: dm, ChannelType: "im", UserID: "U2", MessageTS: outPosted(t, o, dm)}
		}, replace(private(outNote("approved"))), "update DM:U2", nil},
		{"replace in a channel: update", func(t *testing.T, o *outbound) Origin {
			return Origin{ChannelID: "C1", ChannelType: "channel", UserID: "U2", MessageTS: outPosted(t, o, "C1")}
		}, replace(outNote("approved")), "update C1", nil},
		{"private replace in a channel: ephemeral", func(t *testing.T, o *outbound) Origin {
			return Origin{ChannelID: "C1", ChannelType: "channel", UserID: "U2", MessageTS: outPosted(t, o, "C1")}
		}, replace(private(outNote("plan"))), "ephemeral C1 U2", nil},
		{"no conversation (a modal): DM", func(*testing.T, *outbound) Origin {
			return Origin{UserID: "U2"}
		}, outNote("saved"), "post DM:U2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOutbound(t, []slacktest.Option{slacktest.WithChannels("C1"),
				slacktest.WithUsers(slacktest.User{ID: "U1"}, slacktest.User{ID: "U2"})}, nil)
			origin := Origin{}
			if tt.origin != nil {
				origin = tt.origin(t, o)
			}
			origin.TeamID = slacktest.TeamID
			before := len(o.fake.Messages())
			err := o.snd.Deliver(outCtx, origin, []bot.Reply{tt.reply})
			if !errors.Is(err, tt.err) {
				t.Fatalf("Deliver: %v, want %v", err, tt.err)
			}
			var got []string
			for _, m := range o.fake.Messages()[before:] {
				got = append(got, "post "+outName(o, m.Channel))
				outCheckText(t, tt.reply, m.Text, m.Blocks)
			}
			for _, e := range o.fake.Ephemerals() {
				got = append(got, "ephemeral "+e.Channel+" "+e.User)
				outCheckText(t, tt.reply, e.Text, e.Blocks)
			}
			for _, u := range o.fake.Updates() {
				got = append(got, "update "+outName(o, u.Channel))
				outCheckText(t, tt.reply, u.Text, u.Blocks)
			}
			if want := strings.Join(strings.Fields(tt.want), " "); strings.Join(got, ";") != want {
				t.Errorf("delivered %q, want %q", got, want)
			}
			if tt.err != nil && outTemporary(err) {
				t.Errorf("refusal %v is Temporary", err)
			}
		})
	}
}

// outName is a channel as the routing table names it.
func outName(o *outbound, channel string) string {
	for _, u := range []string{"U1", "U2"} {
		if dm, found := o.fake.DM(u); found && dm == channel {
			return "DM:" + u
		}
	}
	return channel
}

// outCheckText checks a delivered message: blocks rendered, and a private
// one's notification text generic.
func outCheckText(t *testing.T, r bot.Reply, text string, blocks json.RawMessage) {
	t.Helper()
	body := r.Message.Blocks[0].(bot.Text).Body
	if !strings.Contains(string(blocks), body) {
		t.Errorf("blocks %s lack %q", blocks, body)
	}
	if r.Private && (strings.Contains(text, body) || strings.Contains(text, r.Message.Title)) {
		t.Errorf("private message's notification text %q shows its content", text)
	}
	if !r.Private && text != r.Message.Title {
		t.Errorf("notification text %q, want the title %q", text, r.Message.Title)
	}
}
