package blockkit

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// bigForm is an update form with n goals and the required note last.
func bigForm(n int) bot.Form {
	f := bot.Form{Title: "进展更新 #12 · 第 47 周 · " + strings.Repeat("客户满意度📈", 10), Action: bot.ActionRef{ID: "plan.update", Args: map[string]string{"plan": "12"}}, Submit: "发送"}
	for i := range n {
		f.Inputs = append(f.Inputs, bot.Input{Name: "goal_" + strconv.Itoa(i+1), Label: strings.Repeat("客户满意度📈", 400), Kind: bot.InputNumber})
	}
	f.Inputs = append(f.Inputs, bot.Input{Name: "text", Label: "本周进展", Kind: bot.InputTextArea, Required: true})
	return f
}

// TestModalPagesKeepEveryValue walks a form of 250 inputs through its
// modals as Slack would: each modal holds at most 100 blocks, its
// private_metadata at most 3,000 characters, every input (the required
// note included) is on some page, and the last submission carries every
// value typed on every page, without the page argument.
func TestModalPagesKeepEveryValue(t *testing.T) {
	f := bigForm(250)
	meta, err := MetadataValue(Metadata{Action: f.Action, Channel: "D1", MessageTS: "1.2"})
	if err != nil {
		t.Fatal(err)
	}
	typed := map[string]string{}
	current := f
	var final *bot.ActionInput
	for turn := 0; turn < 10 && final == nil; turn++ {
		v := Modal(current, ModalOptions{Locale: bot.LocaleZH, PrivateMetadata: meta})
		checkLimits(t, v.Blocks.BlockSet, MaxViewBlocks)
		if n := len(v.PrivateMetadata); n == 0 || n > maxMetadata {
			t.Fatalf("page %d: private_metadata of %d bytes", turn, n)
		}
		state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
		for _, b := range v.Blocks.BlockSet {
			if in, ok := b.(*slack.InputBlock); ok {
				typed[in.BlockID] = "v" + in.BlockID
				state.Values[in.BlockID] = map[string]slack.BlockAction{in.BlockID: {Type: slack.ActionType(slack.METPlainTextInput), Value: typed[in.BlockID]}}
			}
		}
		in, m, err := ParseView(slack.View{PrivateMetadata: v.PrivateMetadata, State: state}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Channel != "D1" || m.MessageTS != "1.2" {
			t.Errorf("page %d lost its routing: %+v", turn, m)
		}
		if _, ok := in.Args[bot.ArgPage]; !ok {
			if v.Submit.Text != "发送" {
				t.Errorf("last page's submit reads %q", v.Submit.Text)
			}
			final = in
			break
		}
		if v.Submit.Text != phrase(bot.LocaleZH, "page.next") {
			t.Errorf("page %d's submit reads %q", turn, v.Submit.Text)
		}
		// What the engine answers to a page turn (bot.turnPage), and the
		// adapter's metadata for the modal that replaces this one.
		next := f
		next.Action.Args = in.Args
		next.Inputs = append([]bot.Input(nil), f.Inputs...)
		for i, inp := range next.Inputs {
			if val, ok := in.Values[inp.Name]; ok {
				next.Inputs[i].Value = val
			}
		}
		current = next
		meta, _ = MetadataValue(Metadata{Action: next.Action, Channel: "D1", MessageTS: "1.2"})
	}
	if final == nil {
		t.Fatal("never reached the last page")
	}
	if len(typed) != len(f.Inputs) {
		t.Errorf("%d of %d inputs shown", len(typed), len(f.Inputs))
	}
	if final.ID != "plan.update" || final.Args["plan"] != "12" {
		t.Errorf("final %+v", final)
	}
	for _, in := range f.Inputs {
		if final.Values[in.Name] != typed[in.Name] {
			t.Errorf("%s = %q at submit, typed %q", in.Name, final.Values[in.Name], typed[in.Name])
		}
	}
}

// TestModalFitsWithoutPages: a form that fits is one modal submitting the
// form, whatever page argument its action still holds.
func TestModalFitsWithoutPages(t *testing.T) {
	f := bigForm(10)
	f.Action.Args[bot.ArgPage] = "from:5"
	v := Modal(f, ModalOptions{Locale: bot.LocaleEN})
	m, err := ParseMetadata(v.PrivateMetadata)
	if err != nil || m.Action.Args[bot.ArgPage] != "" || len(m.Values) != 0 || v.Submit.Text != "发送" {
		t.Errorf("metadata %+v %v, submit %q", m, err, v.Submit.Text)
	}
	if n := len(v.Blocks.BlockSet); n != 12 {
		t.Errorf("%d blocks, want the title and 11 inputs", n)
	}
}
