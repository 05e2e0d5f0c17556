package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
)

// hugeForm is an update form of 250 goals and the required note.
func hugeForm() bot.Form {
	f := bot.Form{Title: "Weekly update", Action: bot.ActionRef{ID: "plan.update", Args: map[string]string{"plan": "12"}}, Submit: "Send"}
	for i := range 250 {
		f.Inputs = append(f.Inputs, bot.Input{Name: "goal_" + strconv.Itoa(i+1), Label: strings.Repeat("客户满意度📈", 300), Kind: bot.InputNumber})
	}
	f.Inputs = append(f.Inputs, bot.Input{Name: "note", Label: "Note", Kind: bot.InputTextArea, Required: true})
	return f
}

// TestModalPagesThroughSubmissions submits a 251-input form's modals on
// the interactions endpoint as Slack would: each page turn is answered
// with the next modal (response_action update) within Slack's limits, and
// the engine gets the final submission with every value typed.
func TestModalPagesThroughSubmissions(t *testing.T) {
	h := newRig(t, nil)
	h.engine.answer(func(cmd bot.Command) []bot.Reply {
		in := cmd.Action
		if _, turn := in.Args[bot.ArgPage]; !turn {
			return []bot.Reply{textReply("Progress recorded")}
		}
		f := hugeForm()
		f.Action.Args = in.Args
		for i, inp := range f.Inputs {
			if v, ok := in.Values[inp.Name]; ok {
				f.Inputs[i].Value = v
			}
		}
		return []bot.Reply{{Replace: true, Private: true, Message: bot.Message{Blocks: []bot.Block{f}}}}
	})
	h.start(t)
	v := modal(hugeForm(), bot.Person{ID: "U0EMP", Locale: bot.LocaleEN}, Origin{ChannelID: "D0EMP", MessageTS: "1781258700.000500"})
	typed := map[string]string{}
	for turn := 0; turn < 5; turn++ {
		if n := len(v.Blocks.BlockSet); n > blockkit.MaxViewBlocks || len(v.PrivateMetadata) > 3000 {
			t.Fatalf("modal %d: %d blocks, metadata %d", turn, n, len(v.PrivateMetadata))
		}
		values := map[string]any{}
		for _, b := range v.Blocks.BlockSet {
			if in, ok := b.(*slack.InputBlock); ok {
				typed[in.BlockID] = fmt.Sprint(len(typed) + 1)
				values[in.BlockID] = map[string]any{in.BlockID: map[string]any{"type": "plain_text_input", "value": typed[in.BlockID]}}
			}
		}
		var payload map[string]any
		if err := json.Unmarshal(recorded(t, "view_submission.json"), &payload); err != nil {
			t.Fatal(err)
		}
		view := payload["view"].(map[string]any)
		view["private_metadata"], view["state"] = v.PrivateMetadata, map[string]any{"values": values}
		view["hash"], payload["trigger_id"] = fmt.Sprintf("1781258710.page%d", turn), fmt.Sprintf("1.2.page%d", turn)
		body, _ := json.Marshal(payload)
		rec := h.send(t, "/slack/interactions", interactionBody(body))
		var ans struct {
			ResponseAction string          `json:"response_action"`
			View           json.RawMessage `json:"view"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &ans) != nil {
			t.Fatalf("got %d %q", rec.Code, rec.Body)
		}
		if ans.ResponseAction == "clear" {
			cmds := h.engine.commands()
			last := cmds[len(cmds)-1].Action
			if len(typed) != 251 || last.Args[bot.ArgPage] != "" {
				t.Fatalf("%d inputs shown, last args %v", len(typed), last.Args)
			}
			for k, want := range typed {
				if last.Values[k] != want {
					t.Errorf("%s = %q at submit, typed %q", k, last.Values[k], want)
				}
			}
			return
		}
		if ans.ResponseAction != "update" {
			t.Fatalf("answer %s", rec.Body)
		}
		v = slack.ModalViewRequest{}
		if err := json.Unmarshal(ans.View, &v); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("no last page after 5 modals")
}
