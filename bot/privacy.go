package bot

import "context"

// Everything about a plan is private. This file is the one place that
// decides it: every reply the engine makes to a command is private (one to
// one; on Slack ephemeral first) unless its builder marked it GroupSafe,
// which only help, the "answered you privately" notice and the team-group
// confirmations are. A team summary with counts alone comes from the
// scheduler (Engine.Reminder), not from here.

// finish applies the privacy rule to the replies of cmd. A reply aimed at
// a group chat that is not group-safe is dropped (the engine never builds
// one; this is the guard). When a command typed in a group is answered
// privately, the group is told so, and nothing more.
func (e *Engine) finish(ctx context.Context, cmd Command, replies []Reply) []Reply {
	out := make([]Reply, 0, len(replies)+1)
	answeredPrivately := false
	for _, rep := range replies {
		if !rep.GroupSafe {
			rep.Private = true
		}
		if rep.Chat != "" && rep.Private {
			e.log.ErrorContext(ctx, "dropped a private reply addressed to a group", "tenant", cmd.Tenant, "chat_id", rep.Chat)
			continue
		}
		if rep.Private && rep.To == "" && rep.Chat == "" && cmd.Chat.Group {
			answeredPrivately = true
			rep.Replace = false // the clicked card is in the group: leave it
		}
		out = append(out, rep)
	}
	if answeredPrivately {
		l, _ := e.prefs(e.person(ctx, cmd.Tenant, cmd.Actor.ID))
		notice := Reply{GroupSafe: true, Message: Message{Blocks: []Block{Text{Body: T(l, "privacy.answered")}}}}
		out = append([]Reply{notice}, out...)
	}
	return out
}

// groupSafe marks a reply that may be shown in a group chat: it must hold
// nothing about any plan or person's plan.
func groupSafe(rep Reply) Reply {
	rep.GroupSafe = true
	return rep
}
