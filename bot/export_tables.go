package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Which sheets an export holds, and who sees them: every sheet is what the
// plan card already shows its reader, except the tracking log
// (绩效改进跟踪日志), which is the manager's and so only for those who may
// read it (OpTrackRead: manager, mentor, HR). Without that right the
// sheet is left out of the file altogether, weekly updates included, so an
// employee's own export says nothing about what their manager wrote.

// sheet keys, in the order the source documents walk the process.
const (
	sheetGap       = "gap"
	sheetActions   = "actions"
	sheetTracking  = "tracking"
	sheetEval      = "eval"
	sheetInterview = "interview"
	sheetExec      = "exec"
)

// sheetColumns are each sheet's columns as i18n keys (export.col.*).
var sheetColumns = map[string][]string{
	sheetGap:       {"priority", "problem_no", "problem", "target", "actual", "gap", "unit", "causes"},
	sheetActions:   {"no", "action", "owner", "when", "due", "resources", "measure", "status", "done_at"},
	sheetTracking:  {"time", "kind", "author", "week", "text"},
	sheetEval:      {"goal_no", "problem_no", "metric", "baseline", "target", "actual", "unit", "deadline", "progress", "achieved", "outcome", "lessons"},
	sheetInterview: {"no", "time", "minutes", "iv_status", "record", "strengths", "gaps", "emp_score", "emp_comment", "mgr_score", "mgr_comment"},
	// The nine columns of 绩效改进策略落地执行表, as the template has them.
	sheetExec: {"no", "problem", "smart", "measures", "owner", "when", "resources", "measure", "status"},
}

// tableBuilder fills the sheets plan by plan for one reader.
type tableBuilder struct {
	e        *Engine
	r        *request
	l        Locale
	tracking bool // the reader may read the tracking log
	many     bool // several plans: each row starts with the plan and its employee
	order    []string
	rows     map[string][][]Cell
	names    map[string]string
	logs     map[int64]*PlanLogs // preloaded records by plan ID; nil: read per plan
}

// newTableBuilder starts an export for r's reader.
func (e *Engine) newTableBuilder(r *request, tracking, many bool) *tableBuilder {
	b := &tableBuilder{e: e, r: r, l: r.loc, tracking: tracking, many: many, rows: map[string][][]Cell{}, names: map[string]string{}}
	for _, k := range []string{sheetGap, sheetActions, sheetTracking, sheetEval, sheetInterview, sheetExec} {
		if k != sheetTracking || tracking {
			b.order = append(b.order, k)
		}
	}
	return b
}

// tables is the sheets built so far, with their localised names and headers.
func (b *tableBuilder) tables() []Table {
	out := make([]Table, 0, len(b.order))
	for _, k := range b.order {
		t := Table{Name: T(b.l, "export.sheet."+k), Rows: b.rows[k]}
		if b.many {
			t.Header = append(t.Header, T(b.l, "export.col.plan"), T(b.l, "export.col.employee"))
		}
		for _, c := range sheetColumns[k] {
			t.Header = append(t.Header, T(b.l, "export.col."+c))
		}
		out = append(out, t)
	}
	return out
}

// name is a person's display name, looked up once per export.
func (b *tableBuilder) name(ctx context.Context, tenant, id string) string {
	if n, ok := b.names[id]; ok {
		return n
	}
	n := b.e.name(ctx, tenant, id)
	b.names[id] = n
	return n
}

// addAll fills every sheet with the rows of plans, letting go of each plan
// once its rows are built (the slice's entries become nil).
func (b *tableBuilder) addAll(ctx context.Context, plans []*Plan) error {
	for i, p := range plans {
		if err := b.add(ctx, p); err != nil {
			return err
		}
		plans[i] = nil
	}
	return nil
}

// row appends one row to sheet k, after the plan columns when many.
func (b *tableBuilder) row(ctx context.Context, k string, p *Plan, cells ...Cell) {
	if b.many {
		cells = append([]Cell{NumberCell(float64(p.Number)), TextCell(b.name(ctx, p.Tenant, p.EmployeeID))}, cells...)
	}
	b.rows[k] = append(b.rows[k], cells)
}

// preload reads the records of many plans and the tenant's names at once,
// so an export of every plan takes a few queries per 500 plans instead of
// four per plan.
func (b *tableBuilder) preload(ctx context.Context, plans []*Plan) error {
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	logs, err := b.e.store.PlanRecords(ctx, b.r.cmd.Tenant, ids)
	if err != nil {
		return fmt.Errorf("export: records of %d plans: %w", len(plans), err)
	}
	b.logs = logs
	people, err := b.e.store.People(ctx, b.r.cmd.Tenant)
	if err != nil {
		return fmt.Errorf("export: people: %w", err)
	}
	for _, x := range people {
		if x.Name != "" {
			b.names[x.ID] = x.Name
		}
	}
	return nil
}

