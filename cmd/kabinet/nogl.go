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
	if bytes.Contains(p, []byte("window creation error")) || bytes.Contains(p, []byte("failed to initialise GLFW")) {
		g.once.Do(func() {
			reportNoGraphics()
			os.Exit(1)
		})
	}
	return n, err
}
