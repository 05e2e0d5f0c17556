package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage"
	"github.com/pipbot/pipbot/storage/storagetest"
)

const exportTenant = "lark:tk_export"

// exportPlan is plan i of a seeded tenant: two ranked problems, two goals,
// three owned actions (one due on a date), a tracking note, a weekly
// update and a recorded interview.
func exportPlan(i int) (*bot.Plan, []bot.Note, bot.Update, bot.Interview) {
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	emp := fmt.Sprintf("ou_emp%05d", i)
	status := bot.StatusActive
	if i%3 == 2 {
		status = bot.StatusDraft
	}
	p := &bot.Plan{Tenant: exportTenant, Platform: "lark", Title: "绩效改进", EmployeeID: emp, ManagerID: fmt.Sprintf("ou_mgr%03d", i%100),
		CreatedBy: emp, EmployeeType: bot.TypeUnderPerformer, Status: status, Cycle: 1, Start: start, End: start.AddDate(0, 2, 0),
		Problems: []bot.Problem{
			{No: 1, Priority: 1, Gap: bot.Gap{Metric: "季度销售额", Target: 500000, Actual: 350000, Unit: "元"},
				Causes: []bot.RootCause{{Dimension: bot.DimPerson, Text: "客户跟进不及时"}}},
			{No: 2, Priority: 2, Gap: bot.Gap{Metric: "客户投诉率", Target: 3, Actual: 8, Unit: "%"},
				Causes: []bot.RootCause{{Dimension: bot.DimEnvironment, Text: "交接流程不清"}}},
		},
		Goals: []bot.Goal{
			{No: 1, Problem: 1, Metric: "季度销售额", Baseline: 350000, Target: 500000, Unit: "元", Deadline: start.AddDate(0, 2, 0)},
			{No: 2, Problem: 2, Metric: "客户投诉率", Baseline: 8, Target: 3, Unit: "%", Deadline: start.AddDate(0, 1, 0), Current: 5, Updated: true},
		},
		Actions: []bot.Action{
			{No: 1, What: "更新客户拜访记录", OwnerKind: bot.OwnerEmployee, Status: bot.ActionNotStarted,
				When: bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00", By: true}, Resources: "CRM", Measure: "拜访数"},
			{No: 2, What: "每日站会", OwnerKind: bot.OwnerManager, Status: bot.ActionNotStarted,
				When: bot.TimeNode{Repeat: bot.RepeatDaily, Clock: "09:00"}, Resources: "会议室", Measure: "出勤"},
			{No: 3, What: "产品培训", OwnerKind: bot.OwnerHR, Status: bot.ActionNotStarted,
				When: bot.TimeNode{Repeat: bot.RepeatOnce, Date: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), By: true}, Resources: "培训预算", Measure: "考试成绩"},
		},
		CreatedAt: start, UpdatedAt: start,
	}
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	notes := []bot.Note{{Tenant: exportTenant, AuthorID: p.ManagerID, Kind: bot.NoteTracking, Text: "本周完成3次客户模拟沟通", At: at}}
	u := bot.Update{Tenant: exportTenant, AuthorID: emp, Week: "2026-W47", Text: "本周拜访10家客户", At: at.Add(time.Hour)}
	iv := bot.Interview{Tenant: exportTenant, At: at.AddDate(0, 0, 3), Minutes: 50, Agenda: bot.DefaultAgenda(), Attendees: []string{emp, p.ManagerID},
		Status: bot.InterviewDone, BookedBy: p.ManagerID, BookedAt: at, Record: map[string]string{"opening": "说明目的", "summary": "双方确认计划"}}
	return p, notes, u, iv
}

