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
		return normalColor(n)
	}
	black, white := color.Black, color.White
	switch n {
	case theme.ColorNameBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground:
		return white
	case theme.ColorNameInputBackground:
		// Grey as a button: a month picker has no border of its own, and on
		// white it read as plain text.
		return color.NRGBA{0xE6, 0xE6, 0xE6, 0xFF}
	case theme.ColorNameForeground, theme.ColorNameInputBorder, theme.ColorNameSeparator, theme.ColorNameScrollBar:
		return black
	case theme.ColorNameButton:
		return color.NRGBA{0xE6, 0xE6, 0xE6, 0xFF}
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return color.NRGBA{0x00, 0x00, 0x99, 0xFF} // dark blue on white: 12:1
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnSuccess:
		return white
	case theme.ColorNameForegroundOnWarning:
		return white
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
		return color.NRGBA{0x6B, 0x3A, 0x00, 0xFF} // dark amber: text on white, white on it
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

// normalColor is our normal look: Fyne's light theme (it prints and reads
// better for older eyes than a dark default some systems choose), with the
// colours text is written in darkened until each stands out at least 4.5:1
// from every background (WCAG 1.4.3): Fyne's own green success text is
// 1.5:1 on white, its red 3.7:1, its placeholders 3.2:1.
func normalColor(n fyne.ThemeColorName) color.Color {
	switch n {
	case theme.ColorNameSuccess:
		return color.NRGBA{0x1B, 0x6E, 0x20, 0xFF} // 5.7:1 on the input grey
	case theme.ColorNameError:
		return color.NRGBA{0xB7, 0x1C, 0x1C, 0xFF}
	case theme.ColorNameWarning:
		return color.NRGBA{0x8A, 0x4B, 0x00, 0xFF}
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return color.NRGBA{0x0D, 0x5B, 0xB5, 0xFF}
	case theme.ColorNamePlaceHolder:
		return color.NRGBA{0x5C, 0x5C, 0x5C, 0xFF}
	case theme.ColorNameForegroundOnWarning:
		return color.White
	}
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
