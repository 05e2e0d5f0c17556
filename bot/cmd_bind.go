package bot

import (
	"context"
	"fmt"
)

// cmdBind, typed in a group chat by a manager with a team (or HR), makes
// the group their team's: it gets count-only summaries, never private plan
// content. A group bound to someone else's team is rebound only by that
// owner or HR. Audited.
func (e *Engine) cmdBind(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	if !r.cmd.Chat.Group || r.cmd.Chat.ID == "" {
		return nil, Errorf(EINVALID, "err.bind_in_group")
	}
	role, err := e.tenantAuthorize(ctx, r, OpBind)
	if err != nil {
		return nil, Errorf(EFORBIDDEN, "err.bind_manager")
	}
	prev, err := e.binding(ctx, r)
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.ManagerID != r.actor.ID && !r.isHR {
		return nil, Errorf(EFORBIDDEN, "err.rebind_owner", e.name(ctx, prev.Tenant, prev.ManagerID))
	}
	owner := r.actor.ID
	if prev != nil && r.isHR && !e.hasTeam(ctx, r.cmd.Tenant, r.actor.ID) {
		owner = prev.ManagerID // HR re-binding keeps the team; HR has none of its own
	}
	c := TeamChat{Tenant: r.cmd.Tenant, Platform: r.cmd.Platform, ChatID: r.cmd.Chat.ID, ManagerID: owner, BoundBy: r.actor.ID, BoundAt: r.now}
	from := ""
	if prev != nil {
		from = prev.ManagerID
	}
	err = e.commit(ctx, r, func(tx Store) error {
		if err := tx.BindTeamChat(ctx, c); err != nil {
			return fmt.Errorf("bind chat: %w", err)
		}
		return tx.AppendAudit(ctx, r.tenantAudit(role, "org.bind", from, owner, c.ChatID))
	})
	if err != nil {
		return nil, err
	}
	e.log.InfoContext(ctx, "team chat bound", "tenant", c.Tenant, "user_id", c.ManagerID, "chat_id", c.ChatID)
	return []Reply{groupSafe(r.text(r.tr("bind.done", e.name(ctx, c.Tenant, owner))))}, nil
}

// binding is the group's current binding, or nil.
func (e *Engine) binding(ctx context.Context, r *request) (*TeamChat, error) {
	chats, err := e.store.TeamChats(ctx, r.cmd.Tenant, "")
	if err != nil {
		return nil, fmt.Errorf("team chats: %w", err)
	}
	for i := range chats {
		if chats[i].ChatID == r.cmd.Chat.ID {
			return &chats[i], nil
		}
	}
	return nil, nil
}

// cmdUnbind removes the group's binding; only its owner or HR may. Audited.
func (e *Engine) cmdUnbind(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	if !r.cmd.Chat.Group || r.cmd.Chat.ID == "" {
		return nil, Errorf(EINVALID, "err.bind_in_group")
	}
	c, err := e.binding(ctx, r)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, Errorf(EINVALID, "err.not_bound")
	}
	if c.ManagerID != r.actor.ID && !r.isHR {
		return nil, Errorf(EFORBIDDEN, "err.unbind_owner", e.name(ctx, c.Tenant, c.ManagerID))
	}
	role := RoleTeamManager
	if r.isHR {
		role = RoleHR
	}
	err = e.commit(ctx, r, func(tx Store) error {
		if err := tx.UnbindTeamChat(ctx, r.cmd.Tenant, c.ChatID); err != nil {
			return fmt.Errorf("unbind chat: %w", err)
		}
		return tx.AppendAudit(ctx, r.tenantAudit(role, "org.unbind", c.ManagerID, "", c.ChatID))
	})
	if err != nil {
		return nil, err
	}
	return []Reply{groupSafe(r.text(r.tr("bind.removed")))}, nil
}
