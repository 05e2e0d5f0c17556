package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
)

// After the interview: the record, structured by the agenda, both sides'
// confirmation of the written plan and their rating of the interview.
// Before it: the employee's self-analysis (自我分析) and wishes (诉求).

// recordLabels maps what people write before a section to its name.
var recordLabels = map[string]string{
	"开场": "opening", "opening": "opening",
	"回顾": "review", "review": "review",
	"共识": "agreement", "改进共识": "agreement", "达成共识": "agreement", "agreement": "agreement",
	"总结": "summary", "summary": "summary",
	"优势": "strengths", "优势项": "strengths", "strengths": "strengths",
	"差距": "gaps", "不足": "gaps", "gaps": "gaps",
}

var recordLabel = regexp.MustCompile(`(?i)(改进共识|达成共识|优势项|开场|回顾|共识|总结|优势|差距|不足|opening|review|agreement|summary|strengths|gaps)\s*[:：]`)

// parseRecord splits "开场: … 回顾: … 优势: …" into sections. Text with no
// label at all is the summary.
func parseRecord(text string) map[string]string {
	out := map[string]string{}
	locs := recordLabel.FindAllStringSubmatchIndex(text, -1)
	if len(locs) == 0 {
		out["summary"] = strings.TrimSpace(text)
		return out
	}
	if head := strings.TrimSpace(text[:locs[0][0]]); head != "" {
		out["summary"] = head
	}
	for i, loc := range locs {
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		name := recordLabels[strings.ToLower(text[loc[2]:loc[3]])]
		if v := strings.TrimSpace(text[loc[1]:end]); v != "" {
			out[name] = strings.TrimSpace(out[name] + " " + v)
		}
	}
	return out
}

func (e *Engine) interviewNotes(ctx context.Context, r *request, ref string, words []string) ([]Reply, error) {
	no, words := interviewNo(words)
	text := strings.TrimSpace(strings.Join(words, " "))
	if text == "" {
		return nil, Errorf(EINVALID, "err.notes_empty")
	}
	return e.recordInterview(ctx, r, ref, no, parseRecord(text))
}

// actInterviewNotes opens the record form (button) or takes it.
func (e *Engine) actInterviewNotes(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, iv, err := e.interviewFor(ctx, r, in.Args["plan"], in.Args["interview"], OpInterview, false)
		if err != nil {
			return nil, err
		}
		f := Form{Title: r.tr("iv.record_title", p.Number, iv.No), Action: ActionRef{ID: "interview.notes", Args: in.Args}, Submit: r.tr("btn.send")}
		for _, t := range append(append([]string{}, recordTopics...), "strengths", "gaps") {
			label := enumText(r.loc, "agenda", t)
			if t == "strengths" || t == "gaps" {
				label = r.tr("iv." + t)
			}
			f.Inputs = append(f.Inputs, Input{Name: t, Label: label, Kind: InputTextArea, Required: t == "summary", Value: recordValue(iv, t)})
		}
		return []Reply{r.reply(Message{Blocks: []Block{f}})}, nil
	}
	sections := map[string]string{}
	for _, t := range append(append([]string{}, recordTopics...), "strengths", "gaps") {
		if v := strings.TrimSpace(in.Values[t]); v != "" {
			sections[t] = v
		}
	}
	if sections["summary"] == "" {
		return nil, &Error{Code: EINVALID, Key: "err.notes_empty", Fields: []FieldError{{Name: "summary", Key: "err.required"}}}
	}
	return e.recordInterview(ctx, r, in.Args["plan"], in.Args["interview"], sections)
}

func recordValue(iv *Interview, t string) string {
	switch t {
	case "strengths":
		return iv.Strengths
	case "gaps":
		return iv.Gaps
	}
	return iv.Record[t]
}

