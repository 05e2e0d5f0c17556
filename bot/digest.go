package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The HR digest: every Monday morning each HR user gets, one-to-one, what
// needs their attention across the tenant's plans (the seed's HR view of
// 绩效改进跟踪). It names plans by number, employee and manager only; no
// goal, figure or note, which the buttons open for those allowed.

// digestListMax bounds each list of the digest; the rest is counted.
const digestListMax = 10

// digestReminder builds the digest due to rm.Recipient, who must still be
// HR; skip when the tenant has no plan to report on.
func (e *Engine) digestReminder(ctx context.Context, rm Reminder) (Reply, bool, error) {
	rd := e.reader(ctx, rm.Tenant, rm.Platform, rm.Recipient)
	if !rd.isHR {
		return Reply{}, true, nil
	}
	plans, err := e.store.ListPlans(ctx, rm.Tenant, PlanQuery{})
	if err != nil {
		return Reply{}, false, fmt.Errorf("compose HR digest: %w", err)
	}
	plans = withoutDeleted(plans)
	if len(plans) == 0 {
		return Reply{}, true, nil
	}
	m, err := e.digest(ctx, rd, plans)
	if err != nil {
		return Reply{}, false, err
	}
	return Reply{To: rm.Recipient, Private: true, Key: rm.Key(), Message: m}, false, nil
}

// digest is the digest card of plans for reader rd, as of rd.now.
func (e *Engine) digest(ctx context.Context, rd *request, plans []*Plan) (Message, error) {
	now := rd.now.In(rd.tz)
	monday := now.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	monday = time.Date(monday.Year(), monday.Month(), monday.Day(), 0, 0, 0, 0, rd.tz)
	lastWeek := WeekKey(monday.AddDate(0, 0, -1), rd.tz)

	count := map[Status]int{}
	var running, waiting []*Plan
	var ids []int64
	for _, p := range plans {
		count[p.Status]++
		if p.Tracking() {
			running = append(running, p)
		}
		if p.Open() {
			ids = append(ids, p.ID)
		}
		if p.Pending != nil || p.Status == StatusSubmitted && p.Stage == StageHR {
			waiting = append(waiting, p)
		}
	}
	var runIDs []int64
	for _, p := range running {
		runIDs = append(runIDs, p.ID)
	}
	latest, err := e.store.LatestUpdates(ctx, rd.cmd.Tenant, runIDs)
	if err != nil {
		return Message{}, fmt.Errorf("compose HR digest: %w", err)
	}
	riskCount, turned, rating, err := e.digestRisks(ctx, rd, running, latest, monday.AddDate(0, 0, -7))
	if err != nil {
		return Message{}, err
	}
	var missed []*Plan
	for _, p := range running {
		if latest[p.ID].Week < lastWeek && p.StartedAt.Before(monday.AddDate(0, 0, -3)) { // ran through last week's Friday
			missed = append(missed, p)
		}
	}
	type meeting struct {
		p  *Plan
		at time.Time
	}
	var meetings []meeting
	ivs, err := e.store.InterviewsOfPlans(ctx, rd.cmd.Tenant, ids)
	if err != nil {
		return Message{}, fmt.Errorf("compose HR digest: %w", err)
	}
	byID := map[int64]*Plan{}
	for _, p := range plans {
		byID[p.ID] = p
	}
	for _, iv := range ivs {
		if iv.Status == InterviewBooked && !iv.At.Before(monday) && iv.At.Before(monday.AddDate(0, 0, 7)) {
			meetings = append(meetings, meeting{byID[iv.PlanID], iv.At})
		}
	}
	slices.SortFunc(meetings, func(a, b meeting) int { return cmp.Or(a.at.Compare(b.at), a.p.Number-b.p.Number) })

	m := Message{Title: rd.tr("digest.title", formatDate(rd.loc, monday)), Color: ColorBlue}
	m.Blocks = append(m.Blocks, Fields{
		{Label: rd.tr("status.active"), Value: strconv.Itoa(count[StatusActive])},
		{Label: rd.tr("status.submitted"), Value: strconv.Itoa(count[StatusSubmitted])},
		{Label: rd.tr("status.approved"), Value: strconv.Itoa(count[StatusApproved])},
		{Label: rd.tr("status.draft"), Value: strconv.Itoa(count[StatusDraft])},
		{Label: rd.tr("status.closed"), Value: strconv.Itoa(count[StatusClosed])},
		{Label: rd.tr("status.cancelled"), Value: strconv.Itoa(count[StatusCancelled])},
	}, riskFields(rd.loc, riskCount))
	var open []*Plan // the plans the buttons open, each once, in the lists' order
	list := func(title string, ps []*Plan, line func(i int) string) {
		if len(ps) == 0 {
			return
		}
		body := rd.tr(title, len(ps))
		for i, p := range ps {
			if i == digestListMax {
				body += "\n" + rd.tr("digest.more", len(ps)-i)
				break
			}
			body += "\n• " + line(i)
			if !slices.Contains(open, p) {
				open = append(open, p)
			}
		}
		m.Blocks = append(m.Blocks, Text{Body: body})
	}
	who := func(p *Plan) string {
		return rd.tr("digest.plan", p.Number, e.name(ctx, p.Tenant, p.EmployeeID), e.name(ctx, p.Tenant, p.ManagerID))
	}
	list("digest.turned", turned, func(i int) string { return who(turned[i]) + " · " + rating[turned[i].ID].Line(rd.loc) })
	list("digest.missed", missed, func(i int) string {
		p := missed[i]
		last := latest[p.ID].Week
		if last == "" {
			last = rd.tr("remind.tracking_never")
		}
		return who(p) + " · " + rd.tr("digest.last_update", last)
	})
	var mplans []*Plan
	for _, mt := range meetings {
		mplans = append(mplans, mt.p)
	}
	list("digest.interviews", mplans, func(i int) string {
		return formatTime(rd.loc, meetings[i].at, rd.tz) + " · " + who(meetings[i].p)
	})
	list("digest.waiting", waiting, func(i int) string {
		p := waiting[i]
		if p.Pending != nil {
			return who(p) + " · " + rd.tr("digest.waiting_outcome")
		}
		return who(p) + " · " + rd.tr("digest.waiting_approval")
	})
	if len(turned)+len(missed)+len(meetings)+len(waiting) == 0 {
		m.Blocks = append(m.Blocks, Text{Body: rd.tr("digest.quiet")})
	}
	var row Buttons
	for _, p := range open[:min(len(open), 5)] {
		row = append(row, Button{Label: rd.tr("digest.open", p.Number), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": strconv.Itoa(p.Number)}}})
	}
	row = append(row, Button{Label: rd.tr("digest.export"), Action: ActionRef{ID: "export.all"}, Style: StylePrimary})
	m.Blocks = append(m.Blocks, row)
	return m, nil
}

// actExportAll is the digest's export button: "导出 全部" for HR.
func (e *Engine) actExportAll(ctx context.Context, r *request, _ *ActionInput) ([]Reply, error) {
	return e.cmdExport(ctx, r, []string{"all"})
}
