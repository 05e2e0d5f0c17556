package blockkit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// elementOf is an input block's element type and action id.
func elementOf(t *testing.T, b *slack.InputBlock) (string, string) {
	t.Helper()
	switch e := b.Element.(type) {
	case *slack.PlainTextInputBlockElement:
		return string(e.Type), e.ActionID
	case *slack.DatePickerBlockElement:
		return string(e.Type), e.ActionID
	case *slack.DateTimePickerBlockElement:
		return string(e.Type), e.ActionID
	case *slack.SelectBlockElement:
		return e.Type, e.ActionID
	}
	t.Fatalf("unexpected element %T", b.Element)
	return "", ""
}

// submit is the state Slack sends when the modal's inputs are answered
// with values (by input name), as a user would pick them.
func submit(t *testing.T, v slack.ModalViewRequest, values map[string]slack.BlockAction) *slack.ViewState {
	t.Helper()
	state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		typ, id := elementOf(t, in)
		a := values[in.BlockID]
		a.Type, a.ActionID, a.BlockID = slack.ActionType(typ), id, in.BlockID
		state.Values[in.BlockID] = map[string]slack.BlockAction{id: a}
	}
	return state
}

func TestModalInputsAreNamed(t *testing.T) {
	f := everyInput()
	v := Modal(f, ModalOptions{TZ: shanghai(t)})
	var names []string
	for _, b := range v.Blocks.BlockSet {
		in := b.(*slack.InputBlock)
		_, id := elementOf(t, in)
		if id != in.BlockID {
			t.Errorf("block %q has action id %q", in.BlockID, id)
		}
		names = append(names, in.BlockID)
	}
	var want []string
	for _, in := range f.Inputs {
		want = append(want, in.Name)
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("block ids (-want +got):\n%s", diff)
	}
	if !slack.ValidateUniqueBlockID(v) {
		t.Error("block ids are not unique")
	}
}

func TestSubmissionRoundTrip(t *testing.T) {
	sh := shanghai(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tz   *time.Location
		unix int64 // 2026-03-10 15:00 in tz
	}{
		{sh, time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC).Unix()},
		{ny, time.Date(2026, 3, 10, 19, 0, 0, 0, time.UTC).Unix()}, // EDT since March 8
	} {
		t.Run(tc.tz.String(), func(t *testing.T) {
			v := Modal(everyInput(), ModalOptions{TZ: tc.tz})
			for _, b := range v.Blocks.BlockSet {
				if e, ok := b.(*slack.InputBlock).Element.(*slack.DateTimePickerBlockElement); ok && e.InitialDateTime != tc.unix {
					t.Errorf("initial_date_time %d, want %d", e.InitialDateTime, tc.unix)
				}
			}
			state := submit(t, v, map[string]slack.BlockAction{
				"employee":      {SelectedUser: "U1"},
				"manager":       {SelectedUser: "U9"},
				"type":          {SelectedOption: slack.OptionBlockObject{Value: "potential"}},
				"gap_metric":    {Value: "销售额"},
				"gap_target":    {Value: "42万"},
				"cause_text":    {Value: "跟进慢\n第二行"},
				"goal_deadline": {SelectedDate: "2026-05-31"},
				"at":            {SelectedDateTime: tc.unix},
				"unit":          {Value: "元"},
			})
			want := map[string]string{"employee": "U1", "manager": "U9", "type": "potential", "gap_metric": "销售额",
				"gap_target": "42万", "cause_text": "跟进慢\n第二行", "goal_deadline": "2026-05-31",
				"at": "2026-03-10 15:00", "end": "", "unit": "元"}
			if diff := cmp.Diff(want, ParseSubmission(state, tc.tz)); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
	// The same instant reads in the reader's zone.
	state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{"at": {"at": {Type: "datetimepicker",
		SelectedDateTime: time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC).Unix()}}}}
	if got := ParseSubmission(state, ny)["at"]; got != "2026-03-10 03:00" {
		t.Errorf("Shanghai's 15:00 in New York: %q", got)
	}
}

