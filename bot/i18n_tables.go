package bot

// msgTables: core problems, action owners and time nodes, the tracking log.
var msgTables = map[string]msg{
	"plan.problem_head": {"核心问题 %d · 优先级 %d", "Core problem %d · priority %d"},
	"missing.causes_of": {"问题 %d「%s」的根本原因", "root causes of problem %d \"%s\""},
	"missing.goal_of":   {"问题 %d「%s」的目标", "a goal for problem %d \"%s\""},

	"guide.for_problem": {"当前：核心问题 %d", "Now: core problem %d"},
	"guide.more":        {"**还有其他核心问题吗？**\n按同样格式写下一个（指标 目标值 实际值 [单位]），它的优先级排在前面的问题之后；没有就发送「完成」，或直接写第一条行动，进入行动计划。", "**Another core problem?**\nWrite it the same way (metric target actual [unit]); it ranks after the ones before it. If there is none, send \"done\" or write the first action to go on to the actions."},

	"owner.employee":       {"员工", "employee"},
	"owner.manager":        {"经理", "manager"},
	"owner.hr":             {"HR", "HR"},
	"owner.person":         {"指定人员", "named person"},
	"action.owner":         {"责任人：%s", "owner: %s"},
	"owner.assigned_title": {"改进计划 #%d · 交给你的行动", "Improvement plan #%d · an action for you"},
	"owner.assigned":       {"%[1]s 请你负责一项行动：%[2]s（时间节点：%[3]s）。完成后点下面的按钮，或发送「完成 %[4]d %[5]d」。", "%[1]s made you the owner of an action: %[2]s (time node: %[3]s). When it is done, press the button below or send \"done %[4]d %[5]d\"."},
	"btn.action_done":      {"✅ 完成 %d", "✅ Done %d"},
	"done.action_status":   {"行动 %d（计划 #%d）已更新为：%s。", "Action %d of plan #%d is now: %s."},

	"when.daily":    {"每天", "every day"},
	"when.workdays": {"每个工作日", "every working day"},
	"when.weekly":   {"每%s", "every %s"},
	"when.weekly_n": {"每%[2]d周的%[1]s", "every %[2]d weeks on %[1]s"},
	"when.monthly":  {"每月%d日", "monthly on day %d"},
	"when.by":       {"%s前", "by %s"},
	"when.by_clock": {"%s %s前", "%s by %s"},
	"when.day_sep":  {"、", ", "},

	"form.second":         {"（可选）第二个核心问题 · %s", "(optional) second core problem · %s"},
	"form.action_owner":   {"责任人", "Owner"},
	"form.action_measure": {"评估指标", "Evaluation metric"},
	"ph.action_measure":   {"每周拜访记录数", "visits logged per week"},

	"btn.track":           {"跟踪记录", "Tracking note"},
	"track.form_title":    {"计划 #%d · %s 的跟踪日志", "Plan #%d · tracking log for %s"},
	"track.text":          {"本次跟踪记录（进展、问题、辅导措施）", "This tracking note (progress, issues, coaching)"},
	"track.ph_text":       {"本周完成3次客户模拟沟通，问题解决正确率提升至70%", "Three client role-plays this week; right answers up to 70%"},
	"done.track":          {"计划 #%d 的跟踪记录已保存（员工不可见）。", "Tracking note on plan #%d saved (the employee cannot see it)."},
	"field.tracking":      {"跟踪日志", "Tracking log"},
	"show.tracking_count": {"（共 %d 条，显示最近几条）", "(%d notes, the latest shown)"},

	"err.no_problem":        {"没有核心问题 %v。", "There is no core problem %v."},
	"err.need_problem":      {"计划 #%d 还没有核心问题，请先写：问题 %[1]d 指标 目标值 实际值。", "Plan #%d has no core problem yet; add one first: problem %[1]d metric target actual."},
	"err.too_many_problems": {"一个计划最多 %d 个核心问题，请先合并或删除。", "A plan holds at most %d core problems; merge or remove one first."},
	"err.problem_format":    {"格式：问题 12 指标 目标值 实际值 [单位] ｜ 问题 12 修改 2 … ｜ 问题 12 删除 2 ｜ 问题 12 优先级 2 1", "Format: problem 12 metric target actual [unit] | problem 12 edit 2 … | problem 12 remove 2 | problem 12 rank 2 1"},
	"err.bad_priority":      {"「%s」不是有效的优先级：写 1 到问题个数之间的数字。", "\"%s\" is not a valid priority: use a number from 1 to the number of problems."},
	"err.bad_time_node":     {"看不懂时间节点「%s」。可以写日期（2026-12-31、12月31日前）或频率（每周五 17:00前、每日9:00、每个工作日 9:00、每月25日、隔周一）。", "Cannot read the time node \"%s\". Write a date (2026-12-31, by 12/31) or a cadence (every Friday by 17:00, daily 9:00, every working day 9:00, monthly on the 25th, every other Monday)."},
	"err.bad_owner":         {"「%s」不是责任人：请选 员工、经理 或 HR，或 @某人。", "\"%s\" is not an owner: choose employee, manager or HR, or mention someone."},
	"err.owner_no_manager":  {"这个计划还不知道员工的经理，不能把行动交给经理。", "This plan has no known manager yet, so an action cannot be the manager's."},
	"err.track_empty":       {"请写下跟踪内容，例如：跟踪 12 本周完成3次客户模拟沟通。", "Write the note, for example: track 12 three client role-plays this week."},

	"who.owner":          {"该行动的责任人", "the action's owner"},
	"op.track":           {"记录跟踪日志", "write tracking notes"},
	"op.track_read":      {"查看跟踪日志", "read the tracking log"},
	"help.problem.label": {"核心问题", "Core problems"},
	"help.problem":       {"问题 12 投诉率 3% 8% ｜ 问题 12 优先级 2 1 ｜ 问题 12 删除 2 ｜ 原因 12 问题2 个人 沟通不足 ｜ 目标 12 问题2 投诉率 8% 3% 2个月", "problem 12 complaints 3% 8% | problem 12 rank 2 1 | problem 12 remove 2 | cause 12 problem 2 person poor handover | goal 12 problem 2 complaints 8% 3% 2months"},
	"help.track.label":   {"跟踪日志", "Tracking log"},
	"help.track":         {"跟踪 12 本周完成3次模拟沟通 ｜ 跟踪 12（打开表单）", "track 12 three role-plays this week | track 12 (opens the form)"},
}