// logsOf is plan p's records: preloaded, or read now.
func (b *tableBuilder) logsOf(ctx context.Context, p *Plan) (*PlanLogs, error) {
	if l, ok := b.logs[p.ID]; ok {
		return l, nil
	}
	l := &PlanLogs{}
	var err error
	if l.Interviews, err = b.e.store.Interviews(ctx, p.Tenant, p.ID); err != nil {
		return nil, fmt.Errorf("export plan %d: interviews: %w", p.Number, err)
	}
	if !b.tracking {
		return l, nil
	}
	if l.Notes, err = b.e.store.Notes(ctx, p.Tenant, p.ID); err != nil {
		return nil, fmt.Errorf("export plan %d: notes: %w", p.Number, err)
	}
	if l.Updates, err = b.e.store.Updates(ctx, p.Tenant, p.ID); err != nil {
		return nil, fmt.Errorf("export plan %d: updates: %w", p.Number, err)
	}
	return l, nil
}

// add fills every sheet with plan p's rows, and lets go of p's preloaded
// records: an export of every plan holds each plan's records only until
// its rows are built.
func (b *tableBuilder) add(ctx context.Context, p *Plan) error {
	logs, err := b.logsOf(ctx, p)
	if err != nil {
		return err
	}
	delete(b.logs, p.ID)
	b.gap(ctx, p)
	b.actions(ctx, p)
	if b.tracking {
		b.trackingLog(ctx, p, logs)
	}
	b.evaluation(ctx, p)
	b.interviews(ctx, p, logs.Interviews)
	b.execution(ctx, p)
	return nil
}

// gap is 绩效差距分析表: the core problems by priority, with numbers and causes.
func (b *tableBuilder) gap(ctx context.Context, p *Plan) {
	for _, pr := range p.Ranked() {
		var causes []string
		for _, c := range pr.Causes {
			causes = append(causes, T(b.l, "export.cause", enumText(b.l, "dim", string(c.Dimension)), c.Text))
		}
		b.row(ctx, sheetGap, p, NumberCell(float64(pr.Priority)), NumberCell(float64(pr.No)), TextCell(pr.Gap.Metric),
			NumberCell(pr.Gap.Target), NumberCell(pr.Gap.Actual), NumberCell(pr.Gap.Size()), TextCell(pr.Gap.Unit),
			TextCell(strings.Join(causes, "\n")))
	}
}

// actions is 绩效改进行动计划表: what, who, when, with what, measured how, status.
func (b *tableBuilder) actions(ctx context.Context, p *Plan) {
	for _, a := range p.Actions {
		due := Cell{}
		if a.When.Repeat == RepeatOnce {
			due = DateCell(a.When.Date)
		}
		b.row(ctx, sheetActions, p, NumberCell(float64(a.No)), TextCell(a.What), TextCell(b.owner(ctx, p, a)),
			TextCell(a.When.String(b.l)), due, TextCell(a.Resources), TextCell(a.Measure),
			TextCell(enumText(b.l, "action", string(a.Status))), dateOrBlank(CellDate, a.DoneAt.In(b.r.tz)))
	}
}

// owner is who answers for a, by role and name.
func (b *tableBuilder) owner(ctx context.Context, p *Plan, a Action) string {
	switch k := a.Kind(); k {
	case OwnerPerson:
		return b.name(ctx, p.Tenant, a.Owner)
	case OwnerManager:
		if p.ManagerID != "" {
			return enumText(b.l, "owner", string(k)) + " " + b.name(ctx, p.Tenant, p.ManagerID)
		}
		return enumText(b.l, "owner", string(k))
	case OwnerEmployee:
		return enumText(b.l, "owner", string(k)) + " " + b.name(ctx, p.Tenant, p.EmployeeID)
	default:
		return enumText(b.l, "owner", string(k))
	}
}

// trackingLog is 绩效改进跟踪日志: the manager's and mentor's tracking notes
// and the employee's weekly updates, oldest first.
func (b *tableBuilder) trackingLog(ctx context.Context, p *Plan, logs *PlanLogs) {
	type entry struct {
		n    Note
		week string
		kind string
	}
	var log []entry
	for _, n := range logs.Notes {
		if n.Kind == NoteTracking {
			log = append(log, entry{n: n, week: WeekKey(n.At, b.r.tz), kind: "tracking"})
		}
	}
	for _, u := range logs.Updates {
		log = append(log, entry{n: Note{AuthorID: u.AuthorID, Text: u.Text, At: u.At}, week: u.Week, kind: "update"})
	}
	slices.SortStableFunc(log, func(x, y entry) int { return x.n.At.Compare(y.n.At) })
	for _, x := range log {
		b.row(ctx, sheetTracking, p, timeCell(x.n.At, b.r.tz), TextCell(T(b.l, "export.kind."+x.kind)),
			TextCell(b.name(ctx, p.Tenant, x.n.AuthorID)), TextCell(x.week), TextCell(x.n.Text))
	}
}

