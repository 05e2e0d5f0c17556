package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// trackChunk bounds the plan IDs of one IN list.
const trackChunk = 500

// LastTracking lists the tenant's active plans, by number, each with the
// time of its newest tracking note (zero when it has none): the query a
// scheduler turns into the two-week tracking reminder.
func (db *DB) LastTracking(ctx context.Context, tenant string) ([]bot.TrackMark, error) {
	var plans []planRow
	err := db.conn(ctx).Select("id", "number", "manager_id", "started_at").
		Where("tenant = ? AND status = ?", tenant, string(bot.StatusActive)).Order("number").Find(&plans).Error
	if err != nil {
		return nil, fmt.Errorf("list active plans of %s for tracking: %w", tenant, err)
	}
	out := make([]bot.TrackMark, len(plans))
	index := make(map[int64]int, len(plans))
	for i, p := range plans {
		out[i] = bot.TrackMark{PlanID: p.ID, Number: p.Number, ManagerID: p.ManagerID, Started: fromDBTime(p.StartedAt)}
		index[p.ID] = i
	}
	for start := 0; start < len(plans); start += trackChunk {
		ids := make([]int64, 0, trackChunk)
		for _, p := range plans[start:min(start+trackChunk, len(plans))] {
			ids = append(ids, p.ID)
		}
		var last []noteRow
		err := db.conn(ctx).Select("plan_id", "at").
			Where("tenant = ? AND kind = ? AND plan_id IN ?", tenant, string(bot.NoteTracking), ids).
			Where("at = (SELECT MAX(n2.at) FROM coaching_notes n2 WHERE n2.tenant = coaching_notes.tenant AND n2.plan_id = coaching_notes.plan_id AND n2.kind = coaching_notes.kind)").
			Find(&last).Error
		if err != nil {
			return nil, fmt.Errorf("last tracking notes of %s: %w", tenant, err)
		}
		for _, n := range last {
			out[index[n.PlanID]].Last = fromDBTime(n.At)
		}
	}
	return out, nil
}

// ManagerTracked returns, for each listed plan whose manager has written a
// tracking note, when they last did: what the planner needs for the
// two-week tracking reminder (a mentor's notes do not count).
func (db *DB) ManagerTracked(ctx context.Context, tenant string, planIDs []int64) (map[int64]time.Time, error) {
	out := make(map[int64]time.Time)
	for chunk := range slices.Chunk(planIDs, trackChunk) {
		var rows []noteRow
		err := db.conn(ctx).Table("coaching_notes").Select("coaching_notes.plan_id", "coaching_notes.at").
			Joins("JOIN plans ON plans.id = coaching_notes.plan_id AND plans.tenant = coaching_notes.tenant AND plans.manager_id = coaching_notes.author_id").
			Where("coaching_notes.tenant = ? AND coaching_notes.kind = ? AND coaching_notes.plan_id IN ?", tenant, string(bot.NoteTracking), chunk).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("tracking notes of %d plans in %s: %w", len(chunk), tenant, err)
		}
		for _, n := range rows {
			if at := fromDBTime(n.At); at.After(out[n.PlanID]) {
				out[n.PlanID] = at
			}
		}
	}
	return out, nil
}
