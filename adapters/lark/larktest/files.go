package larktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Codes of POST /open-apis/im/v1/files (上传文件, the im/v1 file reference):
// a bad parameter, a file over the limit, an empty file.
const (
	CodeFileParam = 234001 // invalid request param (file_type, file_name or the file missing)
	CodeFileLarge = 234006 // the file is larger than 30 MB
	CodeFileEmpty = 234010 // the file is empty
)

// maxFile is the upload limit: 30 MB.
const maxFile = 30 << 20

// fileTypes are the file_type values the upload accepts.
var fileTypes = map[string]bool{"opus": true, "mp4": true, "pdf": true, "doc": true, "xls": true, "ppt": true, "stream": true}

// Upload is a file the app uploaded.
type Upload struct {
	Key      string
	App      string
	FileType string
	FileName string
	Data     []byte
	At       time.Time
}

// uploadFile answers POST /open-apis/im/v1/files: multipart/form-data with
// file_type, file_name and file; the answer's data is the file_key.
func (s *Server) uploadFile(r *http.Request, app string) reply {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return fail(http.StatusBadRequest, CodeFileParam, "Invalid request param. ext=content type must be multipart/form-data")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFile+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return fail(http.StatusBadRequest, CodeFileLarge, "The file size exceed the max value.")
		}
		return fail(http.StatusBadRequest, CodeFileParam, "Invalid request param. ext="+err.Error())
	}
	defer r.MultipartForm.RemoveAll()
	ft, name := r.FormValue("file_type"), r.FormValue("file_name")
	if !fileTypes[ft] || name == "" {
		return fail(http.StatusBadRequest, CodeFileParam, "Invalid request param. ext=file_type or file_name")
	}
	part, _, err := r.FormFile("file")
	if err != nil {
		return fail(http.StatusBadRequest, CodeFileParam, "Invalid request param. ext=file is required")
	}
	defer part.Close()
	data, err := io.ReadAll(part)
	switch {
	case err != nil:
		return fail(http.StatusBadRequest, CodeFileParam, "Invalid request param. ext="+err.Error())
	case len(data) == 0:
		return fail(http.StatusBadRequest, CodeFileEmpty, "File's size can't be 0.")
	case len(data) > maxFile:
		return fail(http.StatusBadRequest, CodeFileLarge, "The file size exceed the max value.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, ok := s.admit(now, s.appLimits(app, apiFile)...); !ok {
		return rep
	}
	s.seq++
	u := &Upload{Key: fmt.Sprintf("file_v3_fake%08d", s.seq), App: app, FileType: ft, FileName: name, Data: data, At: now}
	s.uploads[u.Key] = u
	return success(map[string]any{"file_key": u.Key})
}

// fileContent reads a file message's content: a file_key this app uploaded.
func (s *Server) fileContent(content, app string) (string, reply, bool) {
	var in struct {
		FileKey string `json:"file_key"`
	}
	if err := json.Unmarshal([]byte(content), &in); err != nil || in.FileKey == "" {
		return "", fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid file content."), false
	}
	if u := s.uploads[in.FileKey]; u == nil || u.App != app {
		return "", fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid file_key."), false
	}
	return in.FileKey, reply{}, true
}

// Uploads lists the uploaded files, oldest first.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Upload
	for _, u := range s.uploads {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b Upload) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// Upload is the uploaded file of key.
func (s *Server) Upload(key string) (Upload, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[key]
	if u == nil {
		return Upload{}, false
	}
	return *u, true
}
