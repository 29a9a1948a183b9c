//go:build ci || wasm || js || android || ios || mobile

package app

// workArea is unknown without GLFW.
func workArea() (w, h int, ok bool) { return 0, 0, false }
