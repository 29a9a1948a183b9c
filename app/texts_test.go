package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// widgetText is the text a widget shows itself.
func widgetText(w fyne.Widget) []string {
	switch v := w.(type) {
	case *widget.Label:
		return []string{v.Text}
	case *widget.Button:
		return []string{v.Text}
	case *widget.Check:
		return []string{v.Text}
	case *widget.Entry:
		return []string{v.Text}
	case *widget.Select:
		return []string{v.Selected}
	case *widget.Card:
		return []string{v.Title, v.Subtitle}
	case *fitCell:
		return []string{v.Text()}
	case *widget.RichText:
		return []string{v.String()}
	}
	return nil
}

// contains reports whether any shown text contains s.
func contains(texts []string, s string) bool {
	for _, t := range texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
