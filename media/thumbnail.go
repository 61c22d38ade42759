package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Limits on the images the server decodes: a larger one is refused before
// it is decoded (a decompression bomb is a few KB that claim a huge
// canvas). 50 megapixels is more than any phone saves by default; decoding
// it takes at most 200 MB (four bytes a pixel), one image at a time (the
// caller's semaphore).
const (
	MaxPixels = 50_000_000
	MaxSide   = 20_000
)

// ThumbnailSize is the longest side of a thumbnail, in pixels: twice the
// size the clients show them at, for sharp screens.
const ThumbnailSize = 480

// Errors of Size and Thumbnail.
var (
	// ErrTooManyPixels: the image claims more than MaxPixels or a side
	// over MaxSide.
	ErrTooManyPixels = errors.New("the image has too many pixels")
	// ErrDamaged: the image cannot be read as its type.
	ErrDamaged = errors.New("the image cannot be read")
)

// decoders are the decoders of the decodable types, by media type.
var decoders = map[string]struct {
	decode func(io.Reader) (image.Image, error)
	config func(io.Reader) (image.Config, error)
}{
	"image/jpeg": {jpeg.Decode, jpeg.DecodeConfig},
	"image/png":  {png.Decode, png.DecodeConfig},
	"image/apng": {png.Decode, png.DecodeConfig}, // the first frame
	"image/gif":  {gif.Decode, gif.DecodeConfig}, // the first frame
	"image/webp": {webp.Decode, webp.DecodeConfig},
	"image/bmp":  {bmp.Decode, bmp.DecodeConfig},
	"image/tiff": {tiff.Decode, tiff.DecodeConfig},
}

// Size reads the size of the image in r (of decodable type t) from its
// header, as shown (turned by its orientation), without decoding it. It
// refuses an image over the limits with ErrTooManyPixels, and one whose
// header cannot be read with ErrDamaged.
func Size(r io.ReadSeeker, t Type) (width, height int, err error) {
	d, ok := decoders[t.Name]
	if !ok {
		return 0, 0, fmt.Errorf("size of %s: not decodable", t.Name)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	cfg, err := d.config(r)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return cfg.Width, cfg.Height, ErrTooManyPixels
	}
	width, height = cfg.Width, cfg.Height
	if t.Name == "image/jpeg" {
		if o := orientation(r); o >= 5 {
			width, height = height, width
		}
	}
	return width, height, nil
}

