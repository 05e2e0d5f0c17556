package bot

// msgRisk: the risk rating and its alert.
var msgRisk = map[string]msg{
	"risk.on_track":    {"进展正常", "On track"},
	"risk.at_risk":     {"有风险", "At risk"},
	"risk.critical":    {"高风险", "Critical"},
	"risk.pace":        {"进度 %s，时间已过 %s", "progress %s at %s of the time elapsed"},
	"risk.pace_behind": {"进度 %s，时间已过 %s（落后 %d 个百分点）", "progress %s at %s of the time elapsed (%d points behind)"},
	"risk.missed":      {"连续 %d 周未提交周进展", "%d weekly updates missed in a row"},
	"risk.overdue":     {"结束日期已过，目标未全部达成", "end date passed with goals unmet"},
	"risk.sep":         {"；", "; "},
	"field.risk":       {"风险", "Risk"},
	"team.critical":    {"高风险", "Critical"},
	"digest.turned":    {"过去一周转为有风险或高风险（%d）：", "Turned at risk or critical in the past week (%d):"},
	"risk.alert_title": {"计划 #%d 转为高风险", "Plan #%d turned critical"},
	"act.plan.risk":    {"风险评级变化", "risk rating changed"},
	"role.system":      {"系统", "system"},
	"risk.alert":       {"%s 的绩效改进计划 #%d 已转为 🔴 高风险：%s。请尽快与员工沟通，必要时调整计划。", "%s's improvement plan #%d turned 🔴 critical: %s. Please talk with the employee soon and adjust the plan if needed."},
}
