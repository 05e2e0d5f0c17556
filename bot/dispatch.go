package bot

import (
	"context"
	"errors"
	"strings"
)

// textHandler runs a typed command; args are the words after the verb.
type textHandler func(e *Engine, ctx context.Context, r *request, args []string) ([]Reply, error)

// actionHandler runs a button click or form submission.
type actionHandler func(e *Engine, ctx context.Context, r *request, in *ActionInput) ([]Reply, error)

// verbs maps every word people type, in both languages, to a command name.
var verbs = map[string]string{
	"help": "help", "帮助": "help", "?": "help", "？": "help", "菜单": "help", "menu": "help",
	"new": "new", "create": "new", "新建": "new", "创建": "new", "新建计划": "new",
	"plans": "plans", "my": "plans", "mine": "plans", "list": "plans", "我的计划": "plans", "我的": "plans", "计划": "plans",
	"show": "show", "view": "show", "查看": "show", "详情": "show",
	"update": "update", "progress": "update", "更新": "update", "进展": "update",
	"reports": "reports", "report": "reports", "汇报": "reports", "上级": "reports", // "汇报 本周…" without mentions is an update
	"submit": "submit", "提交": "submit",
	"approve": "approve", "批准": "approve", "通过": "approve", "同意": "approve",
	"changes": "changes", "revise": "changes", "退回": "changes", "修改意见": "changes", "要求修改": "changes",
	"reject": "reject", "驳回": "reject", "拒绝": "reject",
	"ack": "ack", "acknowledge": "ack", "确认": "ack", "确认计划": "ack",
	"gap": "gap", "差距": "gap",
	"problem": "problem", "问题": "problem", "核心问题": "problem",
	"cause": "cause", "原因": "cause",
	"goal": "goal", "目标": "goal",
	"action": "action", "行动": "action",
	"done": "done", "完成": "done",
	"end": "end", "结束日期": "end",
	"interview": "interview", "面谈": "interview",
	"team": "team", "团队": "team", "团队概览": "team",
	"review": "review", "评估": "review", "月度评估": "review", "月度回顾": "review",
	"close": "close", "结案": "close", "结束": "close",
	"extend": "extend", "延期": "extend",
	"cancel": "cancel", "取消": "cancel", "取消计划": "cancel",
	"adjust": "adjust", "调整": "adjust", "调整目标": "adjust",
	"mentor": "mentor", "导师": "mentor",
	"note": "note", "辅导": "note", "辅导记录": "note",
	"track": "track", "跟踪": "track", "跟踪日志": "track", "跟踪记录": "track",
	"promotions": "promotions", "晋升": "promotions", "晋升名单": "promotions", "候选": "promotions",
	"all": "all", "全部": "all", "全部计划": "all",
	"audit": "audit", "审计": "audit", "日志": "audit",
	"lang": "lang", "language": "lang", "语言": "lang",
	"bind": "bind", "绑定": "bind", "绑定团队": "bind", "绑定群": "bind",
	"unbind": "unbind", "解绑": "unbind", "解绑团队": "unbind",
	"delete": "delete", "删除": "delete", "删除草稿": "delete",
	"resume": "resume", "继续": "resume",
	"hr": "hr", "人事": "hr",
	"summary": "summary", "汇总": "summary", "团队可见": "summary",
	"export": "export", "导出": "export", "导出表格": "export",
}

// textCommands holds the handler of each command name.
var textCommands = map[string]textHandler{
	"help": (*Engine).cmdHelp, "new": (*Engine).cmdNew, "plans": (*Engine).cmdPlans,
	"show": (*Engine).cmdShow, "update": (*Engine).cmdUpdate, "submit": (*Engine).cmdSubmit,
	"approve": (*Engine).cmdApprove, "changes": (*Engine).cmdChanges, "reject": (*Engine).cmdReject,
	"ack": (*Engine).cmdAck, "gap": (*Engine).cmdGap, "cause": (*Engine).cmdCause,
	"goal": (*Engine).cmdGoal, "action": (*Engine).cmdAction, "done": (*Engine).cmdDone,
	"end": (*Engine).cmdEnd, "interview": (*Engine).cmdInterview, "team": (*Engine).cmdTeam,
	"review": (*Engine).cmdReview, "close": (*Engine).cmdClose, "extend": (*Engine).cmdExtend,
	"cancel": (*Engine).cmdCancel, "adjust": (*Engine).cmdAdjust, "mentor": (*Engine).cmdMentor,
	"note": (*Engine).cmdNote, "promotions": (*Engine).cmdPromotions, "all": (*Engine).cmdAll,
	"audit": (*Engine).cmdAudit, "lang": (*Engine).cmdLang,
	"bind": (*Engine).cmdBind, "unbind": (*Engine).cmdUnbind,
	"delete": (*Engine).cmdDelete, "resume": (*Engine).cmdResume, "reports": (*Engine).cmdReports,
	"hr": (*Engine).cmdHR, "summary": (*Engine).cmdSummary,
	"problem": (*Engine).cmdProblem, "track": (*Engine).cmdTrack,
	"export": (*Engine).cmdExport,
}

