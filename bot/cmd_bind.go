package bot

import (
	"context"
	"fmt"
)

// cmdBind, typed in a group chat by a manager, makes the group their team's:
// it will get team reminders and counts, never private plan content.
func (e *Engine) cmdBind(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	if !r.cmd.Chat.Group || r.cmd.Chat.ID == "" {
		return nil, Errorf(EINVALID, "err.bind_in_group")
	}
	if !r.isHR {
		plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, PlanQuery{ManagerID: r.actor.ID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(plans) == 0 {
			return nil, Errorf(EFORBIDDEN, "err.bind_manager")
		}
	}
	c := TeamChat{Tenant: r.cmd.Tenant, Platform: r.cmd.Platform, ChatID: r.cmd.Chat.ID, ManagerID: r.actor.ID, BoundBy: r.actor.ID, BoundAt: r.now}
	if err := e.store.BindTeamChat(ctx, c); err != nil {
		return nil, fmt.Errorf("bind chat: %w", err)
	}
	e.log.InfoContext(ctx, "team chat bound", "tenant", c.Tenant, "user_id", c.ManagerID, "chat_id", c.ChatID)
	return []Reply{r.text(r.tr("bind.done", r.actor.Name))}, nil
}

// cmdUnbind removes the group's binding; only its manager or HR may.
func (e *Engine) cmdUnbind(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	if !r.cmd.Chat.Group || r.cmd.Chat.ID == "" {
		return nil, Errorf(EINVALID, "err.bind_in_group")
	}
	chats, err := e.store.TeamChats(ctx, r.cmd.Tenant, "")
	if err != nil {
		return nil, err
	}
	for _, c := range chats {
		if c.ChatID != r.cmd.Chat.ID {
			continue
		}
		if c.ManagerID != r.actor.ID && !r.isHR {
			return nil, Errorf(EFORBIDDEN, "err.unbind_owner", e.name(ctx, c.Tenant, c.ManagerID))
		}
		if err := e.store.UnbindTeamChat(ctx, r.cmd.Tenant, c.ChatID); err != nil {
			return nil, fmt.Errorf("unbind chat: %w", err)
		}
		return []Reply{r.text(r.tr("bind.removed"))}, nil
	}
	return nil, Errorf(EINVALID, "err.not_bound")
}
