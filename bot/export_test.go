package bot_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// exportWorld is an active plan with two problems, an owned action with a
// date, a tracking note, a weekly update and a recorded interview.
func exportWorld(t *testing.T) *world {
	w := newWorld(t)
	n := w.draftPlan(emp)
	w.say(emp, "问题 "+itoa(n)+" 客户投诉率 3% 8%")
	w.say(emp, "原因 "+itoa(n)+" 问题2 环境 交接流程不清")
	w.say(emp, "目标 "+itoa(n)+" 问题2 客户投诉率 8% 3% 2个月")
	w.say(emp, "提交 "+itoa(n))
	w.say(mgr, "批准 "+itoa(n))
	w.say(emp, "确认 "+itoa(n))
	if w.plan(n).Status != bot.StatusActive || len(w.plan(n).Problems) != 2 {
		t.Fatalf("plan %d: %+v", n, w.plan(n))
	}
	w.say(mgr, "行动 1 添加 产品培训 | 2026-12-31前 | HR | 培训预算 | 考试成绩")
	w.say(mgr, "跟踪 1 本周完成3次客户模拟沟通")
	w.say(emp, "更新 1 本周拜访10家客户")
	w.say(mgr, "面谈 1 预约 14天后 15:00")
	w.say(mgr, "面谈 1 记录 开场: 说明目的 回顾: 销售额缺口15万 优势: 沟通积极")
	return w
}

// fileOf is the one reply carrying a file, which must go to whom one-to-one.
func fileOf(t *testing.T, replies []bot.Reply, whom string) *bot.Attachment {
	t.Helper()
	var got *bot.Attachment
	for _, r := range replies {
		if r.File == nil {
			continue
		}
		if got != nil {
			t.Fatal("two replies carry a file")
		}
		if r.To != whom || !r.Private || r.Chat != "" || r.GroupSafe {
			t.Fatalf("the file is not addressed to %s one-to-one: to=%q chat=%q private=%v", whom, r.To, r.Chat, r.Private)
		}
		got = r.File
	}
	return got
}

// dump writes tables as text, one cell per tab, its kind visible.
func dump(a *bot.Attachment) string {
	var b strings.Builder
	b.WriteString(a.Name + "." + a.Format + "\n")
	for _, tb := range a.Tables {
		b.WriteString("## " + tb.Name + "\n" + dumpTable(tb))
	}
	return b.String()
}

// dumpTable is one table's header and rows, a line each.
func dumpTable(tb bot.Table) string {
	var b strings.Builder
	b.WriteString("# " + tb.Name + "\n")
	b.WriteString(strings.Join(tb.Header, "\t") + "\n")
	for _, row := range tb.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			switch c.Kind {
			case bot.CellNumber:
				cells[i] = "N:" + strconv.FormatFloat(c.Number, 'f', -1, 64)
			case bot.CellDate:
				cells[i] = "D:" + c.Time.Format("2006-01-02")
			case bot.CellTime:
				cells[i] = "T:" + c.Time.Format("2006-01-02 15:04")
			default:
				cells[i] = strings.ReplaceAll(c.Text, "\n", "⏎")
			}
		}
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestExportPlanSheets: the manager's export holds the six tables of the
// source documents, cell by cell as their golden files say
// (testdata/export/), with the plan's
// numbers as numbers and its dates as dates; the 9-column execution table
// has exactly the template's columns.
func TestExportPlanSheets(t *testing.T) {
	w := exportWorld(t)
	a := fileOf(t, w.say(mgr, "导出 1"), mgr.ID)
	if a == nil || a.Format != bot.FormatXLSX || len(a.Tables) != 6 {
		t.Fatalf("manager's export = %+v", a)
	}
	if a.Name != "绩效改进计划-1" {
		t.Errorf("file name %q", a.Name)
	}
	for i, tb := range a.Tables { // one golden file per sheet, its cells with their kinds
		golden(t, fmt.Sprintf("export/sheet-%d.golden", i+1), dumpTable(tb)) // ASCII file names; the sheet's name is the first line
	}
	exec := a.Tables[5]
	want := "序号 核心问题 改进目标(SMART) 具体行动措施 责任人 时间节点 所需资源 评估指标 完成状态"
	if got := strings.Join(exec.Header, " "); exec.Name != "绩效改进策略落地执行表" || got != want {
		t.Errorf("execution table %q has columns %q", exec.Name, got)
	}
	gap := a.Tables[0]
	if len(gap.Rows) != 2 || gap.Rows[0][3].Kind != bot.CellNumber || gap.Rows[0][3].Number != 500000 || gap.Rows[1][0].Number != 2 {
		t.Errorf("gap sheet rows = %+v", gap.Rows)
	}
	due := a.Tables[1].Rows[1][4]
	if due.Kind != bot.CellDate || due.Time.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("the action's due date is %+v, want the date 2026-12-31", due)
	}
	csv := fileOf(t, w.say(mgr, "export 1 csv"), mgr.ID)
	if csv == nil || csv.Format != bot.FormatCSV || len(csv.Tables) != 6 {
		t.Fatalf("csv export = %+v", csv)
	}
}

