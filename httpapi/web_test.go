package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/google/go-cmp/cmp"
)

func TestAcceptedEncodings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		want   []string
	}{
		{"no header", nil, nil},
		{"empty", []string{""}, nil},
		{"gzip", []string{"gzip"}, []string{"gzip"}},
		{"br", []string{"br"}, []string{"br"}},
		{"browser", []string{"gzip, deflate, br, zstd"}, []string{"br", "gzip"}},
		{"br refused", []string{"br;q=0, gzip"}, []string{"gzip"}},
		{"gzip preferred by q", []string{"gzip;q=1, br;q=0.5"}, []string{"gzip", "br"}},
		{"spaces and case", []string{" BR ; Q=0.8 , GZip"}, []string{"gzip", "br"}},
		{"wildcard", []string{"*"}, []string{"br", "gzip"}},
		{"wildcard refused but gzip named", []string{"*;q=0, gzip"}, []string{"gzip"}},
		{"named refusal beats wildcard", []string{"br;q=0, *"}, []string{"gzip"}},
		{"identity only", []string{"identity"}, nil},
		{"all refused", []string{"gzip;q=0, br;q=0.000"}, nil},
		{"x-gzip", []string{"x-gzip"}, []string{"gzip"}},
		{"garbled q", []string{"br;q=lots, gzip"}, []string{"gzip"}},
		{"q above 1", []string{"br;q=2, gzip"}, []string{"gzip"}},
		{"two header lines", []string{"gzip", "br"}, []string{"br", "gzip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range acceptedEncodings(tc.header) {
				got = append(got, e.name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("acceptedEncodings(%q) (-want +got):\n%s", tc.header, diff)
			}
		})
	}
}

