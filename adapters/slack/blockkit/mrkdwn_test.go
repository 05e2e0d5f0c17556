package blockkit

import (
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

func TestMrkdwn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"**绩效差距**\n季度销售额", "*绩效差距*\n季度销售额"},
		{"已记录，**谢谢**！", "已记录，*谢谢*！"},
		{"计划**#7**已提交", "计划\u200b*#7*\u200b已提交"},
		{"** spaced ** out", " *spaced*  out"},
		{"a ** b", "a ** b"},
		{"****", "****"},
		{"3 < 4 && 5 > 2", "3 &lt; 4 &amp;&amp; 5 &gt; 2"},
		{"**<b>**", "*&lt;b&gt;*"},
	} {
		if got := mrkdwn(tc.in); got != tc.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestUserTextIsNeutralised puts text a user could have typed (a plan's
// goal, a reason) in every place a message shows text.
func TestUserTextIsNeutralised(t *testing.T) {
	evil := "<!channel> 看 <https://evil.example|这里> & <@U123> @here"
	m := bot.Message{Title: evil, Blocks: []bot.Block{
		bot.Text{Body: "**原因**：" + evil},
		bot.Fields{{Label: evil, Value: evil}},
		bot.Progress{Label: evil, Percent: 50, Detail: evil},
		bot.Context(evil),
		bot.Buttons{{Label: evil, Confirm: evil, Action: bot.ActionRef{ID: "plan.show"}}},
		bot.Form{Title: evil, Action: bot.ActionRef{ID: "plan.changes"}},
	}}
	blocks := Render(m, Options{Interactive: true})
	checkLimits(t, blocks, MaxMessageBlocks) // mrkdwn: verbatim, no raw < or >
	section := blocks[1].(*slack.SectionBlock).Text.Text
	for _, want := range []string{"&lt;!channel&gt;", "&lt;https://evil.example|这里&gt;", "&amp;", "&lt;@U123&gt;"} {
		if !strings.Contains(section, want) {
			t.Errorf("section %q lacks %q", section, want)
		}
	}
	if got := Text(m); strings.ContainsAny(got, "<>") {
		t.Errorf("notification text %q", got)
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"短", 5, "短"},
		{"绩效改进计划第十二号", 5, "绩效改进…"},
		{"a &amp; b", 6, "a…"},
		{"😀😀😀", 4, "😀…"}, // an emoji is two UTF-16 units
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		m    bot.Message
		want string
	}{
		{planCard(), "绩效改进计划 #7 · 小李"},
		{plainText(), "已记录本周进展，谢谢！"},
		{bot.Message{Blocks: []bot.Block{reasonForm()}}, "计划 #7：请写明原因"},
	} {
		if got := Text(tc.m); got != tc.want {
			t.Errorf("Text = %q, want %q", got, tc.want)
		}
	}
}
