package console

import "github.com/pipbot/pipbot/bot"

// ui holds the adapter's own strings (prompts, hints, refusals) in one
// language. The engine localises its own replies; these only frame them.
type ui struct {
	roleManager, roleHR, roleEmployee string
	dm, group                         string // chat names in the prompt

	help, whoHeader, youAre, noPerson, nowIn string

	noButtons, noButton, confirm, cancelled string

	notify, groupPost, refused, onlyYou, updated, internal string
	hintButtons, hintForm                                  string

	noForm, formStart, formCancelled   string
	required, defaultIs, example       string
	kindNumber, kindDate, kindDateTime string
	kindSelect, kindUser               string
	badNumber, badDate, badDateTime    string
	badChoice, badUser, needValue      string
}

// uiFor returns the strings for locale l; Chinese unless l is English.
func uiFor(l bot.Locale) *ui {
	if l == bot.LocaleEN {
		return uiEN()
	}
	return uiZH()
}

func uiEN() *ui {
	return &ui{
		roleManager: "manager", roleHR: "hr", roleEmployee: "employee",
		dm: "dm", group: "group",
		help: `Console commands:
  /who               list the people of the demo organisation
  /as NAME | /as N   become someone else
  /dm  /group        switch between your direct chat and the team group
  N | /click N       click button N of your latest card
  /form              reopen your pending form (/cancel abandons it)
  /help              this help
  /quit              leave (or Ctrl-D)
Anything else goes to the bot; @Name becomes a mention. Try "help".`,
		whoHeader: "People (* is you):", youAre: "You are now %s.",
		noPerson: "No such person: %s (try /who).", nowIn: "Now chatting in %s.",
		noButtons: "No card with buttons to click.", noButton: "No button %d (choose 1–%d).",
		confirm: "%s (y/N) ", cancelled: "Cancelled, nothing sent.",
		notify: "📨 to %s (dm):", groupPost: "👥 group %s:",
		refused: "⛔ refused to post private content to group %s",
		onlyYou: "🔒 only visible to you:", updated: "(updated card)",
		internal:    "(internal error logged)",
		hintButtons: "   (/as %s, then type a number to click)",
		hintForm:    "   (/as %s, then /form to fill it in)",
		noForm:      "No pending form.", formStart: "📝 %s (/cancel to abandon)",
		formCancelled: "Form abandoned, nothing sent (/form reopens it).",
		required:      "required", defaultIs: "default %s", example: "e.g. %s",
		kindNumber: "number", kindDate: "date YYYY-MM-DD", kindDateTime: "datetime YYYY-MM-DD HH:MM",
		kindSelect: "choose a number", kindUser: "person: number, name or id",
		badNumber: "Please type a number, e.g. 42 or 3.5.", badDate: "Please type a date as YYYY-MM-DD.",
		badDateTime: "Please type a date and time as YYYY-MM-DD HH:MM.",
		badChoice:   "Please choose one of the numbers shown.", badUser: "No such person: %s.",
		needValue: "This one is required.",
	}
}

func uiZH() *ui {
	return &ui{
		roleManager: "经理", roleHR: "HR", roleEmployee: "员工",
		dm: "私聊", group: "群聊",
		help: `控制台命令：
  /who               列出演示组织里的人
  /as 名字 | /as 编号  切换身份
  /dm  /group        在私聊和团队群之间切换
  N | /click N       点击你最近一张卡片的第 N 个按钮
  /form              重新打开待填写的表单（填写时 /cancel 放弃）
  /help              显示本帮助
  /quit              退出（或 Ctrl-D）
其他输入都发给机器人；@名字 会变成提及。试试 "帮助"。`,
		whoHeader: "成员（* 是你）：", youAre: "你现在是 %s。",
		noPerson: "没有这个人：%s（试试 /who）。", nowIn: "当前会话：%s。",
		noButtons: "没有可以点击的卡片按钮。", noButton: "没有按钮 %d（请选 1–%d）。",
		confirm: "%s (y/N) ", cancelled: "已取消，未发送。",
		notify: "📨 发给 %s（私聊）：", groupPost: "👥 群 %s：",
		refused: "⛔ 已拒绝：私密内容不能发到群 %s",
		onlyYou: "🔒 仅你可见：", updated: "（卡片已更新）",
		internal:    "（内部错误已记录）",
		hintButtons: "   （/as %s 后输入编号即可点击）",
		hintForm:    "   （/as %s 后输入 /form 填写）",
		noForm:      "没有待填写的表单。", formStart: "📝 %s（/cancel 放弃）",
		formCancelled: "已放弃表单，未发送（/form 可重新打开）。",
		required:      "必填", defaultIs: "默认 %s", example: "例如 %s",
		kindNumber: "数字", kindDate: "日期 YYYY-MM-DD", kindDateTime: "时间 YYYY-MM-DD HH:MM",
		kindSelect: "输入编号", kindUser: "人员：编号、名字或 ID",
		badNumber: "请输入数字，例如 42 或 3.5。", badDate: "请按 YYYY-MM-DD 输入日期。",
		badDateTime: "请按 YYYY-MM-DD HH:MM 输入日期和时间。",
		badChoice:   "请选择上面列出的编号。", badUser: "没有这个人：%s。",
		needValue: "这一项必填。",
	}
}
