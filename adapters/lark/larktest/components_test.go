package larktest_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

// formCard is a card whose form holds n inputs with a label and a
// placeholder each: 3 components an input, plus the form and its button
// (with its text): 3n + 3 components.
func formCard(n int) string {
	var els []any
	for i := range n {
		name := "goal_" + strconv.Itoa(i)
		els = append(els, map[string]any{"tag": "input", "name": name,
			"label":       map[string]any{"tag": "plain_text", "content": "指标 " + name},
			"placeholder": map[string]any{"tag": "plain_text", "content": "请输入数字"}})
	}
	els = append(els, map[string]any{"tag": "button", "name": "submit", "form_action_type": "submit",
		"text": map[string]any{"tag": "plain_text", "content": "提交"}})
	b, _ := json.Marshal(map[string]any{"schema": "2.0", "config": map[string]any{"update_multi": true},
		"body": map[string]any{"elements": []any{map[string]any{"tag": "form", "name": "form", "elements": els}}}})
	return string(b)
}

// TestComponentLimit: a card of 200 components is sent and patched; one of
// 201 is refused, both ways, as Feishu refuses it: 230099 with the card
// build error 300305 inside, and nothing sent or changed.
func TestComponentLimit(t *testing.T) {
	s := larktest.NewServer(t)
	c := client(s, larktest.AppSecret, 5*time.Second)
	var fits map[string]any
	_ = json.Unmarshal([]byte(formCard(65)), &fits)
	if n := larktest.Components(fits); n != 198 {
		t.Fatalf("65 inputs count %d components, want 198", n)
	}
	ok := send(t, c, "open_id", "ou_a", "interactive", formCard(65), "")
	if !ok.Success() {
		t.Fatalf("198 components refused: %d %s", ok.Code, ok.Msg)
	}
	over := send(t, c, "open_id", "ou_a", "interactive", formCard(67), "")
	if over.Code != larktest.CodeCardInvalid || !strings.Contains(over.Msg, "ErrCode: 300305") {
		t.Errorf("204 components: code %d %q, want %d with ErrCode 300305", over.Code, over.Msg, larktest.CodeCardInvalid)
	}
	if p := patch(t, c, *ok.Data.MessageId, formCard(67)); p.Code != larktest.CodeCardInvalid {
		t.Errorf("patch to 204 components: code %d %q", p.Code, p.Msg)
	}
	if len(s.Messages()) != 1 || len(s.Patches()) != 0 {
		t.Errorf("%d messages, %d patches; want the one that fits, unchanged", len(s.Messages()), len(s.Patches()))
	}
}
