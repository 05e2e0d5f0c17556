package bot

// Event is something that moves a plan from one status to another.
type Event string

// Lifecycle events.
const (
	EvSubmit        Event = "submit"
	EvApprove       Event = "approve"
	EvRequestChange Event = "request_changes"
	EvReject        Event = "reject"
	EvAcknowledge   Event = "acknowledge"
	EvEditGoals     Event = "edit_goals" // goals of a running plan changed: needs a new ack
	EvClose         Event = "close"
	EvExtend        Event = "extend"
	EvCancel        Event = "cancel"
)

// transition is one edge of the state machine and the operation that guards it.
type transition struct {
	to Status
	op Op
}

// machine is the plan lifecycle: the only place statuses change.
//
//	draft ─submit→ submitted ─approve→ approved ─acknowledge→ active ─close→ closed
//	submitted ─request_changes/reject→ draft
//	active ─edit_goals→ approved (the employee acknowledges again)
//	active ─extend→ active (a new cycle);  any open status ─cancel→ cancelled
var machine = map[Status]map[Event]transition{
	StatusDraft: {
		EvSubmit: {StatusSubmitted, OpSubmit},
		EvCancel: {StatusCancelled, OpCancel},
	},
	StatusSubmitted: {
		EvApprove:       {StatusApproved, OpApprove},
		EvRequestChange: {StatusDraft, OpRequestChange},
		EvReject:        {StatusDraft, OpReject},
		EvCancel:        {StatusCancelled, OpCancel},
	},
	StatusApproved: {
		EvAcknowledge: {StatusActive, OpAcknowledge},
		EvEditGoals:   {StatusApproved, OpEditActive},
		EvCancel:      {StatusCancelled, OpCancel},
	},
	StatusActive: {
		EvEditGoals: {StatusApproved, OpEditActive},
		EvClose:     {StatusClosed, OpClose},
		EvExtend:    {StatusActive, OpExtend},
		EvCancel:    {StatusCancelled, OpCancel},
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
	for _, from := range []Status{StatusDraft, StatusSubmitted, StatusApproved, StatusActive, StatusClosed, StatusCancelled} {
		for _, ev := range []Event{EvSubmit, EvApprove, EvRequestChange, EvReject, EvAcknowledge, EvEditGoals, EvClose, EvExtend, EvCancel} {
			if t, ok := machine[from][ev]; ok {
				out = append(out, [3]string{string(from), string(ev), string(t.to)})
			}
		}
	}
	return out
}
