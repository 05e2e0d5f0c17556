package console

import (
	"fmt"

	"github.com/pipbot/pipbot/bot"
)

// card is a delivered message that can still be acted on: its buttons can be
// clicked and its form filled in, by whoever reads the inbox it went to.
type card struct {
	seq     int
	owner   string   // a user ID, or groupOwner(chat) for a group post
	key     string   // bot.Reply.Key, so Replace reaches every copy
	chat    bot.Chat // where clicks on it come from
	buttons []bot.Button
	form    *bot.Form
}

// memory remembers, per inbox, the latest card with buttons and the latest
// with a form. Replacing a card changes it in place, so a decided card loses
// its buttons instead of falling back to an older card.
type memory struct {
	seq     int
	buttons map[string]*card
	forms   map[string]*card
	byKey   map[string][]*card
}

func newMemory() memory {
	return memory{buttons: map[string]*card{}, forms: map[string]*card{}, byKey: map[string][]*card{}}
}

// groupOwner is the inbox of a group chat, shared by everyone in it.
func groupOwner(chatID string) string { return "chat:" + chatID }

// index makes c the latest card of its inbox for what it offers.
func (m *memory) index(c *card) {
	if len(c.buttons) > 0 && (m.buttons[c.owner] == nil || m.buttons[c.owner].seq <= c.seq) {
		m.buttons[c.owner] = c
	}
	if c.form != nil && (m.forms[c.owner] == nil || m.forms[c.owner].seq <= c.seq) {
		m.forms[c.owner] = c
	}
}

// latest is the newest card across owners that still has buttons (or a
// pending form when form is true); nil if none.
func (m *memory) latest(owners []string, form bool) *card {
	var best *card
	for _, o := range owners {
		c := m.buttons[o]
		if form {
			c = m.forms[o]
		}
		if c == nil || (form && c.form == nil) || (!form && len(c.buttons) == 0) {
			continue
		}
		if best == nil || c.seq > best.seq {
			best = c
		}
	}
	return best
}

// destination is where a reply shows up in the terminal.
type destination struct {
	header string   // printed above the message; "" for the current conversation
	owner  string   // inbox that remembers its buttons and form
	chat   bot.Chat // chat clicks on it come from
	forMe  bool     // addressed to the person at the keyboard
}

// deliver prints replies and remembers what can be clicked. from is the card
// whose click produced them, the one a Replace reply updates. It returns the
// last card with a form for the current person, to be filled in now.
func (a *Adapter) deliver(replies []bot.Reply, from *card) (walk *card) {
	for _, r := range replies {
		d, ok := a.destination(r)
		if !ok {
			a.println(fmt.Sprintf(a.ui.refused, r.Chat))
			continue
		}
		if d.header != "" {
			a.println(a.stamp(d.header))
		}
		if r.Replace {
			a.println(a.ui.updated)
		}
		fmt.Fprint(a.opts.Out, render(r.Message))
		if r.File != nil { // the terminal names the file; pipbot export writes it
			a.println(fmt.Sprintf("📎 %s.%s (%d)", r.File.Name, r.File.Format, len(r.File.Tables)))
		}
		c := a.remember(r, d, from)
		switch {
		case c == nil || c.form == nil && len(c.buttons) == 0:
		case d.forMe && c.form != nil:
			walk = c
		case !d.forMe && r.To != "" && c.form != nil:
			a.println(fmt.Sprintf(a.ui.hintForm, a.nameOf(r.To)))
		case !d.forMe && r.To != "":
			a.println(fmt.Sprintf(a.ui.hintButtons, a.nameOf(r.To)))
		}
	}
	return walk
}

// destination decides where r goes. ok is false for private content aimed
// at a group, which is never shown there.
func (a *Adapter) destination(r bot.Reply) (d destination, ok bool) {
	me := a.me().ID
	switch {
	case r.Chat != "":
		if r.Private {
			return d, false
		}
		return destination{header: fmt.Sprintf(a.ui.groupPost, r.Chat), owner: groupOwner(r.Chat),
			chat: bot.Chat{ID: r.Chat, Group: true}}, true
	case r.To != "" && (r.To != me || a.group):
		return destination{header: fmt.Sprintf(a.ui.notify, a.nameOf(r.To)), owner: r.To,
			chat: bot.Chat{ID: "dm:" + r.To}, forMe: r.To == me}, true
	case a.group && r.Private:
		return destination{header: a.ui.onlyYou, owner: me, chat: a.chat(), forMe: true}, true
	case a.group:
		return destination{owner: groupOwner(groupChatID), chat: a.chat(), forMe: true}, true
	default:
		return destination{owner: me, chat: a.chat(), forMe: true}, true
	}
}

// remember records r's buttons and form. A Replace reply updates the card
// that was clicked and every card with the same Key instead of adding one.
func (a *Adapter) remember(r bot.Reply, d destination, from *card) *card {
	buttons, form := actionable(r.Message)
	if r.Replace {
		targets := a.mem.byKey[r.Key]
		if r.Key == "" {
			targets = nil
		}
		if from != nil {
			targets = append([]*card{from}, targets...)
		}
		for _, t := range targets {
			t.buttons, t.form = buttons, form
			a.mem.index(t)
		}
		if len(targets) > 0 {
			return targets[0]
		}
	}
	if len(buttons) == 0 && form == nil {
		return nil
	}
	a.mem.seq++
	c := &card{seq: a.mem.seq, owner: d.owner, key: r.Key, chat: d.chat, buttons: buttons, form: form}
	a.mem.index(c)
	if r.Key != "" {
		a.mem.byKey[r.Key] = append(a.mem.byKey[r.Key], c)
	}
	return c
}

// actionable collects a message's buttons, numbered in order across blocks
// as render shows them, and its first form.
func actionable(m bot.Message) (buttons []bot.Button, form *bot.Form) {
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case bot.Buttons:
			buttons = append(buttons, b...)
		case bot.Form:
			if form == nil {
				form = &b
			}
		}
	}
	return buttons, form
}

// stamp prefixes a header with the time when a clock is set.
func (a *Adapter) stamp(header string) string {
	if a.opts.Clock == nil {
		return header
	}
	return a.opts.Clock().In(a.opts.TZ).Format("15:04") + " " + header
}
