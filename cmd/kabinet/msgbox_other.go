//go:build !windows

package main

// messageBox has nothing to show with on other systems: the console
// message is all there is.
func messageBox(title, text string) {}

// useParentConsole: a program on other systems always has its terminal.
func useParentConsole() {}
