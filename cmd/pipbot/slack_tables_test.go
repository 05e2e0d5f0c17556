package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSlackPlanTables runs the tables of issue 10 through Slack: the
// employee creates a plan with two core problems from the modal, its
// first action the manager's; the manager adds an HR-owned action; on the
// running plan the manager writes a tracking note the employee never
// reads, while HR does; the employee pressing the manager's "done" button
// changes nothing, the manager pressing it marks the action done.
func TestSlackPlanTables(t *testing.T) {
	t.Parallel()
	people := slackPeople()
	people[0].Fields = map[string]string{e2eManagerField: "UMGR"}
	s := startSlack(t, storagetest.SQLite(t), slackSetup{users: people, env: map[string]string{
		"SLACK_MANAGER_FIELD": e2eManagerField, "PIPBOT_HR": "slack:UHR"}})
	ctx := context.Background()

	s.slash("UEMP", "new")
	values := newPlanValues()
	values["gap_metric2"], values["gap_target2"], values["gap_actual2"] = text("客户投诉率"), text("3%"), text("8%")
	values["cause_dim2"], values["cause_text2"] = selected("environment"), text("交接流程不清")
	values["goal_metric2"], values["goal_baseline2"], values["goal_target2"] = text("客户投诉率"), text("8%"), text("3%")
	values["goal_deadline2"] = map[string]any{"type": "datepicker", "selected_date": "2027-01-31"}
	values["action_what"], values["action_when"] = text("站会"), text("每个工作日 9:00")
	values["action_owner"], values["action_measure"] = selected("manager"), text("出勤")
	s.submit("UEMP", values)
	var p *bot.Plan
	eventually(t, "the plan created from the modal", func() bool {
		plans, _ := s.a.db.ListPlans(ctx, e2eTenant, bot.PlanQuery{EmployeeID: "UEMP"})
		if len(plans) > 0 {
			p = plans[0]
		}
		return p != nil
	})
	if len(p.Problems) != 2 || p.Problems[1].Gap.Metric != "客户投诉率" || p.Problems[1].Priority != 2 || len(p.Goals) != 2 || p.Goals[1].Problem != 2 {
		t.Fatalf("problems %+v goals %+v", p.Problems, p.Goals)
	}
	if a := p.Actions[0]; a.Kind() != bot.OwnerManager || a.When.Repeat != bot.RepeatWorkdays || a.When.Clock != "09:00" || a.Measure != "出勤" {
		t.Fatalf("action = %+v", a)
	}
	s.slash("UMGR", "action 1 add product training | monthly on the 25th | HR | training budget | exam score")
	eventually(t, "the HR-owned action", func() bool { a := s.plan(1).Action(2); return a != nil && a.Kind() == bot.OwnerHR })

	empDM, mgrDM, hrDM := s.fake.OpenDM("UEMP"), s.fake.OpenDM("UMGR"), s.fake.OpenDM("UHR")
	s.slash("UEMP", "submit 1")
	eventually(t, "the plan submitted", func() bool { return s.plan(1).Status == bot.StatusSubmitted })
	s.slash("UMGR", "approve 1")
	eventually(t, "the plan approved", func() bool { return s.plan(1).Status == bot.StatusApproved })
	s.slash("UEMP", "ack 1")
	eventually(t, "the plan active", func() bool { return s.plan(1).Status == bot.StatusActive })

	sent := len(s.fake.Messages())
	s.slash("UMGR", "track 1 three client role-plays this week")
	s.awaitMessage(mgrDM, sent, "员工不可见")

	// The second note, through the modal.
	s.slash("UMGR", "track 1")
	if v := s.modal("UMGR"); !bytes.Contains(v.JSON, []byte(`"block_id":"text"`)) {
		t.Fatalf("track without text opened no note form: %s", v.JSON)
	}
	s.submit("UMGR", map[string]map[string]any{"text": text("coached the opening pitch")})
	eventually(t, "the second tracking note", func() bool {
		marks, _ := s.a.db.LastTracking(ctx, e2eTenant)
		notes, _ := s.a.db.Notes(ctx, e2eTenant, p.ID)
		return len(marks) == 1 && !marks[0].Last.IsZero() && len(notes) == 2 && notes[1].Text == "coached the opening pitch" && notes[1].AuthorID == "UMGR"
	})

	sent = len(s.fake.Messages())
	s.slash("UHR", "show 1")
	s.awaitMessage(hrDM, sent, "role-plays", "opening pitch", "核心问题 2")
	s.slash("UMGR", "show 1")
	mgrCard := s.awaitMessage(mgrDM, sent, "核心问题 1 · 优先级 1", "核心问题 2 · 优先级 2", "责任人：经理 王经理", "责任人：HR", "pip:action.done")
	s.slash("UEMP", "show 1")
	empCard := s.awaitMessage(empDM, sent, "核心问题 2", "每个工作日 09:00")
	if bytes.Contains(empCard.Blocks, []byte("pip:action.done")) {
		t.Errorf("the employee is offered a done button for actions others own: %s", empCard.Blocks)
	}

	// The manager's button, pressed by the employee from their own DM.
	before := len(s.auditSteps(p.ID))
	sent = len(s.fake.Messages())
	s.click("UEMP", empDM, empCard.TS, mgrCard.Blocks, "action.done")
	s.awaitMessage(empDM, sent, "只有")
	if a := s.plan(1).Action(1); a.Status != bot.ActionNotStarted || len(s.auditSteps(p.ID)) != before {
		t.Fatalf("the employee's click changed the manager's action: %+v", a)
	}
	s.click("UMGR", mgrDM, mgrCard.TS, mgrCard.Blocks, "action.done")
	eventually(t, "the manager's action done", func() bool {
		a := s.plan(1).Action(1)
		return a.Status == bot.ActionDone && a.DoneBy == "UMGR"
	})

	// Nothing the employee was ever sent holds the tracking note.
	time.Sleep(200 * time.Millisecond)
	for _, m := range s.fake.Messages() {
		if m.Channel == empDM && (bytes.Contains(m.Blocks, []byte("role-plays")) || bytes.Contains(m.Blocks, []byte("opening pitch")) || bytes.Contains([]byte(m.Text), []byte("role-plays"))) {
			t.Errorf("the employee was sent the tracking note: %s", m.Blocks)
		}
	}
	for _, r := range s.resp.posts() {
		if r.User == "UEMP" && (bytes.Contains(r.Blocks, []byte("role-plays")) || bytes.Contains([]byte(r.Text), []byte("role-plays"))) {
			t.Errorf("the employee was answered with the tracking note: %s", r.Blocks)
		}
	}
}
