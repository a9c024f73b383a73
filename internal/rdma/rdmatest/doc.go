// Package rdmatest fakes the kernel's uverbs port queries for tests with
// the answers captured from a real kernel (testdata/kernel/6.1/rdma/uverbs).
package rdmatest
