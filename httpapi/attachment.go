package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"skranke/chat"
	"skranke/conversation"
)

// Attachments over HTTP (docs/protocol.md, "Files"). An upload is the
// file's bytes as the request body, with uploadId and name in the query;
// the answer is the attachment as messages carry it. A download serves the
// bytes with the type the server determined, never one a client claimed,
// and with headers that keep a browser from running anything in them.

// attachmentResponse is the answer to an upload.
type attachmentResponse struct {
	Attachment chat.AttachmentRef `json:"attachment"`
}

// upload is POST …/conversations/{id}/attachments?uploadId=…&name=…, for
// agents and customers alike: 201 with a new upload, 200 with the earlier
// one for a retried uploadId.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a, created, err := s.opts.Service.Upload(r.Context(), actor(r), pathID(r), conversation.UploadRequest{
		UploadID: q.Get("uploadId"),
		Name:     q.Get("name"),
		Size:     r.ContentLength,
		Body:     s.uploadBody(w, r),
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, attachmentResponse{a.Ref()})
}

// uploadBody is the request's body with a deadline that moves on as bytes
// arrive: an upload may take as long as it needs on a slow line, but one
// that stalls for Options.BodyTimeout is cut off (bodyDeadline gives other
// bodies that long in all).
func (s *Server) uploadBody(w http.ResponseWriter, r *http.Request) io.Reader {
	return &movingDeadline{r: r.Body, rc: http.NewResponseController(w), timeout: s.opts.BodyTimeout}
}

type movingDeadline struct {
	r       io.Reader
	rc      *http.ResponseController
	timeout time.Duration
	moved   time.Time
}

func (m *movingDeadline) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(m.moved) > time.Second {
		m.moved = now
		m.rc.SetReadDeadline(now.Add(m.timeout)) // an error: the connection cannot take deadlines
	}
	return m.r.Read(p)
}

func fileID(r *http.Request) chat.AttachmentID { return chat.AttachmentID(r.PathValue("file")) }

// agentFile and agentThumbnail serve a file to an agent who may read the
// chat.
func (s *Server) agentFile(w http.ResponseWriter, r *http.Request) error {
	f, err := s.opts.Service.AgentFile(r.Context(), actor(r), pathID(r), fileID(r), false)
	return s.serveFile(w, r, f, err)
}

func (s *Server) agentThumbnail(w http.ResponseWriter, r *http.Request) error {
	f, err := s.opts.Service.AgentFile(r.Context(), actor(r), pathID(r), fileID(r), true)
	return s.serveFile(w, r, f, err)
}

// customerFile and customerThumbnail serve a file to the customer whose
// chat it is, if the customer may see the message that carries it.
func (s *Server) customerFile(w http.ResponseWriter, r *http.Request) error {
	f, err := s.opts.Service.CustomerFile(r.Context(), actor(r), pathID(r), fileID(r), false)
	w.Header().Set("Vary", "Authorization")
	return s.serveFile(w, r, f, err)
}

func (s *Server) customerThumbnail(w http.ResponseWriter, r *http.Request) error {
	f, err := s.opts.Service.CustomerFile(r.Context(), actor(r), pathID(r), fileID(r), true)
	w.Header().Set("Vary", "Authorization")
	return s.serveFile(w, r, f, err)
}

// fileCSP is the Content-Security-Policy of every served file: nothing in
// it may load anything or run, and it is a sandbox of its own origin, even
// if a browser were to render it as a document.
const fileCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

// serveFile writes f: its determined type (nosniff comes with every
// response), inline only for raster images and thumbnails and as a download
// with its cleaned name otherwise, under a sandboxing CSP, for this origin
// only. Ranges and conditional requests are served (http.ServeContent).
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, f conversation.File, err error) error {
	if err != nil {
		return err
	}
	defer f.Object.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	disposition := "attachment"
	if f.Inline {
		disposition = "inline"
	}
	h.Set("Content-Disposition", contentDisposition(disposition, f.Name))
	h.Set("Content-Security-Policy", fileCSP)
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	// A file's bytes never change: cache it (privately: it is the
	// caller's), and revalidate by its hash.
	h.Set("Cache-Control", "private, max-age=86400")
	tag := f.Attachment.SHA256
	if f.Thumbnail {
		tag += "-thumbnail"
	}
	h.Set("ETag", `"`+tag+`"`)
	http.ServeContent(w, r, "", f.Attachment.CreatedAt, f.Object)
	return nil
}

// contentDisposition is a Content-Disposition header of disposition with
// file name name (RFC 6266): an ASCII fallback in filename, and the name
// itself, percent-encoded UTF-8, in filename*.
func contentDisposition(disposition, name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			r = '_'
		}
		ascii.WriteRune(r)
	}
	return disposition + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + url.PathEscape(name)
}