// TestExportWhoSees: the employee's own export leaves the tracking log
// out (and says so), the mentor's and HR's have it, HR's is in English;
// an unrelated employee, a peer and a manager further up are refused with
// no file; every export is audited without its content.
func TestExportWhoSees(t *testing.T) {
	w := exportWorld(t)
	w.say(mgr, "导师 1 <@u_mentor>")
	r := w.say(emp, "导出 1")
	a := fileOf(t, r, emp.ID)
	if a == nil || len(a.Tables) != 5 {
		t.Fatalf("employee's export = %+v", a)
	}
	mustContain(t, r, "跟踪日志仅经理、导师和 HR 可见")
	if d := dump(a); strings.Contains(d, "绩效改进跟踪日志") || strings.Contains(d, "客户模拟沟通") || strings.Contains(d, "拜访10家") {
		t.Errorf("the employee's export shows the tracking log:\n%s", d)
	}
	if a := fileOf(t, w.say(mentor, "export 1"), mentor.ID); a == nil || len(a.Tables) != 6 {
		t.Errorf("mentor's export = %+v", a)
	}
	en := fileOf(t, w.say(hr, "export 1"), hr.ID)
	if en == nil || en.Tables[0].Name != "Gap analysis" || en.Tables[0].Header[0] != "Priority" || !strings.Contains(dump(en), "Tracking note") {
		t.Fatalf("HR's export is not in English with the log: %+v", en)
	}
	for _, p := range []bot.Person{other, empEN, boss} {
		r := w.say(p, "export 1")
		if fileOf(t, r, p.ID) != nil {
			t.Errorf("%s got a file", p.Name)
		}
		if !strings.Contains(text(r), "⚠️") {
			t.Errorf("%s is not refused: %s", p.Name, text(r))
		}
	}
	entries, _ := w.store.Audit(context.Background(), w.tenant, w.plan(1).ID)
	var exports []string
	for _, e := range entries {
		if e.Action == "plan.export" {
			exports = append(exports, e.ActorID+":"+e.To)
			if strings.Contains(e.Detail, "客户") || strings.Contains(e.Detail, "销售") {
				t.Errorf("the audit line holds plan text: %q", e.Detail)
			}
		}
	}
	if strings.Join(exports, " ") != "u_emp:xlsx u_mentor:xlsx u_hr:xlsx" {
		t.Errorf("audited exports = %v", exports)
	}
}

