package appconfig

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPresetFillsFirstStartAndSettingsOverride(t *testing.T) {
	dir := t.TempDir()
	preset := filepath.Join(dir, "kabinet.json")
	os.WriteFile(preset, []byte(`{"portal":"https://lk.example.ru","public":true}`), 0o644)
	path := filepath.Join(dir, "cfg", "settings.json")
	s, err := Load(path, []string{filepath.Join(dir, "missing.json"), preset})
	if err != nil {
		t.Fatal(err)
	}
	if s.Portal != "https://lk.example.ru" || !s.Public || !s.Chosen {
		t.Errorf("from the preset: %+v", s)
	}
	s.TextSize, s.HighContrast = 2, true
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	got, _ := Load(path, []string{preset})
	if got != s {
		t.Errorf("round trip %+v, want %+v", got, s)
	}
}

func TestPresetWithoutKindStillAsks(t *testing.T) {
	dir := t.TempDir()
	preset := filepath.Join(dir, "kabinet.json")
	os.WriteFile(preset, []byte(`{"portal":"https://lk.example.ru"}`), 0o644)
	s, _ := Load(filepath.Join(dir, "settings.json"), []string{preset})
	if s.Chosen || s.Portal == "" {
		t.Errorf("%+v", s)
	}
}

func TestDamagedSettingsAreForgiven(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := Load(path, nil); err != nil {
		t.Errorf("damaged settings: %v", err)
	}
}
