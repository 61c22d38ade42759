package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"skranke/conversation"
)

// The customer's transcript (R14): a download, and an e-mail sent through
// the outbox.

// cspDownload is the policy of a downloaded document: it runs nothing and
// loads nothing, whatever it holds.
const cspDownload = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

func transcriptRequest(lang, zone string) conversation.TranscriptRequest {
	if lang != "nb" {
		lang = "en"
	}
	return conversation.TranscriptRequest{Lang: lang, Zone: zone}
}

func (s *Server) widgetTranscript(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := s.opts.Service.Transcript(r.Context(), actor(r), pathID(r), transcriptRequest(q.Get("lang"), q.Get("zone")))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", f.Name))
	h.Set("Content-Security-Policy", cspDownload)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(f.HTML)))
	w.Write(f.HTML)
	return nil
}

func (s *Server) widgetEmailTranscript(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Address string `json:"address"`
		Lang    string `json:"lang"`
		Zone    string `json:"zone"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	err := s.opts.Service.EmailTranscript(r.Context(), actor(r), pathID(r), req.Address, transcriptRequest(req.Lang, req.Zone))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued"})
}

func (s *Server) outbox(w http.ResponseWriter, r *http.Request) error {
	failed, _ := strconv.ParseBool(r.URL.Query().Get("failed"))
	jobs, err := s.opts.Service.Outbox(r.Context(), actor(r), failed)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"jobs": jobs})
}
