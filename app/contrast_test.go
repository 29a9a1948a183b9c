package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// contrastRatio is the WCAG contrast ratio of two colours.
func contrastRatio(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	ch := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}

// TestThemeTextColoursAreReadable: every colour text is written in — the
// normal text, errors, success messages, warnings, placeholders, links —
// stands out at least 4.5:1 from every background it is written on
// (WCAG 1.4.3), in the normal theme and in high contrast; so does the text
// on coloured buttons. Disabled controls are exempt, as WCAG says.
func TestThemeTextColoursAreReadable(t *testing.T) {
	texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameError, theme.ColorNameSuccess,
		theme.ColorNameWarning, theme.ColorNamePlaceHolder, theme.ColorNameHyperlink, theme.ColorNamePrimary}
	backgrounds := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground,
		theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground}
	onColours := map[fyne.ThemeColorName]fyne.ThemeColorName{theme.ColorNamePrimary: theme.ColorNameForegroundOnPrimary,
		theme.ColorNameError: theme.ColorNameForegroundOnError, theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess,
		theme.ColorNameWarning: theme.ColorNameForegroundOnWarning}
	for _, contrast := range []bool{false, true} {
		th := &kabinetTheme{contrast: contrast}
		v := theme.VariantLight
		for _, fg := range texts {
			for _, bg := range backgrounds {
				if r := contrastRatio(th.Color(fg, v), th.Color(bg, v)); r < 4.5 {
					t.Errorf("high contrast %v: %s on %s is %.1f:1", contrast, fg, bg, r)
				}
			}
		}
		for bg, fg := range onColours {
			if r := contrastRatio(th.Color(fg, v), th.Color(bg, v)); r < 4.5 {
				t.Errorf("high contrast %v: %s on %s is %.1f:1", contrast, fg, bg, r)
			}
		}
	}
}
