package storage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

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

// schedulingSelect is what PlansForScheduling reads: schedulingColumns and,
// as "nodes", the actions JSON of a running plan that has an action with a
// time node (NULL for the others, most plans), in the same single pass
// over the page's rows.
var schedulingSelect = strings.Join(schedulingColumns, ", ") +
	", CASE WHEN status IN (?, ?) AND (actions LIKE ? OR actions LIKE ? OR actions LIKE ?) THEN actions END AS nodes"

// schedulingArgs are schedulingSelect's arguments.
var schedulingArgs = []any{runningStatuses[0], runningStatuses[1], nodeMarks[0], nodeMarks[1], nodeMarks[2]}

// schedulingRow is a row of PlansForScheduling.
type schedulingRow struct {
	Plan  planRow `gorm:"embedded"`
	Nodes *string `gorm:"column:nodes"`
}

// nodeAction is what the planner reads of a stored action, decoded without
// its texts (what, resources, measure), which are most of its bytes.
type nodeAction struct {
	No        int              `json:"no"`
	OwnerKind bot.OwnerKind    `json:"owner_kind"`
	Owner     string           `json:"owner"`
	When      bot.TimeNode     `json:"when"`
	Status    bot.ActionStatus `json:"status"`
	Cadence   string           `json:"cadence"`
	Due       *time.Time       `json:"due"`
}

// plan is the row's plan with, when it is running, its actions that have
// a time node, read as planRow.actions reads them (legacy cadences too).
func (r *schedulingRow) plan() (*bot.Plan, error) {
	p := r.Plan.plan()
	if r.Nodes == nil || !p.Tracking() {
		return p, nil
	}
	var nodes []nodeAction
	if err := json.Unmarshal([]byte(*r.Nodes), &nodes); err != nil {
		return nil, fmt.Errorf("actions of plan %d: %w", r.Plan.ID, err)
	}
	stored := make([]storedAction, len(nodes))
	for i, n := range nodes {
		stored[i] = storedAction{Action: bot.Action{No: n.No, OwnerKind: n.OwnerKind, Owner: n.Owner, When: n.When, Status: n.Status},
			Cadence: n.Cadence, Due: n.Due}
	}
	full := planRow{EmployeeID: r.Plan.EmployeeID, Actions: stored}
	for _, a := range full.actions() {
		if a.When.Repeat != "" {
			p.Actions = append(p.Actions, a)
		}
	}
	return p, nil
}
