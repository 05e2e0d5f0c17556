package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pipbot/pipbot/bot"
	"gorm.io/gorm/clause"
)

// teamChatRow binds a group chat to a manager's team, one binding per chat.
type teamChatRow struct {
	Tenant    string     `gorm:"primaryKey;size:191;index:idx_team_chats_manager,priority:1"`
	ChatID    string     `gorm:"primaryKey;size:191"`
	Platform  string     `gorm:"size:16;not null"`
	ManagerID string     `gorm:"size:191;not null;index:idx_team_chats_manager,priority:2"`
	BoundBy   string     `gorm:"size:191;not null"`
	BoundAt   *time.Time `gorm:"autoCreateTime:false"`
}

func (teamChatRow) TableName() string { return "team_chats" }

// BindTeamChat binds c.ChatID to c.ManagerID's team, replacing an earlier binding.
func (db *DB) BindTeamChat(ctx context.Context, c bot.TeamChat) error {
	if c.Tenant == "" || c.ChatID == "" {
		return errors.New("bind team chat: empty tenant or chat")
	}
	row := teamChatRow{Tenant: c.Tenant, ChatID: c.ChatID, Platform: c.Platform, ManagerID: c.ManagerID, BoundBy: c.BoundBy, BoundAt: toDBTime(c.BoundAt)}
	err := db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant"}, {Name: "chat_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"platform", "manager_id", "bound_by", "bound_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("bind team chat %s: %w", c.ChatID, err)
	}
	return nil
}

// UnbindTeamChat removes a chat's binding, if any.
func (db *DB) UnbindTeamChat(ctx context.Context, tenant, chatID string) error {
	err := db.conn(ctx).Where("tenant = ? AND chat_id = ?", tenant, chatID).Delete(&teamChatRow{}).Error
	if err != nil {
		return fmt.Errorf("unbind team chat %s: %w", chatID, err)
	}
	return nil
}

// TeamChats lists a manager's bound chats, or all of the tenant's for "".
func (db *DB) TeamChats(ctx context.Context, tenant, managerID string) ([]bot.TeamChat, error) {
	q := db.conn(ctx).Where("tenant = ?", tenant)
	if managerID != "" {
		q = q.Where("manager_id = ?", managerID)
	}
	var rows []teamChatRow
	if err := q.Order("chat_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list team chats of tenant %s: %w", tenant, err)
	}
	out := make([]bot.TeamChat, len(rows))
	for i, r := range rows {
		out[i] = bot.TeamChat{Tenant: r.Tenant, Platform: r.Platform, ChatID: r.ChatID, ManagerID: r.ManagerID, BoundBy: r.BoundBy, BoundAt: fromDBTime(r.BoundAt)}
	}
	return out, nil
}
