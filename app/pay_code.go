package app

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/boombuler/barcode/qr"
)

// payCodeQuiet is the light margin around the code, in modules: scanners
// need at least four.
const payCodeQuiet = 4

// payCodeImage draws text as a QR code: dark modules on white in every
// theme (many scanners fail on inverted codes), a quiet zone of four
// modules, each module px×px pixels. It returns the image and its side in
// modules.
func payCodeImage(text string, px int) (image.Image, int, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, 0, err
	}
	n := code.Bounds().Dx()
	side := n + 2*payCodeQuiet
	img := image.NewGray(image.Rect(0, 0, side*px, side*px))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r >= 0x8000 {
				continue
			}
			for dy := 0; dy < px; dy++ {
				row := ((y+payCodeQuiet)*px + dy) * img.Stride
				for dx := 0; dx < px; dx++ {
					img.Pix[row+(x+payCodeQuiet)*px+dx] = 0
				}
			}
		}
	}
	return img, side, nil
}

// payCode is the QR code of text about side units wide on a canvas of the
// given scale: each module is a whole number of screen pixels (at least
// 2), drawn without smoothing.
func payCode(text string, side float32, scale float32) (*canvas.Image, error) {
	if scale <= 0 {
		scale = 1
	}
	_, modules, err := payCodeImage(text, 1)
	if err != nil {
		return nil, err
	}
	px := max(int(side*scale)/modules, 2)
	img, _, err := payCodeImage(text, px)
	if err != nil {
		return nil, err
	}
	c := canvas.NewImageFromImage(img)
	c.ScaleMode = canvas.ImageScalePixels
	c.FillMode = canvas.ImageFillContain
	units := float32(modules*px) / scale
	c.SetMinSize(fyne.NewSize(units, units))
	return c, nil
}
