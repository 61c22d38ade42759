package apptest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"skranke/chat"
)

// Attachment is an attachment as a client reads it from the wire (an
// upload's answer, a message's attachments).
type Attachment struct {
	ID        chat.AttachmentID `json:"id"`
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	Size      int64             `json:"size"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Thumbnail bool              `json:"thumbnail"`
}

// filesPath is where the client uploads to and downloads from in a
// conversation: the customer's routes for a client with a token, the
// agent's otherwise.
func (c *Client) filesPath(id chat.ConversationID) string {
	if c.Token != "" {
		return "/api/v1/widget/conversations/" + string(id) + "/attachments"
	}
	return "/api/v1/conversations/" + string(id) + "/attachments"
}

// UploadRequest sends body as an upload to conversation id and returns the
// response; size is the Content-Length to declare (-1: none, chunked).
// With expect, it sends Expect: 100-continue and waits for the server's
// go-ahead before it sends the body.
func (c *Client) UploadRequest(t *testing.T, id chat.ConversationID, uploadID, name string, body io.Reader, size int64, expect bool) *http.Response {
	t.Helper()
	q := url.Values{"uploadId": {uploadID}, "name": {name}}
	req, err := http.NewRequestWithContext(t.Context(), "POST", c.app.URL+c.filesPath(id)+"?"+q.Encode(), body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	if expect {
		req.Header.Set("Expect", "100-continue")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	client := c.Client
	if expect {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ExpectContinueTimeout = 5 * time.Second
		client = &http.Client{Jar: c.Jar, Transport: tr, Timeout: 60 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("upload %s to %s: %v", name, id, err)
	}
	return resp
}

// Upload uploads data as a file named name and returns the status and the
// answer's bytes.
func (c *Client) Upload(t *testing.T, id chat.ConversationID, uploadID, name string, data []byte) (int, []byte) {
	t.Helper()
	resp := c.UploadRequest(t, id, uploadID, name, strings.NewReader(string(data)), int64(len(data)), false)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Download fetches a file (its thumbnail, with thumbnail) of conversation
// id, by the client's own route, and returns the response with its body
// read.
func (c *Client) Download(t *testing.T, id chat.ConversationID, file chat.AttachmentID, thumbnail bool) (*http.Response, []byte) {
	t.Helper()
	path := c.filesPath(id) + "/" + url.PathEscape(string(file))
	if thumbnail {
		path += "/thumbnail"
	}
	req, err := http.NewRequestWithContext(t.Context(), "GET", c.app.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		t.Fatalf("download %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("download %s: %v", path, err)
	}
	return resp, b
}
