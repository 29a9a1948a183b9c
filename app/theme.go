package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// textScales are the three text sizes: normal, large, and twice the normal.
var textScales = [...]float32{1, 1.5, 2}

// kabinetTheme wraps Fyne's default theme with the two settings an elderly
// reader needs: larger text (everything that holds text grows with it, so
// controls stay at least 44 px high in large mode) and high contrast
// (black on white, 21:1, with a thick yellow-and-black focus ring).
type kabinetTheme struct {
	size     int // index into textScales
	contrast bool
}

func (t *kabinetTheme) scale() float32 { return textScales[max(0, min(t.size, len(textScales)-1))] }

func (t *kabinetTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if !t.contrast {
		// Our normal look is the light one: it prints and reads better for
		// older eyes than a dark default some systems choose.
		return theme.DefaultTheme().Color(n, theme.VariantLight)
	}
	black, white := color.Black, color.White
	switch n {
	case theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground:
		return white
	case theme.ColorNameForeground, theme.ColorNameInputBorder, theme.ColorNameSeparator, theme.ColorNameScrollBar:
		return black
	case theme.ColorNameButton:
		return color.NRGBA{0xE6, 0xE6, 0xE6, 0xFF}
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return color.NRGBA{0x00, 0x00, 0x99, 0xFF} // dark blue on white: 12:1
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnSuccess:
		return white
	case theme.ColorNameForegroundOnWarning:
		return black
	case theme.ColorNameFocus:
		return color.NRGBA{0xFF, 0xB0, 0x00, 0xFF}
	case theme.ColorNameHover:
		return color.NRGBA{0xFF, 0xE0, 0x80, 0xFF}
	case theme.ColorNameSelection:
		return color.NRGBA{0xFF, 0xD8, 0x4D, 0xFF}
	case theme.ColorNameError:
		return color.NRGBA{0xA0, 0x00, 0x00, 0xFF} // 8.6:1 on white
	case theme.ColorNameSuccess:
		return color.NRGBA{0x00, 0x5A, 0x00, 0xFF}
	case theme.ColorNameWarning:
		return color.NRGBA{0xFF, 0xC0, 0x00, 0xFF}
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		return color.NRGBA{0x40, 0x40, 0x40, 0xFF} // 10:1
	case theme.ColorNameDisabledButton:
		return color.NRGBA{0xCC, 0xCC, 0xCC, 0xFF}
	case theme.ColorNameShadow:
		return color.NRGBA{0, 0, 0, 0x66}
	}
	_ = black
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (t *kabinetTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (t *kabinetTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *kabinetTheme) Size(n fyne.ThemeSizeName) float32 {
	base := theme.DefaultTheme().Size(n)
	switch n {
	case theme.SizeNameText:
		// 15 rather than 14: the normal size is already meant for older eyes.
		return 15 * t.scale()
	case theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText,
		theme.SizeNameInlineIcon, theme.SizeNameInnerPadding, theme.SizeNameLineSpacing, theme.SizeNamePadding:
		return base * t.scale()
	case theme.SizeNameInputBorder, theme.SizeNameSelectionRadius, theme.SizeNameInputRadius:
		if t.contrast {
			return base * 2
		}
	}
	return base
}
