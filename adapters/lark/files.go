package lark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/bot"
)

// A reply with a file (an export) is its message, then each file uploaded
// with POST /open-apis/im/v1/files and sent as a message of msg_type
// "file". Files go one-to-one only: to an open_id, never a chat_id.

// apiFile names the upload's rate-limit buckets (50/s, 1,000/min per app).
const apiFile = "file"

// maxUpload is the platform's limit on one uploaded file; an empty file
// is refused too (im/v1/files: "文件大小不得超过 30 MB，且不允许上传空文件").
const maxUpload = 30 << 20

// ErrFileTooLarge: an export past the upload limit; nothing is uploaded.
var ErrFileTooLarge = fmt.Errorf("file is larger than Feishu's 30 MB upload limit")

// sendFiles encodes r.File and sends each file to t after r's message.
// The file messages carry uuids derived from the reply's, so a retry
// uploads again but the platform shows each file once.
func (s *Sender) sendFiles(ctx context.Context, o Origin, t target, r bot.Reply, uuid string) error {
	if t.idType != "open_id" {
		return ErrPrivateToGroup
	}
	files, err := export.Encode(r.File)
	if err != nil {
		return fmt.Errorf("send file: %w", err)
	}
	for i, f := range files {
		if len(f.Data) > maxUpload {
			return fmt.Errorf("send file %d: %w (%d bytes)", i+1, ErrFileTooLarge, len(f.Data))
		}
	}
	for i, f := range files {
		key, err := s.upload(ctx, f)
		if err != nil {
			return err
		}
		u := ""
		if uuid != "" {
			u = fileUUID(uuid, i)
		}
		if err := s.sendFileKey(ctx, t, key, u); err != nil {
			return err
		}
	}
	return nil
}

// sendFileKey sends the uploaded file key to t as a file message.
func (s *Sender) sendFileKey(ctx context.Context, t target, key, uuid string) error {
	content, _ := json.Marshal(map[string]string{"file_key": key})
	body := larkim.NewCreateMessageReqBodyBuilder().ReceiveId(t.id).MsgType("file").Content(string(content))
	if uuid != "" {
		body = body.Uuid(uuid)
	}
	req := larkim.NewCreateMessageReqBuilder().ReceiveIdType(t.idType).Body(body.Build()).Build()
	return s.call(ctx, "send file", s.buckets(apiCreate, t.scope()), func(ctx context.Context) (result, error) {
		resp, err := s.api.CreateMessage(ctx, req)
		if err != nil {
			return result{}, err
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
}

// upload puts one file on the platform and returns its file_key: xlsx as
// file_type "xls", anything else (CSV) as "stream".
func (s *Sender) upload(ctx context.Context, f export.File) (string, error) {
	fileType := "stream"
	if f.MIME == export.MIMEXLSX {
		fileType = "xls"
	}
	var key string
	err := s.call(ctx, "upload file", s.buckets(apiFile, ""), func(ctx context.Context) (result, error) {
		req := larkim.NewCreateFileReqBuilder().Body(larkim.NewCreateFileReqBodyBuilder().
			FileType(fileType).FileName(f.Name).File(bytes.NewReader(f.Data)).Build()).Build()
		resp, err := s.api.CreateFile(ctx, req)
		if err != nil {
			return result{}, err
		}
		if resp.Data != nil && resp.Data.FileKey != nil {
			key = *resp.Data.FileKey
		}
		return resultOf(resp.ApiResp, resp.CodeError), nil
	})
	if err == nil && key == "" {
		err = fmt.Errorf("upload file: the platform returned no file_key")
	}
	return key, err
}

// fileUUID is the idempotency key of the i-th file message of a reply,
// within the platform's 50 characters.
func fileUUID(uuid string, i int) string {
	suffix := "f" + strconv.Itoa(i)
	if len(uuid)+len(suffix) > 50 {
		uuid = uuid[:50-len(suffix)]
	}
	return uuid + suffix
}
