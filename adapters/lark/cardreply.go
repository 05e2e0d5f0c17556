package lark

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"
	"github.com/pipbot/pipbot/adapters/lark/card"
	"github.com/pipbot/pipbot/bot"
)

// toastText is something the adapter itself says in a toast; the client
// shows the language it runs in.
type toastText struct{ zh, en string }

var (
	msgWorking    = toastText{"处理中…", "Working on it…"}
	msgBusy       = toastText{"系统繁忙，请稍后再试", "Busy, please try again shortly"}
	msgNotAllowed = toastText{"无法确认操作人，未执行", "Could not tell who clicked; nothing was done"}
)

// maxToast bounds a toast's text; longer answers go as a message.
const maxToast = 100

func toast(kind string, t toastText) *callback.CardActionTriggerResponse {
	return &callback.CardActionTriggerResponse{Toast: &callback.Toast{Type: kind, Content: t.zh,
		I18nContent: map[string]string{"zh_cn": t.zh, "en_us": t.en}}}
}

// cardResponse is the inline answer to a click, and the replies still to
// deliver. A Replace reply for the clicker becomes the replacement card;
// form problems an error toast; otherwise the first reply's short text is
// the toast, and a short plain answer to the clicker is only that. Private
// content never replaces a card in a group: the sender sends it one-to-one.
func cardResponse(replies []bot.Reply, o Origin, actor bot.Person) (*callback.CardActionTriggerResponse, []bot.Reply) {
	resp := &callback.CardActionTriggerResponse{}
	var replace, problems *bot.Reply
	var rest []bot.Reply
	for i, r := range replies {
		switch {
		case replace == nil && r.Replace && r.Chat == "" && (r.To == "" || r.To == actor.ID) && !(o.Group() && r.Private):
			replace = &replies[i]
		case problems == nil && len(r.Errors) > 0:
			problems = &replies[i]
		default:
			rest = append(rest, r)
		}
	}
	switch {
	case problems != nil:
		resp.Toast = &callback.Toast{Type: "error", Content: problemText(*problems)}
	case replace != nil:
		resp.Toast = &callback.Toast{Type: toastKind(replace.Message), Content: shortText(replace.Message)}
	case len(rest) > 0:
		resp.Toast = &callback.Toast{Type: toastKind(rest[0].Message), Content: shortText(rest[0].Message)}
		if toastOnly(rest[0], actor.ID) {
			rest = rest[1:]
		}
	}
	if replace != nil {
		resp.Card = &callback.Card{Type: "raw", Data: card.Render(replace.Message, cardOptions(o, *replace, actor.Locale))}
	}
	if resp.Toast != nil && resp.Toast.Content == "" {
		resp.Toast = nil
	}
	return resp, rest
}

// toastOnly reports whether a reply says nothing a toast does not: one short
// line of text for the clicker, here.
func toastOnly(r bot.Reply, actorID string) bool {
	m := r.Message
	if r.Replace || r.Chat != "" || (r.To != "" && r.To != actorID) || m.Title != "" || len(m.Blocks) != 1 {
		return false
	}
	t, ok := m.Blocks[0].(bot.Text)
	return ok && !strings.Contains(t.Body, "\n") && utf8.RuneCountInString(t.Body) <= maxToast
}

func toastKind(m bot.Message) string {
	switch m.Color {
	case bot.ColorRed:
		return "error"
	case bot.ColorOrange:
		return "warning"
	}
	return "success"
}

// shortText is a message's first line of text, without markup, cut to fit.
func shortText(m bot.Message) string {
	s := m.Title
	for _, b := range m.Blocks {
		if t, ok := b.(bot.Text); ok && strings.TrimSpace(t.Body) != "" {
			s = t.Body
			break
		}
	}
	if s == "" {
		s = m.Text()
	}
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.ReplaceAll(s, "**", "")
	if utf8.RuneCountInString(s) > maxToast {
		s = string([]rune(s)[:maxToast-1]) + "…"
	}
	return s
}

// problemText lists a form's problems after the reply's own line.
func problemText(r bot.Reply) string {
	parts := []string{shortText(r.Message)}
	for _, k := range slices.Sorted(maps.Keys(r.Errors)) {
		parts = append(parts, r.Errors[k])
	}
	return strings.Join(parts, "；")
}
