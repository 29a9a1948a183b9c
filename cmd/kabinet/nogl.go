package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// noGraphics is said when the window could not be opened: on old library
// computers and in remote sessions the usual cause is missing OpenGL 2.1.
const noGraphics = `Не удалось открыть окно программы «Личный кабинет».
Скорее всего, на этом компьютере не работает графика OpenGL 2.1, которая нужна программе.

Что можно сделать:
 1. Обновите драйвер видеокарты (или попросите об этом администратора компьютера).
 2. На компьютере без драйвера видеокарты (виртуальная машина, удалённый рабочий стол)
    положите рядом с программой файл opengl32.dll из пакета Mesa (программная графика).
 3. Пока окно не открывается, показания можно передать по телефону контакт-центра
    8 800 200-83-05 или из командной строки: kabinet help.`

// reportNoGraphics tells the person why the window did not open, in the
// console and, where there is one, in a system message box.
func reportNoGraphics() {
	fmt.Fprintln(os.Stderr, noGraphics)
	messageBox("Личный кабинет", noGraphics)
}

// graphicsWatch passes Fyne's log on and ends the program with the
// explanation when it reports that no window can be created.
type graphicsWatch struct {
	out  io.Writer
	once sync.Once
}

func (g *graphicsWatch) Write(p []byte) (int, error) {
	n, err := g.out.Write(p)
	if noWindow(p) {
		g.once.Do(func() {
			reportNoGraphics()
			os.Exit(1)
		})
	}
	return n, err
}

// noWindow reports whether a log line says the window cannot be opened:
// Fyne's own words, or a GLFW error about the OpenGL context. On Windows a
// failing GLFW start (for example «PlatformError: WGL: Failed to set pixel
// format for dummy context») is only logged by go-gl/glfw, and the program
// would then wait forever without a window.
func noWindow(line []byte) bool {
	if bytes.Contains(line, []byte("window creation error")) || bytes.Contains(line, []byte("failed to initialise GLFW")) {
		return true
	}
	for _, kind := range [][]byte{[]byte("PlatformError: "), []byte("APIUnavailable: "), []byte("VersionUnavailable: ")} {
		if _, rest, ok := bytes.Cut(line, kind); ok {
			for _, api := range [][]byte{[]byte("WGL:"), []byte("GLX:"), []byte("EGL:")} {
				if bytes.HasPrefix(rest, api) {
					return true
				}
			}
		}
	}
	return false
}
