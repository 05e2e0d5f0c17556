package storage

import (
	"time"

	"github.com/pipbot/pipbot/bot"
)

// storedAction is an action as stored: the engine's fields, and the two a
// plan wrote before time nodes were structured, read once into When.
type storedAction struct {
	bot.Action
	Cadence string     `json:"cadence,omitempty"` // free text: "每周五 17:00"
	Due     *time.Time `json:"due,omitempty"`     // a one-off date
}

// problems reads the core problems; a plan stored when it held one gap
// reads as one problem, priority 1, with its causes.
func (r *planRow) problems() []bot.Problem {
	if len(r.Problems) > 0 || (r.Gap == (bot.Gap{}) && len(r.Causes) == 0) {
		return r.Problems
	}
	return []bot.Problem{{No: 1, Priority: 1, Gap: r.Gap, Causes: r.Causes}}
}

// goals reads the goals; those of a one-gap plan address its one problem.
func (r *planRow) goals() []bot.Goal {
	if len(r.Problems) > 0 || (r.Gap == (bot.Gap{}) && len(r.Causes) == 0) {
		return r.Goals
	}
	out := make([]bot.Goal, len(r.Goals))
	for i, g := range r.Goals {
		if g.Problem == 0 {
			g.Problem = 1
		}
		out[i] = g
	}
	return out
}

// actions reads the actions. One stored before owners existed is the
// employee's (or, had it a user ID, that person's); its free-text cadence
// or date becomes a time node, and a cadence no longer readable is kept
// as its text.
func (r *planRow) actions() []bot.Action {
	if r.Actions == nil {
		return nil
	}
	out := make([]bot.Action, len(r.Actions))
	for i, s := range r.Actions {
		a := s.Action
		if a.OwnerKind == "" {
			a.OwnerKind = bot.OwnerEmployee
			if a.Owner != "" && a.Owner != r.EmployeeID {
				a.OwnerKind = bot.OwnerPerson
			} else {
				a.Owner = ""
			}
		}
		if a.When.IsZero() {
			a.When = legacyWhen(s.Cadence, s.Due)
		}
		out[i] = a
	}
	return out
}

// legacyWhen turns a stored cadence text or date into a time node.
func legacyWhen(cadence string, due *time.Time) bot.TimeNode {
	if due != nil && !due.IsZero() {
		return bot.TimeNode{Repeat: bot.RepeatOnce, Date: bot.DateOnly(due.UTC())}
	}
	if cadence == "" {
		return bot.TimeNode{}
	}
	// A cadence needs no "now"; a date read from it is kept as typed.
	if t, ok := bot.ParseTimeNode(cadence, time.Time{}, time.UTC); ok && t.Recurs() {
		return t
	}
	return bot.TimeNode{Text: cadence}
}
