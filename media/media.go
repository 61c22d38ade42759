// Package media knows the kinds of files Skranke accepts as attachments
// (R12: text, PDF and images) and decides what a file is by its content,
// never by its name or the type a client claims: the magic bytes at its
// start, read by github.com/gabriel-vasile/mimetype. It also reads images'
// sizes and makes their thumbnails (thumbnail.go), with limits that refuse
// a decompression bomb before it is decoded.
//
// Nothing that can carry script is an accepted type: HTML, SVG, XML,
// JavaScript and the like are refused, and so is any type not in the
// table below (executables, archives, office documents).
package media

import (
	"mime"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// HeadSize is how much of a file's start Detect needs to decide its type.
const HeadSize = 3072

// Type is an accepted media type and what Skranke does with its files.
type Type struct {
	Name string // the media type, as served: "image/png"
	// Exts are the file name extensions that fit the type, the usual one
	// first; a file's name is given the usual one when its own does not fit.
	Exts []string
	// Text types are checked to be text throughout, not only at the start.
	Text bool
	// Image types are images; Decodable ones the server can decode (for
	// their size and a thumbnail). The others (HEIC, AVIF) are kept and
	// served as they are, without a thumbnail.
	Image, Decodable bool
}

// textExts are the extensions a plain text file may keep.
var textExts = []string{".txt", ".text", ".log", ".md", ".csv", ".tsv", ".json", ".ini", ".cfg", ".conf", ".yaml", ".yml", ".srt", ".vtt"}

// types are the accepted types, by the name mimetype gives them.
var types = map[string]Type{
	"image/jpeg":                {Name: "image/jpeg", Exts: []string{".jpg", ".jpeg", ".jfif", ".jpe"}, Image: true, Decodable: true},
	"image/png":                 {Name: "image/png", Exts: []string{".png"}, Image: true, Decodable: true},
	"image/apng":                {Name: "image/apng", Exts: []string{".png", ".apng"}, Image: true, Decodable: true},
	"image/gif":                 {Name: "image/gif", Exts: []string{".gif"}, Image: true, Decodable: true},
	"image/webp":                {Name: "image/webp", Exts: []string{".webp"}, Image: true, Decodable: true},
	"image/bmp":                 {Name: "image/bmp", Exts: []string{".bmp", ".dib"}, Image: true, Decodable: true},
	"image/tiff":                {Name: "image/tiff", Exts: []string{".tif", ".tiff"}, Image: true, Decodable: true},
	"image/heic":                {Name: "image/heic", Exts: []string{".heic"}, Image: true},
	"image/heic-sequence":       {Name: "image/heic-sequence", Exts: []string{".heics", ".heic"}, Image: true},
	"image/heif":                {Name: "image/heif", Exts: []string{".heif", ".heic"}, Image: true},
	"image/heif-sequence":       {Name: "image/heif-sequence", Exts: []string{".heifs", ".heif"}, Image: true},
	"image/avif":                {Name: "image/avif", Exts: []string{".avif"}, Image: true},
	"application/pdf":           {Name: "application/pdf", Exts: []string{".pdf"}},
	"text/plain":                {Name: "text/plain", Exts: textExts, Text: true},
	"text/csv":                  {Name: "text/csv", Exts: []string{".csv", ".txt"}, Text: true},
	"text/tab-separated-values": {Name: "text/tab-separated-values", Exts: []string{".tsv", ".tab", ".txt"}, Text: true},
	"application/json":          {Name: "application/json", Exts: []string{".json", ".txt"}, Text: true},
}

// Detected is what Detect found a file to be.
type Detected struct {
	Type Type
	// Charset is the character set of a text type as its start shows it
	// ("utf-8", "iso-8859-1", "utf-16le"), "" if not known.
	Charset string
	// Found is the media type the content has, accepted or not, for
	// messages and logs ("application/vnd.microsoft.portable-executable").
	Found string
}

// Detect decides what a file is from head, its first HeadSize bytes (or
// all of it, if shorter), and reports whether it is an accepted type.
func Detect(head []byte) (Detected, bool) {
	m := mimetype.Detect(head)
	name, params, err := mime.ParseMediaType(m.String())
	if err != nil {
		name = m.String()
	}
	d := Detected{Found: name, Charset: params["charset"]}
	t, ok := types[name]
	if !ok {
		return d, false
	}
	d.Type = t
	return d, true
}

// FixName returns name (cleaned already) with an extension that fits t: its
// own if it is one of t's, else t's usual one in its place (a short
// alphanumeric extension is taken to be one) or after it. So a PNG named
// report.pdf becomes report.png, and a text named page.html page.txt, and
// the system that opens the download opens what the file is.
func FixName(name string, t Type) string {
	ext := path.Ext(name)
	for _, e := range t.Exts {
		if strings.EqualFold(ext, e) {
			return name
		}
	}
	stem := name
	if isExt(ext) && len(ext) < len(name) {
		stem = strings.TrimSuffix(name, ext)
	}
	return stem + t.Exts[0]
}

// isExt reports whether ext looks like a file name extension: a dot and 1–5
// letters or digits.
func isExt(ext string) bool {
	if len(ext) < 2 || len(ext) > 6 {
		return false
	}
	for _, r := range ext[1:] {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