// Thumbnail decodes the image in r (of decodable type t, checked by Size
// first) and returns a thumbnail of it: at most ThumbnailSize on its longer
// side, turned as its EXIF orientation says (photos from phones), as JPEG,
// or PNG when it has transparency. typ is the thumbnail's media type.
func Thumbnail(r io.ReadSeeker, t Type) (data []byte, typ string, err error) {
	if _, _, err := Size(r, t); err != nil {
		return nil, "", err
	}
	o := 1
	if t.Name == "image/jpeg" {
		o = orientation(r)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	img, err := decoders[t.Name].decode(r)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	small := scale(img, ThumbnailSize)
	img = nil // let the full image go before encoding
	out := orient(small, o)
	var b bytes.Buffer
	if out.Opaque() {
		err, typ = jpeg.Encode(&b, out, &jpeg.Options{Quality: 82}), "image/jpeg"
	} else {
		err, typ = png.Encode(&b, out), "image/png"
	}
	if err != nil {
		return nil, "", fmt.Errorf("encode thumbnail: %w", err)
	}
	return b.Bytes(), typ, nil
}

// scale returns img reduced to fit in max×max (never enlarged): first by
// averaging whole blocks of pixels down to at most twice the size (cheap,
// and it removes the aliasing a plain resampling of a large photo shows),
// then by bilinear resampling to the size.
func scale(img image.Image, max int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w > max || h > max {
		if w >= h {
			tw, th = max, maxInt(1, h*max/w)
		} else {
			tw, th = maxInt(1, w*max/h), max
		}
	}
	src := img
	if k := min(w/(2*tw), h/(2*th)); k >= 2 {
		src = boxReduce(img, k)
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	return dst
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// boxReduce returns img with each k×k block of pixels averaged into one
// (premultiplied, so transparent pixels do not darken their neighbours).
func boxReduce(img image.Image, k int) *image.RGBA {
	if m, ok := img.(*image.YCbCr); ok {
		return boxReduceYCbCr(m, k)
	}
	b := img.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	sums := make([][4]uint32, w)
	n := uint32(k * k)
	at := pixelReader(img)
	for oy := range h {
		clear(sums)
		for dy := range k {
			y := b.Min.Y + oy*k + dy
			for ox := range w {
				s := &sums[ox]
				for dx := range k {
					r, g, bl, a := at(b.Min.X+ox*k+dx, y)
					s[0] += r
					s[1] += g
					s[2] += bl
					s[3] += a
				}
			}
		}
		for ox := range w {
			s := sums[ox]
			i := out.PixOffset(ox, oy)
			out.Pix[i+0] = uint8(s[0] / n)
			out.Pix[i+1] = uint8(s[1] / n)
			out.Pix[i+2] = uint8(s[2] / n)
			out.Pix[i+3] = uint8(s[3] / n)
		}
	}
	return out
}

// boxReduceYCbCr is boxReduce for a JPEG's image: it averages the Y, Cb
// and Cr samples and converts each block once (the conversion is affine, so
// this is the average of the converted pixels).
func boxReduceYCbCr(m *image.YCbCr, k int) *image.RGBA {
	b := m.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	sums := make([][3]uint32, w)
	n := uint32(k * k)
	for oy := range h {
		clear(sums)
		for dy := range k {
			y := b.Min.Y + oy*k + dy
			for ox := range w {
				s := &sums[ox]
				x0 := b.Min.X + ox*k
				yi := m.YOffset(x0, y)
				for dx := range k {
					s[0] += uint32(m.Y[yi+dx])
					ci := m.COffset(x0+dx, y)
					s[1] += uint32(m.Cb[ci])
					s[2] += uint32(m.Cr[ci])
				}
			}
		}
		for ox := range w {
			s := sums[ox]
			r, g, bl := color.YCbCrToRGB(uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n))
			i := out.PixOffset(ox, oy)
			out.Pix[i+0], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = r, g, bl, 255
		}
	}
	return out
}

// pixelReader returns a function that gives img's pixel at x, y as 8-bit
// premultiplied RGBA, fast for the images the decoders make most often.
func pixelReader(img image.Image) func(x, y int) (r, g, b, a uint32) {
	switch m := img.(type) {
	case *image.YCbCr: // JPEG
		return func(x, y int) (uint32, uint32, uint32, uint32) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			r, g, b := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			return uint32(r), uint32(g), uint32(b), 255
		}
	case *image.RGBA:
		return func(x, y int) (uint32, uint32, uint32, uint32) {
			i := m.PixOffset(x, y)
			return uint32(m.Pix[i]), uint32(m.Pix[i+1]), uint32(m.Pix[i+2]), uint32(m.Pix[i+3])
		}
	case *image.NRGBA: // PNG with transparency, WebP
		return func(x, y int) (uint32, uint32, uint32, uint32) {
			i := m.PixOffset(x, y)
			a := uint32(m.Pix[i+3])
			return uint32(m.Pix[i]) * a / 255, uint32(m.Pix[i+1]) * a / 255, uint32(m.Pix[i+2]) * a / 255, a
		}
	case *image.Gray:
		return func(x, y int) (uint32, uint32, uint32, uint32) {
			v := uint32(m.Pix[m.PixOffset(x, y)])
			return v, v, v, 255
		}
	}
	return func(x, y int) (uint32, uint32, uint32, uint32) {
		r, g, b, a := img.At(x, y).RGBA()
		return r >> 8, g >> 8, b >> 8, a >> 8
	}
}

// orient returns img turned as EXIF orientation o (1–8) says it is to be
// shown.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			var nx, ny int
			switch o {
			case 2: // mirrored
				nx, ny = w-1-x, y
			case 3: // upside down
				nx, ny = w-1-x, h-1-y
			case 4: // mirrored upside down
				nx, ny = x, h-1-y
			case 5: // transposed
				nx, ny = y, x
			case 6: // to be turned 90° clockwise (a phone held upright)
				nx, ny = h-1-y, x
			case 7: // transversed
				nx, ny = h-1-y, w-1-x
			case 8: // to be turned 90° anticlockwise
				nx, ny = y, w-1-x
			}
			copy(out.Pix[out.PixOffset(nx, ny):][:4], img.Pix[img.PixOffset(x, y):][:4])
		}
	}
	return out
}

// orientation returns the EXIF orientation (1–8) of the JPEG in r, or 1
// when it has none that can be read. It reads at most the first 128 KiB.
func orientation(r io.ReadSeeker) int {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 1
	}
	head := make([]byte, 128<<10)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	if len(head) < 4 || head[0] != 0xFF || head[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(head); {
		if head[i] != 0xFF {
			return 1
		}
		marker := head[i+1]
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // the image data: no EXIF after it
			return 1
		}
		size := int(binary.BigEndian.Uint16(head[i+2:]))
		if size < 2 || i+2+size > len(head) {
			return 1
		}
		seg := head[i+4 : i+2+size]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return exifOrientation(seg[6:])
		}
		i += 2 + size
	}
	return 1
}

// exifOrientation reads tag 0x0112 of IFD0 from a TIFF structure.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for i := range n {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // orientation, SHORT
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}