// TestRecordedState reads a state as Slack sends it in view_submission.
func TestRecordedState(t *testing.T) {
	raw := `{"values":{
	 "reason":{"reason":{"type":"plain_text_input","value":"目标不清楚"}},
	 "at":{"at":{"type":"datetimepicker","selected_date_time":1773126000}},
	 "end":{"end":{"type":"datepicker","selected_date":null}},
	 "hr":{"hr":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"是"},"value":"yes"}}},
	 "who":{"who":{"type":"users_select","selected_user":"U07"}},
	 "minutes":{"minutes":{"type":"number_input","value":"50"}}}}`
	var state slack.ViewState
	if err := json.Unmarshal([]byte(raw), &state); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"reason": "目标不清楚", "at": "2026-03-10 15:00", "end": "", "hr": "yes", "who": "U07", "minutes": "50"}
	if diff := cmp.Diff(want, ParseSubmission(&state, shanghai(t))); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if got := ParseSubmission(nil, nil); got == nil {
		t.Error("nil values: the engine would show the form again")
	}
}

func TestParseView(t *testing.T) {
	f := reasonForm()
	m := Modal(f, ModalOptions{})
	view := slack.View{CallbackID: m.CallbackID, PrivateMetadata: m.PrivateMetadata,
		State: submit(t, m, map[string]slack.BlockAction{"reason": {Value: "请补充数据"}})}
	in, meta, err := ParseView(view, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &bot.ActionInput{ID: "plan.changes", Args: map[string]string{"plan": "7"}, Values: map[string]string{"reason": "请补充数据"}}
	if diff := cmp.Diff(want, in); diff != "" || meta.Action.ID != "plan.changes" {
		t.Errorf("action (-want +got):\n%s", diff)
	}
	if _, _, err := ParseView(slack.View{PrivateMetadata: "other-app"}, nil); err == nil {
		t.Error("a foreign view was accepted")
	}
}

func TestModalTitleAndLabels(t *testing.T) {
	f := reasonForm()
	f.Title = "计划 #12：请写明退回的原因，并说明需要补充的数据和材料"
	f.Submit = strings.Repeat("提交", 20)
	v := Modal(f, ModalOptions{Locale: bot.LocaleEN, Errors: map[string]string{"reason": "Required"}})
	for what, o := range map[string]*slack.TextBlockObject{"title": v.Title, "submit": v.Submit, "close": v.Close} {
		if n := utf8.RuneCountInString(o.Text); n > maxModalTitle {
			t.Errorf("%s has %d characters: %q", what, n, o.Text)
		}
	}
	if !strings.HasSuffix(v.Title.Text, "…") || v.Close.Text != "Cancel" {
		t.Errorf("title %q, close %q", v.Title.Text, v.Close.Text)
	}
	full := v.Blocks.BlockSet[0].(*slack.SectionBlock).Text.Text
	if !strings.Contains(full, "需要补充的数据和材料") {
		t.Errorf("the full title is not shown: %q", full)
	}
	if hint := v.Blocks.BlockSet[1].(*slack.InputBlock).Hint; hint == nil || !strings.Contains(hint.Text, "Required") {
		t.Errorf("error hint %+v", hint)
	}
	checkLimits(t, v.Blocks.BlockSet, MaxViewBlocks)
}

func TestSelectOptionsCapped(t *testing.T) {
	in := bot.Input{Name: "who", Kind: bot.InputSelect, Value: "v150"}
	for i := range 150 {
		in.Options = append(in.Options, bot.Option{Value: "v" + strings.Repeat("0", i%3) + string(rune('a'+i%26)), Label: strings.Repeat("选项", 50)})
	}
	in.Options = append(in.Options, bot.Option{Value: "v150", Label: "too late"})
	e := input(in, ModalOptions{}).Element.(*slack.SelectBlockElement)
	if len(e.Options) != maxOptions || e.InitialOption != nil {
		t.Errorf("%d options, initial %+v", len(e.Options), e.InitialOption)
	}
	if n := utf8.RuneCountInString(e.Options[0].Text.Text); n > maxOptionText {
		t.Errorf("option text %d characters", n)
	}
}
