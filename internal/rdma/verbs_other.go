//go:build !linux

package rdma

import "errors"

// QueryPorts needs Linux's uverbs devices.
func QueryPorts(path string, ports []int) (map[int]PortAttr, error) {
	return nil, errors.New("querying RDMA ports needs Linux")
}

// QueryPortsRaw needs Linux's uverbs devices.
func QueryPortsRaw(path string, ports []int) (map[int][]byte, error) {
	return nil, errors.New("querying RDMA ports needs Linux")
}
