package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// request is one Web API call's arguments, however they came: slack-go
// sends chat.*, conversations.* and users.* form-encoded with the token in
// a form field, and views.* as JSON with a Bearer token.
type request struct {
	token string
	form  url.Values
	body  map[string]json.RawMessage
}

// maxBody bounds a request body, as Slack does (far above any real call).
const maxBody = 4 << 20

// parse reads the token and arguments of r.
func parse(r *http.Request) (request, error) {
	in := request{form: url.Values{}}
	if tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); found {
		in.token = tok
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&in.body); err != nil && !errors.Is(err, io.EOF) {
			return in, fmt.Errorf("json body: %w", err)
		}
		in.form = r.URL.Query()
	} else {
		if err := r.ParseForm(); err != nil {
			return in, fmt.Errorf("form: %w", err)
		}
		in.form = r.Form
	}
	if tok := in.form.Get("token"); tok != "" {
		in.token = tok
	}
	return in, nil
}

// get is a string argument from the form or the JSON body.
func (in request) get(name string) string {
	if v := in.form.Get(name); v != "" {
		return v
	}
	var v string
	if raw, found := in.body[name]; found && json.Unmarshal(raw, &v) == nil {
		return v
	}
	return ""
}

// raw is a JSON argument: a JSON body field, or a form field holding JSON
// (blocks, metadata, view). It is nil when absent.
func (in request) raw(name string) json.RawMessage {
	if raw, found := in.body[name]; found {
		return raw
	}
	if v := in.form.Get(name); v != "" && json.Valid([]byte(v)) {
		return json.RawMessage(v)
	}
	return nil
}

// flag is a boolean argument ("true" or "1").
func (in request) flag(name string) bool {
	v := in.get(name)
	if v == "" {
		if raw, found := in.body[name]; found {
			v = string(raw)
		}
	}
	b, err := strconv.ParseBool(v)
	return err == nil && b
}

// number is an integer argument, or def when absent or malformed.
func (in request) number(name string, def int) int {
	n, err := strconv.Atoi(in.get(name))
	if err != nil {
		return def
	}
	return n
}
