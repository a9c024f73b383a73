// Package publicapi is a module outside gonvme that uses the library as a
// consumer would, importing only its public packages. Its module path is
// not under github.com/gonvme/gonvme, so an internal package cannot be
// imported: if a public signature needed an internal type, this would not
// compile.
package publicapi
