package bot

import (
	"strconv"
	"strings"
)

// ActionDueKey is the due key of an action's reminder: the action's number
// and the local day of the occurrence ("2@2026-12-04"), so that each
// occurrence of a cadence is planned and sent once, and a new day or an
// edited node makes a new row rather than moving an old one.
func ActionDueKey(no int, day string) string { return strconv.Itoa(no) + "@" + day }

// ParseActionDueKey reads ActionDueKey back.
func ParseActionDueKey(key string) (no int, day string, ok bool) {
	n, day, ok := strings.Cut(key, "@")
	no, err := strconv.Atoi(n)
	if !ok || err != nil || no < 1 || day == "" {
		return 0, "", false
	}
	return no, day, true
}

// actionReminder tells an action's owner, one-to-one, that one of its
// time nodes is today, with a button to mark it done. It stands only while
// the action exists, is not done, and the recipient still answers for it
// (the scheduler checked that the node still falls on that day).
func (e *Engine) actionReminder(rd *request, rm Reminder, p *Plan) (Message, bool) {
	no, _, ok := ParseActionDueKey(rm.DueKey)
	a := p.Action(no)
	if !ok || a == nil || a.Status == ActionDone || a.When.IsZero() || !a.ownedBy(p, rm.Recipient, rd.isHR) {
		return Message{}, false
	}
	body := rd.tr("remind.action_day", a.No, a.What, p.Number)
	if a.When.Clock != "" { // the owner's local time: the scheduler planned it in their zone
		body = rd.tr("remind.action_at", a.No, a.What, a.When.Clock, p.Number)
	}
	done := Button{Label: rd.tr("btn.action_done", a.No), Style: StylePrimary,
		Action: ActionRef{ID: "action.done", Args: map[string]string{"plan": itoa(p.Number), "action": itoa(a.No)}}}
	return Message{Title: rd.tr("remind.action_title", p.Number, a.No), Color: ColorOrange, Blocks: []Block{
		Text{Body: body},
		Context(rd.tr("remind.action_node", a.When.String(rd.loc))),
		Context(rd.tr("remind.action_hint", p.Number, a.No)),
		Buttons{done},
	}}, true
}
