package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// InboxBacklog is what the inbox still has to handle: a backlog that grows,
// or an oldest delivery that ages, means the workers are falling behind.
type InboxBacklog struct {
	Pending int64     // deliveries received and not yet handled
	Oldest  time.Time // when the oldest of them was received; zero when none
}

// InboxBacklog counts the pending deliveries of every source and finds when
// the oldest was received, for /metrics.
func (db *DB) InboxBacklog(ctx context.Context) (InboxBacklog, error) {
	var b InboxBacklog
	g := db.conn(ctx)
	if err := g.Model(&inboxRow{}).Where("status = ?", inboxPending).Count(&b.Pending).Error; err != nil {
		return InboxBacklog{}, fmt.Errorf("count pending inbound events: %w", err)
	}
	if b.Pending == 0 {
		return b, nil
	}
	var oldest inboxRow
	err := g.Select("id", "received_at").Where("status = ?", inboxPending).Order("id").Take(&oldest).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound): // handled meanwhile
	case err != nil:
		return InboxBacklog{}, fmt.Errorf("find the oldest pending inbound event: %w", err)
	default:
		b.Oldest = fromDBTime(oldest.ReceivedAt)
	}
	return b, nil
}