// recordInterview stores the record; the interview is then held, and the
// employee is asked to confirm the written plan and both to rate it.
func (e *Engine) recordInterview(ctx context.Context, r *request, ref, no string, sections map[string]string) ([]Reply, error) {
	for name, v := range sections {
		if err := checkLength(name, v, maxText); err != nil {
			return nil, err
		}
	}
	p, role, iv, err := e.interviewFor(ctx, r, ref, no, OpInterview, false)
	if err != nil {
		return nil, err
	}
	if iv.Record == nil {
		iv.Record = map[string]string{}
	}
	for _, t := range recordTopics {
		if v, ok := sections[t]; ok {
			iv.Record[t] = v
		}
	}
	if v, ok := sections["strengths"]; ok {
		iv.Strengths = v
	}
	if v, ok := sections["gaps"]; ok {
		iv.Gaps = v
	}
	iv.Status = InterviewDone
	if err := e.saveInterview(ctx, r, p, iv, role, "interview.notes", "", string(InterviewDone)); err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.interviewCard(ctx, r.actor.ID, p, iv, "iv.notes_saved_card"))}
	if p.EmployeeID != r.actor.ID {
		l := e.localeOf(ctx, p.Tenant, p.EmployeeID)
		card := e.interviewCard(ctx, p.EmployeeID, p, iv, "iv.notes_ready")
		args := map[string]string{"plan": itoa(p.Number), "interview": itoa(iv.No)}
		last := len(card.Blocks) - 1
		card.Blocks[last] = append(Buttons{{Label: T(l, "btn.confirm_plan"), Style: StylePrimary,
			Action: ActionRef{ID: "interview.ok", Args: args}}}, card.Blocks[last].(Buttons)...)
		replies = append(replies, Reply{To: p.EmployeeID, Private: true, Key: notifyKey(p, "interview:"+itoa(iv.No)+":notes", p.EmployeeID), Message: card})
	}
	return replies, nil
}

// actInterviewConfirm is the "I confirm the written plan" button.
func (e *Engine) actInterviewConfirm(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	return e.confirmInterview(ctx, r, in.Args["plan"], in.Args["interview"])
}

// confirmInterview records that the employee or the manager confirms the
// written plan agreed at the interview.
func (e *Engine) confirmInterview(ctx context.Context, r *request, ref, no string) ([]Reply, error) {
	p, role, iv, err := e.interviewFor(ctx, r, ref, no, OpInterviewOK, false)
	if err != nil {
		return nil, err
	}
	if iv.Status != InterviewDone {
		return nil, Errorf(ESTATE, "err.interview_not_held", iv.No)
	}
	switch role {
	case RoleEmployee:
		if !iv.EmployeeOK.IsZero() {
			return nil, Errorf(ESTATE, "err.already_confirmed")
		}
		iv.EmployeeOK = r.now
	case RoleManager:
		if !iv.ManagerOK.IsZero() {
			return nil, Errorf(ESTATE, "err.already_confirmed")
		}
		iv.ManagerOK = r.now
	}
	if err := e.saveInterview(ctx, r, p, iv, role, "interview.confirm", "", string(role)); err != nil {
		return nil, err
	}
	key := "iv.confirmed_one"
	if !iv.EmployeeOK.IsZero() && !iv.ManagerOK.IsZero() {
		key = "iv.confirmed_both"
	}
	rep := r.text(r.tr(key, iv.No))
	rep.Replace = r.cmd.Action != nil
	replies := []Reply{rep}
	other := p.ManagerID
	if role == RoleManager {
		other = p.EmployeeID
	}
	if other != r.actor.ID {
		replies = append(replies, e.notify(ctx, p, other, "interview:"+itoa(iv.No)+":ok:"+string(role), key, iv.No))
	}
	return replies, nil
}

// rateInterview is one side's 面谈效果评估: "面谈 12 评价 [1] 4 很有帮助".
func (e *Engine) rateInterview(ctx context.Context, r *request, ref string, words []string) ([]Reply, error) {
	no := ""
	if len(words) >= 2 {
		if _, err := strconv.Atoi(words[1]); err == nil {
			no, words = words[0], words[1:]
		}
	}
	if len(words) == 0 {
		return nil, Errorf(EINVALID, "err.rate_format")
	}
	return e.rate(ctx, r, ref, no, words[0], strings.Join(words[1:], " "))
}

// actInterviewRate opens the rating form (button) or takes it.
func (e *Engine) actInterviewRate(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, iv, err := e.interviewFor(ctx, r, in.Args["plan"], in.Args["interview"], OpInterviewRate, false)
		if err != nil {
			return nil, err
		}
		var opts []Option
		for i := 5; i >= 1; i-- {
			opts = append(opts, Option{Value: itoa(i), Label: strings.Repeat("★", i) + " " + r.tr("rate."+itoa(i))})
		}
		f := Form{Title: r.tr("iv.rate_title", p.Number, iv.No), Action: ActionRef{ID: "interview.rate", Args: in.Args}, Submit: r.tr("btn.send"),
			Inputs: []Input{
				{Name: "score", Label: r.tr("iv.score"), Kind: InputSelect, Required: true, Options: opts},
				{Name: "comment", Label: r.tr("iv.rate_comment"), Kind: InputTextArea},
			}}
		return []Reply{r.reply(Message{Blocks: []Block{f}})}, nil
	}
	return e.rate(ctx, r, in.Args["plan"], in.Args["interview"], in.Values["score"], in.Values["comment"])
}

