package console

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

func TestReplyToAnotherPersonIsTheirs(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{
		{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "Plan #7 sent to 小李."}}}},
		buttonsReply("u_li", "Please confirm plan #7", "Acknowledge"),
	})
	out := session(t, h, "submit 7\n1\n/as 小李\n1\n")
	mustContain(t, out,
		"Plan #7 sent to 小李.\n📨 to 小李 (dm):\n┌ Please confirm plan #7\n",
		"   (/as 小李, then type a number to click)",
		"[王经理 manager · dm] > 1\nNo card with buttons to click.",
	)
	if len(h.cmds) != 2 {
		t.Fatalf("got %d commands, want the text and 小李's click", len(h.cmds))
	}
	click := h.cmds[1]
	if click.Actor.ID != "u_li" || click.Action.ID != "acknowledge" || click.Chat.ID != "dm:u_li" {
		t.Errorf("click = %+v, want 小李 acknowledging in their direct chat", click)
	}
}

func TestReplaceRemovesButtons(t *testing.T) {
	decided := bot.Reply{Replace: true, Message: bot.Message{Title: "Plan #7 approved", Blocks: []bot.Block{
		bot.Context("approved by 王经理"),
	}}}
	h := (&fakeHandler{}).answer(
		[]bot.Reply{buttonsReply("", "Approve plan #7?", "Approve", "Reject")},
		[]bot.Reply{decided},
	)
	out := session(t, h, "show 7\n1\n1\n")
	mustContain(t, out, "(updated card)\n┌ Plan #7 approved\n", "No card with buttons to click.")
	if len(h.cmds) != 2 {
		t.Errorf("got %d commands, want the decided card not to be clickable again", len(h.cmds))
	}
}

func TestReplaceReachesEveryCopyByKey(t *testing.T) {
	ask := func(to string) bot.Reply {
		r := buttonsReply(to, "Approve plan #7?", "Approve")
		r.Key = "approve:7"
		return r
	}
	decided := bot.Reply{Replace: true, Key: "approve:7", Message: bot.Message{Title: "Plan #7 approved"}}
	h := (&fakeHandler{}).answer([]bot.Reply{ask("u_wang"), ask("u_hr")}, []bot.Reply{decided})
	out := session(t, h, "submit 7\n1\n/as 3\n1\n")
	if !strings.HasSuffix(out, "[Alice Chen hr · dm] > 1\nNo card with buttons to click.\n[Alice Chen hr · dm] > \n") {
		t.Errorf("HR's copy of the decided card still has buttons:\n%s", out)
	}
}

func TestPrivateNeverReachesAGroup(t *testing.T) {
	secret := bot.Message{Blocks: []bot.Block{bot.Text{Body: "小李's plan: sales 350k"}}}
	h := (&fakeHandler{}).answer(
		[]bot.Reply{
			{Chat: "group:demo", Private: true, Message: secret},
			{Chat: "group:demo", Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "2 updates due Friday"}}}},
		},
		[]bot.Reply{{Private: true, Message: secret}},
	)
	out := session(t, h, "remind\n/group\nshow 7\n")
	mustContain(t, out, "⛔ refused to post private content to group group:demo\n",
		"👥 group group:demo:\n2 updates due Friday\n",
		"🔒 only visible to you:\n小李's plan: sales 350k\n")
	if strings.Count(out, "sales 350k") != 1 {
		t.Errorf("private content shown in the group:\n%s", out)
	}
}

func TestGroupPostButtonsAreForTheGroup(t *testing.T) {
	post := buttonsReply("", "Weekly reminder", "Post update")
	post.Chat = "group:demo"
	h := (&fakeHandler{}).answer([]bot.Reply{post})
	out := session(t, h, "remind\n1\n/group\n/as Bob\n1\n")
	mustContain(t, out, "[王经理 manager · dm] > 1\nNo card with buttons to click.")
	last := h.cmds[len(h.cmds)-1]
	if last.Actor.ID != "u_bob" || last.Action == nil || last.Chat.ID != "group:demo" {
		t.Errorf("click = %+v, want Bob clicking in the group", last)
	}
}

func TestClockStampsHeaders(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	h := (&fakeHandler{}).answer([]bot.Reply{{To: "u_li", Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "hi"}}}}})
	out := session(t, h, "x\n", func(o *Options) {
		o.Clock = func() time.Time { return time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC) }
		o.TZ = shanghai
	})
	mustContain(t, out, "17:00 📨 to 小李 (dm):\nhi\n")
}

// TestSessionGolden is a whole scripted conversation, as a user would see it.
func TestSessionGolden(t *testing.T) {
	card := everyBlock()
	card.Blocks = slices.DeleteFunc(card.Blocks, func(b bot.Block) bool { _, ok := b.(bot.Form); return ok })
	h := (&fakeHandler{}).answer(
		[]bot.Reply{{Message: card}},
		[]bot.Reply{
			{Replace: true, Message: bot.Message{Title: "Plan #7", Color: bot.ColorGreen, Blocks: []bot.Block{bot.Text{Body: "Approved."}}}},
			{To: "u_li", Private: true, Message: bot.Message{Title: "Your plan is approved", Blocks: []bot.Block{
				bot.Form{Title: "Confirm", Action: bot.ActionRef{ID: "plan.ack"}, Inputs: []bot.Input{
					{Name: "note", Label: "Comment", Kind: bot.InputText},
				}},
			}}},
			{Chat: "group:demo", Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "A plan was approved."}}}},
		},
	)
	out := session(t, h, "/who\nshow @小李\n1\n/as 小李\n/group\n/form\nok\n/quit\n")
	want := &bot.ActionInput{ID: "plan.ack", Values: map[string]string{"note": "ok"}}
	if last := h.cmds[len(h.cmds)-1]; last.Actor.ID != "u_li" || !reflect.DeepEqual(last.Action, want) {
		t.Errorf("last command = %+v, want 小李's confirmation", last)
	}
	golden(t, "session", out)
}
