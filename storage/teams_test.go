package storage

import (
	"context"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
)

func testTeamChats(t *testing.T, db *DB) {
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	tenant, other := "lark:teams", "lark:teams-other"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.BindTeamChat(ctx, bot.TeamChat{Tenant: tenant, Platform: "lark", ChatID: "oc_a", ManagerID: "m1", BoundBy: "m1", BoundAt: at}))
	must(db.BindTeamChat(ctx, bot.TeamChat{Tenant: tenant, Platform: "lark", ChatID: "oc_b", ManagerID: "m1", BoundBy: "m1", BoundAt: at}))
	must(db.BindTeamChat(ctx, bot.TeamChat{Tenant: other, Platform: "lark", ChatID: "oc_a", ManagerID: "m9", BoundBy: "m9", BoundAt: at}))
	// Rebinding a chat moves it to the new manager.
	must(db.BindTeamChat(ctx, bot.TeamChat{Tenant: tenant, Platform: "lark", ChatID: "oc_b", ManagerID: "m2", BoundBy: "hr", BoundAt: at}))
	m1, err := db.TeamChats(ctx, tenant, "m1")
	must(err)
	if len(m1) != 1 || m1[0].ChatID != "oc_a" || !m1[0].BoundAt.Equal(at) {
		t.Fatalf("m1 chats = %+v", m1)
	}
	all, err := db.TeamChats(ctx, tenant, "")
	must(err)
	if len(all) != 2 || all[1].ManagerID != "m2" || all[1].BoundBy != "hr" {
		t.Fatalf("all chats = %+v", all)
	}
	must(db.UnbindTeamChat(ctx, tenant, "oc_a"))
	must(db.UnbindTeamChat(ctx, tenant, "oc_missing"))
	if left, _ := db.TeamChats(ctx, tenant, ""); len(left) != 1 || left[0].ChatID != "oc_b" {
		t.Fatalf("after unbind = %+v", left)
	}
	if theirs, _ := db.TeamChats(ctx, other, ""); len(theirs) != 1 || theirs[0].ManagerID != "m9" {
		t.Fatalf("other tenant's binding changed: %+v", theirs)
	}
}
