// Package assets holds the files the app embeds: translations and icons.
package assets

import "embed"

// Translations are the app's strings: ru.json (the source language) and
// en.json, for fyne.io/fyne/v2/lang.
//
//go:embed translations/*.json
var Translations embed.FS
