package lark

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// hugeForm is an update form of a plan of 100 goals with long names.
func hugeForm() bot.Form {
	f := bot.Form{Title: "进展更新 #12", Action: bot.ActionRef{ID: "plan.update", Args: map[string]string{"plan": "12"}}, Submit: "发送"}
	for i := range 100 {
		f.Inputs = append(f.Inputs, bot.Input{Name: "goal_" + strconv.Itoa(i+1), Label: strings.Repeat("客户满意度📈", 300), Kind: bot.InputNumber})
	}
	f.Inputs = append(f.Inputs, bot.Input{Name: "text", Label: "本周进展", Kind: bot.InputTextArea, Required: true})
	return f
}

// pagingEngine answers as the engine does: a page turn shows the form again
// with the values so far, in place; the submit is taken.
func pagingEngine(cmd bot.Command) ([]bot.Reply, error) {
	in := cmd.Action
	if _, turn := in.Args[bot.ArgPage]; !turn {
		return []bot.Reply{plainReply("已提交")}, nil
	}
	f := hugeForm()
	f.Action.Args = in.Args
	for i, inp := range f.Inputs {
		if v, ok := in.Values[inp.Name]; ok {
			f.Inputs[i].Value = v
		}
	}
	return []bot.Reply{{Replace: true, Private: true, Message: bot.Message{Blocks: []bot.Block{f}}}}, nil
}

// buttonsOf are the callback values of a card's form buttons by name, and
// the names of its inputs.
func buttonsOf(el any, buttons map[string]map[string]any, inputs *[]string) {
	switch x := el.(type) {
	case map[string]any:
		switch x["tag"] {
		case "button":
			if bs, ok := x["behaviors"].([]any); ok && len(bs) == 1 {
				buttons[x["name"].(string)] = bs[0].(map[string]any)["value"].(map[string]any)
			}
		case "input", "select_static", "date_picker", "picker_datetime", "select_person":
			*inputs = append(*inputs, x["name"].(string))
		}
		for _, v := range x {
			buttonsOf(v, buttons, inputs)
		}
	case []any:
		for _, v := range x {
			buttonsOf(v, buttons, inputs)
		}
	}
}

// TestFormPagesThroughCallbacks clicks through a 100-goal form's pages on
// the card callback endpoint: each card answered in place fits Feishu,
// and the engine gets the final submit with every value typed on every
// page.
func TestFormPagesThroughCallbacks(t *testing.T) {
	h := newHarness(t, nil)
	h.engine.reply = pagingEngine
	h.start(t)
	first := card.Render(bot.Message{Blocks: []bot.Block{hugeForm()}}, card.Options{Locale: bot.LocaleZH, Interactive: true, Private: true})
	raw, _ := json.Marshal(first)
	var current map[string]any
	_ = json.Unmarshal(raw, &current)
	typed := map[string]string{}
	for turn := 0; turn < 10; turn++ {
		if n, size := card.Components(current), card.SentSize(current); n > card.MaxComponents || size > card.MaxBytes {
			t.Fatalf("card %d: %d components, %d bytes", turn, n, size)
		}
		buttons := map[string]map[string]any{}
		var inputs []string
		buttonsOf(current["body"], buttons, &inputs)
		formValue := map[string]any{}
		for _, n := range inputs {
			typed[n] = fmt.Sprint(len(typed) + 1)
			formValue[n] = typed[n]
		}
		name := "next"
		if buttons[name] == nil {
			name = "submit"
		}
		if buttons[name] == nil {
			t.Fatalf("card %d has neither next nor submit: %v", turn, buttons)
		}
		payload := edited(t, fixture(t, "card_form_submit.json"), map[string]any{
			"header.event_id":         fmt.Sprintf("c0ffee00c0ffee00c0ffee00c0ff%04d", turn),
			"event.action.name":       name,
			"event.action.value":      buttons[name],
			"event.action.form_value": formValue,
		})
		ans := click(t, h, payload)
		if name == "submit" {
			cmds := h.engine.commands()
			last := cmds[len(cmds)-1].Action
			if len(typed) != 101 || last.Args[bot.ArgPage] != "" {
				t.Fatalf("%d inputs shown; last action %+v", len(typed), last.Args)
			}
			for k, v := range typed {
				if last.Values[k] != v {
					t.Errorf("%s = %q at submit, typed %q", k, last.Values[k], v)
				}
			}
			return
		}
		if ans.Card == nil {
			t.Fatalf("page turn %d answered no card: %+v", turn, ans)
		}
		current = ans.Card.Data
	}
	t.Fatal("no submit after 10 pages")
}

