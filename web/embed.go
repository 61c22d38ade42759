// Package web holds Skranke's built front end: the agent desktop, the admin
// pages, the customer widget and the demo page, built by Vite from src/ into
// dist/ and embedded in the binary. Only dist/.gitkeep is committed, so the
// Go build works without Node; a binary built that way serves a page saying
// the front end was not built.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built files, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic("web: " + err.Error()) // dist is always embedded
	}
	return sub
}
