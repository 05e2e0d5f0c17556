package blockkit

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// clicks are the buttons of rendered blocks, in order.
func clicks(blocks []slack.Block) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				out = append(out, e.(*slack.ButtonBlockElement))
			}
		}
	}
	return out
}

func TestButtonsParseBack(t *testing.T) {
	var want []bot.ActionRef
	var form bot.Form
	for _, b := range planCard().Blocks {
		switch b := b.(type) {
		case bot.Buttons:
			for _, btn := range b {
				want = append(want, btn.Action)
			}
		case bot.Form:
			form = b
		}
	}
	btns := clicks(Render(planCard(), Options{Interactive: true}))
	if len(btns) != len(want)+1 {
		t.Fatalf("%d buttons, want %d and the form's", len(btns), len(want))
	}
	for i, ref := range want {
		got, err := ParseAction(btns[i].ActionID, btns[i].Value)
		if err != nil {
			t.Fatalf("button %d: %v", i, err)
		}
		if diff := cmp.Diff(&bot.ActionInput{ID: ref.ID, Args: ref.Args}, got); diff != "" {
			t.Errorf("button %d (-want +got):\n%s", i, diff)
		}
	}
	open := btns[len(btns)-1]
	if !IsFormButton(open.ActionID) {
		t.Fatalf("last button %q is not the form's", open.ActionID)
	}
	if _, err := ParseAction(open.ActionID, open.Value); !errors.Is(err, ErrFormButton) {
		t.Errorf("ParseAction of the form button: %v", err)
	}
	got, err := ParseForm(open.Value)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&form, got.Form); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
}

func TestFormValueShrinks(t *testing.T) {
	// A big but repetitive form is compressed; user candidates are dropped.
	f := everyInput()
	for i := range 40 {
		f.Inputs = append(f.Inputs, bot.Input{Name: "goal_" + strconv.Itoa(i), Label: "第 " + strconv.Itoa(i) + " 个目标的本周实际值", Kind: bot.InputNumber})
	}
	v, err := FormValue(f)
	if err != nil || !strings.HasPrefix(v, compressed) || len(v) > maxValue {
		t.Fatalf("value %d bytes, prefix %.1q, err %v", len(v), v, err)
	}
	got, err := ParseForm(v)
	if err != nil {
		t.Fatal(err)
	}
	f.Inputs[0].Options = nil // users_select cannot use them
	if diff := cmp.Diff(&f, got.Form); diff != "" {
		t.Errorf("compressed form (-want +got):\n%s", diff)
	}

	// A form too big even compressed carries only its action.
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 3000)
	for i := range noise {
		noise[i] = byte('a' + rnd.IntN(26))
	}
	f.Inputs = append(f.Inputs, bot.Input{Name: "x", Placeholder: string(noise)})
	v, err = FormValue(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err = ParseForm(v)
	if err != nil {
		t.Fatal(err)
	}
	if got.Form != nil || got.Action.ID != "plan.create" || got.Action.Args["draft"] != "3" {
		t.Errorf("oversized form came back as %+v", got)
	}
}

func TestForeignValuesAreRefused(t *testing.T) {
	for _, tc := range []struct{ id, value string }{
		{"approve", `{"a":"plan.approve"}`},       // not our action id
		{"pip:plan.approve:1", "req-42"},          // not our value
		{"pip:plan.approve:1", `{"g":{"p":"1"}}`}, // no action
		{"pip:plan.approve:1", `{"a":"plan.approve","admin":true}`},
		{"pip:plan.approve:1", `{"a":"plan.approve","g":{"plan":7}}`},
	} {
		if _, err := ParseAction(tc.id, tc.value); !errors.Is(err, ErrNotOurs) {
			t.Errorf("ParseAction(%q, %q) = %v, want ErrNotOurs", tc.id, tc.value, err)
		}
	}
	for _, v := range []string{"", "z!!!", "z" + strings.Repeat("A", 40), `{"r":true}`} {
		if _, err := ParseForm(v); !errors.Is(err, ErrNotOurs) {
			t.Errorf("ParseForm(%q) = %v, want ErrNotOurs", v, err)
		}
	}
	if _, err := ActionValue(bot.ActionRef{ID: "plan.show", Args: map[string]string{"x": strings.Repeat("长", 700)}}); !errors.Is(err, ErrTooLong) {
		t.Errorf("2100-byte value: %v, want ErrTooLong", err)
	}
}

func TestActionIDs(t *testing.T) {
	if got := actionID(actionPrefix, "plan.approve", 3); got != "pip:plan.approve:3" {
		t.Errorf("action id %q", got)
	}
	if got := actionID(formPrefix, strings.Repeat("a", 400), 12); len(got) > maxActionID || !strings.HasSuffix(got, ":12") {
		t.Errorf("long action id %d bytes: %q", len(got), got)
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	want := Metadata{Action: bot.ActionRef{ID: "plan.update", Args: map[string]string{"plan": "7"}}, Channel: "D1", MessageTS: "1700000000.000100"}
	s, err := MetadataValue(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseMetadata(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	empty, _ := MetadataValue(Metadata{Action: bot.ActionRef{ID: "help"}})
	got, _ = ParseMetadata(empty)
	if diff := cmp.Diff(Metadata{Action: bot.ActionRef{ID: "help"}}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Error(diff)
	}
	if _, err := ParseMetadata("req-42"); !errors.Is(err, ErrNotOurs) {
		t.Errorf("foreign metadata: %v", err)
	}
}
