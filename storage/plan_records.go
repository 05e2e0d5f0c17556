package storage

import (
	"context"
	"fmt"

	"github.com/pipbot/pipbot/bot"
)

// recordChunk bounds the plan IDs of one IN list, within every database's
// parameter limit.
const recordChunk = 500

// PlanRecords loads the notes, updates and interviews of many plans of the
// tenant, three queries per 500 plans, each list oldest first
// (bot.Records). A plan with none has an empty entry.
func (db *DB) PlanRecords(ctx context.Context, tenant string, planIDs []int64) (map[int64]*bot.PlanLogs, error) {
	out := make(map[int64]*bot.PlanLogs, len(planIDs))
	for _, id := range planIDs {
		out[id] = &bot.PlanLogs{}
	}
	for start := 0; start < len(planIDs); start += recordChunk {
		ids := planIDs[start:min(start+recordChunk, len(planIDs))]
		notes, err := recordsOf(ctx, db, tenant, ids, (*noteRow).note)
		if err != nil {
			return nil, fmt.Errorf("notes of %d plans: %w", len(ids), err)
		}
		for _, n := range notes {
			out[n.PlanID].Notes = append(out[n.PlanID].Notes, n)
		}
		updates, err := recordsOf(ctx, db, tenant, ids, (*updateRow).update)
		if err != nil {
			return nil, fmt.Errorf("updates of %d plans: %w", len(ids), err)
		}
		for _, u := range updates {
			out[u.PlanID].Updates = append(out[u.PlanID].Updates, u)
		}
		ivs, err := recordsOf(ctx, db, tenant, ids, (*interviewRow).interview)
		if err != nil {
			return nil, fmt.Errorf("interviews of %d plans: %w", len(ids), err)
		}
		for _, iv := range ivs {
			out[iv.PlanID].Interviews = append(out[iv.PlanID].Interviews, iv)
		}
	}
	return out, nil
}

// recordsOf loads the rows of the listed plans in the tenant, by plan and
// then oldest first, as domain records.
func recordsOf[R, T any](ctx context.Context, db *DB, tenant string, planIDs []int64, conv func(*R) T) ([]T, error) {
	var rows []R
	err := db.conn(ctx).Where("tenant = ? AND plan_id IN ?", tenant, planIDs).Order("plan_id, at, id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = conv(&rows[i])
	}
	return out, nil
}
