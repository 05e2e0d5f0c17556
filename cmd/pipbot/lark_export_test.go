package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuExport runs "导出" through Feishu on each database: the
// manager's workbook arrives as an uploaded file in their one-to-one chat
// with the tracking note; 张三, asking in a group, gets his in his own chat
// without the tracking log while the group hears only that it was sent
// privately; the outsider and the peer are refused and get no file; no
// file ever reaches a group.
func TestFeishuExport(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		f := startFeishu(t, dsn)
		const group = "oc_export_group"
		f.fake.SetChat(group, "group")
		p := f.runningPlan(ouEmp, planForm{metric: "季度销售额", baseline: "35万", target: "50万", unit: "元",
			cause: "客户跟进不及时", action: "更新客户拜访记录"})
		n := strconv.Itoa(p.Number)
		const note = "本周完成3次客户模拟沟通"
		f.ask(ouMgr, "跟踪 "+n+" "+note, "员工不可见")

		sent := len(f.fake.Messages())
		f.say(ouMgr, "导出 "+n)
		file := f.awaitFile(ouMgr, sent)
		checkWorkbook(t, f.upload(file), f.plan(p.Number), true, note)

		sent = len(f.fake.Messages())
		f.sayInGroup(group, ouEmp, "导出 "+n)
		file = f.awaitFile(ouEmp, sent)
		if text := checkWorkbook(t, f.upload(file), f.plan(p.Number), false, ""); strings.Contains(text, note) {
			t.Errorf("张三's export holds the tracking note")
		}
		f.awaitChat(group, sent, "导出文件已私信发送")

		for _, who := range []string{ouOut, ouPeer} {
			sent = len(f.fake.Messages())
			f.ask(who, "导出 "+n, "⚠️")
			f.quiet()
			for _, m := range f.fake.Messages()[sent:] {
				if m.MsgType == "file" {
					t.Errorf("%s got a file", who)
				}
			}
		}
		for _, m := range f.fake.Messages() {
			if m.MsgType == "file" && m.ReceiveIDType != "open_id" {
				t.Errorf("a file went to %s %s", m.ReceiveIDType, m.ReceiveID)
			}
		}
		steps := strings.Join(f.auditSteps(p.ID), " ")
		if strings.Count(steps, "plan.export") != 2 {
			t.Errorf("audit = %s, want two exports", steps)
		}
	})
}

// awaitFile waits for a file message to user alone after the first after.
func (f *feishu) awaitFile(user string, after int) larktest.Message {
	f.t.Helper()
	return f.awaitWhere("a file to "+user, after, func(m larktest.Message) bool {
		return m.MsgType == "file" && oneToOne(m, user)
	})
}

// upload is the file a file message carries.
func (f *feishu) upload(m larktest.Message) []byte {
	f.t.Helper()
	u, ok := f.fake.Upload(m.FileKey)
	if !ok || u.FileType != "xls" || !strings.HasSuffix(u.FileName, ".xlsx") {
		f.t.Fatalf("upload of %s = %+v", m.FileKey, u)
	}
	return u.Data
}
