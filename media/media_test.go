package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"regexp"
	"slices"
	"testing"
)

// pngOf encodes a w×h image whose top-left pixel is red and the rest blue.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{0, 0, 255, 255})
		}
	}
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegOf encodes a w×h JPEG whose left third is red and the rest blue,
// with EXIF orientation o (none if 0).
func jpegOf(t *testing.T, w, h, o int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/3 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if o == 0 {
		return b.Bytes()
	}
	// An APP1 segment with a big-endian TIFF header and one IFD0 entry.
	tiffData := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiffData...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, b.Bytes()[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, b.Bytes()[2:]...)
}

// bombPNG is a PNG header that claims w×h pixels, and nothing more.
func bombPNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		want  string // accepted type, "" if refused
		found string
	}{
		{"png", pngOf(t, 3, 2), "image/png", "image/png"},
		{"jpeg", jpegOf(t, 9, 6, 0), "image/jpeg", "image/jpeg"},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n"), "application/pdf", "application/pdf"},
		{"text", []byte("Hello, the order is late.\n"), "text/plain", "text/plain"},
		{"csv", []byte("a,b,c\n1,2,3\n4,5,6\n"), "text/csv", "text/csv"},
		{"json", []byte(`{"order": 4711}`), "application/json", "application/json"},
		{"windows executable", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "", "application/vnd.microsoft.portable-executable"},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00"), "", "application/x-elf"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), "", "text/html"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "image/svg+xml"},
		{"shell script", []byte("#!/bin/sh\nrm -rf /\n"), "", "text/x-shellscript"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "", "application/zip"},
		{"binary", []byte{0, 1, 2, 3, 4, 5}, "", "application/octet-stream"},
		// Polyglots are what their start says: a PNG with HTML after it is
		// a PNG (and served as one, never as HTML); HTML with a PNG after
		// it is HTML, and refused.
		{"png then html", append(pngOf(t, 3, 2), "<html><script>alert(1)</script></html>"...), "image/png", "image/png"},
		{"html then png", append([]byte("<html><script>alert(1)</script>"), pngOf(t, 3, 2)...), "", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := Detect(tt.data)
			if ok != (tt.want != "") || (ok && d.Type.Name != tt.want) || d.Found != tt.found {
				t.Errorf("Detect(%s) = %+v, %v; want type %q, found %q", tt.name, d, ok, tt.want, tt.found)
			}
		})
	}
}