// Plain files of the test front end, and their compressed copies as the
// build makes them (web/build/precompress.ts).
var (
	plainJS   = strings.Repeat("export function hello(name) { return 'hello ' + name; }\n", 60)
	plainCSS  = strings.Repeat(".chat { color: #123456; margin: 0 auto; }\n", 60)
	plainHTML = "<!doctype html><html><head><title>Agent</title></head><body>" + strings.Repeat("<p>Skranke</p>", 100) + "</body></html>"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func brotlied(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
	bw.Write([]byte(s))
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testWebFS(t *testing.T) fstest.MapFS {
	file := func(b []byte) *fstest.MapFile { return &fstest.MapFile{Data: b} }
	return fstest.MapFS{
		"agent.html":             file([]byte(plainHTML)),
		"agent.html.gz":          file(gzipped(t, plainHTML)),
		"agent.html.br":          file(brotlied(t, plainHTML)),
		"widget.js":              file([]byte(plainJS)),
		"widget.js.gz":           file(gzipped(t, plainJS)),
		"widget.js.br":           file(brotlied(t, plainJS)),
		"widget-frame.html":      file([]byte("<!doctype html><title>Chat</title>")), // too small for copies
		"assets/app-Ab12.js":     file([]byte(plainJS)),
		"assets/app-Ab12.js.gz":  file(gzipped(t, plainJS)),
		"assets/app-Ab12.js.br":  file(brotlied(t, plainJS)),
		"assets/app-Cd34.css":    file([]byte(plainCSS)),
		"assets/app-Cd34.css.gz": file(gzipped(t, plainCSS)), // no brotli copy
	}
}

// startWeb serves the front-end routes of a Server over fsys on a real
// HTTP server, and returns its URL and a client that leaves encodings to
// the test (Go's transport would otherwise ask for gzip and decode it).
func startWeb(t *testing.T, fsys fstest.MapFS) (string, *http.Client) {
	t.Helper()
	s := New(Options{Web: fsys})
	mux := http.NewServeMux()
	s.routeWeb(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, &http.Client{Transport: &http.Transport{DisableCompression: true}}
}

func get(t *testing.T, c *http.Client, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, body
}

// uncompressed undoes the Content-Encoding of body.
func uncompressed(t *testing.T, encoding string, body []byte) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch encoding {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	default:
		t.Fatalf("unknown Content-Encoding %q", encoding)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s body: %v", encoding, err)
	}
	return string(b)
}

func TestWeb_Encodings(t *testing.T) {
	url, c := startWeb(t, testWebFS(t))
	files := []struct {
		path, plain, contentType, cacheControl string
		hasBrotli                              bool
	}{
		{"/agent", plainHTML, "text/html; charset=utf-8", "no-cache", true},
		{"/widget.js", plainJS, "text/javascript; charset=utf-8", "public, max-age=300", true},
		{"/assets/app-Ab12.js", plainJS, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", true},
		{"/assets/app-Cd34.css", plainCSS, "text/css; charset=utf-8", "public, max-age=31536000, immutable", false},
	}
	accepts := []struct {
		header        string
		want, noBrotl string // the encoding sent, and where no brotli copy exists
	}{
		{"", "", ""},
		{"identity", "", ""},
		{"gzip", "gzip", "gzip"},
		{"br", "br", ""},
		{"gzip, deflate, br, zstd", "br", "gzip"},
		{"br;q=0, gzip", "gzip", "gzip"},
		{"gzip;q=0.9, br;q=0.1", "gzip", "gzip"},
		{"gzip;q=0, br;q=0", "", ""},
		{"*", "br", "gzip"},
	}
	for _, f := range files {
		etags := map[string]string{} // encoding → ETag
		for _, a := range accepts {
			t.Run(strings.TrimPrefix(f.path, "/")+"/"+a.header, func(t *testing.T) {
				want := a.want
				if !f.hasBrotli {
					want = a.noBrotl
				}
				resp, body := get(t, c, "GET", url+f.path, "Accept-Encoding", a.header)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s with Accept-Encoding %q = %d, want 200", f.path, a.header, resp.StatusCode)
				}
				h := resp.Header
				if got := h.Get("Content-Encoding"); got != want {
					t.Errorf("GET %s with Accept-Encoding %q: Content-Encoding %q, want %q", f.path, a.header, got, want)
				}
				if got := uncompressed(t, h.Get("Content-Encoding"), body); got != f.plain {
					t.Errorf("GET %s with Accept-Encoding %q: decoded body of %d bytes differs from the file's %d", f.path, a.header, len(got), len(f.plain))
				}
				if got := h.Get("Content-Length"); got != strconv.Itoa(len(body)) {
					t.Errorf("GET %s with Accept-Encoding %q: Content-Length %s, body %d bytes", f.path, a.header, got, len(body))
				}
				for k, v := range map[string]string{"Content-Type": f.contentType, "Cache-Control": f.cacheControl, "Vary": "Accept-Encoding"} {
					if got := h.Get(k); got != v {
						t.Errorf("GET %s with Accept-Encoding %q: %s %q, want %q", f.path, a.header, k, got, v)
					}
				}
				etag := h.Get("ETag")
				if etag == "" {
					t.Errorf("GET %s: no ETag", f.path)
				}
				if prev, ok := etags[want]; ok && prev != etag {
					t.Errorf("GET %s with encoding %q: ETag %s, earlier %s", f.path, want, etag, prev)
				}
				etags[want] = etag
			})
		}
		seen := map[string]string{}
		for enc, etag := range etags {
			if other, ok := seen[etag]; ok {
				t.Errorf("GET %s: encodings %q and %q share ETag %s", f.path, enc, other, etag)
			}
			seen[etag] = enc
		}
	}
}

func TestWeb_Headers(t *testing.T) {
	url, c := startWeb(t, testWebFS(t))

	t.Run("page keeps its policies", func(t *testing.T) {
		resp, _ := get(t, c, "GET", url+"/agent", "Accept-Encoding", "br")
		if got := resp.Header.Get("Content-Security-Policy"); got != cspPage {
			t.Errorf("GET /agent: Content-Security-Policy %q, want %q", got, cspPage)
		}
		if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("GET /agent: X-Frame-Options %q, want DENY", got)
		}
		resp, body := get(t, c, "GET", url+"/widget/frame", "Accept-Encoding", "br, gzip")
		if got := resp.Header.Get("Content-Security-Policy"); got != cspWidgetFrame {
			t.Errorf("GET /widget/frame: Content-Security-Policy %q, want %q", got, cspWidgetFrame)
		}
		if got := resp.Header.Get("Content-Encoding"); got != "" || string(body) != "<!doctype html><title>Chat</title>" {
			t.Errorf("GET /widget/frame (no copies) = Content-Encoding %q, body %q; want the plain file", got, body)
		}
	})

	t.Run("widget loader may be fetched from any site", func(t *testing.T) {
		resp, _ := get(t, c, "GET", url+"/widget.js", "Accept-Encoding", "gzip")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET /widget.js: Access-Control-Allow-Origin %q, want *", got)
		}
	})

	t.Run("HEAD", func(t *testing.T) {
		for _, enc := range []string{"", "gzip", "br"} {
			_, full := get(t, c, "GET", url+"/assets/app-Ab12.js", "Accept-Encoding", enc)
			resp, body := get(t, c, "HEAD", url+"/assets/app-Ab12.js", "Accept-Encoding", enc)
			if resp.StatusCode != http.StatusOK || len(body) != 0 {
				t.Errorf("HEAD with Accept-Encoding %q = %d with %d bytes, want 200 without a body", enc, resp.StatusCode, len(body))
			}
			if got := resp.Header.Get("Content-Encoding"); got != enc {
				t.Errorf("HEAD with Accept-Encoding %q: Content-Encoding %q", enc, got)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(full)) {
				t.Errorf("HEAD with Accept-Encoding %q: Content-Length %s, GET's body has %d bytes", enc, got, len(full))
			}
		}
	})

	t.Run("revalidation", func(t *testing.T) {
		resp, _ := get(t, c, "GET", url+"/widget.js", "Accept-Encoding", "br")
		etag := resp.Header.Get("ETag")
		resp, body := get(t, c, "GET", url+"/widget.js", "Accept-Encoding", "br", "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("GET /widget.js with If-None-Match of its brotli ETag = %d with %d bytes, want 304", resp.StatusCode, len(body))
		}
		// The brotli copy's ETag does not validate the gzip one.
		resp, body = get(t, c, "GET", url+"/widget.js", "Accept-Encoding", "gzip", "If-None-Match", etag)
		if resp.StatusCode != http.StatusOK || uncompressed(t, resp.Header.Get("Content-Encoding"), body) != plainJS {
			t.Errorf("GET /widget.js for gzip with the brotli ETag = %d, want 200 and the file", resp.StatusCode)
		}
	})

	t.Run("range", func(t *testing.T) {
		resp, body := get(t, c, "GET", url+"/assets/app-Ab12.js", "Range", "bytes=0-9")
		if resp.StatusCode != http.StatusPartialContent || string(body) != plainJS[:10] {
			t.Errorf("GET bytes=0-9 of the plain file = %d %q, want 206 %q", resp.StatusCode, body, plainJS[:10])
		}
		resp, body = get(t, c, "GET", url+"/assets/app-Ab12.js", "Range", "bytes=0-9", "Accept-Encoding", "br")
		if resp.StatusCode != http.StatusOK || uncompressed(t, resp.Header.Get("Content-Encoding"), body) != plainJS {
			t.Errorf("GET bytes=0-9 for brotli = %d with %d bytes, want 200 and the whole copy", resp.StatusCode, len(body))
		}
	})

	t.Run("missing", func(t *testing.T) {
		for _, p := range []string{"/assets/gone-Zz99.js", "/assets/", "/assets/nested"} {
			resp, _ := get(t, c, "GET", url+p, "Accept-Encoding", "br, gzip")
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
			}
		}
	})
}

func TestWeb_NotBuilt(t *testing.T) {
	url, c := startWeb(t, fstest.MapFS{".gitkeep": {}})
	for _, p := range []string{"/agent", "/widget/frame", "/widget.js"} {
		resp, body := get(t, c, "GET", url+p, "Accept-Encoding", "br, gzip")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "make") {
			t.Errorf("GET %s without a build = %d %q, want 503 saying to run make", p, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Content-Encoding"); got != "" {
			t.Errorf("GET %s without a build: Content-Encoding %q", p, got)
		}
	}
}
