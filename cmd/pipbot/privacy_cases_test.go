package main

// groupCase is a command someone types into a group chat (mentioning the
// bot), for the platform privacy tests: every command, well-formed or not,
// and every kind of error. who is a role of the test's organisation:
// "employee", "manager", "hr", "mentor" or "outsider"; %d is the plan's
// number and %e, %m, %o mention the employee, the manager and the outsider.
type groupCase struct {
	who, text string
}

// groupCases are the commands the privacy tests drive through each
// platform's real adapter into a group chat, with a running plan whose
// employee has a mentor.
var groupCases = []groupCase{
	{"employee", "帮助"}, {"employee", "help"},
	{"manager", "show %d"}, {"manager", "查看 %d"}, {"manager", "plans"}, {"manager", "team"}, {"hr", "all"},
	{"employee", "update #%d #1 420000 visited 8 clients"}, {"employee", "更新 销售额 -5"}, {"employee", "汇报 本周拜访8家"},
	{"manager", "audit %d"}, {"hr", "审计 %d"}, {"hr", "audit org"}, {"hr", "promotions"}, {"hr", "hr"},
	{"manager", "调整 %d 1 46万 市场变化"}, {"manager", "adjust %d 1 10 too much"}, {"hr", "adjust %d confirm 1"},
	{"manager", "adjust %d reject 1 no"}, {"manager", "mentor %d %o"}, {"mentor", "note %d pitch drill"},
	{"manager", "面谈 %d 预约 14天后 15:00"}, {"manager", "面谈 %d 预约 明天 15:00"}, {"employee", "面谈 %d 自评 有进步"},
	{"manager", "面谈 %d 记录 总结: 一致"}, {"employee", "面谈 %d 确认"}, {"employee", "面谈 %d 评价 5 好"},
	{"manager", "review %d sales 450000 good"}, {"manager", "评估 %d 销售额 abc"},
	{"manager", "goal %d edit 1 sales 350000 600000 30days"}, {"manager", "action %d add call | every Monday"},
	{"employee", "done %d 1"}, {"manager", "track %d three role-plays"}, {"employee", "track %d sneaky"},
	{"manager", "action %d add 1:1 | every other Monday 9am | manager"}, {"manager", "done %d 2"}, {"manager", "summary %d on"}, {"manager", "close %d achieved good"},
	{"hr", "close %d confirm good enough"}, {"manager", "extend %d 2027-06-30 more time"}, {"manager", "cancel %d reorg"},
	{"employee", "ack %d disagree too high"}, {"employee", "submit %d"}, {"manager", "approve %d"},
	{"outsider", "show %d"}, {"outsider", "approve %d"}, {"employee", "新建 %o"}, {"manager", "new %e"},
	{"employee", "delete %d"}, {"hr", "reports %e %o"}, {"outsider", "hr add %o"},
	{"employee", "跳舞"}, {"employee", "\u200b批准 %d"}, {"manager", "resume %d"},
}

// groupLeaks are words of the test plan a group must never read: its
// employee's and manager's names are given by each test.
var groupLeaks = []string{"季度销售额", "客户跟进", "市场变化", "pitch drill", "有进步", "too high", "reorg", "role-plays", "sneaky"}
