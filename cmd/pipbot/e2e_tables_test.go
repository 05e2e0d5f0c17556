package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pipbot/pipbot/adapters/console"
	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// The plan TestEndToEndTables enters, as typed: the script is built from
// these values and the exported workbook is checked against them.
type (
	walkProblem struct {
		metric         string
		target, actual float64
		unit           string // "%" is typed on the numbers
		dim, cause     string // the root cause's dimension as typed (个人, 环境) and its text
	}
	walkGoal struct {
		metric           string
		baseline, target float64
		unit             string
		deadline         time.Time // typed as a date
	}
	walkAction struct {
		what      string
		when      string    // a cadence, typed as the tables show it
		date      time.Time // or a date, typed "2026-12-31前"
		owner     string    // the owner word typed ("" for the employee, by default)
		shown     string    // the owner as the tables show it: role and name
		resources string
		measure   string
	}
	walkUpdate struct {
		at     time.Time
		values []float64 // each goal's value, by goal
		words  []string  // how each value is named in the update
		note   string
	}
	walkNote struct {
		at   time.Time
		verb string // 跟踪 or track
		text string
	}
)

// TestEndToEndTables walks one plan through the whole process on every
// SQL database, with the scheduler and the risk sweep wired as serve wires
// them: 张三 drafts a plan with two core problems (numbers, priority, a
// root cause each) and a goal for each, with actions owned by himself
// (every Friday) and by HR (a date); it is submitted, approved and
// acknowledged; 王经理 adds his own action "每个工作日 09:00" and writes a
// tracking note 张三 cannot read; the planner plans the stand-up's
// reminders, the dispatcher sends Monday's to 王经理; he marks it done and
// the pending reminders are cancelled, Tuesday's tick sends nothing and a
// later planning pass plans none for it; a second note in English; no
// update for two weeks turns the plan at risk and then critical, one alert
// each to 王经理 and 林HR; 张三's catch-up puts it back on track, and the
// audit log holds the three moves; 王经理's "导出 1", 张三's (without the
// tracking log) and `pipbot export` are read back with excelize, every
// sheet cell by cell against what was typed.
func TestEndToEndTables(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		began := time.Now()
		defer func() { t.Logf("walk took %s", time.Since(began).Round(time.Millisecond)) }()
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		sh, _ := time.LoadLocation("Asia/Shanghai")
		at := func(s string) time.Time {
			t.Helper()
			v, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		var mu sync.Mutex
		now := at("2026-11-16 08:00") // Monday of 2026-W47
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		set := func(v time.Time) { mu.Lock(); defer mu.Unlock(); now = v }

		day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
		problems := []walkProblem{
			{"季度销售额", 500000, 350000, "元", "个人", "客户跟进不及时"},
			{"客户投诉率", 3, 8, "%", "环境", "交接流程不清"},
		}
		goals := []walkGoal{ // goal i addresses problem i
			{"季度销售额", 350000, 500000, "元", day("2027-01-15")},
			{"客户投诉率", 8, 3, "%", day("2027-01-11")},
		}
		actions := []walkAction{ // the first two in the draft, the third added by the manager
			{what: "更新客户拜访记录", when: "每周五 17:00前", shown: "员工 张三", resources: "CRM 权限", measure: "拜访数"},
			{what: "产品培训", date: day("2026-12-31"), owner: "HR", shown: "HR", resources: "培训预算", measure: "考试成绩"},
			{what: "每日站会", when: "每个工作日 09:00", owner: "经理", shown: "经理 王经理", resources: "会议室", measure: "出勤"},
		}
		const standup = 3 // the manager's action with the cadence reminder
		notes := []walkNote{
			{at("2026-11-16 08:10"), "跟踪", "本周完成3次客户模拟沟通"},
			{at("2026-11-19 10:00"), "track", "复盘了两次大客户拜访"},
		}
		updates := []walkUpdate{
			{at("2026-11-16 08:20"), []float64{380000}, []string{"销售额"}, "本周拜访6家"},
			{at("2026-12-07 10:00"), []float64{420000, 6}, []string{"销售额", "投诉率"}, "补交两周进展"},
		}
		doneAt := at("2026-11-16 10:00")

		cfg := config.Default()
		cfg.DB = dsn
		a, err := newApp(ctx, cfg, testLog(t), withClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if a.sched, err = a.newSchedule(clock); err != nil {
			t.Fatal(err)
		}
		if err := seedDemo(ctx, a.db, demoPeople(), clock()); err != nil {
			t.Fatal(err)
		}
		queue := make(chan struct{})
		go func() {
			defer close(queue)
			a.sched.changes.Run(ctx)
		}()
		defer func() { stop(); <-queue }()

		// The chat: the terminal adapter, with "/at" to set the clock and
		// every file the engine sends kept with who asked for it.
		var transcript strings.Builder
		defer func() {
			if t.Failed() {
				t.Log(transcript.String())
			}
		}()
		files := map[string][]*bot.Attachment{}
		chat := func(script ...string) string {
			t.Helper()
			var out strings.Builder
			h := walkHandler{h: a.engine, set: set, tz: sh, files: files}
			c := console.New(h, console.Options{In: strings.NewReader(lines(script...)), Out: &out, Tenant: demoTenant,
				People: demoPeople(), TZ: sh, Echo: true})
			if err := c.Run(ctx); err != nil {
				t.Fatalf("console: %v", err)
			}
			transcript.WriteString(out.String())
			return out.String()
		}
		typed := func(v float64, unit string) string { // a number as typed: 50万, 3%
			s := strconv.FormatFloat(v, 'f', -1, 64)
			if v >= 10000 {
				s = strconv.FormatFloat(v/10000, 'f', -1, 64) + "万"
			}
			if unit == "%" {
				s += "%"
			}
			return s
		}
		withUnit := func(v float64, unit string) string { return strings.TrimSuffix(typed(v, unit), "%") + unit }
		line := func(metric string, x, y float64, unit string, tail ...string) string {
			l := []string{metric, typed(x, unit), typed(y, unit)}
			if unit != "%" {
				l = append(l, unit)
			}
			return strings.Join(append(l, tail...), " ")
		}
		when := func(x walkAction) string {
			if x.when != "" {
				return x.when
			}
			return x.date.Format("2006-01-02") + "前"
		}
		updateLine := func(u walkUpdate) string { // "更新 销售额 42万 投诉率 6% 补交两周进展"
			l := []string{"更新"}
			for i, v := range u.values {
				l = append(l, u.words[i], typed(v, goals[i].unit))
			}
			return strings.Join(append(l, u.note), " ")
		}
		actionLine := func(x walkAction) string {
			parts := []string{x.what, when(x)}
			if x.owner != "" {
				parts = append(parts, x.owner)
			}
			return strings.Join(append(parts, x.resources, x.measure), " | ")
		}

		// Monday 08:00: 张三's draft, step by step, then submit → approve → acknowledge.
		script := []string{"新建", "1"}
		for i, pr := range problems {
			g := goals[i]
			script = append(script, line(pr.metric, pr.target, pr.actual, pr.unit), pr.dim+" "+pr.cause, "完成",
				line(g.metric, g.baseline, g.target, g.unit, g.deadline.Format("2006-01-02")), "完成")
		}
		script = append(script, "完成", actionLine(actions[0]), actionLine(actions[1]), "完成", "默认",
			"提交 1", "/as 王经理", "批准 1", "/as 张三", "确认 1")
		// 王经理 adds his stand-up and writes a tracking note; 张三 reports week 47.
		script = append(script, "/at 2026-11-16 08:05", "/as 王经理", "行动 1 添加 "+actionLine(actions[2]),
			"/at "+notes[0].at.Format("2006-01-02 15:04"), notes[0].verb+" 1 "+notes[0].text,
			"/at "+updates[0].at.Format("2006-01-02 15:04"), "/as 张三", updateLine(updates[0]), "查看 1")
		out := chat(script...)
		mustHave(t, out, "计划 #1 已提交给 王经理 审批", "已批准计划 #1", "你已确认计划 #1", "员工不可见", "2026-W47 进展已记录")
		if strings.Contains(out[strings.LastIndex(out, "> 查看 1"):], notes[0].text) {
			t.Errorf("张三's view of the plan shows the tracking note")
		}
		if strings.Contains(out, "⚠️") {
			t.Errorf("a step of the walk was refused")
		}
		p, err := a.db.PlanByNumber(ctx, demoTenant, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != bot.StatusActive || len(p.Problems) != 2 || len(p.Goals) != 2 || len(p.Actions) != 3 {
			t.Fatalf("after the first morning: status %s, %d problems, %d goals, %d actions", p.Status, len(p.Problems), len(p.Goals), len(p.Actions))
		}

		// The planner plans the stand-up's reminders; the dispatcher sends
		// Monday's to 王经理, privately.
		rows := func(status bot.ReminderStatus) []string {
			t.Helper()
			rs, err := a.db.ListReminders(ctx, demoTenant, scheduler.ReminderFilter{Kind: bot.RemindAction, Status: status})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.DueKey+" "+r.Recipient)
			}
			slices.Sort(out)
			return out
		}
		if err := a.sched.planner.Run(ctx); err != nil {
			t.Fatal(err)
		}
		sk := strconv.Itoa(standup)
		if got, want := rows(bot.ReminderPending), []string{sk + "@2026-11-16 wang", sk + "@2026-11-17 wang", sk + "@2026-11-18 wang"}; !slices.Equal(got, want) {
			t.Fatalf("pending action reminders %v, want %v", got, want)
		}
		var sent []bot.Reply
		send := func(_ context.Context, r bot.Reminder, rep bot.Reply) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			sent = append(sent, rep)
			return "om_" + r.DueKey, nil
		}
		d, err := scheduler.NewDispatcher(scheduler.DispatcherOptions{Store: a.db, Notifier: a.sched.composer.Notifier(send),
			Owner: "e2e", Now: clock, Log: testLog(t)})
		if err != nil {
			t.Fatal(err)
		}
		set(at("2026-11-16 09:10"))
		if _, _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 || sent[0].To != "wang" || !sent[0].Private || sent[0].Chat != "" {
			t.Fatalf("Monday 09:10 sent %+v, want one private reminder to 王经理", sent)
		}
		mustHave(t, sent[0].Message.Text(), "行动 #"+sk+"「"+actions[standup-1].what+"」今天 09:00 到期（计划 #1）", "「完成 1 "+sk+"」")

		// 王经理 marks it done: the pending reminders are cancelled at once.
		out = chat("/at "+doneAt.Format("2006-01-02 15:04"), "/as 王经理", "完成 1 "+sk)
		for deadline := time.Now().Add(5 * time.Second); len(rows(bot.ReminderPending)) > 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after done, still pending: %v", rows(bot.ReminderPending))
			}
		}
		if got, want := rows(bot.ReminderCancelled), []string{sk + "@2026-11-17 wang", sk + "@2026-11-18 wang"}; !slices.Equal(got, want) {
			t.Errorf("cancelled after done %v, want %v", got, want)
		}
		set(at("2026-11-17 09:10"))
		if _, _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 {
			t.Errorf("Tuesday 09:10, after done, sent %d more: %+v", len(sent)-1, sent[1:])
		}
		// A later full pass plans 张三's Friday action, and nothing for the stand-up.
		set(at("2026-11-18 09:00"))
		a.sched.planner.RequestFull()
		if err := a.sched.planner.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := rows(bot.ReminderPending), []string{"1@2026-11-20 zhangsan"}; !slices.Equal(got, want) {
			t.Errorf("pending on Wednesday %v, want 张三's Friday reminder only", got)
		}

		// Thursday: the second note, in English; 张三 still reads neither.
		out = chat("/at "+notes[1].at.Format("2006-01-02 15:04"), "/as 王经理", notes[1].verb+" 1 "+notes[1].text, "查看 1",
			"/as 张三", "查看 1")
		managerView, employeeView := out[:strings.LastIndex(out, "> 查看 1")], out[strings.LastIndex(out, "> 查看 1"):]
		mustHave(t, managerView, "员工不可见", notes[0].text, notes[1].text)
		for _, n := range notes {
			if strings.Contains(employeeView, n.text) {
				t.Errorf("张三's view shows the tracking note %q", n.text)
			}
		}

		// No update in weeks 48 and 49: at risk on 11-30, critical on 12-07,
		// one private alert each to 王经理 and 林HR; none on the next sweep.
		var alerts []bot.Reply
		a.sched.risk.senders = scheduler.Senders{bot.PlatformConsole: func(_ context.Context, _ string, rep bot.Reply) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			alerts = append(alerts, rep)
			return "m" + strconv.Itoa(len(alerts)), nil
		}}
		sweep := func(moment string) {
			t.Helper()
			set(at(moment))
			if err := a.sched.risk.run(ctx); err != nil {
				t.Fatalf("risk sweep at %s: %v", moment, err)
			}
		}
		sweep("2026-11-30 09:00")
		if len(alerts) != 0 {
			t.Errorf("alerts while only at risk: %+v", alerts)
		}
		sweep("2026-12-07 09:00")
		to := map[string]int{}
		for _, r := range alerts {
			to[r.To]++
			if !r.Private || r.Chat != "" {
				t.Errorf("alert not a private message: %+v", r)
			}
			mustHave(t, r.Message.Text(), "🔴 高风险", "连续 2 周未提交周进展")
		}
		if len(alerts) != 2 || to["wang"] != 1 || to["lin"] != 1 {
			t.Fatalf("alerts %v, want one to 王经理 and one to 林HR", to)
		}
		sweep("2026-12-07 09:30")
		sweep("2026-12-07 10:30")
		if len(alerts) != 2 {
			t.Errorf("a later sweep alerted again: %d alerts", len(alerts))
		}

		// 张三 catches up: back on track. Then the exports: 张三's, 王经理's.
		out = chat("/at 2026-12-07 09:40", "/as 王经理", "团队",
			"/at "+updates[1].at.Format("2006-01-02 15:04"), "/as 张三", updateLine(updates[1]), "查看 1",
			"/at 2026-12-07 10:40", "导出 1", "/as 王经理", "导出 1")
		mustHave(t, out, "高风险: 1", "🔴 #1 张三", "2026-W50 进展已记录", "🟢 进展正常", "跟踪日志仅经理、导师和 HR 可见，未包含在内。")
		if len(files["zhangsan"]) != 1 || len(files["wang"]) != 1 {
			t.Fatalf("files sent: %v, want one to 张三 and one to 王经理", files)
		}

		// The workbooks, cell by cell against what was typed.
		zh := []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
		dateZH := func(d time.Time) string { return d.Format("2006-01-02") + " " + zh[d.Weekday()] }
		shownWhen := func(x walkAction) string {
			if x.when != "" {
				return x.when
			}
			return dateZH(x.date) + "前"
		}
		gapLine := func(pr walkProblem) string {
			size := pr.target - pr.actual
			if size < 0 {
				return pr.metric + "：目标 " + withUnit(pr.target, pr.unit) + "，实际 " + withUnit(pr.actual, pr.unit) + "，需降低 " + withUnit(-size, pr.unit)
			}
			return pr.metric + "：目标 " + withUnit(pr.target, pr.unit) + "，实际 " + withUnit(pr.actual, pr.unit) + "，差距 " + withUnit(size, pr.unit)
		}
		num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		last := updates[len(updates)-1]

		gapRows, actionRows, trackRows, evalRows, execRows := [][]string{}, [][]string{}, [][]string{}, [][]string{}, [][]string{}
		var problemText, goalText []string
		for i, pr := range problems {
			gapRows = append(gapRows, []string{strconv.Itoa(i + 1), strconv.Itoa(i + 1), pr.metric, num(pr.target), num(pr.actual),
				num(pr.target - pr.actual), pr.unit, "[" + pr.dim + "] " + pr.cause})
			problemText = append(problemText, fmt.Sprintf("%d. %s", i+1, gapLine(pr)))
		}
		for i, g := range goals {
			progress := (last.values[i] - g.baseline) / (g.target - g.baseline) * 100
			evalRows = append(evalRows, []string{strconv.Itoa(i + 1), strconv.Itoa(i + 1), g.metric, num(g.baseline), num(g.target),
				num(last.values[i]), g.unit, g.deadline.Format("2006-01-02"), num(float64(int64(progress*100+0.5)) / 100), "否", "进行中（执行中）", ""})
			goalText = append(goalText, fmt.Sprintf("%d. %s：%s → %s，%s前", i+1, g.metric, withUnit(g.baseline, g.unit), withUnit(g.target, g.unit), dateZH(g.deadline)))
		}
		for i, x := range actions {
			status, done, execStatus, due := "未开始", "", "未开始", ""
			if i+1 == standup {
				status, done, execStatus = "已完成", doneAt.Format("2006-01-02"), "完成于 "+dateZH(day(doneAt.Format("2006-01-02")))
			}
			if !x.date.IsZero() {
				due = x.date.Format("2006-01-02")
			}
			actionRows = append(actionRows, []string{strconv.Itoa(i + 1), x.what, x.shown, shownWhen(x), due, x.resources, x.measure, status, done})
			execRows = append(execRows, []string{strconv.Itoa(i + 1), strings.Join(problemText, "\n"), strings.Join(goalText, "\n"),
				x.what, x.shown, shownWhen(x), x.resources, x.measure, execStatus})
		}
		type logRow struct {
			at  time.Time
			row []string
		}
		var log []logRow
		for _, n := range notes {
			log = append(log, logRow{n.at, []string{n.at.Format("2006-01-02 15:04"), "跟踪记录", "王经理", isoWeek(n.at), n.text}})
		}
		for _, u := range updates {
			log = append(log, logRow{u.at, []string{u.at.Format("2006-01-02 15:04"), "周进展", "张三", isoWeek(u.at), u.note}})
		}
		slices.SortStableFunc(log, func(x, y logRow) int { return x.at.Compare(y.at) })
		for _, l := range log {
			trackRows = append(trackRows, l.row)
		}
		want := []wantSheet{
			{"绩效差距分析表", []string{"优先级", "问题编号", "核心问题", "目标值", "实际值", "差距", "单位", "根本原因"}, gapRows, nil},
			{"绩效改进行动计划表", []string{"序号", "行动措施", "责任人", "时间节点", "截止日期", "所需资源", "评估指标", "完成状态", "完成日期"}, actionRows, []int{4, 8}},
			{"绩效改进跟踪日志", []string{"时间", "类型", "记录人", "周", "内容"}, trackRows, []int{0}},
			{"绩效改进效果评估表", []string{"目标序号", "问题编号", "指标", "基线", "目标值", "实际值", "单位", "完成时限", "完成度(%)", "是否达成", "评估结果", "经验总结"}, evalRows, []int{7}},
			{"面谈效果评估表", []string{"序号", "时间", "时长(分钟)", "状态", "面谈记录", "优势项", "待改进项", "员工评分", "员工评价", "经理评分", "经理评价"}, nil, nil},
			{"绩效改进策略落地执行表", []string{"序号", "核心问题", "改进目标(SMART)", "具体行动措施", "责任人", "时间节点", "所需资源", "评估指标", "完成状态"}, execRows, nil},
		}
		workbook := func(who string, att *bot.Attachment) []byte {
			t.Helper()
			fs, err := export.Encode(att)
			if err != nil || len(fs) != 1 {
				t.Fatalf("%s's export: %d files, %v", who, len(fs), err)
			}
			return fs[0].Data
		}
		checkSheets(t, "王经理's 导出 1", workbook("王经理", files["wang"][0]), want)
		employeeWant := slices.DeleteFunc(slices.Clone(want), func(w wantSheet) bool { return w.name == "绩效改进跟踪日志" })
		employeeBook := workbook("张三", files["zhangsan"][0])
		checkSheets(t, "张三's 导出 1", employeeBook, employeeWant)
		for _, s := range append(notesText(notes), updatesText(updates)...) {
			if workbookHas(t, employeeBook, s) {
				t.Errorf("张三's export holds %q", s)
			}
		}
		path := filepath.Join(t.TempDir(), "plan1.xlsx")
		env := map[string]string{"PIPBOT_DB": dsn, "PIPBOT_TZ": "Asia/Shanghai", "USER": "e2e"}
		if cli, _, err := runCmd(t, ctx, env, "", "export", "--tenant", demoTenant, "--plan", "1", "-o", path); err != nil || !strings.Contains(cli, "6 tables") {
			t.Fatalf("pipbot export: %v\n%s", err, cli)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		checkSheets(t, "pipbot export", data, want)

		// The audit log: every step in order, the three risk moves by the system.
		audit, err := a.db.Audit(ctx, demoTenant, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps, moves []string
		cliExports := 0
		for _, e := range audit {
			switch {
			case e.ActorID == "cli:e2e": // stamped with the machine's clock, not the walk's
				if e.Action == "plan.export" {
					cliExports++
				}
			case e.Action != "plan.edit":
				steps = append(steps, e.Action)
			}
			if e.Action == "plan.risk" {
				moves = append(moves, e.From+"→"+e.To)
				if e.ActorID != "pipbot" || e.Role != bot.RoleSystem || e.Detail == "" {
					t.Errorf("risk audit entry: %+v", e)
				}
			}
		}
		if got := strings.Join(moves, " "); got != "on_track→at_risk at_risk→critical critical→on_track" {
			t.Errorf("risk moves in the audit log: %s", got)
		}
		if cliExports != 1 {
			t.Errorf("%d exports by cli:e2e in the audit log, want 1", cliExports)
		}
		wantSteps := []string{"plan.create", "plan.submit", "plan.approve", "plan.acknowledge", "plan.action_add", "plan.track",
			"plan.update", "plan.action_status", "plan.track", "plan.risk", "plan.risk", "plan.update", "plan.risk",
			"plan.export", "plan.export"}
		if got := strings.Join(steps, " "); got != strings.Join(wantSteps, " ") {
			t.Errorf("audit steps:\n got %s\nwant %s", got, strings.Join(wantSteps, " "))
		}
		if check, err := a.db.VerifyAudit(ctx, demoTenant, 0); err != nil || !check.OK() {
			t.Errorf("audit chain: %+v, %v", check, err)
		}
	})
}

