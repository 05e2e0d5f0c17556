package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// The read-only queries of the reminder planner. Unlike the engine's, some
// run across tenants: the planner walks every tenant's plans in pages.

// PlansForScheduling returns up to limit open plans (not closed or
// cancelled) of every tenant with an ID above afterID, by ID: one page of
// the planner's walk. Pass the last ID of a page to get the next; an empty
// page is the end. Plans not yet running are included for their interviews.
//
// The plans carry only what planning reads (schedulingColumns): who, when
// and in which status, not the goals, problems or texts, whose JSON costs
// more to read than everything else a pass does; and, for the running
// plans, their actions that have a time node (schedulingSelect), decoded
// without their texts.
func (db *DB) PlansForScheduling(ctx context.Context, afterID int64, limit int) ([]*bot.Plan, error) {
	var rows []schedulingRow
	err := db.conn(ctx).Model(&planRow{}).Select(schedulingSelect, schedulingArgs...).
		Where("id > ? AND status NOT IN ?", afterID, endedStatuses).Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("plans to schedule after id %d: %w", afterID, err)
	}
	out := make([]*bot.Plan, len(rows))
	for i := range rows {
		if out[i], err = rows[i].plan(); err != nil {
			return nil, fmt.Errorf("plans to schedule after id %d: %w", afterID, err)
		}
	}
	return out, nil
}

// PlansClosedSince returns up to limit plans of every tenant, with an ID
// above afterID, closed or cancelled (last saved) at or after since: the
// planner cancels what they still have pending.
func (db *DB) PlansClosedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]*bot.Plan, error) {
	var rows []planRow
	err := db.conn(ctx).Where("id > ? AND status IN ? AND updated_at >= ?", afterID, endedStatuses, normTime(since)).
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("plans closed since %s: %w", since.UTC().Format(time.RFC3339), err)
	}
	return plansOf(rows), nil
}

// schedulingColumns are the columns of a plan the reminder planner reads
// (scheduler.Planner's planRows and summaryRows).
var schedulingColumns = []string{"id", "tenant", "platform", "employee_id", "manager_id", "team_visible", "status", "end_at", "started_at"}

// endedStatuses are the statuses of plans that no longer run.
var endedStatuses = []string{string(bot.StatusClosed), string(bot.StatusCancelled)}

func plansOf(rows []planRow) []*bot.Plan {
	out := make([]*bot.Plan, len(rows))
	for i := range rows {
		out[i] = rows[i].plan()
	}
	return out
}

// InterviewsOfPlans returns every interview (booked, done or cancelled) of
// the tenant's plans planIDs, by plan, then time: a planner's page, or
// every open plan of a tenant (the HR digest), read recordChunk at a time.
func (db *DB) InterviewsOfPlans(ctx context.Context, tenant string, planIDs []int64) ([]bot.Interview, error) {
	var out []bot.Interview
	for chunk := range slices.Chunk(planIDs, recordChunk) {
		var rows []interviewRow
		err := db.conn(ctx).Where("tenant = ? AND plan_id IN ?", tenant, chunk).
			Order("plan_id").Order("at").Order("id").Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("interviews of %d plans in tenant %s: %w", len(chunk), tenant, err)
		}
		for i := range rows {
			out = append(out, rows[i].interview())
		}
	}
	slices.SortStableFunc(out, func(a, b bot.Interview) int { return cmp.Compare(a.PlanID, b.PlanID) })
	return out, nil
}

// PendingReminders returns the tenant's pending reminders about subjects
// ("plan:12", "interview:34"), by due time: the planner compares them with
// what it wants and cancels the rest.
func (db *DB) PendingReminders(ctx context.Context, tenant string, subjects []string) ([]bot.Reminder, error) {
	if len(subjects) == 0 {
		return nil, nil
	}
	// No ORDER BY: with one, SQLite prefers the dispatchers' (status,
	// due_at) index, which sorts for free but scans every pending row.
	var rows []reminderRow
	err := db.conn(ctx).Where("tenant = ? AND subject IN ? AND status = ?", tenant, subjects, bot.ReminderPending).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("pending reminders of %d subjects in tenant %s: %w", len(subjects), tenant, err)
	}
	out := make([]bot.Reminder, len(rows))
	for i := range rows {
		out[i] = rows[i].reminder()
	}
	slices.SortFunc(out, func(a, b bot.Reminder) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// PeopleByID returns the tenant's people among ids, leaving out the unknown:
// the zones of a page's employees, managers and interview attendees.
func (db *DB) PeopleByID(ctx context.Context, tenant string, ids []string) ([]bot.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.peopleWhere(ctx, tenant, "id IN ?", ids)
}

// HRPeople returns the tenant's people marked HR in the directory.
func (db *DB) HRPeople(ctx context.Context, tenant string) ([]bot.Person, error) {
	return db.peopleWhere(ctx, tenant, "hr = ?", true)
}

// peopleWhere reads the tenant's people matching cond, with what the
// planner uses of them (their zone; their name, to describe a row).
func (db *DB) peopleWhere(ctx context.Context, tenant, cond string, arg any) ([]bot.Person, error) {
	var rows []personRow
	err := db.conn(ctx).Select("tenant", "id", "name", "locale", "tz", "hr").
		Where("tenant = ?", tenant).Where(cond, arg).Order("id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("people of tenant %s: %w", tenant, err)
	}
	out := make([]bot.Person, len(rows))
	for i := range rows {
		out[i] = rows[i].person()
	}
	return out, nil
}

// PlansByIDs returns the tenant's plans among ids, in any status, by ID:
// the plans an incremental planning pass found changed.
func (db *DB) PlansByIDs(ctx context.Context, tenant string, ids []int64) ([]*bot.Plan, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []planRow
	if err := db.conn(ctx).Where("tenant = ? AND id IN ?", tenant, ids).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("%d plans of tenant %s: %w", len(ids), tenant, err)
	}
	return plansOf(rows), nil
}

// LatestWeeks returns the ISO week ("2026-W47") of the latest update of
// each listed plan that has one: the greatest week key, since an update
// is filed under the week it was written in. The planner and the composer
// need no more of the update than this.
func (db *DB) LatestWeeks(ctx context.Context, tenant string, planIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(planIDs))
	if len(planIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PlanID int64
		Week   string
	}
	err := db.conn(ctx).Table("plan_updates").Select("plan_id, MAX(week) AS week").
		Where("tenant = ? AND plan_id IN ?", tenant, planIDs).Group("plan_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("latest weeks of %d plans: %w", len(planIDs), err)
	}
	for _, r := range rows {
		out[r.PlanID] = r.Week
	}
	return out, nil
}