// actionCommands holds the handler of each button or form action id.
var actionCommands = map[string]actionHandler{
	"help":            (*Engine).actHelp,
	"plan.new":        (*Engine).actNew,
	"plan.create":     (*Engine).actCreate,
	"plan.list":       (*Engine).actPlans,
	"plan.show":       (*Engine).actShow,
	"export.all":      (*Engine).actExportAll,
	"plan.submit":     (*Engine).actSubmit,
	"plan.approve":    (*Engine).actApprove,
	"plan.changes":    (*Engine).actChanges,
	"plan.reject":     (*Engine).actReject,
	"plan.ack":        (*Engine).actAck,
	"plan.update":     (*Engine).actUpdate,
	"plan.review":     (*Engine).actReview,
	"plan.close":      (*Engine).actClose,
	"interview.book":  (*Engine).actInterviewBook,
	"interview.ok":    (*Engine).actInterviewConfirm,
	"adjust.confirm":  (*Engine).actAdjustConfirm,
	"adjust.reject":   (*Engine).actAdjustReject,
	"guide.answer":    (*Engine).actGuideAnswer,
	"team.show":       (*Engine).actTeam,
	"promotions.show": (*Engine).actPromotions,
	"outcome.confirm": (*Engine).actOutcomeConfirm,
	"outcome.reject":  (*Engine).actOutcomeReject,
	"plan.delete":     (*Engine).actDelete,
	"interview.prep":  (*Engine).actInterviewPrep,
	"interview.rate":  (*Engine).actInterviewRate,
	"interview.notes": (*Engine).actInterviewNotes,
	"interview.rsvp":  (*Engine).actInterviewStatus,
	"action.done":     (*Engine).actActionDone,
	"plan.track":      (*Engine).actTrack,
}

// dispatch resolves the actor, routes the command and names it for
// metrics; the request tells whether the command committed.
func (e *Engine) dispatch(ctx context.Context, cmd Command) ([]Reply, string, *request, error) {
	r, err := e.newRequest(ctx, cmd)
	if err != nil {
		return nil, "identity", nil, err
	}
	replies, name, err := e.run(ctx, r)
	return replies, name, r, err
}

// run runs the action or the typed command of r.
func (e *Engine) run(ctx context.Context, r *request) ([]Reply, string, error) {
	cmd := r.cmd
	if cmd.Action != nil {
		h, ok := actionCommands[cmd.Action.ID]
		if !ok {
			return nil, "unknown_action", Errorf(EINVALID, "err.unknown_action")
		}
		if _, ok := cmd.Action.Args[ArgPage]; ok {
			replies, err := e.turnPage(ctx, r, h, cmd.Action)
			return replies, "page", err
		}
		replies, err := h(e, ctx, r, cmd.Action)
		return replies, cmd.Action.ID, err
	}
	text := strings.TrimSpace(toHalfWidth(cmd.Text))
	if invisible(commandHead(text)) {
		return nil, "invisible", Errorf(EINVALID, "err.invisible")
	}
	if err := checkLength("text", text, maxCommand); err != nil {
		return nil, "too_long", err
	}
	explicit := strings.HasPrefix(text, "/")
	text = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(text, "/pip"), "/"))
	var left []Reply
	if !explicit {
		if g, ok, err := e.loadGuide(ctx, r); err != nil {
			return nil, "guide", err
		} else if ok && !guideCommand(text) {
			replies, err := e.guideInput(ctx, r, g, text)
			return replies, "guide", err
		} else if ok {
			rep, err := e.leaveGuide(ctx, r, g)
			if err != nil {
				return nil, "guide", err
			}
			left = []Reply{rep}
		}
	}
	replies, name, err := e.runText(ctx, r, text)
	if err != nil && len(left) > 0 && ErrorCode(err) != EINTERNAL {
		// The guide was left either way: say so, then what went wrong.
		return append(left, e.errorReply(ctx, cmd, err)), name, nil
	}
	return append(left, replies...), name, err
}

// runText runs a typed command.
func (e *Engine) runText(ctx context.Context, r *request, text string) ([]Reply, string, error) {
	words := fields(text)
	if len(words) == 0 {
		replies, err := e.cmdHelp(ctx, r, nil)
		return replies, "help", err
	}
	name, args := resolveVerb(words)
	h, ok := textCommands[name]
	if !ok {
		return nil, "unknown", Errorf(EINVALID, "err.unknown_command", words[0])
	}
	replies, err := h(e, ctx, r, args)
	return replies, name, err
}

// resolveVerb finds the command in the first word(s). Chinese verbs may be
// glued to what follows ("查看12", "更新销售额42万"), so the longest alias that
// prefixes the first word wins.
func resolveVerb(words []string) (string, []string) {
	first := strings.ToLower(words[0])
	if name, ok := verbs[first]; ok {
		return name, words[1:]
	}
	best := ""
	for alias := range verbs {
		if len(alias) > len(best) && strings.HasPrefix(first, alias) && isCJK([]rune(alias)[0]) {
			best = alias
		}
	}
	if best == "" {
		return "", words
	}
	rest := strings.TrimPrefix(words[0], best)
	return verbs[best], append([]string{rest}, words[1:]...)
}

// errorReply turns an error into a localised answer. Internal errors never
// show their text.
func (e *Engine) errorReply(ctx context.Context, cmd Command, err error) Reply {
	l, _ := e.prefs(e.person(ctx, cmd.Tenant, cmd.Actor.ID))
	if cmd.Actor.Locale != "" && l == "" {
		l = cmd.Actor.Locale
	}
	var be *Error
	if !errors.As(err, &be) || be.Code == EINTERNAL {
		be = Errorf(EINTERNAL, "err.internal")
	}
	body := T(l, be.Key, be.Args...)
	return Reply{Message: Message{Color: ColorRed, Blocks: []Block{Text{Body: "⚠️ " + body}}}, Errors: be.fieldErrors(l)}
}