// seedExport fills dsn's tenant with n plans and their people (employees
// 员工00000…, managers 经理000…), in transactions of 500.
func seedExport(t testing.TB, dsn string, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for from := 0; from < n; from += 500 {
		err := db.InTx(ctx, func(tx bot.Store) error {
			for i := from; i < min(from+500, n); i++ {
				p, notes, u, iv := exportPlan(i)
				if err := tx.CreatePlan(ctx, p); err != nil {
					return err
				}
				people := []bot.Person{{Tenant: exportTenant, ID: p.EmployeeID, Name: fmt.Sprintf("员工%05d", i), ManagerID: p.ManagerID}}
				if i < 100 {
					people = append(people, bot.Person{Tenant: exportTenant, ID: fmt.Sprintf("ou_mgr%03d", i), Name: fmt.Sprintf("经理%03d", i)})
				}
				for _, x := range people {
					if err := tx.SavePerson(ctx, x); err != nil {
						return err
					}
				}
				for _, note := range notes {
					note.PlanID = p.ID
					if err := tx.AddNote(ctx, &note); err != nil {
						return err
					}
				}
				u.PlanID, iv.PlanID = p.ID, p.ID
				if err := tx.AddUpdate(ctx, &u); err != nil {
					return err
				}
				if err := tx.SaveInterview(ctx, &iv); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("seed plans %d…: %v", from, err)
		}
	}
}

// TestExportCommand: `pipbot export` writes one plan's workbook that
// matches the plan cell by cell, every plan's (each row led by its plan
// and employee), CSV files with a byte-order mark, and audits each
// export; bad flags are refused before anything is read.
func TestExportCommand(t *testing.T) {
	dsn := storagetest.SQLite(t)
	seedExport(t, dsn, 3)
	dir := t.TempDir()
	env := map[string]string{"PIPBOT_DB": dsn, "PIPBOT_TZ": "Asia/Shanghai", "USER": "alice"}
	out, _, err := runCmd(t, t.Context(), env, "", "export", "--tenant", exportTenant, "--plan", "1", "-o", filepath.Join(dir, "p1.xlsx"))
	if err != nil || !strings.Contains(out, "p1.xlsx") || !strings.Contains(out, "6 tables") {
		t.Fatalf("export --plan 1: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "p1.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	p, _, _, _ := exportPlan(0)
	checkWorkbook(t, data, p, true, "本周完成3次客户模拟沟通")

	if _, _, err := runCmd(t, t.Context(), env, "", "export", "--tenant", exportTenant, "--lang", "en", "--status", "active", "-o", filepath.Join(dir, "all.xlsx")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, t.Context(), env, "", "export", "--tenant", exportTenant, "--format", "csv", "-o", filepath.Join(dir, "all.csv")); err != nil {
		t.Fatal(err)
	}
	gap, err := os.ReadFile(filepath.Join(dir, "all-绩效差距分析表.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF计划编号,员工,优先级,问题编号,核心问题,目标值,实际值,差距,单位,根本原因\r\n1,员工00000,1,1,季度销售额,500000,350000,150000,元,[个人] 客户跟进不及时\r\n"
	if !bytes.HasPrefix(gap, []byte(want)) || bytes.Count(gap, []byte("\r\n")) != 7 {
		t.Errorf("gap csv = %q", gap)
	}
	db, err := storage.Open(t.Context(), dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	planAudit, _ := db.Audit(t.Context(), exportTenant, 1)
	orgAudit, _ := db.Audit(t.Context(), exportTenant, 0)
	if len(planAudit) != 1 || planAudit[0].ActorID != "cli:alice" || planAudit[0].Action != "plan.export" || len(orgAudit) < 2 {
		t.Errorf("audit: plan %+v, tenant %d entries", planAudit, len(orgAudit))
	}

	for _, args := range [][]string{
		{"export", "-o", "x.xlsx"},
		{"export", "--tenant", exportTenant},
		{"export", "--tenant", exportTenant, "--format", "pdf", "-o", "x"},
		{"export", "--tenant", exportTenant, "--status", "running", "-o", "x"},
		{"export", "--tenant", exportTenant, "--plan", "99", "-o", filepath.Join(dir, "none.xlsx")},
	} {
		if _, _, err := runCmd(t, t.Context(), env, "", args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.xlsx")); err == nil {
		t.Error("an export of a missing plan wrote a file")
	}
}
