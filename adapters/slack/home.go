package slack

import (
	"context"

	"github.com/pipbot/pipbot/adapters/slack/blockkit"
	"github.com/pipbot/pipbot/bot"
)

// Engine actions the App Home shows: the user's plans, and the team
// overview, which the engine refuses to anyone who manages no plan.
const (
	actionPlans = "plan.list"
	actionTeam  = "team.show"
)

// refreshHome publishes userID's App Home tab: their plans and, for a
// manager (or HR), the team overview. The engine decides what the user may
// see, exactly as if they had asked in a DM; only its answer for them is
// shown. A failure is logged: the next app_home_opened tries again.
func (a *Adapter) refreshHome(ctx context.Context, teamID, userID string) {
	if userID == "" {
		return
	}
	actor := a.actor(ctx, teamID, userID)
	var sections []bot.Message
	for _, id := range []string{actionPlans, actionTeam} {
		cmd := bot.Command{Platform: bot.PlatformSlack, Tenant: tenantOf(teamID), Actor: actor,
			Action: &bot.ActionInput{ID: id, Args: map[string]string{}}}
		for _, r := range a.pipe.RunEngine(ctx, cmd) {
			if (r.To != "" && r.To != userID) || r.Chat != "" {
				continue
			}
			if id == actionTeam && refused(r) {
				continue
			}
			sections = append(sections, r.Message)
		}
	}
	view := blockkit.Home(sections, blockkit.Options{Locale: actor.Locale, Interactive: true})
	if err := a.views.PublishHome(ctx, userID, view); err != nil {
		a.log.WarnContext(ctx, "publish App Home", "tenant", tenantOf(teamID), "user_id", userID, "err", err)
	}
}

// refused reports whether a reply is the engine's refusal or error: a red
// message of one paragraph (the engine's error replies look so; its cards
// never do). A refused team overview means "not a manager" and is left out
// of the App Home rather than shown as an error.
func refused(r bot.Reply) bool {
	if r.Message.Color != bot.ColorRed || len(r.Message.Blocks) != 1 {
		return false
	}
	_, ok := r.Message.Blocks[0].(bot.Text)
	return ok
}