// evaluation is 绩效改进效果评估表: each goal's target against its actual,
// and the plan's outcome with its lessons.
func (b *tableBuilder) evaluation(ctx context.Context, p *Plan) {
	outcome := T(b.l, "export.open", enumText(b.l, "status", string(p.Status)))
	if p.Outcome != "" {
		outcome = enumText(b.l, "outcome", string(p.Outcome))
	}
	for _, g := range p.Goals {
		achieved := T(b.l, "export.no")
		if g.Achieved() {
			achieved = T(b.l, "export.yes")
		}
		actual := Cell{}
		if g.Updated {
			actual = NumberCell(g.Current)
		}
		problem := Cell{}
		if g.Problem > 0 {
			problem = NumberCell(float64(g.Problem))
		}
		b.row(ctx, sheetEval, p, NumberCell(float64(g.No)), problem, TextCell(g.Metric), NumberCell(g.Baseline),
			NumberCell(g.Target), actual, TextCell(g.Unit), DateCell(g.Deadline), NumberCell(roundTo(g.Progress(), 2)),
			TextCell(achieved), TextCell(outcome), TextCell(p.Lessons))
	}
}

// interviews is 面谈效果评估表: each interview, its record and both ratings.
func (b *tableBuilder) interviews(ctx context.Context, p *Plan, ivs []Interview) {
	for _, iv := range ivs {
		var record []string
		for _, sec := range []string{"opening", "review", "agreement", "summary"} {
			if v := iv.Record[sec]; v != "" {
				record = append(record, T(b.l, "agenda."+sec)+": "+v)
			}
		}
		notes := strings.Join(record, "\n")
		if notes == "" {
			notes = iv.Notes
		}
		cells := []Cell{NumberCell(float64(iv.No)), timeCell(iv.At, b.r.tz), NumberCell(float64(iv.Minutes)),
			TextCell(enumText(b.l, "interview", string(iv.Status))), TextCell(notes), TextCell(iv.Strengths), TextCell(iv.Gaps)}
		for _, side := range []Role{RoleEmployee, RoleManager} {
			score, comment := Cell{}, Cell{}
			for _, rt := range iv.Ratings {
				if rt.Role == side {
					score, comment = NumberCell(float64(rt.Score)), TextCell(rt.Comment)
				}
			}
			cells = append(cells, score, comment)
		}
		b.row(ctx, sheetInterview, p, cells...)
	}
}

// execution is 绩效改进策略落地执行表 with its nine columns. An action is
// not tied to one core problem in the plan, so each action is a row that
// carries the plan's core problems and SMART goals; a plan with no action
// yet is one row with the action columns empty.
func (b *tableBuilder) execution(ctx context.Context, p *Plan) {
	var problems, goals []string
	for i, pr := range p.Ranked() {
		problems = append(problems, fmt.Sprintf("%d. %s", i+1, gapLine(b.l, pr.Gap)))
	}
	for _, g := range p.Goals {
		goals = append(goals, fmt.Sprintf("%d. ", g.No)+T(b.l, "export.goal", g.Metric, formatNumber(b.l, g.Baseline),
			formatNumber(b.l, g.Target), g.Unit, formatDate(b.l, g.Deadline)))
	}
	prob, smart := TextCell(strings.Join(problems, "\n")), TextCell(strings.Join(goals, "\n"))
	if len(p.Actions) == 0 {
		b.row(ctx, sheetExec, p, NumberCell(1), prob, smart, Cell{}, Cell{}, Cell{}, Cell{}, Cell{}, Cell{})
	}
	for i, a := range p.Actions {
		status := enumText(b.l, "action", string(a.Status))
		if a.Status == ActionDone && !a.DoneAt.IsZero() {
			status = T(b.l, "action.done_at", formatDate(b.l, DateOnly(a.DoneAt.In(b.r.tz))))
		}
		b.row(ctx, sheetExec, p, NumberCell(float64(i+1)), prob, smart, TextCell(a.What), TextCell(b.owner(ctx, p, a)),
			TextCell(a.When.String(b.l)), TextCell(a.Resources), TextCell(a.Measure), TextCell(status))
	}
}

// roundTo rounds v to n decimals.
func roundTo(v float64, n int) float64 {
	p := 1.0
	for range n {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}
