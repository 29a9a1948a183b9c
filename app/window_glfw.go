//go:build !ci && !wasm && !js && !android && !ios && !mobile

package app

import "github.com/go-gl/glfw/v3.3/glfw"

// workArea is the primary screen's work area in pixels; it must run on the
// window's thread (driver.NativeWindow.RunNative), after GLFW started.
func workArea() (w, h int, ok bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return 0, 0, false
	}
	_, _, w, h = m.GetWorkarea()
	return w, h, w > 0 && h > 0
}
