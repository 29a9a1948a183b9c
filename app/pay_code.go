package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"kabinet/internal/gostqr"
)

// payCode is the QR code of text (the payment page's address) about side
// units wide on a canvas of the given scale, drawn as the bill's code is
// (gostqr): dark modules on white in every theme (many scanners fail on
// inverted codes), the quiet zone of four modules, each module a whole
// number of screen pixels (at least 2), without smoothing.
func payCode(text string, side float32, scale float32) (*canvas.Image, error) {
	if scale <= 0 {
		scale = 1
	}
	code, err := gostqr.Encode(text)
	if err != nil {
		return nil, err
	}
	px := max(int(side*scale)/code.Size(), 2)
	c := canvas.NewImageFromImage(code.Image(px))
	c.ScaleMode = canvas.ImageScalePixels
	c.FillMode = canvas.ImageFillContain
	units := float32(code.Size()*px) / scale
	c.SetMinSize(fyne.NewSize(units, units))
	return c, nil
}
