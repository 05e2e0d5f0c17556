package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestSchedulingActionNodes: PlansForScheduling gives a running plan the
// actions that have a time node, as a full read gives them (status, owner,
// node; a cadence stored as text before nodes were structured read as a
// node), and none to a plan not running or whose actions have no node.
func TestSchedulingActionNodes(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		db := openTestDB(t, dsn)
		ctx := t.Context()
		weekly := bot.TimeNode{Repeat: bot.RepeatWeekly, Weekdays: []time.Weekday{time.Friday}, Clock: "17:00", By: true}
		once := bot.TimeNode{Repeat: bot.RepeatOnce, Date: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}
		actions := []bot.Action{
			{No: 1, What: "更新拜访记录 \"when\":", OwnerKind: bot.OwnerEmployee, When: weekly, Status: bot.ActionInProgress, Resources: "CRM"},
			{No: 2, What: "no node", OwnerKind: bot.OwnerManager, Status: bot.ActionNotStarted},
			{No: 3, What: "培训", OwnerKind: bot.OwnerPerson, Owner: "u_peer", When: once, Status: bot.ActionDone, DoneBy: "u_peer"},
			{No: 4, What: "free text", OwnerKind: bot.OwnerHR, When: bot.TimeNode{Text: "看情况"}, Status: bot.ActionNotStarted},
		}
		mk := func(st bot.Status, acts []bot.Action) *bot.Plan {
			p := newPlan("lark:an", "e", "m")
			p.Status, p.Actions = st, acts
			if st == bot.StatusActive {
				p.StartedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			}
			return mustCreate(t, db, p)
		}
		running := mk(bot.StatusActive, actions)
		draft := mk(bot.StatusDraft, actions)
		plain := mk(bot.StatusActive, []bot.Action{{No: 1, What: "\"when\": in a text", Status: bot.ActionNotStarted}})
		legacy := mk(bot.StatusActive, nil)
		if err := db.gdb.Exec("UPDATE plans SET actions = ? WHERE id = ?",
			`[{"no":1,"what":"拜访","status":"not_started","cadence":"每周五 17:00"}]`, legacy.ID).Error; err != nil {
			t.Fatal(err)
		}
		page, err := db.PlansForScheduling(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][]bot.Action{}
		for _, p := range page {
			got[p.ID] = p.Actions
		}
		full, err := db.PlanByID(ctx, running.Tenant, running.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want []bot.Action
		for _, a := range full.Actions {
			if a.When.Repeat != "" {
				a.What, a.Resources, a.DoneAt, a.DoneBy = "", "", time.Time{}, ""
				want = append(want, a)
			}
		}
		if len(want) != 2 {
			t.Fatalf("full read has %d actions with a node, want 2", len(want))
		}
		if diff := cmp.Diff(want, got[running.ID]); diff != "" {
			t.Errorf("running plan's action nodes (-full read +scheduling read):\n%s", diff)
		}
		for _, p := range []*bot.Plan{draft, plain} {
			if len(got[p.ID]) != 0 {
				t.Errorf("plan %d (%s): %d actions, want none", p.ID, p.Status, len(got[p.ID]))
			}
		}
		if l := got[legacy.ID]; len(l) != 1 || l[0].When.Repeat != bot.RepeatWeekly || l[0].When.Clock != "17:00" || l[0].Kind() != bot.OwnerEmployee {
			t.Errorf("legacy cadence read as %+v", l)
		}
	})
}
