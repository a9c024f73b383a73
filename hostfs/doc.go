// Package hostfs locates the host files gonvme reads and writes — /sys, /dev
// and /etc — under one injectable root.
//
// Production code uses the real root ("/"); tests point the same code at a
// tree captured from a real kernel under testdata. Every package that touches
// host files takes an FS value instead of hard-coding absolute paths.
package hostfs
