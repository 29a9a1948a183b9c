package main

import "testing"

func TestNoWindowRecognisesMissingOpenGL(t *testing.T) {
	for line, want := range map[string]bool{
		"2026/11/27 13:52:40 Fyne error:  window creation error\n":                                                       true,
		"2026/11/27 13:52:40 Fyne error:  failed to initialise GLFW\n":                                                   true,
		"2026/11/27 13:52:40 PlatformError: WGL: Failed to set pixel format for dummy context: Invalid window handle.\n": true,
		"2026/11/27 13:52:40 APIUnavailable: WGL: The driver does not appear to support OpenGL\n":                        true,
		"2026/11/27 13:52:40 VersionUnavailable: GLX: Requested OpenGL version 2.1, got version 1.4\n":                   true,
		"2026/11/27 13:52:40 PlatformError: X11: Failed to convert selection to string\n":                                false,
		"2026/11/27 13:52:40 Fyne error:  Failed to open URL\n":                                                          false,
	} {
		if got := noWindow([]byte(line)); got != want {
			t.Errorf("noWindow(%q) = %v, want %v", line, got, want)
		}
	}
}