// TestHugeFormIsSentAndPlainCardRefused: the fake, which refuses cards of
// more than 200 components as Feishu does, takes the first page of a
// 100-goal form, while the same form in one card, unpaged, is refused.
func TestHugeFormIsSentAndPlainCardRefused(t *testing.T) {
	s := larktest.NewServer(t)
	r := bot.Reply{To: "ou_emp", Private: true, Key: "form-12", Message: bot.Message{Blocks: []bot.Block{hugeForm()}}}
	if _, err := outSender(s).Send(context.Background(), "tk", r); err != nil {
		t.Fatalf("the paged form was refused: %v", err)
	}
	if n := larktest.Components(s.Messages()[0].Card); n > larktest.MaxComponents {
		t.Errorf("sent a card of %d components", n)
	}
	// The same inputs in one card, as the renderer made them before.
	var els []any
	for _, in := range hugeForm().Inputs {
		els = append(els, map[string]any{"tag": "input", "name": in.Name, "label": map[string]any{"tag": "plain_text", "content": "x"},
			"placeholder": map[string]any{"tag": "plain_text", "content": "x"}})
	}
	whole, _ := json.Marshal(map[string]any{"schema": "2.0", "config": map[string]any{"update_multi": true},
		"body": map[string]any{"elements": []any{map[string]any{"tag": "form", "name": "form", "elements": els}}}})
	resp, err := NewClient(larktest.AppID, larktest.AppSecret, s.URL, 5*time.Second).Im.V1.Message.Create(context.Background(),
		larkim.NewCreateMessageReqBuilder().ReceiveIdType("open_id").Body(larkim.NewCreateMessageReqBodyBuilder().
			ReceiveId("ou_emp").MsgType("interactive").Content(string(whole)).Build()).Build())
	if err != nil || resp.Code != larktest.CodeCardInvalid || !strings.Contains(resp.Msg, "300305") {
		t.Errorf("a card of 303 components: %v, code %d %q", err, resp.Code, resp.Msg)
	}
}

// TestLongCardGoesAsSeveral: a plan card of 20 long actions reaches the
// fake as a few cards, none shortened, in order; sent again under the same
// key, none is sent twice.
func TestLongCardGoesAsSeveral(t *testing.T) {
	s := larktest.NewServer(t)
	m := bot.Message{Title: "绩效改进计划 #12"}
	for i := range 20 {
		m.Blocks = append(m.Blocks, bot.Fields{{Label: "行动 " + strconv.Itoa(i+1), Value: strings.Repeat("每周五17:00前更新拜访记录", 35)},
			{Label: "资源", Value: strings.Repeat("CRM 与导师辅导", 50)}})
	}
	r := bot.Reply{To: "ou_emp", Private: true, Key: "plan-12-card", Message: m}
	snd := outSender(s)
	for range 2 {
		if _, err := snd.Send(context.Background(), "tk", r); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.Messages()
	if len(msgs) < 2 {
		t.Fatalf("%d cards, want the plan over several", len(msgs))
	}
	var all strings.Builder
	for _, msg := range msgs {
		raw, _ := json.Marshal(msg.Card)
		if strings.Contains(string(raw), "已截断") {
			t.Error("a part was shortened")
		}
		all.Write(raw)
	}
	for i := range 20 {
		if !strings.Contains(all.String(), "行动 "+strconv.Itoa(i+1)+"**") {
			t.Errorf("action %d is in no card", i+1)
		}
	}
}
