// Package apicheck holds the test that keeps gonvme's public packages
// self-contained: no exported identifier of a public package may name a
// type from an internal package, since no importer could name it.
package apicheck
