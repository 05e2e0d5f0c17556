package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark"
	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// TestFeishuApprovalCardOutlivesWindow: the manager's approval card, still
// undecided on day 13, comes again with the plan as it is now, and the old
// card points to it; approving on the new card resolves it, so it is not
// sent again, while the employee's acknowledgment card, waiting in its
// turn, is. The refresher reads a clock 13 and 26 days ahead; the fake
// keeps real time, so the old card can still be patched.
func TestFeishuApprovalCardOutlivesWindow(t *testing.T) {
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		f := startFeishu(t, dsn)
		ctx := context.Background()
		p := f.draft(ouEmp, planForm{metric: "季度销售额", baseline: "35万", target: "50万", unit: "元",
			cause: "客户跟进不及时", action: "更新客户拜访记录"})
		n := strconv.Itoa(p.Number)
		sent := len(f.fake.Messages())
		f.say(ouEmp, "提交 "+n)
		first := f.awaitDM(ouMgr, sent, "plan.approve")
		f.quiet()

		ahead := func(d time.Duration) *lark.Refresher {
			return lark.NewRefresher(lark.RefresherOptions{Sender: f.a.lark.sender, Cards: f.a.db, Awaiter: f.a.engine,
				Owner: "test-" + d.String(), Zone: f.cfg.Location(), Clock: func() time.Time { return time.Now().Add(d) }})
		}
		sent = len(f.fake.Messages())
		if k, err := ahead(13 * 24 * time.Hour).RunOnce(ctx); k != 1 || err != nil {
			t.Fatalf("day 13: sent %d again, %v; want the manager's approval card", k, err)
		}
		fresh := f.awaitDM(ouMgr, sent, "plan.approve", "重新发送")
		if old, _ := f.fake.Card(first.ID); !strings.Contains(content(larktest.Message{Card: old}), "此卡片已过期") ||
			strings.Contains(content(larktest.Message{Card: old}), "plan.approve") {
			t.Errorf("old card not pointing to the new one: %v", old)
		}
		f.click(ouMgr, fresh, buttonValue(t, fresh.Card, "plan.approve"), nil)
		f.waitPlan(p.Number, "approved", func(p *bot.Plan) bool { return p.Status == bot.StatusApproved })
		f.quiet()

		sent = len(f.fake.Messages())
		if k, err := ahead(26 * 24 * time.Hour).RunOnce(ctx); k != 1 || err != nil {
			t.Fatalf("day 26: sent %d again, %v; want only the employee's acknowledgment card", k, err)
		}
		f.awaitDM(ouEmp, sent, "plan.ack", "重新发送")
		for _, m := range f.fake.Messages()[sent:] {
			if oneToOne(m, ouMgr) {
				t.Errorf("the decided approval card came again: %s", content(m))
			}
		}
	})
}
