package bot

// msgLimits: the limits on what people type (limits.go) and the names of
// the fields an error about them names.
var msgLimits = map[string]msg{
	"err.too_many_goals":   {"一个计划最多 %d 个目标，请先合并或删除。", "A plan holds at most %d goals; merge or remove one first."},
	"err.too_many_actions": {"一个计划最多 %d 条行动，请先合并或删除。", "A plan holds at most %d actions; merge or remove one first."},
	"err.too_many_causes":  {"一个核心问题最多 %d 条根本原因，请先合并或删除。", "A core problem holds at most %d root causes; merge or remove one first."},

	"field_label.text":             {"内容", "The text"},
	"field_label.metric":           {"指标名称", "The metric name"},
	"field_label.unit":             {"单位", "The unit"},
	"field_label.gap_metric":       {"差距指标名称", "The gap's metric name"},
	"field_label.goal_metric":      {"目标指标名称", "The goal's metric name"},
	"field_label.cause_text":       {"根本原因", "The root cause"},
	"field_label.action_what":      {"行动内容", "The action"},
	"field_label.action_resources": {"所需资源", "The resources"},
	"field_label.action_measure":   {"评估指标", "The evaluation metric"},
	"field_label.reason":           {"理由", "The reason"},
	"field_label.comment":          {"意见", "The comment"},
	"field_label.lessons":          {"经验总结", "The lessons learned"},
	"field_label.assessment":       {"评估", "The assessment"},
	"field_label.next":             {"下一步", "The next steps"},
	"field_label.override":         {"确认理由", "The reason"},
	"field_label.self":             {"自评", "The self-assessment"},
	"field_label.end":              {"结束日期", "The end date"},
	"field_label.gap_unit":         {"差距单位", "The gap's unit"},
	"field_label.goal_unit":        {"目标单位", "The goal's unit"},
	"field_label.wishes":           {"期望", "The wishes"},
	"field_label.summary":          {"总结", "The summary"},
	"field_label.opening":          {"开场", "The opening"},
	"field_label.review":           {"回顾", "The review"},
	"field_label.agreement":        {"共识", "The agreement"},
	"field_label.strengths":        {"优势", "The strengths"},
	"field_label.gaps":             {"差距", "The gaps"},
}
