package card

import (
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// element is one node of card JSON. Maps marshal with sorted keys, which
// keeps golden files stable.
type element = map[string]any

// plain is a plain_text object, the only text type headers, placeholders,
// labels and confirm dialogs need.
func plain(s string) element { return element{"tag": "plain_text", "content": s} }

// templates maps engine colors to header templates; the zero color is blue.
var templates = map[bot.Color]string{
	bot.ColorDefault: "blue",
	bot.ColorBlue:    "blue",
	bot.ColorGreen:   "green",
	bot.ColorOrange:  "orange",
	bot.ColorRed:     "red",
	bot.ColorGrey:    "grey",
}

// template is the header template (also a markdown font color) for c.
func template(c bot.Color) string {
	if t, ok := templates[c]; ok {
		return t
	}
	return "blue"
}

// header is the card header, or nil for an untitled message.
func header(m bot.Message) element {
	if strings.TrimSpace(m.Title) == "" {
		return nil
	}
	return element{"title": plain(clip(m.Title, maxTitle)), "template": template(m.Color)}
}

// config is the card's global behaviour. JSON 2.0 accepts only shared cards
// (update_multi true). Forwarded cards never accept clicks; private plan
// cards cannot be forwarded at all, so plan content stays where the engine
// sent it: this is the one place that decides it, from Options.Private,
// for every card the adapter sends, patches, updates or answers a click
// with. The summary is the chat-list preview; a private card's preview
// names no plan content, since it shows in notifications.
//
// enable_forward (Boolean, default true: "是否允许转发卡片") and
// enable_forward_interaction (Boolean, default false) are attributes of
// the JSON 2.0 config, where unknown attributes are errors: 卡片 JSON 2.0
// 结构, https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
// (config section).
func config(m bot.Message, o Options) element {
	c := element{
		"update_multi":               true,
		"enable_forward":             !o.Private,
		"enable_forward_interaction": false,
	}
	if s := summary(m, o); s != "" {
		c["summary"] = element{"content": s}
	}
	return c
}

func summary(m bot.Message, o Options) string {
	if o.Private {
		return phrase(o.Locale, "summary.private")
	}
	s := strings.TrimSpace(m.Title)
	if s == "" {
		s, _, _ = strings.Cut(strings.TrimSpace(m.Text()), "\n")
		s = strings.ReplaceAll(s, "**", "")
	}
	return clip(s, maxSummary)
}

// phrases are the few words the renderer adds itself, when the engine left
// a label or placeholder empty or the card had to be shortened.
var phrases = map[string][2]string{ // zh, en
	"summary.private": {"你有一条绩效改进计划消息", "You have a private performance plan message"},
	"confirm.title":   {"请确认", "Please confirm"},
	"submit":          {"提交", "Submit"},
	"ph.text":         {"请输入", "Type here"},
	"ph.number":       {"请输入数字", "Enter a number"},
	"ph.date":         {"请选择日期", "Pick a date"},
	"ph.datetime":     {"请选择日期和时间", "Pick a date and time"},
	"ph.select":       {"请选择", "Choose one"},
	"ph.user":         {"请选择人员", "Choose a person"},
	"truncated":       {"内容过长，部分文字已截断。", "Some text was too long for a card and has been shortened."},
	"part":            {"（续 %d）", "(part %d)"},
	"page.prev":       {"上一页", "Previous"},
	"page.next":       {"下一页", "Next"},
	"page.of":         {"（第 %d–%d 项，共 %d 项）", "(items %d–%d of %d)"},
}

// phrase is key in locale l; anything but English reads Chinese, the
// engine's default.
func phrase(l bot.Locale, key string) string {
	p := phrases[key]
	if l == bot.LocaleEN {
		return p[1]
	}
	return p[0]
}
