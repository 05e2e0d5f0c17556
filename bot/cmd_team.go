package bot

import (
	"context"
	"strings"
)

// teamRow is one report's standing in the team overview.
type teamRow struct {
	plan    *Plan
	risk    Risk // zero while the plan is not running
	updated bool // has an update in the current week
}

// cmdTeam is the manager's overview: who is on track, behind, or missing this
// week's update. HR sees every open plan.
func (e *Engine) cmdTeam(ctx context.Context, r *request, _ []string) ([]Reply, error) {
	q := PlanQuery{ManagerID: r.actor.ID, Statuses: []Status{StatusSubmitted, StatusApproved, StatusActive}}
	if r.isHR {
		q.ManagerID = ""
	}
	plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, q)
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 && !r.isHR {
		return nil, Errorf(EINVALID, "err.no_team")
	}
	rows, err := e.teamRows(ctx, r, plans)
	if err != nil {
		return nil, err
	}
	return []Reply{r.reply(e.teamCard(ctx, r, rows))}, nil
}

func (e *Engine) actTeam(ctx context.Context, r *request, _ *ActionInput) ([]Reply, error) {
	return e.cmdTeam(ctx, r, nil)
}

func (e *Engine) teamRows(ctx context.Context, r *request, plans []*Plan) ([]teamRow, error) {
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	latest, err := e.store.LatestUpdates(ctx, r.cmd.Tenant, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]teamRow, len(plans))
	for i, p := range plans {
		_, tz := e.prefs(e.person(ctx, p.Tenant, p.EmployeeID))
		u, ok := latest[p.ID]
		rows[i] = teamRow{plan: p, risk: e.rateRisk(ctx, p, u.Week, r.now), updated: ok && u.Week == WeekKey(r.now, tz)}
	}
	return rows, nil
}

// teamCard groups the reports by risk rating (risk.go), with counts first;
// a plan at risk or critical says why.
func (e *Engine) teamCard(ctx context.Context, r *request, rows []teamRow) Message {
	var good, behind, critical, missing, pending []string
	for _, row := range rows {
		p := row.plan
		line := r.tr("team.line", p.Number, e.name(ctx, p.Tenant, p.EmployeeID), formatPercent(p.Progress()))
		switch row.risk.Level {
		case "":
			pending = append(pending, line+" · "+enumText(r.loc, "status", string(p.Status)))
			continue
		case RiskOnTrack:
			good = append(good, riskDot(RiskOnTrack)+" "+line)
		case RiskAtRisk:
			behind = append(behind, riskDot(RiskAtRisk)+" "+line+" · "+row.risk.Reasons(r.loc))
		default:
			critical = append(critical, riskDot(RiskCritical)+" "+line+" · "+row.risk.Reasons(r.loc))
		}
		if !row.updated {
			missing = append(missing, line)
		}
	}
	m := Message{Title: r.tr("team.title"), Color: ColorBlue, Blocks: []Block{Fields{
		{r.tr("team.on_track"), itoa(len(good))},
		{r.tr("team.behind"), itoa(len(behind))},
		{r.tr("team.critical"), itoa(len(critical))},
		{r.tr("team.missing"), itoa(len(missing))},
		{r.tr("team.pending"), itoa(len(pending))},
	}}}
	section := func(key string, lines []string) {
		if len(lines) > 0 {
			m.Blocks = append(m.Blocks, Text{Body: "**" + r.tr(key) + "**\n" + strings.Join(lines, "\n")})
		}
	}
	section("team.on_track", good)
	section("team.critical", critical)
	section("team.behind", behind)
	section("team.missing", missing)
	section("team.pending", pending)
	var b Buttons
	for _, row := range rows {
		if len(b) == 5 {
			break
		}
		b = append(b, Button{Label: "#" + itoa(row.plan.Number), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": itoa(row.plan.Number)}}})
	}
	if len(b) > 0 {
		m.Blocks = append(m.Blocks, b)
	}
	m.Blocks = append(m.Blocks, Context(r.tr("team.week", WeekKey(r.now, r.tz))))
	return m
}
