package console

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

func TestTypedTextBecomesCommand(t *testing.T) {
	h := &fakeHandler{}
	session(t, h, "我的计划\n/group\n  plans  \n/dm\n/unknown arg\n")
	want := []bot.Command{
		{Platform: "console", Tenant: "console:test", EventID: "console-1", Text: "我的计划",
			Actor: bot.Person{Tenant: "console:test", ID: "u_wang", Name: "王经理"},
			Chat:  bot.Chat{ID: "dm:u_wang"}},
		{Platform: "console", Tenant: "console:test", EventID: "console-2", Text: "plans",
			Actor: bot.Person{Tenant: "console:test", ID: "u_wang", Name: "王经理"},
			Chat:  bot.Chat{ID: "group:demo", Group: true}},
		{Platform: "console", Tenant: "console:test", EventID: "console-3", Text: "/unknown arg",
			Actor: bot.Person{Tenant: "console:test", ID: "u_wang", Name: "王经理"},
			Chat:  bot.Chat{ID: "dm:u_wang"}},
	}
	if diff := cmp.Diff(want, h.cmds); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestAsSwitchesActor(t *testing.T) {
	tests := []struct{ line, want string }{
		{"/as 小李", "u_li"},
		{"/as 2", "u_li"},
		{"/as U_LI", "u_li"},
		{"/as alice chen", "u_hr"},
		{"/as @Bob", "u_bob"},
		{"/as nobody", "u_wang"},
		{"/as 9", "u_wang"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			h := &fakeHandler{}
			out := session(t, h, tt.line+"\nhello\n")
			if got := h.cmds[0].Actor.ID; got != tt.want {
				t.Errorf("actor = %q, want %q", got, tt.want)
			}
			if tt.want == "u_wang" {
				mustContain(t, out, "No such person")
			}
		})
	}
}

func TestPromptShowsPersonRoleAndChat(t *testing.T) {
	out := session(t, &fakeHandler{}, "/as Alice Chen\n/group\n/as 2\n")
	mustContain(t, out, "[王经理 manager · dm] > ", "[Alice Chen hr · dm] > ",
		"[Alice Chen hr · group group:demo] > ", "[小李 employee · group group:demo] > ")
}

func TestClickSendsActionAsCurrentPerson(t *testing.T) {
	h := (&fakeHandler{}).answer(
		[]bot.Reply{buttonsReply("", "Approve?", "Approve", "Reject")},
	)
	session(t, h, "/group\nshow 7\n/as 小李\n2\n")
	if len(h.cmds) != 2 {
		t.Fatalf("got %d commands, want 2", len(h.cmds))
	}
	got := h.cmds[1]
	want := &bot.ActionInput{ID: "reject", Args: map[string]string{"plan": "7"}}
	if diff := cmp.Diff(want, got.Action); diff != "" {
		t.Errorf("action (-want +got):\n%s", diff)
	}
	if got.Actor.ID != "u_li" {
		t.Errorf("actor = %q, want the person typing now, u_li", got.Actor.ID)
	}
	if got.Chat != (bot.Chat{ID: "group:demo", Group: true}) {
		t.Errorf("chat = %+v, want the group the card is in", got.Chat)
	}
}

func TestClickWithoutButtons(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{buttonsReply("", "Approve?", "Approve")})
	out := session(t, h, "1\nshow\n/click 3\n/click x\n/as 2\n1\n")
	mustContain(t, out, "No card with buttons to click.", "No button 3 (choose 1–1).", "No button 0 (choose 1–1).")
	if strings.Count(out, "No card with buttons to click.") != 2 {
		t.Errorf("小李 must not see 王经理's direct card:\n%s", out)
	}
	if len(h.cmds) != 1 {
		t.Errorf("got %d commands, want only the text one", len(h.cmds))
	}
}

func TestClickAsksConfirmation(t *testing.T) {
	reply := bot.Reply{Message: bot.Message{Blocks: []bot.Block{bot.Buttons{
		{Label: "Cancel plan", Style: bot.StyleDanger, Confirm: "Cancel plan #7?", Action: bot.ActionRef{ID: "cancel"}},
	}}}}
	h := (&fakeHandler{}).answer([]bot.Reply{reply})
	out := session(t, h, "show\n1\nn\n1\ny\n")
	mustContain(t, out, "Cancel plan #7? (y/N) ", "Cancelled, nothing sent.")
	if len(h.cmds) != 2 || h.cmds[1].Action.ID != "cancel" {
		t.Errorf("commands = %+v, want the text and one confirmed click", h.cmds)
	}
}

func TestHandlerErrorShowsRepliesNotError(t *testing.T) {
	h := &fakeHandler{script: []step{{
		replies: []bot.Reply{{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "Something went wrong."}}}}},
		err:     errors.New("db: connection refused at 10.0.0.5"),
	}}}
	out := session(t, h, "plans\n")
	mustContain(t, out, "Something went wrong.\n(internal error logged)\n")
	if strings.Contains(out, "connection refused") {
		t.Errorf("internal error leaked:\n%s", out)
	}
}

func TestHelpWhoAndQuit(t *testing.T) {
	h := &fakeHandler{}
	out := session(t, h, "/help\n/who\n/quit\nnot sent\n")
	mustContain(t, out, "Console commands:", "* 1. 王经理 (u_wang) manager", "  3. Alice Chen (u_hr) hr")
	if len(h.cmds) != 0 {
		t.Errorf("sent %d commands after /quit", len(h.cmds))
	}
	zh := session(t, h, "/help\n", func(o *Options) { o.Locale = bot.LocaleZH })
	mustContain(t, zh, "控制台命令：", "[王经理 经理 · 私聊] > ")
}

func TestRunStopsWhenContextDone(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	a := New(&fakeHandler{}, Options{In: r, Out: io.Discard, People: demoPeople()})
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunNeedsPeople(t *testing.T) {
	err := New(&fakeHandler{}, Options{In: strings.NewReader(""), Out: io.Discard}).Run(context.Background())
	if err == nil {
		t.Error("Run with no people succeeded")
	}
}