// walkHandler passes commands to the engine, except "/at DATE TIME", which
// sets the test clock between two lines of a script; it keeps every file
// the engine sends, by recipient.
type walkHandler struct {
	h     console.Handler
	set   func(time.Time)
	tz    *time.Location
	files map[string][]*bot.Attachment
}

func (w walkHandler) Handle(ctx context.Context, cmd bot.Command) ([]bot.Reply, error) {
	if s, ok := strings.CutPrefix(cmd.Text, "/at "); ok {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, w.tz)
		if err != nil {
			return nil, err
		}
		w.set(v)
		return []bot.Reply{{Message: bot.Message{Blocks: []bot.Block{bot.Text{Body: "(" + s + ")"}}}}}, nil
	}
	replies, err := w.h.Handle(ctx, cmd)
	for _, r := range replies {
		if r.File != nil {
			w.files[r.To] = append(w.files[r.To], r.File)
		}
	}
	return replies, err
}

// isoWeek is t's week as the plan counts it: "2026-W47".
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func notesText(ns []walkNote) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.text)
	}
	return out
}

func updatesText(us []walkUpdate) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.note)
	}
	return out
}

// wantSheet is one sheet of an exported workbook as it should read: its
// header and rows as shown, and which columns hold dates or times (stored
// as date serials).
type wantSheet struct {
	name   string
	header []string
	rows   [][]string
	dates  []int
}

