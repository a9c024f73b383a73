// Package kfixtures names the fixture trees captured from real kernels by
// `make fixtures` (testdata/kernel/<kernel>: 6.1, 6.12, 7.x), so that a test
// written against one kernel's capture runs on every captured kernel.
//
// It is for tests only; nothing in the binary imports it.
package kfixtures
