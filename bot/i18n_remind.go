package bot

// msgRemind: the scheduled reminders (docs/architecture.md, "Default schedules"), shown in the
// recipient's language; the team summary in the tenant's.
var msgRemind = map[string]msg{
	"remind.iv_notice": {"面谈提醒：%s 预约的绩效改进面谈即将举行，请提前准备数据和议程。",
		"Interview reminder: the performance-improvement interview %s booked is coming up; please prepare your figures and the agenda."},
	"remind.iv_short": {"临时通知：%s 预约的绩效改进面谈时间临近，未能按规定提前通知，请尽快准备数据和议程。",
		"Short notice: the performance-improvement interview %s booked is sooner than the usual notice period; please prepare your figures and the agenda soon."},

	"remind.weekly_title": {"计划 #%d · %s 周进展提醒", "Plan #%d · weekly update for %s"},
	"remind.weekly":       {"本周的进展还没有提交，请在今天 %s 前更新各目标的数值和本周做了什么。", "This week's update is not in yet; please post your figures and what happened this week by %s today."},

	"remind.missed_title": {"计划 #%d · %s 周进展未提交", "Plan #%d · no update for %s"},
	"remind.missed":       {"%s 没有提交计划 #%d 在 %s 周的进展，请跟进辅导。", "%s did not post the update of plan #%d for week %s; please follow up."},
	"remind.missed_hr":    {"%s 已连续两周（%s、%s）没有提交计划 #%d 的进展，经理：%s。", "%[1]s has missed the update of plan #%[4]d two weeks in a row (%[2]s, %[3]s); manager: %[5]s."},

	"remind.monthly_title": {"计划 #%d · %s 月度评估", "Plan #%d · monthly review %s"},
	"remind.monthly":       {"请对照目标填写 %s 的实际值和评估意见（截止 %s）。", "Please record each goal's actual figure and your assessment of %s (by %s)."},

	"remind.ending":  {"计划 #%d 将于 %s 结束，请准备结案评估：逐项对照目标与实际，记录结果和经验。", "Plan #%d ends on %s. Time for the evaluation: each goal's target against its actual, the outcome and the lessons."},
	"remind.archive": {"面谈 #%d（计划 #%d，%s）的书面记录还没有归档，请今天内完成：面谈 %d 记录 …", "The record of interview #%d (plan #%d, %s) is not archived yet; please file it today: interview %d notes …"},

	"remind.tracking_title": {"计划 #%d · 跟踪记录", "Plan #%d · tracking log"},
	"remind.tracking":       {"计划 #%d 已 %d 天没有你的跟踪记录（上一次：%s）。请记录这段时间的观察、辅导和下一步：跟踪 %d …", "Plan #%d has had no tracking note from you for %d days (last: %s). Please record what you saw, the coaching and the next steps: track %d …"},
	"remind.tracking_never": {"从未", "never"},

	"digest.title":            {"HR 周报 · %s 这一周", "HR digest · week of %s"},
	"digest.missed":           {"上周未提交进展（%d）：", "No update last week (%d):"},
	"digest.interviews":       {"本周面谈（%d）：", "Interviews this week (%d):"},
	"digest.waiting":          {"等待 HR 处理（%d）：", "Waiting for HR (%d):"},
	"digest.waiting_outcome":  {"结案结果待确认", "outcome to confirm"},
	"digest.waiting_approval": {"计划待 HR 审批", "plan to approve"},
	"digest.plan":             {"#%d %s（经理 %s）", "#%d %s (manager %s)"},
	"digest.last_update":      {"最近一次：%s", "last: %s"},
	"digest.more":             {"……另有 %d 个", "… and %d more"},
	"digest.quiet":            {"本周没有需要 HR 跟进的事项。", "Nothing needs HR this week."},
	"digest.open":             {"查看 #%d", "Open #%d"},
	"digest.export":           {"导出全部", "Export all"},

	"remind.summary_title": {"团队周进展 · %s", "Team weekly updates · %s"},
	"remind.summary":       {"本周已有 %d 人提交进展，%d 人尚未提交。", "This week %d have posted their update and %d have not yet."},
	"remind.summary_hint":  {"还没提交的同学，点下面的按钮即可私下填写。", "If yours is still missing, the button below opens it privately."},

	"remind.action_title": {"计划 #%d · 行动 #%d 提醒", "Plan #%d · action #%d reminder"},
	"remind.action_at":    {"提醒：行动 #%d「%s」今天 %s 到期（计划 #%d）。", "Reminder: action #%d \"%s\" is due today %s (plan #%d)."},
	"remind.action_day":   {"提醒：行动 #%d「%s」今天到期（计划 #%d）。", "Reminder: action #%d \"%s\" is due today (plan #%d)."},
	"remind.action_node":  {"时间节点：%s", "Time node: %s"},
	"remind.action_hint":  {"完成后点下面的按钮，或发送「完成 %d %d」。", "When it is done, press the button below or send \"done %d %d\"."},
}
