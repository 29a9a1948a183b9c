//go:build !windows

package shutdown

// watchSession: on other systems the end of the user's session arrives as
// SIGTERM (systemd, the display manager), which Watch already handles.
func watchSession(ended func()) (stop func()) { return func() {} }
