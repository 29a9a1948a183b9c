package shutdown

import (
	"runtime"
	"syscall"
	"unsafe"
)

var (
	user32   = syscall.NewLazyDLL("user32.dll")
	kernel32 = syscall.NewLazyDLL("kernel32.dll")

	procRegisterClassExW           = user32.NewProc("RegisterClassExW")
	procCreateWindowExW            = user32.NewProc("CreateWindowExW")
	procDefWindowProcW             = user32.NewProc("DefWindowProcW")
	procGetMessageW                = user32.NewProc("GetMessageW")
	procTranslateMessage           = user32.NewProc("TranslateMessage")
	procDispatchMessageW           = user32.NewProc("DispatchMessageW")
	procPostMessageW               = user32.NewProc("PostMessageW")
	procDestroyWindow              = user32.NewProc("DestroyWindow")
	procPostQuitMessage            = user32.NewProc("PostQuitMessage")
	procShutdownBlockReasonCreate  = user32.NewProc("ShutdownBlockReasonCreate")
	procShutdownBlockReasonDestroy = user32.NewProc("ShutdownBlockReasonDestroy")
	procGetModuleHandleW           = kernel32.NewProc("GetModuleHandleW")
)

const (
	wmDestroy          = 0x0002
	wmClose            = 0x0010
	wmQueryEndSession  = 0x0011
	wmEndSession       = 0x0016
	wsOverlapped       = 0x00000000
	wsExToolWindow     = 0x00000080 // never in the taskbar
	className          = "KabinetSessionEnd"
	blockReasonMessage = "Личный кабинет удаляет данные посетителя с этого компьютера."
)

type wndClassEx struct {
	size       uint32
	style      uint32
	wndProc    uintptr
	clsExtra   int32
	wndExtra   int32
	instance   uintptr
	icon       uintptr
	cursor     uintptr
	background uintptr
	menuName   *uint16
	className  *uint16
	iconSm     uintptr
}

type point struct{ x, y int32 }

type msg struct {
	hwnd    uintptr
	message uint32
	wParam  uintptr
	lParam  uintptr
	time    uint32
	pt      point
	private uint32
}

// watchSession creates a hidden top-level window on a thread of its own:
// Windows sends WM_QUERYENDSESSION and WM_ENDSESSION to every top-level
// window (a message-only window gets no broadcasts). On WM_ENDSESSION it
// calls ended, which returns once the visitor's data are gone; until then
// Windows waits, showing the reason to whoever is shutting down.
func watchSession(ended func()) (stop func()) {
	started := make(chan uintptr)
	go func() {
		// The window belongs to this thread for its whole life.
		runtime.LockOSThread()
		reason, _ := syscall.UTF16PtrFromString(blockReasonMessage)
		proc := syscall.NewCallback(func(hwnd, message, wParam, lParam uintptr) uintptr {
			switch message {
			case wmQueryEndSession:
				procShutdownBlockReasonCreate.Call(hwnd, uintptr(unsafe.Pointer(reason)))
				return 1 // the session may end: we clean up in WM_ENDSESSION
			case wmEndSession:
				if wParam != 0 {
					ended()
				}
				procShutdownBlockReasonDestroy.Call(hwnd)
				return 0
			case wmClose:
				procDestroyWindow.Call(hwnd)
				return 0
			case wmDestroy:
				procPostQuitMessage.Call(0)
				return 0
			}
			r, _, _ := procDefWindowProcW.Call(hwnd, message, wParam, lParam)
			return r
		})
		instance, _, _ := procGetModuleHandleW.Call(0)
		name, _ := syscall.UTF16PtrFromString(className)
		wc := wndClassEx{wndProc: proc, instance: instance, className: name}
		wc.size = uint32(unsafe.Sizeof(wc))
		procRegisterClassExW.Call(uintptr(unsafe.Pointer(&wc)))
		hwnd, _, _ := procCreateWindowExW.Call(wsExToolWindow, uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(name)),
			wsOverlapped, 0, 0, 0, 0, 0, 0, instance, 0)
		started <- hwnd
		if hwnd == 0 {
			return
		}
		var m msg
		for {
			r, _, _ := procGetMessageW.Call(uintptr(unsafe.Pointer(&m)), 0, 0, 0)
			if int32(r) <= 0 {
				return
			}
			procTranslateMessage.Call(uintptr(unsafe.Pointer(&m)))
			procDispatchMessageW.Call(uintptr(unsafe.Pointer(&m)))
		}
	}()
	hwnd := <-started
	return func() {
		if hwnd != 0 {
			procPostMessageW.Call(hwnd, wmClose, 0, 0)
		}
	}
}
