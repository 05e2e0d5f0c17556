package bot

import (
	"context"
	"strings"
)

// interviewCard shows an interview to one person in their zone and
// language: when, the agenda, who, a short-notice warning with its reason,
// the employee's preparation, the record and the ratings once there are
// any, and the plan's figures. Buttons offer what this reader may do next.
func (e *Engine) interviewCard(ctx context.Context, to string, p *Plan, iv *Interview, key string) Message {
	l, tz := e.prefs(e.person(ctx, p.Tenant, to))
	var agenda []string
	for _, a := range iv.Agenda {
		agenda = append(agenda, enumText(l, "agenda", a.Topic)+" "+itoa(a.Minutes)+"′")
	}
	var names []string
	for _, id := range iv.Attendees {
		names = append(names, e.name(ctx, p.Tenant, id))
	}
	m := Message{Title: T(l, "iv.title", p.Number, iv.No), Color: ColorBlue, Blocks: []Block{
		Text{Body: T(l, key, e.name(ctx, p.Tenant, iv.BookedBy))},
		Fields{
			{T(l, "field.when"), formatTime(l, iv.At, tz)},
			{T(l, "field.duration"), T(l, "iv.minutes", iv.Minutes)},
			{T(l, "field.agenda"), strings.Join(agenda, " · ")},
			{T(l, "field.attendees"), strings.Join(names, ", ")},
		},
	}}
	if iv.ShortNotice {
		m.Color = ColorOrange
		m.Blocks = append(m.Blocks, Text{Body: "⚠️ " + T(l, "iv.short_notice", e.policy(p.Tenant).NoticeDays, iv.NoticeReason)})
	}
	var prep Fields
	if iv.SelfAnalysis != "" {
		prep = append(prep, Field{T(l, "iv.self_analysis"), iv.SelfAnalysis})
	}
	if iv.Wishes != "" {
		prep = append(prep, Field{T(l, "iv.wishes"), iv.Wishes})
	}
	if len(prep) > 0 {
		m.Blocks = append(m.Blocks, prep)
	} else if iv.Status == InterviewBooked {
		m.Blocks = append(m.Blocks, Context(T(l, "iv.no_prep", e.name(ctx, p.Tenant, p.EmployeeID))))
	}
	if rec := interviewRecord(l, iv); len(rec) > 0 {
		m.Blocks = append(m.Blocks, Text{Body: "**" + T(l, "iv.record") + "**"}, rec)
	}
	if len(iv.Ratings) > 0 {
		var f Fields
		for _, rt := range iv.Ratings {
			v := strings.Repeat("★", rt.Score) + strings.Repeat("☆", 5-rt.Score)
			if rt.Comment != "" {
				v += " " + rt.Comment
			}
			f = append(f, Field{T(l, "iv.rating_by", e.name(ctx, p.Tenant, rt.By)), v})
		}
		m.Blocks = append(m.Blocks, Text{Body: "**" + T(l, "iv.ratings") + "**"}, f)
	}
	for _, g := range p.Goals {
		m.Blocks = append(m.Blocks, goalProgress(l, p, g, e.now()))
	}
	args := map[string]string{"plan": itoa(p.Number), "interview": itoa(iv.No)}
	b := Buttons{{Label: T(l, "btn.show"), Action: ActionRef{ID: "plan.show", Args: map[string]string{"plan": itoa(p.Number)}}}}
	switch {
	case iv.Status == InterviewBooked && to == p.EmployeeID:
		b = append(Buttons{{Label: T(l, "btn.prepare"), Style: StylePrimary, Action: ActionRef{ID: "interview.prep", Args: args}}}, b...)
	case iv.Status == InterviewBooked && to == p.ManagerID:
		b = append(Buttons{{Label: T(l, "btn.record"), Action: ActionRef{ID: "interview.notes", Args: args}}}, b...)
	case iv.Status == InterviewDone && (to == p.EmployeeID || to == p.ManagerID) && !ratedBy(iv, to):
		b = append(Buttons{{Label: T(l, "btn.rate"), Action: ActionRef{ID: "interview.rate", Args: args}}}, b...)
	}
	m.Blocks = append(m.Blocks, b)
	return m
}

// recordTopics are the record's sections, in the agenda's order.
var recordTopics = []string{"opening", "review", "agreement", "summary"}

// interviewRecord is the written record as fields, section by section.
func interviewRecord(l Locale, iv *Interview) Fields {
	var f Fields
	for _, t := range recordTopics {
		if v := iv.Record[t]; v != "" {
			f = append(f, Field{enumText(l, "agenda", t), v})
		}
	}
	if iv.Strengths != "" {
		f = append(f, Field{T(l, "iv.strengths"), iv.Strengths})
	}
	if iv.Gaps != "" {
		f = append(f, Field{T(l, "iv.gaps"), iv.Gaps})
	}
	if iv.Notes != "" {
		f = append(f, Field{T(l, "iv.notes"), iv.Notes})
	}
	return f
}

// ratedBy reports whether id has rated the interview.
func ratedBy(iv *Interview, id string) bool {
	for _, rt := range iv.Ratings {
		if rt.By == id {
			return true
		}
	}
	return false
}
