package bot

import (
	"context"
	"strconv"
	"strings"
)

// cmdAction adds an action or changes its status:
// "action 12 add 每周五更新拜访记录 | 每周五 17:00", "action 12 done 2",
// "行动 12 开始 2", "action 12 delay 3".
func (e *Engine) cmdAction(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, Errorf(EINVALID, "err.action_format")
	}
	if st, ok := parseActionStatus(rest[0]); ok && len(rest) == 2 {
		return e.setActionStatus(ctx, r, ref, rest[1], st)
	}
	if isWord(rest[0], "add", "添加", "新增", "加") {
		rest = rest[1:]
	}
	a, err := parseAction(strings.Join(rest, " "), r.now, r.tz)
	if err != nil {
		return nil, err
	}
	p, role, err := e.planFor(ctx, r, ref, OpActionAdd)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	a.No = nextActionNo(p)
	p.Actions = append(p.Actions, a)
	return e.edited(ctx, r, p, role, "plan.action_add", "", strconv.Itoa(a.No))
}

// cmdDone marks an action done: "done 12 2", "完成 12 2".
func (e *Engine) cmdDone(ctx context.Context, r *request, args []string) ([]Reply, error) {
	ref, rest, err := planArg(args)
	if err != nil {
		return nil, err
	}
	if len(rest) != 1 {
		return nil, Errorf(EINVALID, "err.done_format")
	}
	return e.setActionStatus(ctx, r, ref, rest[0], ActionDone)
}

func parseActionStatus(w string) (ActionStatus, bool) {
	switch strings.ToLower(w) {
	case "done", "complete", "完成", "已完成":
		return ActionDone, true
	case "start", "started", "开始", "进行中":
		return ActionInProgress, true
	case "delay", "delayed", "延迟", "延期":
		return ActionDelayed, true
	case "reset", "todo", "未开始":
		return ActionNotStarted, true
	}
	return "", false
}

func (e *Engine) setActionStatus(ctx context.Context, r *request, ref, no string, st ActionStatus) ([]Reply, error) {
	p, role, err := e.planFor(ctx, r, ref, OpActionStatus)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, Errorf(ESTATE, "err.closed", p.Number)
	}
	k, err := strconv.Atoi(strings.TrimPrefix(no, "#"))
	a := p.Action(k)
	if err != nil || a == nil {
		return nil, Errorf(EINVALID, "err.no_item", no)
	}
	old := a.Status
	a.Status = st
	a.DoneAt = zeroTime()
	if st == ActionDone {
		a.DoneAt = r.now
	}
	return e.edited(ctx, r, p, role, "plan.action_status", string(old), string(st))
}
