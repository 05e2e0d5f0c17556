package blockkit

import (
	"strings"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// Block Kit limits, from the block and element reference pages.
const (
	MaxMessageBlocks = 50  // blocks in one message
	MaxViewBlocks    = 100 // blocks in a modal or the App Home
	maxHeader        = 150 // header text
	maxText          = 3000
	maxField         = 2000 // one section field
	maxFields        = 10   // fields per section
	maxElements      = 25   // elements per actions block
	maxButtonText    = 75
	maxConfirmTitle  = 100
	maxConfirmText   = 300
	maxConfirmButton = 30
	maxNotification  = 300 // our own cap for the notification text
)

// Options say where a message is shown and what it may do there.
type Options struct {
	// Locale is the reader's language, for the few words the renderer adds.
	Locale bot.Locale
	// Interactive renders buttons and "open form" buttons; false drops
	// them, e.g. for a channel or a decided approval that lost its buttons.
	Interactive bool
	// Errors is unused for messages: Slack shows form errors in the modal
	// (ErrorsResponse). It is here so both renderers take the same options.
	Errors map[string]string
}

// Render is m as Block Kit blocks for chat.postMessage or chat.update,
// at most MaxMessageBlocks of them.
func Render(m bot.Message, o Options) []slack.Block {
	r := &renderer{o: o}
	return capBlocks(r.blocks(m), MaxMessageBlocks, o.Locale)
}

// Home is the App Home tab showing several engine messages (the user's
// plans, the team overview for a manager), a divider between each, at most
// MaxViewBlocks blocks. Action ids stay unique across the whole view.
func Home(sections []bot.Message, o Options) slack.HomeTabViewRequest {
	r := &renderer{o: o}
	var all []slack.Block
	for _, m := range sections {
		bs := r.blocks(m)
		if len(bs) == 0 {
			continue
		}
		if len(all) > 0 {
			all = append(all, slack.NewDividerBlock())
		}
		all = append(all, bs...)
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: capBlocks(all, MaxViewBlocks, o.Locale)}}
}

// Text is the message's top-level text: what notifications and clients
// without blocks show. It is the title, or else the first line of text,
// escaped like the blocks. Whether a private message shows it is the
// sender's choice.
func Text(m bot.Message) string {
	s := strings.TrimSpace(m.Title)
	for line := range strings.SplitSeq(m.Text(), "\n") {
		if s != "" {
			break
		}
		s = strings.TrimSpace(line)
	}
	for _, b := range m.Blocks { // a message holding only a form
		if f, ok := b.(bot.Form); ok && s == "" {
			s = strings.TrimSpace(f.Title)
		}
	}
	return clip(escape(oneLine(strings.ReplaceAll(s, "**", ""))), maxNotification)
}

// renderer renders one message or view; n numbers its buttons so action
// ids are unique in it.
type renderer struct {
	o Options
	n int
}

// blocks renders every block of m in order, without the block cap.
func (r *renderer) blocks(m bot.Message) []slack.Block {
	var out []slack.Block
	if t := oneLine(m.Title); t != "" {
		out = append(out, slack.NewHeaderBlock(plain(t, maxHeader)))
	}
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case bot.Text:
			if strings.TrimSpace(b.Body) != "" {
				out = append(out, sections(mrkdwn(b.Body))...)
			}
		case bot.Fields:
			out = append(out, fields(b)...)
		case bot.Progress:
			out = append(out, progress(b)...)
		case bot.Buttons:
			if r.o.Interactive {
				out = append(out, r.buttons(b)...)
			}
		case bot.Form:
			if r.o.Interactive {
				out = append(out, r.formButton(b)...)
			}
		case bot.Divider:
			out = append(out, slack.NewDividerBlock())
		case bot.Context:
			if strings.TrimSpace(string(b)) != "" {
				out = append(out, context(escape(string(b))))
			}
		}
	}
	return out
}

// capBlocks keeps at most limit blocks. Over the limit, display blocks are
// dropped from the end, keeping every actions block, and a last context
// line says the message was shortened.
func capBlocks(bs []slack.Block, limit int, l bot.Locale) []slack.Block {
	if len(bs) <= limit {
		return bs
	}
	actions := 0
	for _, b := range bs {
		if b.BlockType() == slack.MBTAction {
			actions++
		}
	}
	room := limit - 1 - min(actions, limit-1) // display blocks that fit
	out := make([]slack.Block, 0, limit)
	for _, b := range bs {
		keep := b.BlockType() == slack.MBTAction
		if !keep && room > 0 {
			keep, room = true, room-1
		}
		if keep && len(out) < limit-1 {
			out = append(out, b)
		}
	}
	return append(out, context(escape(phrase(l, "truncated"))))
}

// context is a context block holding s, which is already escaped.
func context(s string) *slack.ContextBlock {
	return slack.NewContextBlock("", markdown(clip(s, maxText)))
}

// phrases are the few words the renderer adds itself.
var phrases = map[string][2]string{ // zh, en
	"confirm.title": {"请确认", "Please confirm"},
	"confirm.ok":    {"确定", "Confirm"},
	"cancel":        {"取消", "Cancel"},
	"submit":        {"提交", "Submit"},
	"form.open":     {"填写表单", "Open form"},
	"form.title":    {"填写表单", "Form"},
	"hint.number":   {"可写 42万、4.2k、8% 这样的数", "You may write numbers like 42k, 1.5m or 8%"},
	"ph.date":       {"请选择日期", "Pick a date"},
	"ph.select":     {"请选择", "Choose one"},
	"ph.user":       {"请选择人员", "Choose a person"},
	"truncated":     {"内容过长，部分内容未显示。", "This was too long for Slack; some of it is not shown."},
	"page.of":       {"第 %d–%d 项，共 %d 项", "Items %d–%d of %d"},
	"page.next":     {"下一页", "Next"},
	"page.lost":     {"前几页填写的内容太多，无法带到这一页，请在提交后核对。", "What you entered on the earlier pages was too much to carry over; please check it after submitting."},
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
