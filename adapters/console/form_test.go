package console

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

// updateForm is a weekly-update form with one input of each kind that needs care.
func updateForm() bot.Form {
	return bot.Form{
		Title:  "Weekly update",
		Action: bot.ActionRef{ID: "update.submit", Args: map[string]string{"plan": "7"}},
		Submit: "Send",
		Inputs: []bot.Input{
			{Name: "sales", Label: "Sales this week", Kind: bot.InputNumber, Required: true},
			{Name: "status", Label: "Status", Kind: bot.InputSelect, Required: true, Value: "todo", Options: []bot.Option{
				{Value: "todo", Label: "Not started"}, {Value: "doing", Label: "In progress"}, {Value: "done", Label: "Done"},
			}},
			{Name: "coach", Label: "Coach", Kind: bot.InputUser},
			{Name: "summary", Label: "Summary", Kind: bot.InputText, Value: "on track", Placeholder: "what went well"},
			{Name: "next", Label: "Next check", Kind: bot.InputDate},
			{Name: "meet", Label: "Interview", Kind: bot.InputDateTime},
		},
	}
}

func formReply(to string, f bot.Form) bot.Reply {
	return bot.Reply{To: to, Message: bot.Message{Title: "Plan #7", Blocks: []bot.Block{f}}}
}

func TestFormWalkThrough(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{formReply("", updateForm())})
	input := strings.Join([]string{
		"update",
		"lots", "", "42.5", // bad number, required left empty, then a number
		"2",        // select by number
		"小李",       // user by name
		"",         // default kept
		"2026/3/5", // date normalised
		"",         // optional skipped
	}, "\n") + "\n"
	out := session(t, h, input)
	mustContain(t, out,
		"📝 Weekly update (/cancel to abandon)",
		"  Sales this week [number, required]: lots\nPlease type a number",
		"This one is required.",
		"    2) In progress\n",
		"  Status [choose a number, required, default Not started]: ",
		"    2) 小李 (u_li)\n",
		"  Summary [default on track, e.g. what went well]: ",
		"  Interview [datetime YYYY-MM-DD HH:MM UTC]: ",
	)
	if len(h.cmds) != 2 {
		t.Fatalf("got %d commands, want the text and the submission", len(h.cmds))
	}
	want := &bot.ActionInput{ID: "update.submit", Args: map[string]string{"plan": "7"}, Values: map[string]string{
		"sales": "42.5", "status": "doing", "coach": "u_li", "summary": "on track", "next": "2026-03-05",
	}}
	if diff := cmp.Diff(want, h.cmds[1].Action); diff != "" {
		t.Errorf("submission (-want +got):\n%s", diff)
	}
	if h.cmds[1].Actor.ID != "u_wang" {
		t.Errorf("actor = %q, want u_wang", h.cmds[1].Actor.ID)
	}
}

func TestFormAcceptsValuesLabelsAndIDs(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{formReply("", updateForm())})
	session(t, h, "update\n7\nDONE\n9\n@u_bob\n\n2026-02-30\n2026-3-9\nsoon\n2026-03-09 9:30\n")
	got := h.cmds[len(h.cmds)-1].Action.Values
	want := map[string]string{"sales": "7", "status": "done", "coach": "u_bob", "summary": "on track",
		"next": "2026-03-09", "meet": "2026-03-09 09:30"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

func TestFormCancelSendsNothing(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{formReply("", updateForm())})
	out := session(t, h, "update\n12\n/cancel\n/form\n5\n\n\n\n\n\n")
	mustContain(t, out, "Form abandoned, nothing sent (/form reopens it).")
	if len(h.cmds) != 2 {
		t.Fatalf("got %d commands, want the text and the reopened submission", len(h.cmds))
	}
	if got := h.cmds[1].Action.Values["sales"]; got != "5" {
		t.Errorf("sales = %q, want 5 from the reopened form", got)
	}
	// Once sent, the form is no longer pending.
	out = session(t, (&fakeHandler{}).answer([]bot.Reply{formReply("", updateForm())}), "u\n1\n\n\n\n\n\n/form\n")
	mustContain(t, out, "No pending form.")
}

func TestFormForSomeoneElseWaitsForThem(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{formReply("u_li", updateForm())})
	out := session(t, h, "remind 小李\n/form\n/as 小李\n/form\n3\n\n\n\n\n\n")
	mustContain(t, out, "📨 to 小李 (dm):", "   (/as 小李, then /form to fill it in)", "No pending form.")
	last := h.cmds[len(h.cmds)-1]
	if last.Actor.ID != "u_li" || last.Action == nil || last.Action.Values["sales"] != "3" {
		t.Errorf("submission = %+v, want 小李's values", last)
	}
	if last.Chat != (bot.Chat{ID: "dm:u_li"}) {
		t.Errorf("chat = %+v, want 小李's direct chat", last.Chat)
	}
}

func TestFormFieldErrorsAskAgain(t *testing.T) {
	rejected := bot.Reply{Errors: map[string]string{"sales": "Sales cannot be negative."},
		Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "Please fix the form."}}}}
	h := (&fakeHandler{}).answer([]bot.Reply{formReply("", updateForm())}, []bot.Reply{rejected})
	out := session(t, h, "update\n-5\n3\n\n\n\n\n17\n\n\n\n\n\n")
	mustContain(t, out, "Please fix the form.\n", "  ⚠ Sales cannot be negative.\n",
		"  Sales this week [number, required, default -5]: ", "  Status [choose a number, required, default Done]: ")
	if len(h.cmds) != 3 {
		t.Fatalf("got %d commands, want text and two submissions", len(h.cmds))
	}
	got := h.cmds[2].Action.Values
	if got["sales"] != "17" || got["status"] != "done" {
		t.Errorf("second submission = %v, want new sales and the kept status", got)
	}
}

func TestFormEndOfInputStopsQuietly(t *testing.T) {
	h := (&fakeHandler{}).answer([]bot.Reply{formReply("", updateForm())})
	session(t, h, "update\n12\n")
	if len(h.cmds) != 1 {
		t.Errorf("a half-filled form was sent: %+v", h.cmds)
	}
}
