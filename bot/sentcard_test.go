package bot_test

import (
	"testing"
)

// TestAwaited: a card's action is awaited while the plan still offers its
// reader that button, and then the plan card as it is now comes with it;
// once the action is taken (here by a typed command, not a click on the
// card) it is not.
func TestAwaited(t *testing.T) {
	w := newWorld(t)
	n := w.draftPlan(emp)
	w.say(emp, "提交 "+itoa(n))
	ctx := t.Context()
	card, ok, err := w.engine.Awaited(ctx, w.tenant, n, "plan.approve", mgr.ID)
	if err != nil || !ok || card == nil || card.Title == "" {
		t.Fatalf("submitted plan, manager: %v %v %v; want awaited with the plan card", card, ok, err)
	}
	if _, ok, _ := w.engine.Awaited(ctx, w.tenant, n, "plan.approve", emp.ID); ok {
		t.Error("the employee has nothing to approve")
	}
	w.say(mgr, "批准 "+itoa(n))
	if _, ok, _ := w.engine.Awaited(ctx, w.tenant, n, "plan.approve", mgr.ID); ok {
		t.Error("approval still awaited after approving by command")
	}
	if _, ok, _ := w.engine.Awaited(ctx, w.tenant, n, "plan.ack", emp.ID); !ok {
		t.Error("acknowledgment not awaited after approval")
	}
	if _, ok, err := w.engine.Awaited(ctx, w.tenant, 999, "plan.ack", emp.ID); ok || err != nil {
		t.Errorf("unknown plan: %v %v", ok, err)
	}
}
