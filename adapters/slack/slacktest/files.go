package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Slack's external upload, in three steps: files.getUploadURLExternal
// (filename and length) answers an upload_url and a file_id; the bytes
// are POSTed to that URL; files.completeUploadExternal (files, channel_id)
// shares the uploaded files in a channel or DM. A file never completed
// stays private and shared nowhere.

// maxFileSize is Slack's limit on one file: 1 GB.
const maxFileSize = 1 << 30

// File is a file uploaded through the external upload.
type File struct {
	ID       string
	Name     string
	Title    string
	Length   int    // the length announced to getUploadURLExternal
	Data     []byte // the bytes POSTed to the upload URL
	Channel  string // where completeUploadExternal shared it; "" until then
	Comment  string // initial_comment
	Alt      string // alt_txt, an image's alternative text
	Uploaded bool
	At       time.Time
}

// uploadPath is where the fake takes a file's bytes; under the API's host,
// as the SDK sends the token only there or to https Slack hosts.
const uploadPath = "/upload/v1/"

// getUploadURLExternal answers files.getUploadURLExternal.
func (s *Server) getUploadURLExternal(in request) reply {
	name := in.get("filename")
	length, err := strconv.Atoi(in.get("length"))
	switch {
	case name == "" || err != nil || length <= 0:
		return fail("invalid_arguments")
	case length > maxFileSize:
		return fail("file_too_large")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("files.getUploadURLExternal", now); !admitted {
		return rep
	}
	s.seq++
	f := &File{ID: fmt.Sprintf("F%08d", s.seq), Name: name, Length: length, Alt: in.get("alt_txt"), At: now}
	s.files[f.ID] = f
	return ok(map[string]any{"upload_url": s.URL + uploadPath + f.ID, "file_id": f.ID})
}

// receiveUpload takes the bytes of a file at its upload URL: multipart
// with a "file" part, or the raw body. Its length must be the one announced.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, uploadPath)
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxFileSize+1<<20)
		part, _, ferr := r.FormFile("file")
		if ferr != nil {
			http.Error(w, "no file part", http.StatusBadRequest)
			return
		}
		defer part.Close()
		data, err = io.ReadAll(part)
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, maxFileSize+1))
	}
	if err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[id]
	switch {
	case f == nil:
		http.Error(w, "not found", http.StatusNotFound)
		return
	case len(data) != f.Length:
		http.Error(w, "length does not match", http.StatusBadRequest)
		return
	}
	f.Data, f.Uploaded = data, true
	_, _ = fmt.Fprintf(w, "OK - %d", len(data))
}

// completeUploadExternal answers files.completeUploadExternal: every file
// must have been uploaded; channel_id must be a channel or DM the bot may
// post in.
func (s *Server) completeUploadExternal(in request) reply {
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(in.get("files")), &list); err != nil || len(list) == 0 {
		return fail("invalid_arguments")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("files.completeUploadExternal", now); !admitted {
		return rep
	}
	channel := ""
	if id := in.get("channel_id"); id != "" {
		var code string
		if channel, code = s.resolve(id); code != "" {
			return fail(code)
		}
	}
	for _, x := range list {
		if f := s.files[x.ID]; f == nil || !f.Uploaded || f.Channel != "" {
			return fail("file_not_found")
		}
	}
	var out []map[string]any
	for _, x := range list {
		f := s.files[x.ID]
		f.Title, f.Channel, f.Comment = x.Title, channel, in.get("initial_comment")
		out = append(out, map[string]any{"id": f.ID, "title": f.Title, "name": f.Name})
	}
	return ok(map[string]any{"files": out})
}

// Files lists the files uploaded, by id.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.ID, b.ID) })
	return out
}
