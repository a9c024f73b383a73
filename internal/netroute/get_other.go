//go:build !linux

package netroute

import "errors"

// Get is the kernel's route decision, asked over netlink on Linux only.
func Get(q Query) (Route, error) {
	return Route{}, errors.New("route lookup needs Linux netlink")
}

// Exchange is a netlink request and its answer, on Linux only.
func Exchange(req []byte) ([]byte, error) {
	return nil, errors.New("netlink needs Linux")
}
