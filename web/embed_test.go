package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"path"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestDist_Precompressed checks the real build (make web): every text file
// the server sends, of at least 1 KiB, has a gzip and a brotli copy beside
// it that decodes to exactly the file and is smaller (web/build/precompress.ts
// writes them; httpapi/web.go sends them). Without a build it is skipped.
func TestDist_Precompressed(t *testing.T) {
	dist := Dist()
	if _, err := fs.Stat(dist, "widget.js"); err != nil {
		t.Skip("front end not built (make web)")
	}
	text := map[string]bool{".js": true, ".css": true, ".html": true, ".svg": true, ".json": true, ".map": true}
	checked := 0
	err := fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name == ".vite" {
			return fs.SkipDir // Vite's manifest, never served
		}
		if d.IsDir() || !text[path.Ext(name)] {
			return nil
		}
		plain, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		if len(plain) < 1024 {
			return nil
		}
		checked++
		for _, c := range []struct {
			ext    string
			decode func(io.Reader) (io.Reader, error)
		}{
			{".gz", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
			{".br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
		} {
			packed, err := fs.ReadFile(dist, name+c.ext)
			if err != nil {
				t.Errorf("%s has no %s copy: %v", name, c.ext, err)
				continue
			}
			if len(packed) >= len(plain) {
				t.Errorf("%s%s is %d bytes, not smaller than the file's %d", name, c.ext, len(packed), len(plain))
			}
			r, err := c.decode(bytes.NewReader(packed))
			if err != nil {
				t.Errorf("decode %s%s: %v", name, c.ext, err)
				continue
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Errorf("decode %s%s: %v", name, c.ext, err)
				continue
			}
			if !bytes.Equal(got, plain) {
				t.Errorf("%s%s decodes to %d bytes that differ from the file's %d", name, c.ext, len(got), len(plain))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The widget's loader and frame script at least are large enough.
	if checked < 2 {
		t.Errorf("checked %d files of the build, want the widget's at least", checked)
	}
	for _, name := range []string{"widget.js.br", "widget.js.gz"} {
		if _, err := fs.Stat(dist, name); err != nil {
			t.Errorf("the build has no %s: %v", name, err)
		}
	}
}