func TestFixName(t *testing.T) {
	png, text, jpg := types["image/png"], types["text/plain"], types["image/jpeg"]
	for _, tt := range []struct {
		name string
		t    Type
		want string
	}{
		{"cat.png", png, "cat.png"},
		{"cat.PNG", png, "cat.PNG"},
		{"report.pdf", png, "report.png"},
		{"photo", jpg, "photo.jpg"},
		{"photo.jpeg", jpg, "photo.jpeg"},
		{"page.html", text, "page.txt"},
		{"notes.md", text, "notes.md"},
		{"v1.2 release notes", text, "v1.2 release notes.txt"},
		{".png", jpg, ".png.jpg"},
	} {
		if got := FixName(tt.name, tt.t); got != tt.want {
			t.Errorf("FixName(%q, %s) = %q, want %q", tt.name, tt.t.Name, got, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	w, h, err := Size(bytes.NewReader(pngOf(t, 30, 20)), types["image/png"])
	if err != nil || w != 30 || h != 20 {
		t.Errorf("Size(30×20 PNG) = %d, %d, %v", w, h, err)
	}
	w, h, err = Size(bytes.NewReader(jpegOf(t, 30, 20, 6)), types["image/jpeg"])
	if err != nil || w != 20 || h != 30 {
		t.Errorf("Size(30×20 JPEG turned by EXIF 6) = %d, %d, %v; want 20×30", w, h, err)
	}
	for _, dims := range [][2]uint32{{100_000, 100_000}, {MaxSide + 1, 10}, {10_000, 5_001}} {
		if _, _, err := Size(bytes.NewReader(bombPNG(dims[0], dims[1])), types["image/png"]); !errors.Is(err, ErrTooManyPixels) {
			t.Errorf("Size(a PNG claiming %d×%d) = %v, want ErrTooManyPixels", dims[0], dims[1], err)
		}
	}
	if _, _, err := Thumbnail(bytes.NewReader(bombPNG(30_000, 30_000)), types["image/png"]); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("Thumbnail(a bomb) = %v, want ErrTooManyPixels", err)
	}
	// A GIF header of 10×10 pixels with a script where the image should be.
	gifScript := []byte("GIF89a\x0a\x00\x0a\x00\x00\x00\x00<script>alert(1)</script>")
	if _, _, err := Thumbnail(bytes.NewReader(gifScript), types["image/gif"]); !errors.Is(err, ErrDamaged) {
		t.Errorf("Thumbnail(a GIF header and a script) = %v, want ErrDamaged", err)
	}
}

func TestThumbnail(t *testing.T) {
	data, typ, err := Thumbnail(bytes.NewReader(pngOf(t, 1200, 600)), types["image/png"])
	if err != nil || typ != "image/jpeg" {
		t.Fatalf("Thumbnail(1200×600 PNG) = %d bytes, %q, %v", len(data), typ, err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != ThumbnailSize || b.Dy() != ThumbnailSize/2 {
		t.Errorf("thumbnail of 1200×600 is %v, want %d×%d", b, ThumbnailSize, ThumbnailSize/2)
	}

	// A photo taken upright: stored 60×20 (red on the left), to be turned
	// clockwise, so shown 20×60 with the red at the top.
	data, _, err = Thumbnail(bytes.NewReader(jpegOf(t, 60, 20, 6)), types["image/jpeg"])
	if err != nil {
		t.Fatal(err)
	}
	img, _ = jpeg.Decode(bytes.NewReader(data))
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 60 {
		t.Fatalf("thumbnail of a 60×20 photo with orientation 6 is %v, want 20×60", b)
	}
	if r, _, bl, _ := img.At(10, 5).RGBA(); r < bl {
		t.Errorf("turned thumbnail: the top is not red (r %d, b %d)", r>>8, bl>>8)
	}
	if r, _, bl, _ := img.At(10, 55).RGBA(); r > bl {
		t.Errorf("turned thumbnail: the bottom is not blue (r %d, b %d)", r>>8, bl>>8)
	}

	// Transparency is kept, as PNG.
	img2 := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	var b bytes.Buffer
	png.Encode(&b, img2)
	if _, typ, err := Thumbnail(bytes.NewReader(b.Bytes()), types["image/png"]); err != nil || typ != "image/png" {
		t.Errorf("Thumbnail(transparent PNG) = %q, %v; want image/png", typ, err)
	}
}

// BenchmarkThumbnail makes the thumbnail of a 12-megapixel photo.
func BenchmarkThumbnail(b *testing.B) {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Thumbnail(bytes.NewReader(buf.Bytes()), types["image/jpeg"]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAcceptedInTheBrowser checks that the browser's list of accepted
// types (web/src/common/files.ts, which refuses files before they are
// uploaded) is this package's: a type missing there would be refused
// before the server could take it, one too many uploaded to be refused.
func TestAcceptedInTheBrowser(t *testing.T) {
	src, err := os.ReadFile("../web/src/common/files.ts")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)const acceptedTypes = new Set\(\[(.*?)\]\)`).FindSubmatch(src)
	if block == nil {
		t.Fatal("files.ts has no acceptedTypes set")
	}
	var browser []string
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(block[1], -1) {
		browser = append(browser, string(m[1]))
	}
	var server []string
	for name := range types {
		server = append(server, name)
	}
	slices.Sort(browser)
	slices.Sort(server)
	if !slices.Equal(browser, server) {
		t.Errorf("files.ts accepts %v; the server accepts %v", browser, server)
	}
}
