package bot_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func (w *world) sayIn(p bot.Person, chat, text string) []bot.Reply {
	w.t.Helper()
	return w.cmd(bot.Command{Actor: bot.Person{ID: p.ID}, Chat: bot.Chat{ID: chat, Group: true}, Text: text})
}

// TestBindTeamGroup: a manager binds a group in the group itself; others
// cannot take it over; a DM cannot be bound.
func TestBindTeamGroup(t *testing.T) {
	w := newWorld(t)
	inActive(w)
	ctx := context.Background()
	r := w.say(mgr, "绑定团队")
	mustContain(t, r, literal(bot.LocaleZH, "err.bind_in_group"))
	r = w.sayIn(other, "oc_team", "bind")
	mustContain(t, r, literal(bot.LocaleEN, "err.bind_manager"))
	r = w.sayIn(mgr, "oc_team", "绑定团队")
	mustContain(t, r, "王经理")
	if r[0].Private || r[0].To != "" {
		t.Errorf("binding answer should go to the group: %+v", r[0])
	}
	chats, _ := w.store.TeamChats(ctx, w.tenant, mgr.ID)
	if len(chats) != 1 || chats[0].ChatID != "oc_team" || chats[0].Platform != bot.PlatformConsole {
		t.Fatalf("chats = %+v", chats)
	}
	r = w.sayIn(emp, "oc_team", "解绑团队")
	mustContain(t, r, literal(bot.LocaleZH, "err.unbind_owner"))
	r = w.sayIn(hr, "oc_team", "unbind")
	if strings.HasPrefix(text(r), "⚠️") {
		t.Fatalf("HR could not unbind: %s", text(r))
	}
	if chats, _ := w.store.TeamChats(ctx, w.tenant, ""); len(chats) != 0 {
		t.Fatalf("still bound: %+v", chats)
	}
}

// TestRebindOnlyByOwnerOrHR: a group bound to one manager's team cannot be
// taken over by another manager; HR may rebind it; each change is audited.
func TestRebindOnlyByOwnerOrHR(t *testing.T) {
	w := newWorld(t)
	w.sayIn(mgr, "oc_team", "绑定团队")
	before := w.snap()
	r := w.sayIn(boss, "oc_team", "绑定团队")
	mustContain(t, r, "本群已是 王经理 的团队群")
	if !reflect.DeepEqual(before, w.snap()) {
		t.Fatal("a refused rebinding changed state")
	}
	if chats, _ := w.store.TeamChats(context.Background(), w.tenant, ""); len(chats) != 1 || chats[0].ManagerID != mgr.ID {
		t.Fatalf("binding = %+v", chats)
	}
	w.sayIn(hr, "oc_team", "bind")
	if chats, _ := w.store.TeamChats(context.Background(), w.tenant, ""); len(chats) != 1 || chats[0].ManagerID != mgr.ID || chats[0].BoundBy != hr.ID {
		t.Fatalf("HR's rebinding = %+v", chats)
	}
	n := 0
	for _, a := range w.store.audit {
		if a.Action == "org.bind" && a.Detail == "oc_team" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d bindings audited, want 2", n)
	}
}
