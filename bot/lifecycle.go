package bot

// Event is something that moves a plan from one status to another.
type Event string

// Lifecycle events.
const (
	EvSubmit        Event = "submit"
	EvApprove       Event = "approve"
	EvForward       Event = "forward" // the manager approved; HR approves next (approval: manager+hr)
	EvRequestChange Event = "request_changes"
	EvReject        Event = "reject"
	EvAcknowledge   Event = "acknowledge"
	EvEditGoals     Event = "edit_goals" // goals of a running plan changed: needs a new ack
	EvClose         Event = "close"
	EvExtend        Event = "extend"
	EvCancel        Event = "cancel"
	EvDelete        Event = "delete" // the drafter deletes an unsubmitted draft
)

// transition is one edge of the state machine and the operation that guards it.
type transition struct {
	to Status
	op Op
}

// machine is the plan lifecycle: the only place statuses change.
//
//	draft ─submit→ submitted ─approve→ approved ─acknowledge→ active ─close→ closed
//	submitted ─forward→ submitted (the manager approved, HR approves next)
//	submitted ─request_changes/reject→ draft;  draft ─delete→ deleted
//	active ─edit_goals→ approved (the employee acknowledges again)
//	active ─extend→ active (a new cycle);  any open status ─cancel→ cancelled
//
// Close, extend and cancel are proposed by the manager or HR (OpClose,
// OpExtend, OpCancel) and happen when HR confirms the proposal, so their
// edges are guarded by OpOutcomeHR.
var machine = map[Status]map[Event]transition{
	StatusDraft: {
		EvSubmit: {StatusSubmitted, OpSubmit},
		EvDelete: {StatusDeleted, OpDelete},
		EvCancel: {StatusCancelled, OpOutcomeHR},
	},
	StatusSubmitted: {
		EvApprove:       {StatusApproved, OpApprove},
		EvForward:       {StatusSubmitted, OpApprove},
		EvRequestChange: {StatusDraft, OpRequestChange},
		EvReject:        {StatusDraft, OpReject},
		EvCancel:        {StatusCancelled, OpOutcomeHR},
	},
	StatusApproved: {
		EvAcknowledge: {StatusActive, OpAcknowledge},
		EvEditGoals:   {StatusApproved, OpEditActive},
		EvCancel:      {StatusCancelled, OpOutcomeHR},
	},
	StatusActive: {
		EvEditGoals: {StatusApproved, OpEditActive},
		EvClose:     {StatusClosed, OpOutcomeHR},
		EvExtend:    {StatusActive, OpOutcomeHR},
		EvCancel:    {StatusCancelled, OpOutcomeHR},
	},
}

// Next returns the status that ev leads to from s, and the operation the actor
// must be allowed, or ESTATE when ev is not possible in s.
func Next(s Status, ev Event) (Status, Op, error) {
	t, ok := machine[s][ev]
	if !ok {
		return s, "", Errorf(ESTATE, "err.bad_state", string(s), string(ev))
	}
	return t.to, t.op, nil
}

// Transitions lists every (from, event, to) edge, for tests and docs.
func Transitions() [][3]string {
	var out [][3]string
	for _, from := range []Status{StatusDraft, StatusSubmitted, StatusApproved, StatusActive, StatusClosed, StatusCancelled, StatusDeleted} {
		for _, ev := range []Event{EvSubmit, EvApprove, EvForward, EvRequestChange, EvReject, EvAcknowledge, EvEditGoals, EvClose, EvExtend, EvCancel, EvDelete} {
			if t, ok := machine[from][ev]; ok {
				out = append(out, [3]string{string(from), string(ev), string(t.to)})
			}
		}
	}
	return out
}
