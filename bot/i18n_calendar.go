package bot

// msgCalendar: interviews in calendars (Feishu events, .ics invitations).
var msgCalendar = map[string]msg{
	"cal.summary":           {"面谈 · 计划 #%d · 第 %d 次", "Interview · plan #%d · #%d"},
	"cal.description":       {"议程：%s\n预约人：%s\n详情请向 pipbot 发送「面谈 %d 状态」。", "Agenda: %s\nBooked by: %s\nFor details send \"interview %d status\" to pipbot."},
	"cal.put":               {"📅 已同步到参与人的飞书日历；发送「面谈 %d 状态」查看回复。", "📅 In the attendees' calendars; send \"interview %d status\" to see their replies."},
	"cal.put_failed":        {"⚠️ 日历日程暂未更新，稍后发送「面谈 %d 状态」会再试。", "⚠️ The calendar event is not updated yet; \"interview %d status\" will try again."},
	"cal.cancelled":         {"📅 已从参与人的日历中删除。", "📅 Removed from the attendees' calendars."},
	"cal.cancel_failed":     {"⚠️ 日历日程暂未删除；再次发送「面谈 %d 取消 %d」可重试。", "⚠️ The calendar event is not removed yet; send \"interview %d cancel %d\" again to retry."},
	"cal.cancel_again":      {"面谈 #%d（计划 #%d）已取消。", "Interview #%d of plan #%d is cancelled."},
	"cal.status":            {"面谈状态（预约人：%s）", "Interview status (booked by %s)"},
	"cal.responses":         {"日历回复", "Calendar replies"},
	"cal.responses_unknown": {"（暂时无法读取日历，回复状态未知）", "(The calendar did not answer; replies unknown.)"},
	"rsvp.accept":           {"✅ 接受", "✅ accepted"},
	"rsvp.decline":          {"❌ 拒绝", "❌ declined"},
	"rsvp.tentative":        {"❔ 待定", "❔ tentative"},
	"rsvp.needs_action":     {"⏳ 未回复", "⏳ no reply yet"},
	"rsvp.unknown":          {"状态未知", "status unknown"},
	"btn.refresh":           {"刷新", "Refresh"},
}
