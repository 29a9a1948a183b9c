// Package appconfig keeps the app's settings of this computer: the portal
// address, whether it is a home or a public computer, text size and
// contrast. They describe the computer, not the customer: no personal data
// is kept here, so they may stay after a public session ends.
//
// An installer or a librarian can ship a preset (portal address, public
// mode) in kabinet.json beside the program or in the system-wide folder.
package appconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Settings are this computer's choices.
type Settings struct {
	Portal string `json:"portal"`
	// Public is the public-computer mode (library, public-access centre).
	Public bool `json:"public"`
	// Chosen is set once the person (or a preset) answered the first-start
	// questions.
	Chosen bool `json:"chosen"`
	// TextSize is 0 (normal), 1 (large) or 2 (largest, twice the normal).
	TextSize int `json:"text_size"`
	// HighContrast is black on white with strong borders.
	HighContrast bool `json:"high_contrast"`
	// WindowWidth and WindowHeight are the window's size when it was last
	// closed (0: not yet known); the window opens at it again.
	WindowWidth  float32 `json:"window_width,omitempty"`
	WindowHeight float32 `json:"window_height,omitempty"`
	// ReadingReminders: remind on this (home) computer, while the app runs,
	// to send the readings; off unless the person turns it on, never used
	// in public mode.
	ReadingReminders bool `json:"reading_reminders,omitempty"`
	// ReminderSlot is the last reminder shown («2026-12-25/closing»), so a
	// restart does not show it again. A date, no personal data.
	ReminderSlot string `json:"reminder_slot,omitempty"`
}

// presetName is the file an installer ships.
const presetName = "kabinet.json"

// PresetPaths are where a preset is looked for, first match wins: beside
// the program, then the system-wide folder.
func PresetPaths() []string {
	var paths []string
	if exe, err := os.Executable(); err == nil {
		paths = append(paths, filepath.Join(filepath.Dir(exe), presetName))
	}
	if runtime.GOOS == "windows" {
		if pd := os.Getenv("ProgramData"); pd != "" {
			paths = append(paths, filepath.Join(pd, "Kabinet", presetName))
		}
	} else {
		paths = append(paths, filepath.Join("/etc/kabinet", presetName))
	}
	return paths
}

// DefaultPath is the settings file of this OS user.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "kabinet", "settings.json"), nil
}

// Load reads the settings at path, filling what is missing from the first
// preset found. A missing file is no error.
func Load(path string, presets []string) (Settings, error) {
	var s Settings
	for _, p := range presets {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var preset Settings
		if err := json.Unmarshal(b, &preset); err != nil {
			return s, fmt.Errorf("%s: %w", p, err)
		}
		s = preset
		// A preset that names a computer kind answers the question for it.
		s.Chosen = s.Chosen || preset.Portal != "" && presetNamesKind(b)
		break
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		// A damaged settings file only costs the person the first-start
		// questions again.
		return Settings{Portal: s.Portal, Public: s.Public}, nil
	}
	return s, nil
}

func presetNamesKind(b []byte) bool {
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	_, ok := m["public"]
	return ok
}

// Save writes the settings (0600 in a 0700 folder), atomically.
func Save(path string, s Settings) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
