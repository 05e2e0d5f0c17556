package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cmdExport sends a plan's tables as a file: "导出 12", "export 12 csv"
// for one plan (its employee, manager, mentor or HR), "导出 全部 执行中
// @经理 2026-Q4" for every plan matching the filters (HR). The file goes
// to the reader one-to-one, in their language and time zone; asked in a
// group, the group hears only that it was sent privately. Every export is
// audited (who, which plan or filters, which format), never with its text.
func (e *Engine) cmdExport(ctx context.Context, r *request, args []string) ([]Reply, error) {
	format, rest := exportFormat(args)
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.export_usage")
	}
	if verbs[strings.ToLower(rest[0])] == "all" {
		return e.exportAll(ctx, r, rest[1:], format)
	}
	if len(rest) > 1 {
		return nil, Errorf(EINVALID, "err.export_usage")
	}
	p, roles, err := e.planRoles(ctx, r, rest[0], nil)
	if err != nil {
		return nil, err
	}
	role, err := Authorize(roles, OpExport)
	if err != nil {
		return nil, e.refusal(ctx, r, p, OpExport)
	}
	_, trackErr := Authorize(roles, OpTrackRead)
	b := e.newTableBuilder(r, trackErr == nil, false)
	if err := b.add(ctx, p); err != nil {
		return nil, err
	}
	att := &Attachment{Name: r.tr("export.file_plan", p.Number), Format: format, Tables: b.tables()}
	if err := e.commit(ctx, r, func(tx Store) error {
		return tx.AppendAudit(ctx, r.audit(p, role, "plan.export", "", format, strconv.Itoa(len(att.Tables))+" tables"))
	}); err != nil {
		return nil, err
	}
	body := r.tr("export.sent", p.Number, format, len(att.Tables))
	if trackErr != nil {
		body += "\n" + r.tr("export.no_track")
	}
	return e.exportReplies(r, body, att), nil
}

// exportAll is HR's export of every plan matching the filters: statuses,
// a manager's team (@manager) and a period the plan overlaps.
func (e *Engine) exportAll(ctx context.Context, r *request, args []string, format string) ([]Reply, error) {
	role, err := e.tenantAuthorize(ctx, r, OpExportAll)
	if err != nil {
		return nil, err
	}
	f, err := parseExportFilter(args)
	if err != nil {
		return nil, err
	}
	plans, err := e.store.ListPlans(ctx, r.cmd.Tenant, PlanQuery{Statuses: f.statuses, ManagerID: f.manager})
	if err != nil {
		return nil, err
	}
	if len(f.statuses) == 0 {
		plans = withoutDeleted(plans)
	}
	plans = slices.DeleteFunc(plans, func(p *Plan) bool { return !f.overlaps(p) })
	if len(plans) == 0 {
		return nil, Errorf(ENOTFOUND, "err.export_none")
	}
	b := e.newTableBuilder(r, true, true)
	if err := b.preload(ctx, plans); err != nil {
		return nil, err
	}
	n := len(plans)
	if err := b.addAll(ctx, plans); err != nil {
		return nil, err
	}
	att := &Attachment{Name: r.tr("export.file_all", r.now.In(r.tz).Format("20060102")), Format: format, Tables: b.tables()}
	detail := f.String() + " " + strconv.Itoa(n) + " plans"
	if err := e.commit(ctx, r, func(tx Store) error {
		return tx.AppendAudit(ctx, r.tenantAudit(role, "org.export", "", format, strings.TrimSpace(detail)))
	}); err != nil {
		return nil, err
	}
	return e.exportReplies(r, r.tr("export.sent_all", n, format, len(att.Tables)), att), nil
}

// exportReplies addresses the file to the actor one-to-one; in a group the
// group is told only that it went privately.
func (e *Engine) exportReplies(r *request, body string, att *Attachment) []Reply {
	out := []Reply{{To: r.actor.ID, Private: true, Message: Message{Blocks: []Block{Text{Body: body}}}, File: att}}
	if r.cmd.Chat.Group {
		out = append([]Reply{groupSafe(r.text(r.tr("export.in_dm")))}, out...)
	}
	return out
}

// exportFormat takes a "csv" or "xlsx" word out of args; xlsx by default.
func exportFormat(args []string) (string, []string) {
	format := FormatXLSX
	var rest []string
	for _, a := range args {
		switch strings.ToLower(a) {
		case FormatCSV, "." + FormatCSV:
			format = FormatCSV
		case FormatXLSX, "." + FormatXLSX, "excel":
			format = FormatXLSX
		default:
			rest = append(rest, a)
		}
	}
	return format, rest
}

// exportFilter is what "export all" keeps: plans in one of statuses (any
// when empty), managed by manager (anyone when ""), and running at some
// time in [from, to) (always when from is zero).
type exportFilter struct {
	statuses []Status
	manager  string
	period   string
	from, to time.Time
}

// parseExportFilter reads statuses, one @manager and one period: "2026",
// "2026-11" or "2026-Q4".
func parseExportFilter(args []string) (exportFilter, error) {
	var f exportFilter
	for _, a := range args {
		if s, ok := parseStatus(a); ok {
			f.statuses = append(f.statuses, s)
			continue
		}
		if id := mentionID(a); id != "" {
			if f.manager != "" {
				return f, Errorf(EINVALID, "err.export_twice", a)
			}
			f.manager = id
			continue
		}
		from, to, ok := parsePeriod(a)
		if !ok {
			return f, Errorf(EINVALID, "err.export_filter", a)
		}
		if !f.from.IsZero() {
			return f, Errorf(EINVALID, "err.export_twice", a)
		}
		f.period, f.from, f.to = strings.ToUpper(a), from, to
	}
	return f, nil
}

// parsePeriod reads a year, a month or a quarter as the days [from, to).
func parsePeriod(s string) (from, to time.Time, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if y, err := strconv.Atoi(s); err == nil && len(s) == 4 {
		from = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(1, 0, 0), true
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t, t.AddDate(0, 1, 0), true
	}
	if y, q, found := strings.Cut(s, "-Q"); found && len(y) == 4 {
		yy, err1 := strconv.Atoi(y)
		qq, err2 := strconv.Atoi(q)
		if err1 == nil && err2 == nil && qq >= 1 && qq <= 4 {
			from = time.Date(yy, time.Month(3*qq-2), 1, 0, 0, 0, 0, time.UTC)
			return from, from.AddDate(0, 3, 0), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// overlaps reports whether p runs at some time in the filter's period: it
// starts before the period ends and ends on or after it starts. A plan
// without dates yet counts from its creation.
func (f exportFilter) overlaps(p *Plan) bool {
	if f.from.IsZero() {
		return true
	}
	start, end := p.Start, p.End
	if start.IsZero() {
		start = DateOnly(p.CreatedAt)
	}
	if end.IsZero() {
		end = start
	}
	return start.Before(f.to) && !end.Before(f.from)
}

// String is the filter for the audit log: statuses, manager, period.
func (f exportFilter) String() string {
	var parts []string
	for _, s := range f.statuses {
		parts = append(parts, string(s))
	}
	if f.manager != "" {
		parts = append(parts, "manager="+f.manager)
	}
	if f.period != "" {
		parts = append(parts, f.period)
	}
	return strings.Join(parts, " ")
}
