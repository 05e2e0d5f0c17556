package blockkit

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// checkLimits holds rendered blocks to Block Kit's limits and our safety
// rules: every mrkdwn text is verbatim and carries no raw < or >, and
// action ids are unique.
func checkLimits(t *testing.T, blocks []slack.Block, maxBlocks int) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, over %d", len(blocks), maxBlocks)
	}
	text := func(o *slack.TextBlockObject, limit int, what string) {
		t.Helper()
		if o == nil {
			return
		}
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", what, err)
		}
		if n := length(o.Text); n > limit {
			t.Errorf("%s: %d characters, over %d", what, n, limit)
		}
		if o.Type == slack.MarkdownType && (!o.Verbatim || strings.ContainsAny(o.Text, "<>")) {
			t.Errorf("%s: unsafe mrkdwn %q (verbatim %v)", what, o.Text, o.Verbatim)
		}
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		at := "block " + strconv.Itoa(i)
		switch b := b.(type) {
		case *slack.HeaderBlock:
			text(b.Text, maxHeader, at+" header")
		case *slack.SectionBlock:
			text(b.Text, maxText, at+" section")
			if len(b.Fields) > maxFields {
				t.Errorf("%s: %d fields", at, len(b.Fields))
			}
			for _, f := range b.Fields {
				text(f, maxField, at+" field")
			}
		case *slack.ContextBlock:
			if n := len(b.ContextElements.Elements); n == 0 || n > 10 {
				t.Errorf("%s: %d context elements", at, n)
			}
			for _, e := range b.ContextElements.Elements {
				text(e.(*slack.TextBlockObject), maxText, at+" context")
			}
		case *slack.ActionBlock:
			if n := len(b.Elements.ElementSet); n == 0 || n > maxElements {
				t.Errorf("%s: %d elements", at, n)
			}
			for _, e := range b.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				text(btn.Text, maxButtonText, at+" button")
				if len(btn.Value) > maxValue || len(btn.ActionID) > maxActionID || btn.Value == "" {
					t.Errorf("%s: button value %d bytes, action id %d", at, len(btn.Value), len(btn.ActionID))
				}
				if ids[btn.ActionID] {
					t.Errorf("%s: action id %q used twice", at, btn.ActionID)
				}
				ids[btn.ActionID] = true
				if c := btn.Confirm; c != nil {
					text(c.Title, maxConfirmTitle, at+" confirm title")
					text(c.Text, maxConfirmText, at+" confirm text")
					text(c.Confirm, maxConfirmButton, at+" confirm")
					text(c.Deny, maxConfirmButton, at+" deny")
				}
			}
		case *slack.InputBlock:
			text(b.Label, maxLabel, at+" label")
			text(b.Hint, maxHint, at+" hint")
			if b.BlockID == "" || ids[b.BlockID] {
				t.Errorf("%s: block id %q empty or used twice", at, b.BlockID)
			}
			ids[b.BlockID] = true
		case *slack.DividerBlock:
		default:
			t.Errorf("%s: unexpected %T", at, b)
		}
	}
}

// TestLongTextIsSplit: a paragraph past a section's 3,000 characters goes
// on in further sections, none ending inside an entity, all of it kept.
func TestLongTextIsSplit(t *testing.T) {
	long := strings.Repeat("很长的文字 & 更多", 400)
	m := bot.Message{Title: strings.Repeat("标题", 100), Blocks: []bot.Block{
		bot.Text{Body: long}, bot.Context(long),
		bot.Fields{{Label: "说明", Value: long}},
		bot.Buttons{{Label: strings.Repeat("按钮", 50), Confirm: long, Action: bot.ActionRef{ID: "plan.show"}}},
	}}
	blocks := Render(m, Options{Interactive: true})
	checkLimits(t, blocks, MaxMessageBlocks)
	var joined string
	for _, b := range blocks[1:3] {
		s := b.(*slack.SectionBlock).Text.Text
		if strings.HasSuffix(s, "&am") || strings.HasSuffix(s, "&amp") || strings.HasSuffix(s, "…") {
			t.Errorf("section ends %q", s[len(s)-20:])
		}
		joined += s
	}
	if joined != mrkdwn(long) {
		t.Errorf("the sections hold %d characters of the text's %d", length(joined), length(mrkdwn(long)))
	}
}

func TestBlocksAreCapped(t *testing.T) {
	m := bot.Message{Title: "很多内容"}
	for i := range 80 {
		m.Blocks = append(m.Blocks, bot.Text{Body: "第 " + strconv.Itoa(i) + " 段"})
	}
	m.Blocks = append(m.Blocks, bot.Buttons{{Label: "批准", Action: bot.ActionRef{ID: "plan.approve"}}})
	blocks := Render(m, Options{Interactive: true})
	checkLimits(t, blocks, MaxMessageBlocks)
	if len(blocks) != MaxMessageBlocks {
		t.Fatalf("%d blocks, want %d", len(blocks), MaxMessageBlocks)
	}
	if _, ok := blocks[len(blocks)-2].(*slack.ActionBlock); !ok {
		t.Error("the buttons were dropped")
	}
	if c, ok := blocks[len(blocks)-1].(*slack.ContextBlock); !ok || !strings.Contains(c.ContextElements.Elements[0].(*slack.TextBlockObject).Text, "过长") {
		t.Error("no note that the message was shortened")
	}
	home := Home([]bot.Message{m, m, m}, Options{Interactive: true})
	checkLimits(t, home.Blocks.BlockSet, MaxViewBlocks)
}

func TestManyFieldsAndButtonsSplit(t *testing.T) {
	var fs bot.Fields
	var bs bot.Buttons
	for i := range 30 {
		fs = append(fs, bot.Field{Label: "项 " + strconv.Itoa(i), Value: "值"})
		// The same action twice per row still gets distinct action ids.
		bs = append(bs, bot.Button{Label: "查看", Action: bot.ActionRef{ID: "plan.show", Args: map[string]string{"plan": "7"}}})
	}
	blocks := Render(bot.Message{Blocks: []bot.Block{fs[:23], bs, bs[:2]}}, Options{Interactive: true})
	checkLimits(t, blocks, MaxMessageBlocks)
	var got []int
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			got = append(got, len(b.Fields))
		case *slack.ActionBlock:
			got = append(got, len(b.Elements.ElementSet))
		}
	}
	if want := []int{10, 10, 3, 25, 5, 2}; !slices.Equal(got, want) {
		t.Errorf("split into %v, want %v", got, want)
	}
}

func TestOversizedButtonIsLeftOut(t *testing.T) {
	big := bot.ActionRef{ID: "plan.show", Args: map[string]string{"note": strings.Repeat("x", maxValue)}}
	blocks := Render(bot.Message{Blocks: []bot.Block{bot.Buttons{
		{Label: "太大", Action: big}, {Label: "正常", Action: bot.ActionRef{ID: "plan.show"}},
	}}}, Options{Interactive: true})
	checkLimits(t, blocks, MaxMessageBlocks)
	if n := len(blocks[0].(*slack.ActionBlock).Elements.ElementSet); n != 1 {
		t.Errorf("%d buttons, want only the one that fits", n)
	}
}
