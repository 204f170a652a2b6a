// Package main does not compile, on purpose: the gofunction test checks that
// synthesis fails with the compiler's message.
package main

func main() {
	undefinedFunction()
}
