package main

import (
	"os"
	"syscall"
	"unsafe"
)

// messageBox shows a Windows message box: it needs no OpenGL.
func messageBox(title, text string) {
	user32 := syscall.NewLazyDLL("user32.dll")
	proc := user32.NewProc("MessageBoxW")
	t, _ := syscall.UTF16PtrFromString(title)
	m, _ := syscall.UTF16PtrFromString(text)
	const iconWarning = 0x30
	proc.Call(0, uintptr(unsafe.Pointer(m)), uintptr(unsafe.Pointer(t)), iconWarning)
}

// useParentConsole connects the standard streams to the console of the
// command prompt the program was started from. kabinet.exe is built as a
// GUI program (no console window flashes up when a person double-clicks
// it), so Windows gives it no console; without this, `kabinet help` typed
// in cmd.exe would print nothing. Streams already redirected to a file or a
// pipe are left alone.
func useParentConsole() {
	if _, err := os.Stdout.Stat(); err == nil {
		return
	}
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = out, out
	}
	if in, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
		os.Stdin = in
	}
}
