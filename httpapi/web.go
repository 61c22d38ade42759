package httpapi

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
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

// servePage serves one HTML page: never cached without asking again
// (no-cache; its ETag makes the asking cheap), with its security policy.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, name, csp string) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	if !s.web.has(name) {
		h.Set("Content-Type", "text/html; charset=utf-8")
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
	s.web.serve(w, r, name)
}

// serveWidgetJS serves the loader other sites embed: a stable name, so a
// short cache life lets updates reach them.
func (s *Server) serveWidgetJS(w http.ResponseWriter, r *http.Request) {
	if !s.web.has("widget.js") {
		http.Error(w, "front end not built — run make", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s.web.serve(w, r, "widget.js")
}

// serveAsset serves hashed build output, cached for a year: a new build
// gives a changed file a new name, so a cached one never goes stale.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if !s.web.has(name) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	s.web.serve(w, r, name)
}

// A contentEncoding is one compression the build stores copies in: the
// copy of X is X plus ext (web/build/precompress.ts).
type contentEncoding struct {
	name string // as in Accept-Encoding and Content-Encoding
	ext  string
}

// encodings are those the build writes, the one preferred first when a
// client accepts both equally: brotli's copies are 10–20 % smaller.
var encodings = []contentEncoding{{"br", ".br"}, {"gzip", ".gz"}}

// webFiles serves the built front end. The files never change while the
// server runs (they are embedded), so the list of them and their ETags is
// made once, in newWebFiles, and is immutable after it: serving takes no
// lock and reads no more than the file it sends.
type webFiles struct {
	fsys fs.FS
	etag map[string]string // every regular file's name (compressed copies too) → its strong ETag
}

// newWebFiles lists the regular files of fsys, which may be nil (no front
// end at all); a file that cannot be read is left out, as if missing.
func newWebFiles(fsys fs.FS) *webFiles {
	wf := &webFiles{fsys: fsys, etag: make(map[string]string)}
	if fsys == nil {
		return wf
	}
	fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil
		}
		// Each copy has its own ETag, of its own bytes: a cache that
		// holds the gzip answer must not take the brotli one for it.
		sum := sha256.Sum256(b)
		wf.etag[name] = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		return nil
	})
	return wf
}

// has reports whether name is a file of the front end (a folder is not).
func (wf *webFiles) has(name string) bool {
	_, ok := wf.etag[name]
	return ok
}

// serve sends the file name, which must exist (has), in the best encoding
// the client accepts of those the build stored a copy in, else as it is.
// The caller sets the caching headers; serve sets Content-Type (of name,
// whatever the encoding), Content-Encoding, Vary, ETag and, through
// http.ServeContent, Content-Length, HEAD and conditional requests (a
// matching If-None-Match gives 304). Ranges are served of the plain file
// only: a compressed copy is sent whole, its Range ignored, which HTTP
// allows (the copies are a few KB; no client resumes them).
func (wf *webFiles) serve(w http.ResponseWriter, r *http.Request, name string) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if ct := contentType(name); ct != "" {
		h.Set("Content-Type", ct)
	}
	send := name
	for _, enc := range acceptedEncodings(r.Header.Values("Accept-Encoding")) {
		if wf.has(name + enc.ext) {
			send = name + enc.ext
			h.Set("Content-Encoding", enc.name)
			break
		}
	}
	f, err := wf.fsys.Open(send)
	if err != nil {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	defer f.Close()
	// Embedded files seek; another fs.FS's might not.
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "cannot read "+name, http.StatusInternalServerError)
			return
		}
		rs = bytes.NewReader(b)
	}
	h.Set("ETag", wf.etag[send])
	if send != name {
		// ServeContent leaves Content-Length out of an encoded answer, as
		// it cannot know what a range of it would be; a compressed copy is
		// always sent whole, so its length is known and set here.
		size, err := rs.Seek(0, io.SeekEnd)
		if err == nil {
			_, err = rs.Seek(0, io.SeekStart)
		}
		if err != nil {
			http.Error(w, "cannot read "+name, http.StatusInternalServerError)
			return
		}
		h.Set("Content-Length", strconv.FormatInt(size, 10))
		r = r.Clone(r.Context())
		r.Header.Del("Range")
		r.Header.Del("If-Range")
	}
	http.ServeContent(w, r, "", time.Time{}, rs) // no Last-Modified: embedded files have no time; the ETag serves
}

// contentType is the media type of a front-end file by its name; the
// front end's own types are spelled out, since mime.TypeByExtension also
// reads the machine's tables, which differ.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return mime.TypeByExtension(path.Ext(name)) // "": ServeContent sniffs the (plain) bytes
}

// acceptedEncodings returns the encodings of those the build writes that
// the Accept-Encoding header values accept, the client's most preferred
// first (highest q; the order of encodings breaks ties). A coding with
// q=0 is refused; "*" stands for every coding the header does not name;
// no header at all gets none, the plain file (RFC 9110 would allow any,
// but a client that sends none, curl without --compressed say, expects
// the plain bytes).
func acceptedEncodings(values []string) []contentEncoding {
	q := make(map[string]float64, 4)
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding == "" {
				continue
			}
			if coding == "x-gzip" {
				coding = "gzip"
			}
			q[coding] = qValue(params)
		}
	}
	type weighted struct {
		enc contentEncoding
		q   float64
	}
	var ws []weighted
	for _, enc := range encodings {
		w, ok := q[enc.name]
		if !ok {
			w, ok = q["*"]
		}
		if ok && w > 0 {
			ws = append(ws, weighted{enc, w})
		}
	}
	// Stable, so equal weights keep the order of encodings.
	slices.SortStableFunc(ws, func(a, b weighted) int { return cmp.Compare(b.q, a.q) })
	out := make([]contentEncoding, len(ws))
	for i, w := range ws {
		out[i] = w.enc
	}
	return out
}

// qValue is the q parameter of one Accept-Encoding element's parameters
// (";q=0.5"), 1 when absent; one that does not parse counts as 0, so a
// garbled element is never preferred.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return 0
		}
		return f
	}
	return 1
}
