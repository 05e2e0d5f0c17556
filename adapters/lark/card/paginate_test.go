package card

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

// bigForm is an update form of a plan with n goals whose metric names are
// long CJK text with emoji, and a required note last.
func bigForm(n, nameLen int) bot.Form {
	f := bot.Form{Title: "进展更新 #12 · 第 47 周", Action: bot.ActionRef{ID: "plan.update", Args: map[string]string{"plan": "12"}}, Submit: "发送"}
	name := strings.Repeat("客户满意度📈", nameLen/6+1)
	for i := range n {
		f.Inputs = append(f.Inputs, bot.Input{Name: "goal_" + strconv.Itoa(i+1), Label: name, Kind: bot.InputNumber, Placeholder: "目标 500000"})
	}
	f.Inputs = append(f.Inputs, bot.Input{Name: "text", Label: "本周进展", Kind: bot.InputTextArea, Required: true})
	return f
}

// formButton is the callback value of the paged form's button name
// ("prev", "next" or "submit"), nil when the card has none.
func formButton(t *testing.T, card map[string]any, name string) map[string]any {
	t.Helper()
	var v map[string]any
	walk(card["body"].(map[string]any)["elements"], func(el map[string]any, _ []string) {
		if el["tag"] == "button" && el["name"] == name {
			v = el["behaviors"].([]any)[0].(map[string]any)["value"].(map[string]any)
		}
	})
	return v
}

// shownInputs are the names of the inputs a card shows.
func shownInputs(card map[string]any) []string {
	var names []string
	walk(card["body"].(map[string]any)["elements"], func(el map[string]any, _ []string) {
		if inputTags[el["tag"].(string)] {
			names = append(names, el["name"].(string))
		}
	})
	return names
}

// TestFormPagesKeepEveryValue walks a form of 100 goals with 2,500-rune
// names through its pages as a user would: each page fits Feishu (200
// components, 30 KB as sent), every input is shown on some page, a turn
// back and forth loses nothing, and the final submit carries every value
// typed on every page, without the page argument.
func TestFormPagesKeepEveryValue(t *testing.T) {
	f := bigForm(100, 2500)
	o := Options{Locale: bot.LocaleZH, Interactive: true, Private: true}
	if whole := build(bot.Message{Blocks: []bot.Block{f}}, o); fits(whole) {
		t.Fatal("the whole form fits one card: nothing to page")
	}
	typed := map[string]string{} // what the user typed, by input
	seen := map[string]bool{}
	current := f
	var final *bot.ActionInput
	for turn := 0; turn < 20 && final == nil; turn++ {
		card := roundTrip(t, Render(bot.Message{Title: "更新", Blocks: []bot.Block{current}}, o))
		if n, size := Components(card), SentSize(card); n > MaxComponents || size > MaxBytes {
			t.Fatalf("page %d: %d components, %d bytes as sent", turn, n, size)
		}
		names := shownInputs(card)
		if len(names) == 0 {
			t.Fatalf("page %d shows no input", turn)
		}
		formValue := map[string]any{}
		for _, n := range names {
			seen[n] = true
			typed[n] = "v" + n
			formValue[n] = typed[n]
		}
		name := "next"
		switch {
		case turn == 1 && formButton(t, card, "prev") != nil:
			name = "prev" // one step back on the second page, then on again
		case formButton(t, card, "next") == nil:
			name = "submit"
		}
		value := formButton(t, card, name)
		if value == nil {
			t.Fatalf("page %d has no %s button", turn, name)
		}
		in, err := ParseAction(value, formValue)
		if err != nil {
			t.Fatal(err)
		}
		if name == "submit" {
			final = in
			break
		}
		if in.Args[bot.ArgPage] == "" || in.Args["plan"] != "12" {
			t.Fatalf("page turn args %v", in.Args)
		}
		// What the engine answers to a page turn (bot.turnPage).
		next := f
		next.Action.Args = in.Args
		next.Inputs = append([]bot.Input(nil), f.Inputs...)
		for i, inp := range next.Inputs {
			if v, ok := in.Values[inp.Name]; ok {
				next.Inputs[i].Value = v
			}
		}
		current = next
	}
	if final == nil {
		t.Fatal("never reached the submit button")
	}
	if len(seen) != len(f.Inputs) {
		t.Errorf("%d of %d inputs shown on some page", len(seen), len(f.Inputs))
	}
	if _, ok := final.Args[bot.ArgPage]; ok || final.ID != "plan.update" || final.Args["plan"] != "12" {
		t.Errorf("final submit %+v", final)
	}
	for _, in := range f.Inputs {
		if got := final.Values[in.Name]; got != typed[in.Name] {
			t.Errorf("%s = %q at submit, typed %q", in.Name, got, typed[in.Name])
		}
	}
}

// TestSmallFormIsNotPaged: a form that fits is one card with its submit
// button, and a page argument left in its action is not sent back.
func TestSmallFormIsNotPaged(t *testing.T) {
	f := bigForm(5, 20)
	f.Action.Args[bot.ArgPage] = "from:3"
	card := roundTrip(t, Render(bot.Message{Blocks: []bot.Block{f}}, Options{Interactive: true}))
	if len(shownInputs(card)) != 6 || formButton(t, card, "next") != nil || formButton(t, card, "prev") != nil {
		t.Fatalf("inputs %v", shownInputs(card))
	}
	in, err := ParseAction(formButton(t, card, "submit"), map[string]any{"text": "x"})
	if err != nil || in.Args[bot.ArgPage] != "" || in.Args["plan"] != "12" {
		t.Errorf("submit %+v %v", in, err)
	}
}
