package console

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/pipbot/pipbot/bot"
)

// command runs one of the console's own slash commands. handled is false for
// any other "/word", which then goes to the engine as text.
func (a *Adapter) command(ctx context.Context, line string) (handled, quit bool, err error) {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(name) {
	case "/quit", "/exit":
		return true, true, nil
	case "/help":
		a.println(a.ui.help)
	case "/who":
		a.who()
	case "/as":
		a.switchTo(arg)
	case "/dm":
		a.group = false
		a.println(fmt.Sprintf(a.ui.nowIn, a.ui.dm))
	case "/group":
		a.group = true
		a.println(fmt.Sprintf(a.ui.nowIn, a.ui.group+" "+groupChatID))
	case "/click":
		n, convErr := strconv.Atoi(arg)
		if convErr != nil {
			n = 0
		}
		return true, false, a.click(ctx, n)
	case "/form":
		return true, false, a.reopenForm(ctx)
	case "/cancel":
		a.println(a.ui.noForm)
	default:
		return false, false, nil
	}
	return true, false, nil
}

// who lists the demo organisation with the numbers /as accepts.
func (a *Adapter) who() {
	a.println(a.ui.whoHeader)
	for i, p := range a.opts.People {
		mark := " "
		if i == a.cur {
			mark = "*"
		}
		line := fmt.Sprintf("%s %d. %s (%s)", mark, i+1, p.Name, p.ID)
		if role := a.roleHint(p); role != "" {
			line += " " + role
		}
		a.println(line)
	}
}

// switchTo makes someone else the current person; with no argument it lists people.
func (a *Adapter) switchTo(arg string) {
	if arg == "" {
		a.who()
		return
	}
	i, ok := findPerson(a.opts.People, arg)
	if !ok {
		a.println(fmt.Sprintf(a.ui.noPerson, arg))
		return
	}
	a.cur = i
	a.println(fmt.Sprintf(a.ui.youAre, a.nameOf(a.me().ID)))
}

// click presses button n (from 1) of the current person's latest card. The
// command carries who is typing now, never who the card was sent to: the
// engine authorises the clicker.
func (a *Adapter) click(ctx context.Context, n int) error {
	c := a.mem.latest(a.owners(), false)
	if c == nil {
		a.println(a.ui.noButtons)
		return nil
	}
	if n < 1 || n > len(c.buttons) {
		a.println(fmt.Sprintf(a.ui.noButton, n, len(c.buttons)))
		return nil
	}
	btn := c.buttons[n-1]
	if btn.Confirm != "" {
		ok, err := a.confirm(ctx, btn.Confirm)
		if err != nil {
			return err
		}
		if !ok {
			a.println(a.ui.cancelled)
			return nil
		}
	}
	cmd := a.newCommand()
	cmd.Chat = c.chat
	cmd.Action = &bot.ActionInput{ID: btn.Action.ID, Args: maps.Clone(btn.Action.Args)}
	return a.send(ctx, &cmd, c)
}

// reopenForm walks the current person through their latest pending form.
func (a *Adapter) reopenForm(ctx context.Context) error {
	c := a.mem.latest(a.owners(), true)
	if c == nil {
		a.println(a.ui.noForm)
		return nil
	}
	return a.send(ctx, nil, c)
}

// owners are the inboxes the current person is looking at: their own, and
// the team group's while they are in it.
func (a *Adapter) owners() []string {
	if a.group {
		return []string{a.me().ID, groupOwner(groupChatID)}
	}
	return []string{a.me().ID}
}