// checkSheets opens workbook data and compares it with want: the sheets
// in order, and in each every cell of the header and the rows, with no
// other row; a filled date column must hold a date serial, not text.
func checkSheets(t *testing.T, what string, data []byte, want []wantSheet) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: the workbook does not open: %v", what, err)
	}
	defer f.Close()
	var names []string
	for _, w := range want {
		names = append(names, w.name)
	}
	if got := f.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("%s: sheets %v, want %v", what, got, names)
	}
	for _, w := range want {
		all, err := f.GetRows(w.name)
		if err != nil {
			t.Fatalf("%s: %s: %v", what, w.name, err)
		}
		if len(all) != len(w.rows)+1 {
			t.Errorf("%s: %s has %d rows, want a header and %d", what, w.name, len(all), len(w.rows))
		}
		for r, row := range append([][]string{w.header}, w.rows...) {
			if len(row) != len(w.header) {
				t.Fatalf("%s: %s: the test's row %d has %d cells for %d columns", what, w.name, r+1, len(row), len(w.header))
			}
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				got, err := f.GetCellValue(w.name, ref)
				if err != nil {
					t.Fatalf("%s: %s!%s: %v", what, w.name, ref, err)
				}
				if got != v {
					t.Errorf("%s: %s!%s (%s) = %q, want %q", what, w.name, ref, w.header[c], got, v)
				}
				if r > 0 && v != "" && slices.Contains(w.dates, c) {
					raw, _ := f.GetCellValue(w.name, ref, excelize.Options{RawCellValue: true})
					if _, err := strconv.ParseFloat(raw, 64); err != nil {
						t.Errorf("%s: %s!%s is stored as %q, not a date serial", what, w.name, ref, raw)
					}
				}
			}
		}
	}
}

// workbookHas reports whether any cell of workbook data holds s.
func workbookHas(t *testing.T, data []byte, s string) bool {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows {
			for _, c := range r {
				if strings.Contains(c, s) {
					return true
				}
			}
		}
	}
	return false
}