// rate records a 1–5 rating with a comment, once per side, after the
// interview was held.
func (e *Engine) rate(ctx context.Context, r *request, ref, no, score, comment string) ([]Reply, error) {
	n, err := strconv.Atoi(strings.TrimSpace(toHalfWidth(score)))
	if err != nil || n < 1 || n > 5 {
		return nil, &Error{Code: EINVALID, Key: "err.rate_score", Args: []any{score}, Fields: []FieldError{{Name: "score", Key: "err.rate_score", Args: []any{score}}}}
	}
	comment = strings.TrimSpace(comment)
	if err := checkLength("comment", comment, maxReason); err != nil {
		return nil, err
	}
	p, role, iv, err := e.interviewFor(ctx, r, ref, no, OpInterviewRate, false)
	if err != nil {
		return nil, err
	}
	if iv.Status != InterviewDone {
		return nil, Errorf(ESTATE, "err.interview_not_held", iv.No)
	}
	if ratedBy(iv, r.actor.ID) {
		return nil, Errorf(ESTATE, "err.already_rated", iv.No)
	}
	iv.Ratings = append(iv.Ratings, InterviewRating{By: r.actor.ID, Role: role, Score: n, Comment: comment, At: r.now})
	if err := e.saveInterview(ctx, r, p, iv, role, "interview.rate", "", itoa(n)); err != nil {
		return nil, err
	}
	rep := r.text(r.tr("iv.rated", iv.No, n))
	rep.Replace = r.cmd.Action != nil
	return []Reply{rep}, nil
}

// prepareInterview keeps the employee's self-analysis or wishes for the
// next booked interview: "面谈 12 自评 …", "面谈 12 诉求 …".
func (e *Engine) prepareInterview(ctx context.Context, r *request, ref, what, text string) ([]Reply, error) {
	no, words := interviewNo(fields(text))
	text = strings.TrimSpace(strings.Join(words, " "))
	if text == "" {
		return nil, Errorf(EINVALID, "err.prep_empty")
	}
	values := map[string]string{what: text}
	return e.prepare(ctx, r, ref, no, values)
}

// actInterviewPrep opens the preparation form (button) or takes it.
func (e *Engine) actInterviewPrep(ctx context.Context, r *request, in *ActionInput) ([]Reply, error) {
	if in.Values == nil {
		p, _, iv, err := e.interviewFor(ctx, r, in.Args["plan"], in.Args["interview"], OpPrepare, true)
		if err != nil {
			return nil, err
		}
		f := Form{Title: r.tr("iv.prep_title", p.Number, iv.No), Action: ActionRef{ID: "interview.prep", Args: in.Args}, Submit: r.tr("btn.send"),
			Inputs: []Input{
				{Name: "self", Label: r.tr("iv.self_analysis"), Kind: InputTextArea, Required: true, Value: iv.SelfAnalysis, Placeholder: r.tr("iv.self_ph")},
				{Name: "wishes", Label: r.tr("iv.wishes"), Kind: InputTextArea, Value: iv.Wishes, Placeholder: r.tr("iv.wishes_ph")},
			}}
		return []Reply{r.reply(Message{Blocks: []Block{f}})}, nil
	}
	values := map[string]string{}
	for _, k := range []string{"self", "wishes"} {
		if v := strings.TrimSpace(in.Values[k]); v != "" {
			values[k] = v
		}
	}
	if values["self"] == "" {
		return nil, &Error{Code: EINVALID, Key: "err.prep_empty", Fields: []FieldError{{Name: "self", Key: "err.required"}}}
	}
	return e.prepare(ctx, r, in.Args["plan"], in.Args["interview"], values)
}

func (e *Engine) prepare(ctx context.Context, r *request, ref, no string, values map[string]string) ([]Reply, error) {
	for k, v := range values {
		if err := checkLength(k, v, maxText); err != nil {
			return nil, err
		}
	}
	p, role, iv, err := e.interviewFor(ctx, r, ref, no, OpPrepare, true)
	if err != nil {
		return nil, err
	}
	if v, ok := values["self"]; ok {
		iv.SelfAnalysis = v
	}
	if v, ok := values["wishes"]; ok {
		iv.Wishes = v
	}
	iv.PreparedAt = r.now
	if err := e.saveInterview(ctx, r, p, iv, role, "interview.prepare", "", ""); err != nil {
		return nil, err
	}
	replies := []Reply{r.reply(e.interviewCard(ctx, r.actor.ID, p, iv, "iv.prepared"))}
	for _, to := range r.others(iv.Attendees...) {
		replies = append(replies, Reply{To: to, Private: true, Key: notifyKey(p, "interview:"+itoa(iv.No)+":prep:"+itoa(int(r.now.Unix())), to),
			Message: e.interviewCard(ctx, to, p, iv, "iv.prepared_other")})
	}
	return replies, nil
}
