package lark

import (
	"context"
	"testing"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// forwardable reads a card's config as the platform does: enable_forward
// defaults to true. It also checks the card stays shared.
func forwardable(t *testing.T, card map[string]any) bool {
	t.Helper()
	cfg, _ := card["config"].(map[string]any)
	if cfg["update_multi"] != true {
		t.Errorf("config %v: update_multi must stay true", cfg)
	}
	v, set := cfg["enable_forward"]
	return !set || v != false
}

// TestForwardingOnEveryPath: a private reply's card cannot be forwarded,
// whether it is sent, patched over a clicked card or put there by the
// delayed update; a help card or a group's team summary can; a
// replacement in a one-to-one chat cannot either way.
func TestForwardingOnEveryPath(t *testing.T) {
	ctx := context.Background()
	help := bot.Message{Title: "pipbot help", Blocks: []bot.Block{bot.Text{Body: "Send **help** to see every command."}}}
	plan := bot.Message{Title: "绩效改进计划 #12", Blocks: []bot.Block{bot.Fields{{Label: "季度销售额", Value: "50万元"}}}}
	team := bot.Message{Title: "Team", Blocks: []bot.Block{bot.Fields{{Label: "On track", Value: "3"}}}}

	t.Run("sent", func(t *testing.T) {
		s := larktest.NewServer(t)
		snd := outSender(s)
		for _, r := range []bot.Reply{
			{To: "ou_emp", Private: true, Key: "plan", Message: plan},
			{To: "ou_emp", Key: "help", Message: help},
			{Chat: "oc_team", Key: "team", Message: team},
		} {
			if _, err := snd.Send(ctx, "tk", r); err != nil {
				t.Fatal(err)
			}
		}
		msgs := s.Messages()
		if len(msgs) != 3 {
			t.Fatalf("%d messages", len(msgs))
		}
		for i, want := range []bool{false, true, true} {
			if got := forwardable(t, msgs[i].Card); got != want {
				t.Errorf("message %d (%s): forwardable %v, want %v", i, msgs[i].ReceiveID, got, want)
			}
		}
	})

	t.Run("replaced", func(t *testing.T) {
		tests := []struct {
			name   string
			o      Origin
			token  bool
			r      bot.Reply
			want   bool
			update bool // by token, else by patch
		}{
			{"private, delayed update", p2pOrigin, true, bot.Reply{Replace: true, Private: true, Message: plan}, false, true},
			{"private, patch", p2pOrigin, false, bot.Reply{Replace: true, Private: true, Message: plan}, false, false},
			{"one-to-one confirmation, patch", p2pOrigin, false, bot.Reply{Replace: true, Message: outText("调整 #3 已确认").Message}, false, false},
			{"group card, patch", groupOrigin, false, bot.Reply{Replace: true, Message: team}, true, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := larktest.NewServer(t)
				snd := outSender(s)
				id, err := snd.Send(ctx, "tk", bot.Reply{To: "ou_op", Key: "clicked", Message: help})
				if err != nil {
					t.Fatal(err)
				}
				o := tt.o
				o.CardMessageID = id
				if tt.token {
					o.UpdateToken = s.CardToken(id)
				}
				if err := snd.Deliver(ctx, o, []bot.Reply{tt.r}); err != nil {
					t.Fatal(err)
				}
				u, p := s.CardUpdates(), s.Patches()
				var card map[string]any
				switch {
				case tt.update && len(u) == 1 && len(p) == 0:
					card = u[0].Card
				case !tt.update && len(p) == 1 && len(u) == 0:
					card = p[0].Card
				default:
					t.Fatalf("%d updates, %d patches", len(u), len(p))
				}
				if got := forwardable(t, card); got != tt.want {
					t.Errorf("forwardable %v, want %v", got, tt.want)
				}
				if now, _ := s.Card(id); forwardable(t, now) != tt.want {
					t.Errorf("the card shown now: forwardable %v, want %v", !tt.want, tt.want)
				}
			})
		}
	})
}

// TestForwardingOfInlineReplacement: the card a click's answer carries
// follows the same rule as the delayed paths.
func TestForwardingOfInlineReplacement(t *testing.T) {
	t.Run("private plan card, through the callback", func(t *testing.T) {
		h := newHarness(t, nil)
		h.engine.reply = approvalEngine
		h.start(t)
		ans := click(t, h, fixture(t, "card_approve.json"))
		if ans.Card == nil || forwardable(t, ans.Card.Data) {
			t.Errorf("answer %+v: want an unforwardable replacement", ans.Card)
		}
	})
	actor := bot.Person{ID: "ou_op"}
	for _, tt := range []struct {
		name string
		o    Origin
		r    bot.Reply
		want bool
	}{
		{"one-to-one confirmation", p2pOrigin, bot.Reply{Replace: true, Message: outText("面谈 #2 已确认").Message}, false},
		{"group card", groupOrigin, bot.Reply{Replace: true, Message: outText("Team: 3 on track").Message}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := cardResponse([]bot.Reply{tt.r}, tt.o, actor)
			if resp.Card == nil {
				t.Fatal("no replacement card")
			}
			if got := forwardable(t, resp.Card.Data.(map[string]any)); got != tt.want {
				t.Errorf("forwardable %v, want %v", got, tt.want)
			}
		})
	}
}
