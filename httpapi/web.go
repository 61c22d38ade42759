package httpapi

import (
	"io/fs"
	"net/http"
	"strings"
)

// Content security policies. The agent desktop and admin pages may not be
// framed; the widget frame is made to be framed by any site.
const (
	cspPage        = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	cspWidgetFrame = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'"
)

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Skranke</title></head>
<body><h1>Front end not built</h1><p>This binary was built without its web pages. Run <code>make</code> (or <code>make run</code>) to build them.</p></body></html>`

// routeWeb adds the pages of the embedded front end.
func (s *Server) routeWeb(mux *http.ServeMux) {
	page := func(name, csp string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.servePage(w, r, name, csp)
		})
	}
	mux.Handle("GET /{$}", http.RedirectHandler("/agent", http.StatusFound))
	mux.Handle("GET /agent", page("agent.html", cspPage))
	mux.Handle("GET /admin", page("admin.html", cspPage))
	mux.Handle("GET /supervisor", page("supervisor.html", cspPage)) // R19: for supervisors and administrators (the page asks /api/v1/me)
	mux.Handle("GET /admin/setup", page("admin.html", cspPage))     // the first-run link; its secret is in the fragment
	mux.Handle("GET /widget/frame", page("widget-frame.html", cspWidgetFrame))
	mux.Handle("GET /demo/", page("demo/index.html", ""))
	mux.Handle("GET /demo", http.RedirectHandler("/demo/", http.StatusMovedPermanently))
	if s.opts.DemoIdentity != nil {
		// The demo website's backend: the identity token of its signed-in
		// customer, as an organisation's own server would make it (R6).
		mux.Handle("GET /demo/identity-token", s.handle(func(w http.ResponseWriter, r *http.Request) error {
			tok, err := s.opts.DemoIdentity(r.Context())
			if err != nil {
				return err
			}
			w.Header().Set("Cache-Control", "no-store")
			return writeJSON(w, http.StatusOK, map[string]string{"token": tok})
		}))
	}
	mux.Handle("GET /widget.js", http.HandlerFunc(s.serveWidgetJS))
	mux.Handle("GET /assets/", http.HandlerFunc(s.serveAsset))
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request, name, csp string) {
	b, err := fs.ReadFile(s.opts.Web, name)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(notBuiltPage))
		return
	}
	if csp != "" {
		h.Set("Content-Security-Policy", csp)
	}
	if csp == cspPage {
		h.Set("X-Frame-Options", "DENY")
	}
	w.Write(b)
}

// serveWidgetJS serves the loader other sites embed: a stable name, so a
// short cache life lets updates reach them.
func (s *Server) serveWidgetJS(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(s.opts.Web, "widget.js")
	if err != nil {
		http.Error(w, "front end not built — run make", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(b)
}

// serveAsset serves hashed build output, cached for a year.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if _, err := fs.Stat(s.opts.Web, name); err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeFileFS(w, r, s.opts.Web, name)
}
