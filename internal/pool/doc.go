// Package pool runs a list of independent jobs a bounded number at a time,
// each result kept at its job's index so the order is the input's.
package pool
