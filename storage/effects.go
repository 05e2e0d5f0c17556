package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// effectRow records that an inbound event took effect (in the transaction
// of its change) and, right after, the replies it produced, so that a run
// of the same event again changes nothing and answers the same (bot.Effects).
type effectRow struct {
	Tenant    string     `gorm:"primaryKey;size:191"`
	EventKey  string     `gorm:"primaryKey;size:191"`
	Replies   []byte     // NULL until the replies are kept
	CreatedAt *time.Time `gorm:"not null;index:idx_effects_created;autoCreateTime:false"`
}

func (effectRow) TableName() string { return "effects" }

// Effect returns the replies kept for the event key; ok once it took effect.
func (db *DB) Effect(ctx context.Context, tenant, key string) ([]byte, bool, error) {
	var rows []effectRow
	err := db.conn(ctx).Where("tenant = ? AND event_key = ?", tenant, key).Limit(1).Find(&rows).Error
	if err != nil {
		return nil, false, fmt.Errorf("look up effect %s: %w", key, err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	return rows[0].Replies, true, nil
}

// RecordEffect marks the event as applied. Inside the change's transaction
// a second record of the same key fails on the primary key, so two workers
// racing one event commit one change.
func (db *DB) RecordEffect(ctx context.Context, tenant, key string) error {
	row := effectRow{Tenant: tenant, EventKey: key, CreatedAt: toDBTime(time.Now())}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("record effect %s: %w", key, err)
	}
	return nil
}

// SaveEffectReplies keeps the replies of an applied event.
func (db *DB) SaveEffectReplies(ctx context.Context, tenant, key string, replies []byte) error {
	res := db.conn(ctx).Model(&effectRow{}).Where("tenant = ? AND event_key = ?", tenant, key).Update("replies", replies)
	if res.Error != nil {
		return fmt.Errorf("keep replies of %s: %w", key, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("keep replies of %s: no such effect", key)
	}
	return nil
}

// PurgeEffects removes the records of events older than before, past the
// platforms' redelivery windows (as the inbox keeps its keys).
func (db *DB) PurgeEffects(ctx context.Context, before time.Time) (int64, error) {
	if before.IsZero() {
		return 0, errors.New("purge effects: zero cutoff")
	}
	res := db.conn(ctx).Where("created_at < ?", normTime(before)).Delete(&effectRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge effects: %w", res.Error)
	}
	return res.RowsAffected, nil
}
