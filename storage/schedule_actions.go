package storage

import (
	"context"
	"fmt"

	"github.com/pipbot/pipbot/bot"
)

// runningStatuses are the statuses a plan may be tracked in (bot.Plan's
// Tracking): active, or approved again after an edit once it had started.
var runningStatuses = []string{string(bot.StatusActive), string(bot.StatusApproved)}

// nodeMarks are JSON keys one of which an action with a time node has in
// the stored actions: "when", or a cadence or date stored before time
// nodes were structured (storedAction). A match is only a candidate: the
// JSON is read to be sure. JSON escapes a quote inside a string, so a text
// typed into an action cannot match.
var nodeMarks = []string{`%"when":%`, `%"cadence":%`, `%"due":%`}

// addActionNodes gives the running plans of a page of PlansForScheduling
// their actions that have a time node (the rows of actionRows), read in
// one more query over the same ID range that decodes the actions column
// only of running plans that have such an action; the other plans of the
// page, most of them, cost the planner no JSON.
func (db *DB) addActionNodes(ctx context.Context, plans []*bot.Plan, afterID int64) error {
	if len(plans) == 0 {
		return nil
	}
	last := plans[len(plans)-1].ID
	q := db.gdb.WithContext(ctx).Select("id", "employee_id", "actions").
		Where("id > ? AND id <= ? AND status IN ?", afterID, last, runningStatuses)
	like := db.gdb.Where("actions LIKE ?", nodeMarks[0])
	for _, m := range nodeMarks[1:] {
		like = like.Or("actions LIKE ?", m)
	}
	var rows []planRow
	if err := q.Where(like).Find(&rows).Error; err != nil {
		return fmt.Errorf("action time nodes of plans %d to %d: %w", afterID+1, last, err)
	}
	byID := make(map[int64]*planRow, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
	}
	for _, p := range plans {
		r := byID[p.ID]
		if r == nil || !p.Tracking() {
			continue
		}
		for _, a := range r.actions() {
			if a.When.Repeat != "" {
				p.Actions = append(p.Actions, a)
			}
		}
	}
	return nil
}
