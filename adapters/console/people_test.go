package console

import (
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func TestRewriteMentions(t *testing.T) {
	people := append(demoPeople(),
		demoPeople()[0], // a duplicate entry must not matter
		// A name that extends another: the longer one must win.
		bot.Person{ID: "u_wangx", Name: "王经理助理"},
		bot.Person{ID: "u_al", Name: "Al"},
	)
	tests := []struct{ in, want string }{
		{"@王经理 请审批", "<@u_wang> 请审批"},
		{"@王经理请审批", "<@u_wang>请审批"},
		{"请@王经理助理看一下", "请<@u_wangx>看一下"},
		{"new plan for @小李", "new plan for <@u_li>"},
		{"cc @alice chen and @BOB.", "cc <@u_hr> and <@u_bob>."},
		{"@u_li and @U_BOB", "<@u_li> and <@u_bob>"},
		{"@Bobby stays", "@Bobby stays"},
		{"@Al and @Alice Chen", "<@u_al> and <@u_hr>"},
		{"@nobody and bob@example.com", "@nobody and bob@example.com"},
		{"already <@u_li> done", "already <@u_li> done"},
		{"@", "@"},
		{"trailing @小", "trailing @小"},
	}
	for _, tt := range tests {
		if got := rewriteMentions(tt.in, people); got != tt.want {
			t.Errorf("rewriteMentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTypedMentionsAreRewritten(t *testing.T) {
	h := &fakeHandler{}
	session(t, h, "new plan @小李 manager @王经理 cc @alice chen\n")
	want := "new plan <@u_li> manager <@u_wang> cc <@u_hr>"
	if got := h.cmds[0].Text; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestFindPerson(t *testing.T) {
	people := demoPeople()
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 0, true},
		{"4", 3, true},
		{"0", 0, false},
		{"5", 0, false},
		{"小李", 1, true},
		{"@小李", 1, true},
		{"ALICE CHEN", 2, true},
		{" u_bob ", 3, true},
		{"", 0, false},
		{"@", 0, false},
		{"Alice", 0, false},
	}
	for _, tt := range tests {
		got, ok := findPerson(people, tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("findPerson(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
