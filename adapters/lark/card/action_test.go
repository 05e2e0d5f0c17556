package card

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
)

func TestActionValueRoundTrip(t *testing.T) {
	ref := bot.ActionRef{ID: "plan.approve", Args: map[string]string{"plan": "12"}}
	raw, _ := json.Marshal(ActionValue(ref, false))
	var back map[string]any
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got, err := ParseAction(back, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&bot.ActionInput{ID: "plan.approve", Args: map[string]string{"plan": "12"}}, got); diff != "" {
		t.Error(diff)
	}
}

func TestParseFormValues(t *testing.T) {
	value := ActionValue(bot.ActionRef{ID: "interview.book", Args: map[string]string{"plan": "3"}}, true)
	form := map[string]any{"at": "2026-12-03 15:00 +0800", "day": "2026-12-03 +0800", "who": []any{"ou_1", "ou_2"},
		"minutes": float64(50), "note": "ok", "empty": nil}
	got, err := ParseAction(value, form)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"at": "2026-12-03 15:00", "day": "2026-12-03", "who": "ou_1", "minutes": "50", "note": "ok", "empty": ""}
	if diff := cmp.Diff(want, got.Values); diff != "" {
		t.Error(diff)
	}
}

func TestParseRefusesForeignValues(t *testing.T) {
	if _, err := ParseAction(map[string]any{"op": "approve"}, nil); err != ErrNoAction {
		t.Errorf("foreign value: %v", err)
	}
	if _, err := ParseAction(map[string]any{"action": "plan.show", "args": map[string]any{"plan": 12.0}}, nil); err == nil {
		t.Error("non-string argument accepted")
	}
}
