package lark

import (
	"testing"
)

func TestRewriteMentions(t *testing.T) {
	ms := []mention{
		{Key: "@_user_1", ID: userID{OpenID: "ou_bot"}, Name: "PIP助手"},
		{Key: "@_user_10", ID: userID{OpenID: "ou_ten"}, Name: "十号"},
		{Key: "@_user_2", Name: "外部联系人"},
	}
	cases := []struct{ in, bot, want string }{
		{"@_user_1 绑定团队", "@_user_1", "绑定团队"},
		{"@_user_1 new plan for @_user_10", "@_user_1", "new plan for <@ou_ten>"},
		{"@_user_10 和 @_user_2", "", "<@ou_ten> 和 @外部联系人"},
		{"@_all 周报", "", "@all 周报"},
	}
	for _, tc := range cases {
		if got := rewriteMentions(tc.in, ms, tc.bot); got != tc.want {
			t.Errorf("rewriteMentions(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Who the bot is in a group: its open_id, else its name, else the mention
// the message starts with.
func TestAddressedInGroup(t *testing.T) {
	ev := func(text string, ms ...mention) messageEvent {
		var e messageEvent
		e.Event.Sender.SenderType, e.Event.Sender.SenderID.OpenID = "user", "ou_u"
		e.Event.Message.ChatType, e.Event.Message.MessageType = "group", "text"
		e.Event.Message.Content = `{"text":"` + text + `"}`
		e.Event.Message.Mentions = ms
		return e
	}
	bot := mention{Key: "@_user_1", ID: userID{OpenID: "ou_bot"}, Name: "PIP助手"}
	other := mention{Key: "@_user_2", ID: userID{OpenID: "ou_x"}, Name: "张三"}
	cases := []struct {
		name    string
		opts    Options
		e       messageEvent
		want    string
		address bool
	}{
		{"by id", Options{BotOpenID: "ou_bot"}, ev("@_user_2 @_user_1 帮助", bot, other), "<@ou_x> 帮助", true},
		{"by id, not us", Options{BotOpenID: "ou_bot"}, ev("@_user_2 帮助", other), "", false},
		{"by name", Options{BotName: "PIP助手"}, ev("请 @_user_1 帮助", bot), "请 帮助", true},
		{"leading mention", Options{}, ev("@_user_2 帮助", other), "帮助", true},
		{"mention later", Options{}, ev("帮助 @_user_2", other), "", false},
		{"no mention", Options{BotOpenID: "ou_bot"}, ev("帮助"), "", false},
	}
	for _, tc := range cases {
		a := &Adapter{opts: tc.opts}
		got, ok := a.addressed(tc.e)
		if ok != tc.address || got != tc.want {
			t.Errorf("%s: addressed = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.address)
		}
	}
}

func TestMessageText(t *testing.T) {
	post := `{"title":"周报","content":[[{"tag":"at","user_id":"@_user_1"},{"tag":"text","text":" 本周完成 3 次拜访"}],[{"tag":"img","image_key":"x"},{"tag":"text","text":"下周计划"}]]}`
	cases := []struct {
		kind, content, want string
		ok                  bool
	}{
		{"text", `{"text":"我的计划"}`, "我的计划", true},
		{"post", post, "周报\n@_user_1 本周完成 3 次拜访\n下周计划", true},
		{"image", `{"image_key":"img_1"}`, "", false},
		{"text", `not json`, "", false},
	}
	for _, tc := range cases {
		got, ok := messageText(tc.kind, tc.content)
		if got != tc.want || ok != tc.ok {
			t.Errorf("messageText(%s) = %q, %v", tc.kind, got, ok)
		}
	}
}