// TestExportInGroup: asked in a group, the group hears only that the file
// went privately; the file goes to the asker one-to-one. Refused in a
// group, nothing is sent anywhere but the refusal.
func TestExportInGroup(t *testing.T) {
	w := exportWorld(t)
	r := w.cmd(bot.Command{Actor: bot.Person{ID: mgr.ID}, Chat: bot.Chat{ID: "oc_team", Group: true}, Text: "导出 1"})
	if len(r) != 2 || !r[0].GroupSafe || r[0].File != nil || r[0].To != "" || strings.Contains(r[0].Message.Text(), "销售") {
		t.Fatalf("group notice = %+v", r)
	}
	if fileOf(t, r, mgr.ID) == nil {
		t.Fatal("no file to the manager")
	}
	r = w.cmd(bot.Command{Actor: bot.Person{ID: other.ID}, Chat: bot.Chat{ID: "oc_team", Group: true}, Text: "export 1"})
	for _, x := range r {
		if x.File != nil {
			t.Errorf("a refused export sent a file: %+v", x)
		}
	}
}

// TestExportAllFilters: HR exports every plan matching status, team and
// period, each row led by its plan and employee; bad filters and
// non-HR askers change nothing and get a clear answer.
func TestExportAllFilters(t *testing.T) {
	w := exportWorld(t)
	w.draftPlan(empEN) // plan 2: a draft of Sam's, same manager
	a := fileOf(t, w.say(hr, "export all"), hr.ID)
	if a == nil || len(a.Tables[0].Rows) != 3 || a.Tables[0].Header[0] != "Plan" {
		t.Fatalf("export all = %s", dumpOrNil(a))
	}
	a = fileOf(t, w.say(hr, "export all active csv"), hr.ID)
	if a == nil || a.Format != bot.FormatCSV || len(a.Tables[0].Rows) != 2 || a.Tables[0].Rows[1][0].Number != 1 {
		t.Fatalf("export all active = %s", dumpOrNil(a))
	}
	a = fileOf(t, w.say(hr, "export all draft <@u_mgr> 2026-Q4"), hr.ID)
	if a == nil || len(a.Tables[0].Rows) != 1 || a.Tables[0].Rows[0][0].Number != 2 || a.Tables[0].Rows[0][1].Text != "Sam" {
		t.Fatalf("export all draft @mgr 2026-Q4 = %s", dumpOrNil(a))
	}
	for _, q := range []string{"export all 2025", "export all <@u_hr>", "export all 2027-03"} {
		r := w.say(hr, q)
		if fileOf(t, r, hr.ID) != nil || !strings.Contains(text(r), "No plan matches") {
			t.Errorf("%q: %s", q, text(r))
		}
	}
	r := w.say(hr, "export all soon")
	mustContain(t, r, "Cannot read the filter \"soon\"")
	r = w.say(mgr, "导出 全部")
	if fileOf(t, r, mgr.ID) != nil || !strings.Contains(text(r), "⚠️") {
		t.Errorf("a manager exported all plans: %s", text(r))
	}
	w.say(mgr, "导出")
	entries, _ := w.store.Audit(context.Background(), w.tenant, 0)
	n := 0
	for _, e := range entries {
		if e.Action == "org.export" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d audited exports of all plans, want 3", n)
	}
}

func dumpOrNil(a *bot.Attachment) string {
	if a == nil {
		return "<nil>"
	}
	return dump(a)
}

// TestExportRedelivered: the same export event delivered again answers
// with its message but no second file, and audits once.
func TestExportRedelivered(t *testing.T) {
	w := exportWorld(t)
	c := bot.Command{Actor: bot.Person{ID: mgr.ID}, Chat: bot.Chat{ID: "dm:" + mgr.ID}, Text: "export 1", EventKey: "ev-export-1"}
	if fileOf(t, w.cmd(c), mgr.ID) == nil {
		t.Fatal("no file the first time")
	}
	again := w.cmd(c)
	if fileOf(t, again, mgr.ID) != nil || !strings.Contains(text(again), "attached") && !strings.Contains(text(again), "已发给你") {
		t.Errorf("the redelivered export: %s", text(again))
	}
	entries, _ := w.store.Audit(context.Background(), w.tenant, w.plan(1).ID)
	n := 0
	for _, e := range entries {
		if e.Action == "plan.export" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d audited exports, want 1", n)
	}
}
